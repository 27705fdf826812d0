//! What to run: one configuration type shared by the URL hash, the worker protocol and the CLI.
//!
//! `Experiment` is tagged by `rule`, so `{"rule": "bp", "data": "mnist", "hidden": [500]}` is a
//! complete experiment; missing fields take their defaults. [`Experiment::build`] validates it
//! and makes the model.

use crate::bursts::multiplexing::{MultiplexConfig, Multiplexing};
use crate::bursts::plasticity::{PairingProtocol, PlasticityCurve};
use crate::data::{mnist, toy, DataKind, Split};
use crate::nn::{Activation, Init, Loss};
use crate::rng::{rng_for, Stream};
use crate::rule::Rule;
use crate::rules;
use crate::rules::equilibrium_propagation::{EqPropConfig, EquilibriumPropagation};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Settings of every rule that trains a feed-forward network on a classification set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedforwardConfig {
    pub data: DataKind,
    /// Hidden-layer widths; empty for a network with no hidden layer.
    pub hidden: Vec<usize>,
    pub activation: Activation,
    pub loss: Loss,
    /// Learning rate η.
    pub lr: f64,
    /// Learning rate of the output layer, when it differs from `lr` (BurstProp's sigmoid outputs
    /// saturate at 0 under a large one).
    pub output_lr: Option<f64>,
    /// Momentum μ (0 for plain SGD).
    pub momentum: f64,
    /// Minibatch size.
    pub batch: usize,
    /// Training stops after this many epochs.
    pub epochs: u32,
    pub seed: u64,
    /// Gaussian noise (standard deviation) added to the 2-D toy sets.
    pub noise: f64,
    /// Training and test points of a toy set (each).
    pub points: usize,
    pub init: Init,
    /// Multiplies the initial weight range.
    pub init_scale: f64,
    /// Scale of the feedback matrices (FA, DFA, sign symmetry), relative to the forward init.
    pub feedback_scale: f64,
    /// Distribution of the fixed random feedback matrices (FA, DFA).
    pub feedback_dist: FeedbackDist,
    /// L2 weight decay λ on the forward weights (and on learned feedback).
    pub weight_decay: f64,
    /// BurstProp: the output layer's burst probability without a teacher, `p_b`.
    pub p_baseline: f64,
    /// BurstProp: learn the feedback weights Y (Kolen–Pollack style) instead of keeping them fixed.
    pub learn_feedback: bool,
}

/// How fixed random feedback weights are drawn. Both have the variance of the forward init.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FeedbackDist {
    #[default]
    Gaussian,
    Uniform,
}

impl Default for FeedforwardConfig {
    fn default() -> Self {
        Self {
            data: DataKind::Circles,
            hidden: vec![8, 8],
            activation: Activation::Tanh,
            loss: Loss::CrossEntropy,
            lr: 0.1,
            output_lr: None,
            momentum: 0.0,
            batch: 10,
            epochs: 200,
            seed: 1,
            noise: 0.05,
            points: 400,
            init: Init::Xavier,
            init_scale: 1.0,
            feedback_scale: 1.0,
            feedback_dist: FeedbackDist::Gaussian,
            weight_decay: 0.0,
            p_baseline: 0.2,
            learn_feedback: true,
        }
    }
}

/// Limits that the URL hash clamps to and that [`FeedforwardConfig::validate`] enforces.
pub mod limits {
    pub const MAX_HIDDEN_LAYERS: usize = 12;
    pub const MAX_WIDTH: usize = 2048;
    pub const MAX_BATCH: usize = 1024;
    pub const MAX_EPOCHS: u32 = 10_000;
    pub const MAX_LR: f64 = 10.0;
    pub const MAX_POINTS: usize = 5_000;
}

