//! What to run: one rule and its settings. `Experiment` only composes: each rule's config lives
//! with the rule and declares its own fields ([`crate::schema`]); this module names the rules,
//! picks their presets, exports the schema of all of them and builds the model.
//!
//! `Experiment` is tagged by `rule`, so `{"rule": "bp", "data": "mnist", "hidden": [500]}` is a
//! complete experiment; missing fields take their defaults. [`Experiment::build`] validates it
//! and makes the model.

pub mod cost;
use crate::bursts::multiplexing::{MultiplexConfig, Multiplexing};
use crate::bursts::plasticity::{PairingProtocol, PlasticityCurve};
use crate::chapter::Chapter;
use crate::data::{DataKind, DataStore};
use crate::nn::{Activation, Loss};
use crate::rng::{rng_for, Stream};
use crate::rule::Rule;
use crate::rules::equilibrium_propagation::{EqPropConfig, EquilibriumPropagation};
use crate::rules::gradient_check::{GradientCheck, GradientCheckConfig};
use crate::rules::gradient_estimates::{EstimatesConfig, GradientEstimates};
use crate::rules::segregated_dendrites::{DendriteMode, DendritesConfig, SegregatedDendrites};
use crate::rules::settling::{Settling, SettlingConfig};
use crate::rules::stdp::{StdpConfig, StdpWindow};
use crate::rules::superspike::{SuperSpike, SuperSpikeConfig};
use crate::rules::through_time::{Method, RecurrentConfig, ThroughTime, TrialMemory};
use crate::rules::{self, FeedforwardConfig, RuleId};
use crate::schema::{Field, Settings};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

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
    /// Kolen–Pollack: the feedback learns with the forward weights' increments and decay.
    Kp(FeedforwardConfig),
    /// Node perturbation: each unit correlates its own noise with the change in loss.
    Np(FeedforwardConfig),
    /// Weight perturbation: every weight's noise against the change in the batch's loss.
    Wp(FeedforwardConfig),
    /// BurstProp: event rates forward, burst probabilities backward, burst-dependent plasticity.
    Burstprop(FeedforwardConfig),
    /// Naud & Sprekeler's burst multiplexing: a two-compartment population, no learning.
    Multiplex(MultiplexConfig),
    /// Burst-dependent plasticity under a Sjöström-style pairing protocol, frequency by frequency.
    Plasticity(PairingProtocol),
    /// Equilibrium propagation: a free and a weakly clamped relaxation of a Hopfield network.
    Eqprop(EqPropConfig),
    /// The STDP window that EqProp's update predicts, from Poisson spike trains.
    Stdp(StdpConfig),
    /// One MNIST test digit relaxing in an EqProp network, free then nudged.
    Settling(SettlingConfig),
    /// EqProp's update against the true gradient of the cost, β by β.
    #[serde(rename = "gradient_check")]
    GradientCheck(GradientCheckConfig),
    /// Each rule's hidden-layer update against the true gradient, averaged over k minibatches.
    Estimates(EstimatesConfig),
    /// SuperSpike: LIF networks learning target spike trains through a surrogate derivative.
    Superspike(SuperSpikeConfig),
    /// Segregated dendrites: hidden neurons learn from the difference of two apical plateaus.
    Dendrites(DendritesConfig),
    /// Backprop through time: a recurrent spiking network's exact gradient from its stored history.
    Bptt(RecurrentConfig),
    /// e-prop: eligibility traces forward in time and a learning signal from the readout.
    Eprop(RecurrentConfig),
    /// RFLO: a rate RNN with local traces and random feedback of the output error.
    Rflo(RecurrentConfig),
    /// The bytes BPTT, e-prop and RFLO store to learn from one trial, as the trial grows.
    Memory(RecurrentConfig),
}

impl Default for Experiment {
    fn default() -> Self {
        Experiment::Bp(FeedforwardConfig::default())
    }
}

