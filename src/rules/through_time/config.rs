//! The settings of the Through-time chapter's recurrent networks, declared once
//! ([`crate::settings!`]): one config for BPTT, e-prop and RFLO, as the feed-forward rules share
//! theirs.

use crate::schema::Choices;
use serde::{Deserialize, Serialize};

/// What the recurrent network learns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum RecurrentTask {
    /// Pattern generation: the readout reproduces a sum of four sines from frozen Poisson input.
    #[default]
    Pattern,
    /// Delayed cue: a cue from one of two input groups at the start, a silent delay, then a go
    /// signal; the readout must say which group it was.
    Cue,
}

impl Choices for RecurrentTask {
    const CHOICES: &'static [(&'static str, &'static str)] =
        &[("pattern", "pattern generation (sum of sines)"), ("cue", "delayed cue (memory)")];
}

/// How e-prop's learning signal reaches the neurons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum RecurrentFeedback {
    /// Through the readout weights, `B = W^outᵀ`.
    #[default]
    Symmetric,
    /// Through fixed random weights.
    Random,
}

impl Choices for RecurrentFeedback {
    const CHOICES: &'static [(&'static str, &'static str)] =
        &[("symmetric", "symmetric (W_outᵀ)"), ("random", "random")];
}

crate::settings! {
    /// Settings of a recurrent network trained through time by BPTT, e-prop or RFLO. Defaults:
    /// pattern generation, 100 inputs at 50 Hz, 100 neurons, a 1 s trial at dt = 1 ms, Adam at
    /// 0.003, 300 iterations.
    pub struct RecurrentConfig {
        /// What the network learns.
        task: RecurrentTask = RecurrentTask::Pattern, "task", Kind::choice::<RecurrentTask>();
        /// Input neurons (frozen Poisson spike trains for the pattern; four groups for the cue task).
        inputs: usize = 100, "input neurons", Kind::int(4.0, 200.0);
        /// Poisson rate of an active input.
        input_rate: f64 = 50.0, "input rate" in "Hz", Kind::number(5.0, 100.0);
        /// Recurrent neurons (spiking LIF/ALIF for BPTT and e-prop; rate units for RFLO).
        ///
        /// At most 200: the memory table's three methods on a 3 s trial take about 7 s natively
        /// at 300 neurons (in short work units, but long to wait for).
        neurons: usize = 100, "recurrent neurons", Kind::int(1.0, 200.0);
        /// Fraction of the neurons with an adaptive threshold (ALIF); they hold memory over seconds.
        adaptive: f64 = 0.0, "adaptive (ALIF) fraction", Kind::number(0.0, 1.0);
        /// Length of one trial, at dt = 1 ms.
        duration: f64 = 1000.0, "trial length" in "ms", Kind::number(200.0, 3000.0);
        /// How e-prop's learning signal reaches the neurons.
        feedback: RecurrentFeedback = RecurrentFeedback::Symmetric, "feedback B", Kind::choice::<RecurrentFeedback>(), only [Eprop];
        /// Learning rate of Adam (β₁ 0.9, β₂ 0.999).
        lr: f64 = 0.003, "learning rate", Kind::positive(1.0);
        /// Training iterations: one trial and one update each.
        iterations: u32 = 300, "iterations", Kind::int(1.0, 100_000.0);
        /// Seed of the weights, the feedback, the frozen inputs and the cue trials.
        seed: u64 = 1, "seed", Kind::seed();
    }
    check(self) {
        Ok(())
    }
}

impl RecurrentConfig {
    /// Time steps per trial.
    pub fn steps(&self) -> usize {
        self.duration.round().max(1.0) as usize
    }

    /// Readout units: one for the pattern, one per cue.
    pub fn outputs(&self) -> usize {
        match self.task {
            RecurrentTask::Pattern => 1,
            RecurrentTask::Cue => 2,
        }
    }

    /// The starting settings of the Through-time chapter's figures: `time_cue`, the delayed-cue
    /// task ([`Self::preset`]).
    pub fn figure_presets() -> Vec<(&'static str, Self)> {
        vec![("time_cue", Self::preset(RecurrentTask::Cue))]
    }

    /// The starting settings of a task: the defaults for the pattern; for the delayed cue, half the
    /// neurons adaptive, 800 ms trials, 1,000 iterations at a rate of 0.01.
    pub fn preset(task: RecurrentTask) -> Self {
        match task {
            RecurrentTask::Pattern => Self::default(),
            RecurrentTask::Cue => {
                Self { task, adaptive: 0.5, duration: 800.0, iterations: 1000, lr: 0.01, ..Self::default() }
            }
        }
    }
}