impl FeedforwardConfig {
    /// Checks every value, naming the first one out of range.
    pub fn validate(&self) -> Result<()> {
        use limits::*;
        if self.hidden.len() > MAX_HIDDEN_LAYERS {
            return Err(Error::invalid(
                "hidden",
                format!("at most {MAX_HIDDEN_LAYERS} hidden layers, got {}", self.hidden.len()),
            ));
        }
        if let Some(w) = self.hidden.iter().find(|&&w| w == 0 || w > MAX_WIDTH) {
            return Err(Error::invalid("hidden", format!("layer widths must be 1–{MAX_WIDTH}, got {w}")));
        }
        if !(self.lr > 0.0 && self.lr <= MAX_LR) {
            return Err(Error::invalid("lr", format!("must be in (0, {MAX_LR}], got {}", self.lr)));
        }
        if let Some(lr) = self.output_lr.filter(|&lr| !(lr > 0.0 && lr <= MAX_LR)) {
            return Err(Error::invalid("output_lr", format!("must be in (0, {MAX_LR}], got {lr}")));
        }
        if !(0.0..1.0).contains(&self.momentum) {
            return Err(Error::invalid("momentum", format!("must be in [0, 1), got {}", self.momentum)));
        }
        if self.batch == 0 || self.batch > MAX_BATCH {
            return Err(Error::invalid("batch", format!("must be 1–{MAX_BATCH}, got {}", self.batch)));
        }
        if self.epochs == 0 || self.epochs > MAX_EPOCHS {
            return Err(Error::invalid("epochs", format!("must be 1–{MAX_EPOCHS}, got {}", self.epochs)));
        }
        if !(0.0..=1.0).contains(&self.noise) {
            return Err(Error::invalid("noise", format!("must be in [0, 1], got {}", self.noise)));
        }
        if self.points < 10 || self.points > MAX_POINTS {
            return Err(Error::invalid("points", format!("must be 10–{MAX_POINTS}, got {}", self.points)));
        }
        if self.data.is_regression() && self.loss != Loss::Mse {
            return Err(Error::invalid("loss", "the linear-map task is a regression: use mse"));
        }
        if !(self.init_scale >= 0.0 && self.init_scale <= 10.0) {
            return Err(Error::invalid("init_scale", format!("must be in [0, 10], got {}", self.init_scale)));
        }
        if !(self.feedback_scale > 0.0 && self.feedback_scale <= 100.0) {
            return Err(Error::invalid("feedback_scale", format!("must be in (0, 100], got {}", self.feedback_scale)));
        }
        if !(0.0..=0.1).contains(&self.weight_decay) {
            return Err(Error::invalid("weight_decay", format!("must be in [0, 0.1], got {}", self.weight_decay)));
        }
        if !(self.p_baseline > 0.0 && self.p_baseline < 1.0) {
            return Err(Error::invalid("p_baseline", format!("must be in (0, 1), got {}", self.p_baseline)));
        }
        Ok(())
    }

    /// The starting settings for a data set: a small tanh net for the 2-D sets; for MNIST the
    /// 784-500-10 sigmoid network with softmax–cross-entropy, batch 32, 20 epochs, feedback 5× the
    /// init spread; for the linear
    /// map Lillicrap's linear 30-20-10 network trained online (batch 1) on MSE.
    pub fn preset(data: DataKind) -> Self {
        match data {
            DataKind::Mnist => Self {
                data,
                hidden: vec![500],
                activation: Activation::Sigmoid,
                lr: 1.0,
                batch: 32,
                epochs: 20,
                // Fixed feedback with the spread of the Glorot init is ~10× smaller than the
                // output weights become, which starves FA's hidden layer at this learning rate
                // (its accuracy then swings by ±4 points between epochs); 5× keeps FA and DFA
                // within a point of BP (reports/feedback.md).
                feedback_scale: 5.0,
                ..Self::default()
            },
            DataKind::Linear => Self {
                data,
                hidden: vec![20],
                activation: Activation::Linear,
                loss: Loss::Mse,
                lr: 0.0005,
                batch: 1,
                epochs: 20,
                points: 1000,
                ..Self::default()
            },
            _ => Self { data, ..Self::default() },
        }
    }