/// The config each rule takes: its name in the schema and its fields.
fn config_of(rule: RuleId) -> (&'static str, Vec<Field>) {
    match rule {
        RuleId::Bp
        | RuleId::Fa
        | RuleId::Dfa
        | RuleId::Sign
        | RuleId::Shallow
        | RuleId::Kp
        | RuleId::Np
        | RuleId::Wp
        | RuleId::Burstprop => ("feedforward", FeedforwardConfig::fields()),
        RuleId::Eqprop => ("eqprop", EqPropConfig::fields()),
        RuleId::Multiplex => ("multiplex", MultiplexConfig::fields()),
        RuleId::Plasticity => ("plasticity", PairingProtocol::fields()),
        RuleId::Stdp => ("stdp", StdpConfig::fields()),
        RuleId::GradientCheck => ("gradient_check", GradientCheckConfig::fields()),
        RuleId::Settling => ("settling", SettlingConfig::fields()),
        RuleId::Estimates => ("estimates", EstimatesConfig::fields()),
        RuleId::Superspike => ("superspike", SuperSpikeConfig::fields()),
        RuleId::Dendrites => ("dendrites", DendritesConfig::fields()),
        RuleId::Bptt | RuleId::Eprop | RuleId::Rflo | RuleId::Memory => ("recurrent", RecurrentConfig::fields()),
    }
}

/// The fields of the config that `rule` takes, in display order.
pub fn fields_of(rule: RuleId) -> Vec<Field> {
    config_of(rule).1
}

/// Version of the schema's JSON layout (bumped when it changes shape).
pub const SCHEMA_VERSION: u32 = 1;

/// Every setting of every rule as JSON, for the page and for `brainprop schema`:
///
/// ```text
/// { "version": 1,
///   "configs": { "feedforward": [field, …], "eqprop": […], … },        fields as in schema::Field
///   "rules": { "bp": { "label": "backprop", "config": "feedforward", "weights": true,
///                      "default": {…}, "presets": { "mnist": {…}, … } }, … } }
/// ```
///
/// `weights` says whether the rule's models classify and save weights ([`RuleId::has_weights`]);
/// `default` is the rule's starting experiment; `presets` holds the starting experiment per data
/// set for rules that take a data set ([`Experiment::preset`]); `figure_presets` the settings some
/// figures start from instead ([`FeedforwardConfig::figure_presets`],
/// [`SuperSpikeConfig::figure_presets`]).
pub fn schema() -> Value {
    let mut configs = serde_json::Map::new();
    let mut rules = serde_json::Map::new();
    for rule in RuleId::ALL {
        let (name, fields) = config_of(rule);
        let takes_data = fields.iter().any(|f| f.name == "data");
        configs.insert(name.into(), json!(fields));
        let presets: serde_json::Map<String, Value> = if takes_data {
            DataKind::ALL_WITH_REGRESSION
                .iter()
                .filter_map(|&d| Experiment::preset(rule, d).ok().filter(|e| e.validate().is_ok()))
                .map(|e| (e.data().expect("a rule with a data field").name().to_string(), e.settings()))
                .collect()
        } else {
            serde_json::Map::new()
        };
        let default = Experiment::preset(rule, DataKind::default()).map(|e| e.settings()).unwrap_or(Value::Null);
        rules.insert(
            rule.name().into(),
            json!({ "label": rule.label(), "config": name, "weights": rule.has_weights(), "default": default, "presets": presets }),
        );
    }
    let chapters: Vec<Value> = Chapter::ALL.iter().map(|c| json!({ "id": c, "title": c.title() })).collect();
    let figure_presets: serde_json::Map<String, Value> = FeedforwardConfig::figure_presets()
        .into_iter()
        .map(|(name, config)| (name.to_string(), json!(config)))
        .chain(SuperSpikeConfig::figure_presets().into_iter().map(|(name, config)| (name.to_string(), json!(config))))
        .chain(DendritesConfig::figure_presets().into_iter().map(|(name, config)| (name.to_string(), json!(config))))
        .chain(RecurrentConfig::figure_presets().into_iter().map(|(name, config)| (name.to_string(), json!(config))))
        .collect();
    json!({
        "version": SCHEMA_VERSION,
        "chapters": chapters,
        "configs": configs,
        "rules": rules,
        "figure_presets": figure_presets
    })
}

