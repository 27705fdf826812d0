//! The site's chapters, in the order of the talk: their ids are the same in the URL
//! (`#chapter=feedback`), in `brainprop reproduce <chapter>`, in the report's file name and in the
//! Rust module that reproduces them (`reproduce::feedback`). One exception: the `time` chapter's
//! report is `through-time.md`, from `reproduce::through_time`, and `brainprop reproduce`
//! takes `through-time` as well as `time` ([`Chapter::parse_cli`]).

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
    pub const REPRODUCED: [Chapter; 5] =
        [Chapter::Nudging, Chapter::Feedback, Chapter::Spikes, Chapter::Dendrites, Chapter::Time];

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

    /// A chapter named on the command line: its id, or `through-time` for [`Chapter::Time`].
    ///
    /// Errors: the unknown name and the known ones.
    pub fn parse_cli(name: &str) -> Result<Self, String> {
        if name == "through-time" {
            return Ok(Chapter::Time);
        }
        name.parse()
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
