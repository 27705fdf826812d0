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
pub mod gradient_check;
pub mod gradient_estimates;
pub mod kolen_pollack;
pub mod node_perturbation;
pub mod segregated_dendrites;
pub mod settling;
pub mod shallow;
pub mod sign_symmetry;
pub mod stdp;
pub mod superspike;
pub mod through_time;
pub mod weight_perturbation;

pub use feedforward_config::{check_layer_rates, limits, FeedbackDist, FeedforwardConfig};

pub use crate::rule::RuleId;
