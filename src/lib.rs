//! brainprop: the learning-rule engine.
//!
//! This library never touches the browser: the web worker (`src/bin/engine_worker.rs`), the
//! chart painter on the page (`src/bin/ui.rs`) and the command line (`src/bin/brainprop.rs`) all
//! drive it through [`rule::Rule`] and [`session::Session`].

pub mod alloc;
pub mod bursts;
pub mod chapter;
pub mod charts;
pub mod data;
pub mod error;
pub mod experiment;
pub mod metrics;
pub mod neuron;
pub mod nn;
pub mod protocol;
#[cfg(not(target_arch = "wasm32"))]
pub mod reproduce;
pub mod rng;
pub mod rule;
pub mod rules;
pub mod schema;
pub mod session;

pub use error::{Error, Result};
pub use experiment::Experiment;
pub use rule::{MetricTable, Rule, Snapshot, StepOutcome};

/// The cost estimates and limits every experiment is checked against ([`experiment::cost`]).
pub use experiment::cost;
