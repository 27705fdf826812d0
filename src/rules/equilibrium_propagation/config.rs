//! The settings of an Equilibrium Propagation run: [`EqPropConfig`], its defaults (the reference's
//! MNIST hyper-parameters), the presets per data set, declared once with [`crate::settings!`] (fields, limits, labels, help).

use crate::data::{DataKind, DataSpec};
use crate::rules::limits as shared;
use crate::Error;

/// Limits of EqProp's own settings (widths, batches, epochs, rates and points are the
/// feed-forward networks' [`crate::rules::limits`]).
pub mod limits {
    pub const MAX_HIDDEN_LAYERS: usize = 6;
    /// Steps of a phase: 500 covers the published settings (Scellier & Bengio 2017: up to 500
    /// free steps for three hidden layers) and keeps the 784-500-10 network's evaluation of its
    /// 10,000 digits at a build within `cost::SETUP_LIMIT_MS` (5,000 took about 15 s).
    pub const MAX_STEPS: f64 = 500.0;
    pub const MAX_BETA: f64 = 10.0;
}

crate::settings! {
    /// Settings of an Equilibrium Propagation run. Defaults: the reference's 784-500-10 MNIST
    /// hyper-parameters (batch 20, 25 epochs, 20 free + 4 nudged steps, ε 0.5, β 0.5 with a random
    /// sign, α = 0.1, 0.05).
    pub struct EqPropConfig {
        /// The data set to learn (MNIST or a 2-D set; EqProp here classifies).
        data: DataKind = DataKind::Mnist, "data set", Kind::choice::<DataKind>();
        /// Gaussian noise (standard deviation) added to the 2-D toy sets.
        noise: f64 = 0.05, "noise", Kind::number(0.0, 1.0);
        /// Training and test points of a toy set (each).
        points: usize = 400, "points (train and test, each)", Kind::int(shared::MIN_POINTS, shared::MAX_POINTS);
        /// Widths, comma-separated; empty for none (the output then couples to the input only).
        hidden: Vec<usize> = vec![500], "hidden layers", Kind::widths(1.0, shared::MAX_WIDTH, limits::MAX_HIDDEN_LAYERS);
        /// Learning rate α of each weight layer, input side first (one more than hidden layers).
        #[serde(alias = "layer_lrs")]
        layer_lr: Vec<f64> = vec![0.1, 0.05], "learning rate per layer", Kind::reals(0.0, shared::MAX_LR, limits::MAX_HIDDEN_LAYERS + 1);
        /// Examples per minibatch.
        batch: usize = 20, "batch size", Kind::int(1.0, shared::MAX_BATCH);
        /// Training stops after this many epochs.
        epochs: u32 = 25, "epochs", Kind::int(1.0, shared::MAX_EPOCHS);
        /// Seed of every random draw: weights, data order, the sign of β, toy sets.
        seed: u64 = 1, "seed", Kind::seed();
        /// Steps of the free phase (β = 0), during training and evaluation.
        free_steps: usize = 20, "free steps", Kind::int(1.0, limits::MAX_STEPS);
        /// Steps of the weakly clamped phase, started from the free fixed point.
        nudged_steps: usize = 4, "nudged steps", Kind::int(1.0, limits::MAX_STEPS);
        /// Step size ε of the relaxation (stable below 2/(1+‖A‖); the reference's 0.5 settles).
        step_size: f64 = 0.5, "step size ε", Kind::positive(1.0);
        /// Nudging strength β (its sign is set by random_beta_sign).
        beta: f64 = 0.5, "nudging strength β", Kind::positive(limits::MAX_BETA);
        /// Draw the sign of β at random for every minibatch (no effect with symmetric nudging).
        random_beta_sign: bool = true, "random sign of β", Kind::Bool;
        /// Nudge with +β and with −β from the free fixed point and update from the difference.
        ///
        /// (Laborieux et al. 2021.) The update becomes (α/2β)(ρρ|^{+β} − ρρ|^{−β}), whose bias
        /// is O(β²) instead of O(β); it costs a second nudged phase per minibatch.
        symmetric: bool = false, "symmetric ±β nudging", Kind::Bool;
        /// Keep every training example's free fixed point and start its next free phase there.
        ///
        /// (The reference's persistent particles.) Off by default: from zero, 20 free steps
        /// already settle (relaxation residual < 1e-4 after the first epoch), and over seeds 1–3 on
        /// MNIST (25 epochs) the final test accuracy was 94.95 / 94.85 / 94.95 % without and
        /// 94.30 / 94.90 / 94.70 % with, for 16 MB more memory (8,000 × 510 floats) and training
        /// states that evaluation (from zero) does not share.
        persistent: bool = false, "persistent particles", Kind::Bool;
    }
    check(self) {
        if self.data.is_regression() {
            return Err(Error::invalid("data", "Equilibrium Propagation here classifies: use mnist or a 2-D set"));
        }
        crate::rules::check_layer_rates(&self.layer_lr, self.hidden.len(), true)
    }
}

impl EqPropConfig {
    /// The starting settings for a data set: the defaults (the reference's MNIST settings) for
    /// MNIST; for the 2-D sets a 2-64-2 network, batch 10, 100 epochs.
    pub fn preset(data: DataKind) -> Self {
        match data {
            DataKind::Mnist => Self::default(),
            _ => Self { data, hidden: vec![64], batch: 10, epochs: 100, layer_lr: vec![0.2, 0.1], ..Self::default() },
        }
    }

    /// Where the data come from.
    pub fn data_spec(&self) -> DataSpec {
        DataSpec { data: self.data, points: self.points, noise: self.noise, seed: self.seed }
    }

    /// Layer widths from input to output for a data set of `dims` inputs and `classes` outputs.
    pub fn sizes(&self, dims: usize, classes: usize) -> Vec<usize> {
        [&[dims][..], &self.hidden, &[classes]].concat()
    }
}