    /// The starting settings of rule `rule` on a data set: [`Self::preset`], except for BurstProp,
    /// whose units are sigmoids with a sigmoid–MSE output. Its rates come from a search on MNIST
    /// 8k/2k (seed 1, 20 epochs): the hidden layer needs a large rate because its error signal is
    /// a difference of burst probabilities (about `p_b σ'(u)` ≈ 0.05 of the gradient's size),
    /// while an output rate above ~0.05 drives sigmoid outputs to 0 for good.
    pub fn preset_for(rule: &str, data: DataKind) -> Self {
        let preset = Self::preset(data);
        match rule {
            "burstprop" => Self {
                activation: Activation::Sigmoid,
                loss: Loss::SigmoidMse,
                lr: 5.0,
                output_lr: Some(0.05),
                momentum: 0.9,
                weight_decay: 1e-5,
                feedback_scale: 1.0,
                ..preset
            },
            _ => preset,
        }
    }

    /// The learning rate of layer `layer` of a network with `depth` layers.
    pub fn layer_lr(&self, layer: usize, depth: usize) -> f64 {
        match self.output_lr {
            Some(lr) if layer + 1 == depth => lr,
            _ => self.lr,
        }
    }

    /// Layer widths from input to output for a data set of `dims` inputs and `classes` outputs.
    pub fn sizes(&self, dims: usize, classes: usize) -> Vec<usize> {
        let mut sizes = vec![dims];
        sizes.extend(&self.hidden);
        sizes.push(classes);
        sizes
    }
}

/// A complete description of one run: the rule and its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "lowercase")]
pub enum Experiment {
    /// Backpropagation: the baseline every chapter compares with.
    Bp(FeedforwardConfig),
    /// Feedback alignment: errors return through fixed random matrices.
    Fa(FeedforwardConfig),
    /// Direct feedback alignment: the output error goes straight to every hidden layer.
    Dfa(FeedforwardConfig),
    /// Sign symmetry: feedback shares only the signs of the forward weights.
    Sign(FeedforwardConfig),
    /// Only the output layer learns (the control).
    Shallow(FeedforwardConfig),
    /// BurstProp: event rates forward, burst probabilities backward, burst-dependent plasticity.
    Burstprop(FeedforwardConfig),
    /// Naud & Sprekeler's burst multiplexing: a two-compartment population, no learning.
    Multiplex(MultiplexConfig),
    /// Burst-dependent plasticity under a Sjöström-style pairing protocol, frequency by frequency.
    Plasticity(PairingProtocol),
    /// Equilibrium propagation: a free and a weakly clamped relaxation of a Hopfield network.
    Eqprop(EqPropConfig),
}

impl Default for Experiment {
    fn default() -> Self {
        Experiment::Bp(FeedforwardConfig::default())
    }
}

impl Experiment {
    /// Every rule identifier, as used in URLs and by `--rule`.
    pub const RULES: [&'static str; 9] =
        ["bp", "fa", "dfa", "sign", "shallow", "burstprop", "multiplex", "plasticity", "eqprop"];

    /// The rule's identifier (the `rule` tag).
    pub fn rule_id(&self) -> &'static str {
        match self {
            Experiment::Bp(_) => "bp",
            Experiment::Fa(_) => "fa",
            Experiment::Dfa(_) => "dfa",
            Experiment::Sign(_) => "sign",
            Experiment::Shallow(_) => "shallow",
            Experiment::Burstprop(_) => "burstprop",
            Experiment::Multiplex(_) => "multiplex",
            Experiment::Plasticity(_) => "plasticity",
            Experiment::Eqprop(_) => "eqprop",
        }
    }

    /// Rule `rule`'s starting settings on data set `data` (the CLI's `train` without `--config`).
    pub fn preset(rule: &str, data: DataKind) -> Result<Self> {
        Ok(match rule {
            "eqprop" => Experiment::Eqprop(EqPropConfig::preset(data)),
            "multiplex" => Experiment::Multiplex(MultiplexConfig::default()),
            "plasticity" => Experiment::Plasticity(PairingProtocol::default()),
            _ => Self::feedforward_rule(rule, FeedforwardConfig::preset_for(rule, data))?,
        })
    }

