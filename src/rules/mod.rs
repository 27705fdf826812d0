//! The learning rules, one per file. Feed-forward rules differ only in how the output error
//! reaches the hidden layers (their [`feedforward::Credit`]); the minibatch loop that every one of
//! them shares is [`feedforward::Feedforward`].

pub mod backprop;
pub mod burstprop;
pub mod direct_feedback_alignment;
pub mod equilibrium_propagation;
pub mod feedback_alignment;
pub mod feedforward;
mod feedforward_config;
pub mod shallow;
pub mod sign_symmetry;

pub use feedforward_config::{limits, FeedbackDist, FeedforwardConfig};

use serde::{Deserialize, Serialize};

/// Every model the engine runs, as named in URLs, the protocol (`"rule": "bp"`) and the CLI's
/// `--rule`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleId {
    /// Backpropagation.
    Bp,
    /// Feedback alignment.
    Fa,
    /// Direct feedback alignment.
    Dfa,
    /// Sign symmetry.
    Sign,
    /// Only the output layer learns (the control).
    Shallow,
    /// BurstProp.
    Burstprop,
    /// Naud & Sprekeler's burst multiplexing (a population, no learning).
    Multiplex,
    /// Burst-dependent plasticity under a pairing protocol.
    Plasticity,
    /// Equilibrium propagation.
    Eqprop,
}

impl RuleId {
    /// Every rule, in the order of the talk's chapters.
    pub const ALL: [RuleId; 9] = [
        RuleId::Bp,
        RuleId::Eqprop,
        RuleId::Fa,
        RuleId::Dfa,
        RuleId::Sign,
        RuleId::Shallow,
        RuleId::Multiplex,
        RuleId::Plasticity,
        RuleId::Burstprop,
    ];

    /// The identifier, e.g. `"bp"`.
    pub fn name(self) -> &'static str {
        match self {
            RuleId::Bp => "bp",
            RuleId::Fa => "fa",
            RuleId::Dfa => "dfa",
            RuleId::Sign => "sign",
            RuleId::Shallow => "shallow",
            RuleId::Burstprop => "burstprop",
            RuleId::Multiplex => "multiplex",
            RuleId::Plasticity => "plasticity",
            RuleId::Eqprop => "eqprop",
        }
    }

    /// The name readers see, e.g. "feedback alignment".
    pub fn label(self) -> &'static str {
        match self {
            RuleId::Bp => "backprop",
            RuleId::Fa => "feedback alignment",
            RuleId::Dfa => "direct feedback alignment",
            RuleId::Sign => "sign symmetry",
            RuleId::Shallow => "shallow: output layer only",
            RuleId::Burstprop => "BurstProp",
            RuleId::Multiplex => "burst multiplexing",
            RuleId::Plasticity => "burst-dependent plasticity",
            RuleId::Eqprop => "equilibrium propagation",
        }
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for RuleId {
    type Err = crate::Error;

    /// Reads an identifier; the error lists the known ones.
    fn from_str(s: &str) -> crate::Result<Self> {
        RuleId::ALL.into_iter().find(|r| r.name() == s).ok_or_else(|| {
            let known: Vec<_> = RuleId::ALL.iter().map(|r| r.name()).collect();
            crate::Error::invalid("rule", format!("unknown rule '{s}'; known: {}", known.join(", ")))
        })
    }
}