/// Where the page's copy of [`schema`] lives, relative to the project's root.
pub const SCHEMA_MODULE_PATH: &str = "www/state/schema.js";

/// [`schema`] as the ES module the page imports (`brainprop schema --js`). The file is generated,
/// committed, and checked against the engine by `tests/schema.rs`.
pub fn schema_module() -> String {
    let json = serde_json::to_string(&schema()).expect("the schema is JSON");
    format!(
        "// Generated by `brainprop schema --js > {SCHEMA_MODULE_PATH}` from the engine's settings\n\
         // declarations (src/schema.rs). Do not edit: change the declaration and regenerate.\n\
         export const SCHEMA = {json};\n"
    )
}

impl Experiment {
    /// The rule (the `rule` tag).
    pub fn rule(&self) -> RuleId {
        match self {
            Experiment::Bp(_) => RuleId::Bp,
            Experiment::Fa(_) => RuleId::Fa,
            Experiment::Dfa(_) => RuleId::Dfa,
            Experiment::Sign(_) => RuleId::Sign,
            Experiment::Shallow(_) => RuleId::Shallow,
            Experiment::Kp(_) => RuleId::Kp,
            Experiment::Np(_) => RuleId::Np,
            Experiment::Wp(_) => RuleId::Wp,
            Experiment::Burstprop(_) => RuleId::Burstprop,
            Experiment::Multiplex(_) => RuleId::Multiplex,
            Experiment::Plasticity(_) => RuleId::Plasticity,
            Experiment::Eqprop(_) => RuleId::Eqprop,
            Experiment::Stdp(_) => RuleId::Stdp,
            Experiment::GradientCheck(_) => RuleId::GradientCheck,
            Experiment::Settling(_) => RuleId::Settling,
            Experiment::Estimates(_) => RuleId::Estimates,
            Experiment::Superspike(_) => RuleId::Superspike,
            Experiment::Dendrites(_) => RuleId::Dendrites,
            Experiment::Bptt(_) => RuleId::Bptt,
            Experiment::Eprop(_) => RuleId::Eprop,
            Experiment::Rflo(_) => RuleId::Rflo,
            Experiment::Memory(_) => RuleId::Memory,
        }
    }

    /// The settings alone, as JSON (the experiment without its `rule` tag).
    pub fn settings(&self) -> Value {
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Some(object) = value.as_object_mut() {
            object.remove("rule");
        }
        value
    }

    /// An experiment of `rule` with the settings `settings` (a JSON object; missing fields take
    /// their defaults).
    ///
    /// Errors: [`Error::InvalidConfig`] naming the field whose value has the wrong type.
    pub fn from_settings(rule: RuleId, settings: Value) -> Result<Self> {
        let mut value = settings;
        match value.as_object_mut() {
            Some(object) => object.insert("rule".into(), json!(rule)),
            None => return Err(Error::invalid("settings", "must be a JSON object")),
        };
        serde_json::from_value(value).map_err(|e| Error::invalid("settings", e.to_string()))
    }

    /// Rule `rule`'s starting settings on data set `data` (the CLI's `train` without `--config`;
    /// the page's defaults). Rules without a data set ignore `data`.
    pub fn preset(rule: RuleId, data: DataKind) -> Result<Self> {
        Ok(match rule {
            RuleId::Eqprop => Experiment::Eqprop(EqPropConfig::preset(data)),
            RuleId::Multiplex => Experiment::Multiplex(MultiplexConfig::default()),
            RuleId::Plasticity => Experiment::Plasticity(PairingProtocol::default()),
            RuleId::Stdp => Experiment::Stdp(StdpConfig::default()),
            RuleId::GradientCheck => Experiment::GradientCheck(GradientCheckConfig::default()),
            RuleId::Settling => Experiment::Settling(SettlingConfig::default()),
            RuleId::Estimates => Experiment::Estimates(EstimatesConfig::default()),
            RuleId::Superspike => Experiment::Superspike(SuperSpikeConfig::default()),
            RuleId::Dendrites => Experiment::Dendrites(DendritesConfig::default()),
            RuleId::Bptt => Experiment::Bptt(RecurrentConfig::default()),
            RuleId::Eprop => Experiment::Eprop(RecurrentConfig::default()),
            RuleId::Rflo => Experiment::Rflo(RecurrentConfig::default()),
            RuleId::Memory => Experiment::Memory(RecurrentConfig::default()),
            _ => Self::feedforward_rule(rule, FeedforwardConfig::preset_for(rule, data))?,
        })
    }