    /// The run the benchmarks time for `rule` (`brainprop bench`, scripts/bench.sh): MNIST
    /// 784-500-10 at batch 32 with the rule's preset for the learning rules (EqProp: the reference
    /// batch of 20, 20 free + 4 nudged steps), and the 300-neuron
    /// population for `multiplex` (its "samples" are simulated milliseconds). Runs never finish.
    pub fn benchmark(rule: &str) -> Result<Self> {
        match rule {
            "multiplex" => {
                Ok(Experiment::Multiplex(MultiplexConfig { duration_s: 600.0, ..MultiplexConfig::default() }))
            }
            "eqprop" => {
                Ok(Experiment::Eqprop(EqPropConfig { epochs: 10_000, ..EqPropConfig::preset(DataKind::Mnist) }))
            }
            _ => {
                let config = FeedforwardConfig {
                    batch: 32,
                    epochs: 10_000,
                    ..FeedforwardConfig::preset_for(rule, DataKind::Mnist)
                };
                Self::feedforward_rule(rule, config)
            }
        }
    }

    /// The network (or population) and batch size of a benchmark run, for its table.
    pub fn benchmark_shape(&self) -> (String, usize) {
        match self {
            Experiment::Multiplex(c) => (format!("{} neurons dt 0.1 ms", c.neurons), 1),
            Experiment::Plasticity(p) => (format!("{} neurons", p.neurons), 1),
            Experiment::Eqprop(c) => {
                let sizes: Vec<String> = [784].iter().chain(&c.hidden).chain(&[10]).map(|s| s.to_string()).collect();
                (format!("{} ({}+{} steps)", sizes.join("-"), c.free_steps, c.nudged_steps), c.batch)
            }
            other => {
                let c = other.feedforward().expect("the other experiments are feed-forward");
                let sizes = c.sizes(if c.data == DataKind::Mnist { 784 } else { 2 }, 10);
                (sizes.iter().map(|s| s.to_string()).collect::<Vec<_>>().join("-"), c.batch)
            }
        }
    }

    /// An experiment of rule `id` with the feed-forward settings `config`.
    pub fn feedforward_rule(id: &str, config: FeedforwardConfig) -> Result<Self> {
        Ok(match id {
            "bp" => Experiment::Bp(config),
            "fa" => Experiment::Fa(config),
            "dfa" => Experiment::Dfa(config),
            "sign" => Experiment::Sign(config),
            "shallow" => Experiment::Shallow(config),
            "burstprop" => Experiment::Burstprop(config),
            other => {
                return Err(Error::invalid(
                    "rule",
                    format!("unknown rule '{other}'; known: {}", Self::RULES.join(", ")),
                ))
            }
        })
    }

    /// The feed-forward settings, for experiments that have them.
    pub fn feedforward(&self) -> Option<&FeedforwardConfig> {
        match self {
            Experiment::Bp(c)
            | Experiment::Fa(c)
            | Experiment::Dfa(c)
            | Experiment::Sign(c)
            | Experiment::Shallow(c)
            | Experiment::Burstprop(c) => Some(c),
            Experiment::Multiplex(_) | Experiment::Plasticity(_) | Experiment::Eqprop(_) => None,
        }
    }

    pub fn feedforward_mut(&mut self) -> Option<&mut FeedforwardConfig> {
        match self {
            Experiment::Bp(c)
            | Experiment::Fa(c)
            | Experiment::Dfa(c)
            | Experiment::Sign(c)
            | Experiment::Shallow(c)
            | Experiment::Burstprop(c) => Some(c),
            Experiment::Multiplex(_) | Experiment::Plasticity(_) | Experiment::Eqprop(_) => None,
        }
    }

    /// Which data set the experiment needs loaded before [`Experiment::build`], if any.
    pub fn needs(&self) -> Option<DataKind> {
        let data = match self {
            Experiment::Eqprop(c) => Some(c.data),
            other => other.feedforward().map(|c| c.data),
        };
        data.filter(|d| *d == DataKind::Mnist)
    }

