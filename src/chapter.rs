//! The site's chapters, in the order of the talk: their ids are the same in the URL
//! (`#chapter=feedback`), in `brainprop reproduce <chapter>`, in the report's file name and in the
//! Rust module that reproduces them (`reproduce::feedback`).

use serde::{Deserialize, Serialize};

/// A chapter of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Chapter {
    /// Backprop itself, the baseline.
    Backprop,
    /// Objection 1, no explicit error term: equilibrium propagation.
    Nudging,
    /// Objection 2, weight transport: feedback alignment and its relatives.
    Feedback,
    /// Objection 3, spikes have no derivative: SuperSpike.
    Spikes,
    /// Objection 4, no separate backward pass: segregated dendrites, burst multiplexing, BurstProp.
    Dendrites,
    /// The open problem: backprop through time.
    Time,
}

impl Chapter {
    /// Every chapter, in the order of the talk.
    pub const ALL: [Chapter; 6] =
        [Chapter::Backprop, Chapter::Nudging, Chapter::Feedback, Chapter::Spikes, Chapter::Dendrites, Chapter::Time];

    /// The chapters `brainprop reproduce` can rerun.
    pub const REPRODUCED: [Chapter; 4] = [Chapter::Nudging, Chapter::Feedback, Chapter::Spikes, Chapter::Dendrites];

    /// The id, e.g. `"feedback"`.
    pub fn name(self) -> &'static str {
        match self {
            Chapter::Backprop => "backprop",
            Chapter::Nudging => "nudging",
            Chapter::Feedback => "feedback",
            Chapter::Spikes => "spikes",
            Chapter::Dendrites => "dendrites",
            Chapter::Time => "time",
        }
    }

    /// The title readers see.
    pub fn title(self) -> &'static str {
        match self {
            Chapter::Backprop => "Backprop",
            Chapter::Nudging => "Nudging",
            Chapter::Feedback => "Random feedback",
            Chapter::Spikes => "Spikes",
            Chapter::Dendrites => "Dendrites & Bursts",
            Chapter::Time => "Through time",
        }
    }
}

crate::named_id!(Chapter, "chapter");
