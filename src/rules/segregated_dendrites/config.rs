//! The settings of the segregated-dendrite network, declared once ([`crate::settings!`]).

use crate::data::{DataKind, DataSpec};
use crate::rules::limits as shared;
use crate::schema::Choices;
use crate::Error;
use serde::{Deserialize, Serialize};

/// How the network is simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DendriteMode {
    /// Rates and steady states: each phase is its fixed point, `C = k_B·B` (the reference's
    /// `nonspiking_mode`, its default; fast).
    #[default]
    Nonspiking,
    /// Poisson spikes at dt = 1 ms: a forward and a target phase of 50 ms plus a random extra
    /// length each, averaged over their last 20 ms.
    Spiking,
}

impl Choices for DendriteMode {
    const CHOICES: &'static [(&'static str, &'static str)] =
        &[("nonspiking", "non-spiking (rates)"), ("spiking", "spiking (Poisson, 1 ms steps)")];
}

/// What the apical dendrites hear from the output layer: the matrices `Y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DendriteFeedback {
    /// Fixed random weights with the spread of the forward weights (feedback alignment).
    #[default]
    Random,
    /// Fixed random weights, 80 % of them zero and the rest ×5.
    Sparse,
    /// The forward weights themselves (weight transport; for deeper layers the product of the
    /// forward weights up to the output), following them as they learn.
    Symmetric,
    /// Symmetric, plus fixed noise as large as the forward weights' initial spread.
    Noisy,
}

impl Choices for DendriteFeedback {
    const CHOICES: &'static [(&'static str, &'static str)] = &[
        ("random", "random"),
        ("sparse", "sparse random (80 % zero, ×5)"),
        ("symmetric", "symmetric (Wᵀ)"),
        ("noisy", "symmetric + noise"),
    ];
}

/// Fraction of the sparse feedback's weights that are zero.
pub const SPARSE_ZERO_FRACTION: f64 = 0.8;
/// The factor the sparse feedback's surviving weights are multiplied by.
pub const SPARSE_GAIN: f32 = 5.0;

crate::settings! {
    /// Settings of the segregated-dendrite network (Guerguiev, Lillicrap & Richards 2017).
    /// Defaults: 784-500-10 on MNIST, non-spiking mode, random feedback, η = 0.21 for every
    /// layer (the reference's `example_script.py`), one example at a time, 20 epochs of the 8,000 training digits.
    pub struct DendritesConfig {
        /// The data set: pixel intensities become input firing rates, so only MNIST.
        data: DataKind = DataKind::Mnist, "data set", Kind::choice_of::<DataKind>(&["mnist"]);
        /// Hidden-layer widths, comma-separated; empty (or 0) for none.
        hidden: Vec<usize> = vec![500], "hidden layers", Kind::widths(1.0, 1000.0, 3);
        /// Rates and steady states (fast), or Poisson spikes at dt = 1 ms.
        mode: DendriteMode = DendriteMode::Nonspiking, "simulation", Kind::choice::<DendriteMode>();
        /// What the apical dendrites hear from the output layer.
        feedback: DendriteFeedback = DendriteFeedback::Random, "feedback Y", Kind::choice::<DendriteFeedback>();
        /// Learning rate η of every layer (the updates carry the reference's gains P_h = 20/λ_max and P_f = 20/λ_max²).
        lr: f64 = 0.21, "learning rate η", Kind::positive(shared::MAX_LR);
        /// Training stops after this many epochs (passes over the 8,000 training digits, one digit at a time).
        epochs: u32 = 20, "epochs", Kind::int(1.0, shared::MAX_EPOCHS);
        /// The hidden neuron whose compartments the spiking figure draws (of the first hidden layer).
        neuron: usize = 0, "neuron shown", Kind::int(0.0, 499.0);
        /// Seed of the weights, the feedback, the data order and the spikes.
        seed: u64 = 1, "seed", Kind::seed();
    }
    check(self) {
        let first = self.hidden.first().copied().unwrap_or(0);
        if !self.hidden.is_empty() && self.neuron >= first {
            return Err(Error::invalid(
                "neuron",
                format!("the first hidden layer has {first} neurons: choose one from 0 to {}", first - 1),
            ));
        }
        Ok(())
    }
}

impl DendritesConfig {
    /// Where the data come from (the store's MNIST split).
    pub fn data_spec(&self) -> DataSpec {
        DataSpec::new(self.data, 0, 0.0, self.seed)
    }

    /// The starting settings of the Dendrites & Bursts chapter's figures: `dendrites_trace` (one
    /// digit through time: spiking mode) and the non-spiking defaults.
    pub fn figure_presets() -> Vec<(&'static str, Self)> {
        vec![("dendrites_trace", Self { mode: DendriteMode::Spiking, epochs: 1, ..Self::default() })]
    }
}