    /// The run the benchmarks time for `rule` (`brainprop bench`, scripts/bench.sh): MNIST
    /// 784-500-10 at batch 32 with the rule's preset for the learning rules (EqProp: the reference
    /// batch of 20, 20 free + 4 nudged steps), and the 300-neuron
    /// population for `multiplex` and SuperSpike's 100-64-20 network at dt = 1 ms (their "samples"
    /// are simulated milliseconds). Runs never finish.
    pub fn benchmark(rule: RuleId) -> Result<Self> {
        match rule {
            RuleId::Multiplex => {
                Ok(Experiment::Multiplex(MultiplexConfig { duration_s: 600.0, ..MultiplexConfig::default() }))
            }
            RuleId::Eqprop => {
                Ok(Experiment::Eqprop(EqPropConfig { epochs: 10_000, ..EqPropConfig::preset(DataKind::Mnist) }))
            }
            // 100 recurrent neurons on a 1 s trial at dt = 1 ms ("samples" are training iterations).
            RuleId::Bptt | RuleId::Eprop | RuleId::Rflo => {
                let config = RecurrentConfig { iterations: 100_000, ..RecurrentConfig::default() };
                Ok(match rule {
                    RuleId::Bptt => Experiment::Bptt(config),
                    RuleId::Eprop => Experiment::Eprop(config),
                    _ => Experiment::Rflo(config),
                })
            }
            // The segregated-dendrite network's non-spiking 784-500-10, one digit per update.
            RuleId::Dendrites => {
                Ok(Experiment::Dendrites(DendritesConfig { epochs: 10_000, ..DendritesConfig::default() }))
            }
            // The Spikes chapter's target: 100-64-20 at dt = 1 ms, learning on ("samples" are
            // simulated milliseconds).
            RuleId::Superspike => Ok(Experiment::Superspike(SuperSpikeConfig {
                hidden: 64,
                outputs: 20,
                epochs: 10_000,
                ..SuperSpikeConfig::default()
            })),
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

    /// The benchmark run named `name`: a rule ([`Self::benchmark`]) or `rule:variant`; the one
    /// variant is `dendrites:spiking`, the segregated-dendrite network in its spiking mode.
    ///
    /// Errors: [`Error::InvalidConfig`] for an unknown rule or variant.
    pub fn benchmark_named(name: &str) -> Result<Self> {
        let (rule, variant) = name.split_once(':').map_or((name, None), |(r, v)| (r, Some(v)));
        let rule: RuleId = rule.parse().map_err(|e: String| Error::invalid("rules", e))?;
        match (Self::benchmark(rule)?, variant) {
            (experiment, None) => Ok(experiment),
            (Experiment::Dendrites(c), Some("spiking")) => {
                Ok(Experiment::Dendrites(DendritesConfig { mode: DendriteMode::Spiking, ..c }))
            }
            (_, Some(v)) => {
                Err(Error::invalid("rules", format!("unknown variant '{v}' of {rule} (known: dendrites:spiking)")))
            }
        }
    }

    /// The network (or population) and batch size of a benchmark run, for its table (a CSV
    /// field: no commas).
    pub fn benchmark_shape(&self) -> (String, usize) {
        match self {
            Experiment::Multiplex(c) => (format!("{} neurons dt 0.1 ms", c.neurons), 1),
            Experiment::Plasticity(p) => (format!("{} neurons", p.neurons), 1),
            Experiment::Stdp(c) => (format!("{} trials per Δt", c.trials), 1),
            Experiment::Settling(c) => (format!("784-500-10, {}+{} steps", c.free_steps, c.nudged_steps), 1),
            Experiment::Estimates(c) => (format!("784-{{{}}}-10 with 5 rules", join_widths(&c.widths)), c.batch),
            Experiment::Superspike(c) => {
                (format!("{}-{}-{} LIF at dt {} ms", c.inputs, c.hidden, c.output_count(), c.dt), 1)
            }
            Experiment::GradientCheck(c) => {
                (format!("2-{}-2 with {} steps", join_widths(&c.hidden), c.steps), c.examples)
            }
            Experiment::Bptt(c) | Experiment::Eprop(c) | Experiment::Rflo(c) | Experiment::Memory(c) => {
                (format!("{}-{}-{} on a {} ms trial", c.inputs, c.neurons, c.outputs(), c.duration), 1)
            }
            Experiment::Dendrites(c) => {
                let sizes: Vec<String> = [784].iter().chain(&c.hidden).chain(&[10]).map(|s| s.to_string()).collect();
                (format!("{} ({:?})", sizes.join("-"), c.mode).to_lowercase(), 1)
            }
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

    /// An experiment of the feed-forward rule `rule` with the settings `config`.
    ///
    /// Errors: [`Error::InvalidConfig`] when `rule` does not train a feed-forward network.
    pub fn feedforward_rule(rule: RuleId, config: FeedforwardConfig) -> Result<Self> {
        Ok(match rule {
            RuleId::Bp => Experiment::Bp(config),
            RuleId::Fa => Experiment::Fa(config),
            RuleId::Dfa => Experiment::Dfa(config),
            RuleId::Sign => Experiment::Sign(config),
            RuleId::Shallow => Experiment::Shallow(config),
            RuleId::Kp => Experiment::Kp(config),
            RuleId::Np => Experiment::Np(config),
            RuleId::Wp => Experiment::Wp(config),
            RuleId::Burstprop => Experiment::Burstprop(config),
            other => {
                return Err(Error::invalid("rule", format!("{other} does not train a feed-forward network")));
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
            | Experiment::Kp(c)
            | Experiment::Np(c)
            | Experiment::Wp(c)
            | Experiment::Burstprop(c) => Some(c),
            _ => None,
        }
    }

    /// The data set, for rules that learn one.
    pub fn data(&self) -> Option<DataKind> {
        match self {
            Experiment::Eqprop(c) => Some(c.data),
            Experiment::Dendrites(c) => Some(c.data),
            other => other.feedforward().map(|c| c.data),
        }
    }

    /// How many epochs the run lasts, for rules trained in epochs.
    pub fn epochs(&self) -> Option<u32> {
        match self {
            Experiment::Eqprop(c) => Some(c.epochs),
            Experiment::Dendrites(c) => Some(c.epochs),
            other => other.feedforward().map(|c| c.epochs),
        }
    }

    /// Which data set the experiment needs loaded before [`Experiment::build`], if any.
    pub fn needs(&self) -> Option<DataKind> {
        if let Experiment::Settling(_) | Experiment::Estimates(_) = self {
            return Some(DataKind::Mnist);
        }
        self.data().filter(|d| *d == DataKind::Mnist)
    }

    /// Checks every setting against its declared limits and the config's own rules, then the
    /// model's memory and work against [`cost`]'s limits.
    pub fn validate(&self) -> Result<()> {
        self.validate_settings()?;
        cost::check(self)
    }

    fn validate_settings(&self) -> Result<()> {
        match self {
            Experiment::Multiplex(c) => c.validate(),
            Experiment::Plasticity(c) => c.validate(),
            Experiment::Eqprop(c) => c.validate(),
            Experiment::Stdp(c) => c.validate(),
            Experiment::GradientCheck(c) => c.validate(),
            Experiment::Settling(c) => c.validate(),
            Experiment::Estimates(c) => c.validate(),
            Experiment::Superspike(c) => c.validate(),
            Experiment::Dendrites(c) => c.validate(),
            Experiment::Bptt(c) | Experiment::Eprop(c) | Experiment::Rflo(c) | Experiment::Memory(c) => c.validate(),
            other => other.feedforward().expect("every other experiment is feed-forward").validate(),
        }
    }

    /// Validates the settings and builds the model. `store` supplies data sets loaded from files.
    ///
    /// Errors: [`Error::InvalidConfig`] naming the first setting out of range;
    /// [`Error::Data`] when the data set is not loaded.
    pub fn build(&self, store: &DataStore) -> Result<Box<dyn Rule + Send>> {
        use rules::feedforward::Feedforward;
        self.validate()?;
        let c = match self {
            Experiment::Multiplex(config) => return Ok(Box::new(Multiplexing::new(config.clone())?)),
            Experiment::Plasticity(protocol) => return Ok(Box::new(PlasticityCurve::new(protocol.clone())?)),
            Experiment::Stdp(config) => return Ok(Box::new(StdpWindow::new(config.clone())?)),
            Experiment::GradientCheck(config) => return Ok(Box::new(GradientCheck::new(config.clone())?)),
            Experiment::Settling(config) => {
                let data = store.split(&config.pretraining().data_spec())?;
                return Ok(Box::new(Settling::new(config.clone(), data)?));
            }
            Experiment::Superspike(config) => return Ok(Box::new(SuperSpike::new(config.clone())?)),
            Experiment::Estimates(config) => {
                let data = store.split(&crate::data::DataSpec::new(DataKind::Mnist, 0, 0.0, config.seed))?;
                return Ok(Box::new(GradientEstimates::new(config.clone(), data)?));
            }
            Experiment::Eqprop(config) => {
                let data = store.split(&config.data_spec())?;
                return Ok(Box::new(EquilibriumPropagation::new(config.clone(), data)?));
            }
            Experiment::Bptt(config) => return Ok(Box::new(ThroughTime::new(config.clone(), Method::Bptt)?)),
            Experiment::Eprop(config) => return Ok(Box::new(ThroughTime::new(config.clone(), Method::Eprop)?)),
            Experiment::Rflo(config) => return Ok(Box::new(ThroughTime::new(config.clone(), Method::Rflo)?)),
            Experiment::Memory(config) => return Ok(Box::new(TrialMemory::new(config.clone())?)),
            Experiment::Dendrites(config) => {
                let data = store.split(&config.data_spec())?;
                return Ok(Box::new(SegregatedDendrites::new(config.clone(), data)?));
            }
            other => other.feedforward().expect("every other experiment is feed-forward"),
        };
        let data = store.split(&c.data_spec())?;
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
            Experiment::Kp(_) => {
                let credit = rules::kolen_pollack::KolenPollack::new(&sizes, &c, feedback_rng);
                Box::new(Feedforward::new(c, data, credit)?)
            }
            Experiment::Np(_) => {
                let noise = rng_for(c.seed, Stream::Perturbation);
                let credit = rules::node_perturbation::NodePerturbation::new(&sizes, c.batch, c.perturbation, noise);
                Box::new(Feedforward::new(c, data, credit)?)
            }
            Experiment::Wp(_) => {
                let noise = rng_for(c.seed, Stream::Perturbation);
                let credit =
                    rules::weight_perturbation::WeightPerturbation::new(&sizes, c.batch, c.perturbation, noise);
                Box::new(Feedforward::new(c, data, credit)?)
            }
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
            _ => {
                unreachable!("built before the feed-forward settings were read")
            }
        })
    }
}

/// Widths joined with dashes, e.g. `25-50-100`.
fn join_widths(widths: &[usize]) -> String {
    widths.iter().map(|w| w.to_string()).collect::<Vec<_>>().join("-")
}