    /// Validates the settings and builds the model. `store` supplies data sets loaded from files.
    pub fn build(&self, store: &DataStore) -> Result<Box<dyn Rule + Send>> {
        use rules::feedforward::Feedforward;
        let c = match self {
            Experiment::Multiplex(config) => return Ok(Box::new(Multiplexing::new(config.clone())?)),
            Experiment::Plasticity(protocol) => return Ok(Box::new(PlasticityCurve::new(protocol.clone())?)),
            Experiment::Eqprop(config) => {
                config.validate()?;
                let data = store.split_for(&config.data_config())?;
                return Ok(Box::new(EquilibriumPropagation::new(config.clone(), data)?));
            }
            other => other.feedforward().expect("every other experiment is feed-forward"),
        };
        c.validate()?;
        let data = store.split_for(c)?;
        let sizes = c.sizes(data.train.dims(), data.train.classes);
        let feedback_rng = &mut rng_for(c.seed, Stream::Feedback);
        let c = c.clone();
        Ok(match self {
            Experiment::Bp(_) => Box::new(Feedforward::new(c, data, rules::backprop::Backprop)?),
            Experiment::Fa(_) => {
                let credit = rules::feedback_alignment::FeedbackAlignment::new(&sizes, &c, feedback_rng);
                Box::new(Feedforward::new(c, data, credit)?)
            }
            Experiment::Dfa(_) => {
                let credit = rules::direct_feedback_alignment::DirectFeedbackAlignment::new(&sizes, &c, feedback_rng);
                Box::new(Feedforward::new(c, data, credit)?)
            }
            Experiment::Sign(_) => {
                let credit = rules::sign_symmetry::SignSymmetry::new(&sizes, c.feedback_scale);
                Box::new(Feedforward::new(c, data, credit)?)
            }
            Experiment::Shallow(_) => Box::new(Feedforward::new(c, data, rules::shallow::Shallow)?),
            Experiment::Burstprop(_) => {
                if c.activation != Activation::Sigmoid || c.loss != Loss::SigmoidMse {
                    return Err(Error::invalid(
                        "activation",
                        "BurstProp's event rates and burst probabilities are sigmoid units: use activation sigmoid \
                         and loss sigmoid-mse",
                    ));
                }
                let credit = rules::burstprop::Burstprop::new(&sizes, c.batch, &c, feedback_rng);
                Box::new(Feedforward::new(c, data, credit)?)
            }
            Experiment::Multiplex(_) | Experiment::Plasticity(_) | Experiment::Eqprop(_) => {
                unreachable!("built before the feed-forward settings were read")
            }
        })
    }
}

/// Data sets that come from files (MNIST), loaded once and shared by every model built from them.
#[derive(Debug, Default, Clone)]
pub struct DataStore {
    mnist: Option<Arc<Split>>,
}

impl DataStore {
    /// Parses and keeps the bytes of `data/mnist.bin`.
    pub fn load_mnist_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        self.mnist = Some(Arc::new(mnist::parse(bytes)?));
        Ok(())
    }

    pub fn has_mnist(&self) -> bool {
        self.mnist.is_some()
    }

    pub fn with_mnist(split: Split) -> Self {
        Self { mnist: Some(Arc::new(split)) }
    }

    /// The split an experiment trains on: MNIST from the store, toy sets generated from the seed.
    pub fn split_for(&self, c: &FeedforwardConfig) -> Result<Arc<Split>> {
        match c.data {
            DataKind::Mnist => self.mnist.clone().ok_or_else(|| Error::Data("MNIST is not loaded yet".into())),
            DataKind::Linear => {
                Ok(Arc::new(toy::linear_map(c.points, c.points, &mut rng_for(c.seed, Stream::DataGeneration))))
            }
            kind => Ok(Arc::new(toy::generate(
                kind,
                c.points,
                c.points,
                c.noise,
                &mut rng_for(c.seed, Stream::DataGeneration),
            ))),
        }
    }
}
