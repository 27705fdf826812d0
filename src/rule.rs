//! The `Rule` trait: the one interface through which the worker, the CLI and the tests drive every
//! model on the site, whether it is a minibatch-trained network, a two-phase relaxation, a
//! time-stepped spiking population, or a figure with no loss at all.
//!
//! A model advances in bounded pieces of *work units* (a minibatch, a piece of an evaluation, a
//! block of time steps, one relaxation) so that a driver can interleave it with messages and
//! drawing: long work (an epoch-end evaluation, a long trial, a point of a curve) is split into
//! units that resume where the last stopped. What it has measured
//! so far lives in a [`MetricTable`]: named columns and one row per evaluation point. What can be
//! drawn lives in a [`Snapshot`] of named `f32` arrays.

use crate::Result;
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// A model the engine can train or simulate.
pub trait Rule {
    /// The identifier used in URLs, the CLI (`--rule`) and the protocol, e.g. `bp`.
    fn id(&self) -> RuleId;

    /// Does at most `budget` work units (at least one unless finished) and reports what happened.
    ///
    /// Returns [`crate::Error::Diverged`] when the model produced NaN or infinite values; the model
    /// is then left as it was and must be rebuilt (Reset) to go on.
    fn step(&mut self, budget: u32) -> Result<StepOutcome>;

    /// Everything measured so far, one row per evaluation point (for a network: per epoch).
    fn metrics(&self) -> &MetricTable;

    /// Named arrays for drawing the model's current state. Cheap enough to call at 30 Hz.
    fn snapshot(&mut self) -> Snapshot;

    /// How far the run has come.
    fn progress(&self) -> Progress;

    /// Changes live settings while the model runs (e.g. the input currents of a simulation),
    /// without rebuilding it. `settings` is the JSON object the page sent; models with nothing
    /// to adjust refuse with [`crate::Error::InvalidConfig`].
    fn adjust(&mut self, _settings: &serde_json::Value) -> Result<()> {
        Err(crate::Error::invalid("settings", format!("the {} model has no live settings", self.id())))
    }

    /// Runs `inputs` (`n × d`: one example per row, `d` input features scaled as the training
    /// data is, e.g. 784 MNIST pixels in [0, 1], row-major 28 × 28) through the model as it is
    /// now, without learning, and returns each row's class probabilities (`n × classes`, every
    /// row non-negative and summing to 1).
    ///
    /// The model, its random streams and its run are left exactly as they were: training after a
    /// prediction is bit for bit training without it. Classifiers with softmax outputs return the
    /// softmax; others return their output activities with negatives clipped to zero, divided by
    /// their sum (uniform when every output is zero). See
    /// [`crate::rules::feedforward::MinibatchTraining::predict_classes`].
    ///
    /// Errors: [`crate::Error::InvalidConfig`] named `inputs` when a row's width is not the
    /// model's input width or a value is not finite, and for models that do not classify inputs
    /// (the default); [`crate::Error::Diverged`] when the outputs are not finite.
    fn predict(&mut self, _inputs: ArrayView2<'_, f32>) -> Result<Array2<f64>> {
        Err(crate::Error::invalid("inputs", format!("the {} model does not classify inputs", self.id().label())))
    }

    /// The model's learned parameters as they are now (see [`Weights`]), for saving.
    ///
    /// Errors: [`crate::Error::InvalidConfig`] named `weights` for models with nothing to save
    /// (the default).
    fn weights(&self) -> Result<Weights> {
        Err(crate::Error::invalid("weights", format!("the {} model has no weights to save", self.id().label())))
    }

    /// Puts saved parameters in place and starts the run over from them: epoch 0, a metric
    /// table whose one row evaluates the loaded model (so its test accuracy and loss are those
    /// of the model that was saved, bit for bit), the same data order as a fresh build.
    ///
    /// Errors: [`crate::Error::InvalidConfig`] named `weights` when the file is of another
    /// format, version or rule, or its arrays' names or shapes differ from this model's (the
    /// message names the setting to change, e.g. "set hidden to 100"); the model is then left
    /// as it was. The default refuses, like [`Rule::weights`].
    fn load_weights(&mut self, _weights: &Weights) -> Result<()> {
        Err(crate::Error::invalid("weights", format!("the {} model has no weights to load", self.id().label())))
    }
}

/// What a weights file says it is.
pub const WEIGHTS_FORMAT: &str = "brainprop-weights";
/// Bumped whenever the arrays a model saves change meaning.
pub const WEIGHTS_VERSION: u32 = 1;

/// A model's learned parameters, as saved to and loaded from JSON.
///
/// `arrays` are named `f32` arrays with their shapes (row-major; [`Frame`]s): for a layered
/// network `w{l}` (`n_in × n_out`) and `b{l}` (`n_out`) per weight layer, then any feedback
/// pathway the rule keeps (`feedback{k}`, in the rule's own shape). `serde_json` writes each
/// `f32` as its shortest decimal that reads back to the same value, so a save and a load are
/// exact. `sizes` are the layer widths, input first (`[784, 500, 10]`), and `experiment` the
/// settings the model was built from (the data set and widths that define the shapes): the JSON
/// of its [`crate::experiment::Experiment`], its `rule` tag with its fields. It is kept as JSON,
/// so that the models, which build no experiments, do not depend on the experiment module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// Always [`WEIGHTS_FORMAT`].
    pub format: String,
    /// [`WEIGHTS_VERSION`] when saved.
    pub version: u32,
    pub rule: RuleId,
    pub sizes: Vec<usize>,
    pub experiment: serde_json::Value,
    pub arrays: Vec<Frame>,
}

impl Weights {
    /// The weights of a `rule` model built from `config` (its experiment's settings, e.g. a
    /// `FeedforwardConfig`; serialised with the `rule` tag, as the experiment is) with layer
    /// widths `sizes`.
    pub fn new(rule: RuleId, config: &impl Serialize, sizes: Vec<usize>, arrays: Vec<Frame>) -> Self {
        let mut experiment = serde_json::to_value(config).unwrap_or(serde_json::Value::Null);
        if let Some(fields) = experiment.as_object_mut() {
            fields.insert("rule".into(), serde_json::json!(rule));
        }
        Self { format: WEIGHTS_FORMAT.into(), version: WEIGHTS_VERSION, rule, sizes, experiment, arrays }
    }

    /// Checks that these weights fit a model of rule `rule`, built from `experiment`, whose
    /// widths are `sizes` and whose arrays are named and shaped as `expected` (in order).
    ///
    /// Errors: [`crate::Error::InvalidConfig`] named `weights`, saying what differs and, when
    /// the widths differ, which of the experiment's settings (`data`, `hidden`) to set to what.
    pub fn check(
        &self,
        rule: RuleId,
        experiment: &serde_json::Value,
        sizes: &[usize],
        expected: &[(String, Vec<usize>)],
    ) -> Result<()> {
        let refuse = |reason: String| Err(crate::Error::invalid("weights", reason));
        if self.format != WEIGHTS_FORMAT {
            return refuse(format!("the file is not a brainprop weights file (format '{}')", self.format));
        }
        if self.version != WEIGHTS_VERSION {
            return refuse(format!(
                "the file's weights are version {}; this site reads version {WEIGHTS_VERSION}",
                self.version
            ));
        }
        if self.rule != rule {
            return refuse(format!("the file holds {} weights, and this model is {}", self.rule.label(), rule.label()));
        }
        if self.sizes != sizes {
            let (file, here) = (join_sizes(&self.sizes), join_sizes(sizes));
            let hint = setting_changes(&self.experiment, experiment);
            let hint = if hint.is_empty() { String::new() } else { format!(": {hint}") };
            return refuse(format!("the file is for a {file} network, and this figure's is {here}{hint}"));
        }
        let found: Vec<(String, Vec<usize>)> = self.arrays.iter().map(|a| (a.name.clone(), a.shape.clone())).collect();
        if found != expected {
            let describe = |arrays: &[(String, Vec<usize>)]| {
                let parts: Vec<String> = arrays.iter().map(|(n, s)| format!("{n} {}", join_sizes(s))).collect();
                parts.join(", ")
            };
            return refuse(format!(
                "the file's arrays ({}) are not this model's ({})",
                describe(&found),
                describe(expected)
            ));
        }
        if let Some(bad) = self.arrays.iter().find(|a| a.data.len() != a.shape.iter().product::<usize>()) {
            return refuse(format!(
                "the array {} holds {} numbers, not {}",
                bad.name,
                bad.data.len(),
                join_sizes(&bad.shape)
            ));
        }
        if let Some(bad) = self.arrays.iter().find(|a| a.data.iter().any(|v| !v.is_finite())) {
            return refuse(format!("the array {} holds a value that is not a finite number", bad.name));
        }
        Ok(())
    }

    /// [`Self::check`] against `here`, the weights of the model to load into (the rule,
    /// experiment, widths and array layout it would save).
    pub fn check_fits(&self, here: &Weights) -> Result<()> {
        self.check(here.rule, &here.experiment, &here.sizes, &here.layout())
    }

    /// Each array's name and shape, in order.
    pub fn layout(&self) -> Vec<(String, Vec<usize>)> {
        self.arrays.iter().map(|a| (a.name.clone(), a.shape.clone())).collect()
    }

    /// The array named `name`.
    pub fn array(&self, name: &str) -> Option<&Frame> {
        self.arrays.iter().find(|a| a.name == name)
    }

    /// The two-dimensional array named `name` (after [`Self::check`], every one the model
    /// saves is there with its shape).
    pub fn matrix(&self, name: &str) -> Option<ArrayView2<'_, f32>> {
        let a = self.array(name)?;
        match a.shape[..] {
            [rows, cols] => ArrayView2::from_shape((rows, cols), &a.data).ok(),
            _ => None,
        }
    }

    /// The values of the array named `name`, flat.
    pub fn values(&self, name: &str) -> Option<&[f32]> {
        self.array(name).map(|a| a.data.as_slice())
    }

    /// `prefix{k}` for each matrix of `arrays` in order (e.g. a network's `w0`, `w1`, …).
    pub fn frames<'a>(prefix: &str, arrays: impl IntoIterator<Item = ArrayView2<'a, f32>>) -> Vec<Frame> {
        let frame = |(k, a): (usize, ArrayView2<'a, f32>)| Frame {
            name: format!("{prefix}{k}"),
            shape: a.shape().to_vec(),
            data: a.iter().copied().collect(),
        };
        arrays.into_iter().enumerate().map(frame).collect()
    }

    /// `b{l}` for each layer's biases, in order.
    pub fn bias_frames<'a>(biases: impl IntoIterator<Item = &'a [f32]>) -> Vec<Frame> {
        let frame = |(l, b): (usize, &[f32])| Frame { name: format!("b{l}"), shape: vec![b.len()], data: b.to_vec() };
        biases.into_iter().enumerate().map(frame).collect()
    }
}

/// Widths joined by dashes (`784-500-10`); a shape by `×` for one array.
fn join_sizes(sizes: &[usize]) -> String {
    sizes.iter().map(|s| s.to_string()).collect::<Vec<_>>().join("-")
}

/// "set data to mnist and hidden to 100": the shape-defining settings in which `file` differs
/// from `here` (experiments as JSON), with `file`'s values.
fn setting_changes(file: &serde_json::Value, here: &serde_json::Value) -> String {
    let changes: Vec<String> = ["data", "hidden"]
        .into_iter()
        .filter(|key| file.get(key) != here.get(key))
        .filter_map(|key| {
            let value = match file.get(key)? {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(widths) => widths.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(","),
                other => other.to_string(),
            };
            Some(format!("{key} to {value}"))
        })
        .collect();
    if changes.is_empty() {
        String::new()
    } else {
        format!("set {}", changes.join(" and "))
    }
}

/// The result of one call to [`Rule::step`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct StepOutcome {
    /// Work units actually done.
    pub units: u32,
    /// Training examples (or simulated milliseconds, for time-stepped models) processed.
    pub samples: u64,
    /// Rows appended to the metric table by this call.
    pub new_rows: usize,
    /// True when the run reached its configured end (e.g. the last epoch).
    pub finished: bool,
    /// The work done, in the model's own count (examples run through a network, trained or
    /// evaluated; synapse- or neuron-steps of a simulation; see each model's `step`), which
    /// [`crate::cost::Cost::unit_work`] bounds for one unit: tests check that no unit does
    /// more than that, whatever the settings.
    pub work: u64,
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Progress {
    /// Examples (or simulated ms) processed since the model was built.
    pub samples: u64,
    /// Epochs done, fractional (for time-stepped models: seconds simulated).
    pub epoch: f64,
}

/// Named columns and one row of numbers per evaluation point.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MetricTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<f64>>,
}

impl MetricTable {
    pub fn new(columns: &[&str]) -> Self {
        Self { columns: columns.iter().map(|c| c.to_string()).collect(), rows: Vec::new() }
    }

    /// Appends one row; its length must match the columns.
    pub fn push(&mut self, row: Vec<f64>) {
        assert_eq!(row.len(), self.columns.len(), "metric row does not match columns {:?}", self.columns);
        self.rows.push(row);
    }

    /// Index of a named column.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// One column as a vector, if it exists.
    pub fn column(&self, name: &str) -> Option<Vec<f64>> {
        let i = self.column_index(name)?;
        Some(self.rows.iter().map(|r| r[i]).collect())
    }

    /// The last value of a column.
    pub fn last(&self, name: &str) -> Option<f64> {
        let i = self.column_index(name)?;
        self.rows.last().map(|r| r[i])
    }
}

/// A named `f32` array with its shape (row-major).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    pub name: String,
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

/// Everything a page needs to draw a model's state at one moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub frames: Vec<Frame>,
}

/// Units shown per layer in the network diagram.
pub const DIAGRAM_UNITS: usize = 12;
/// First-layer receptive fields sent for drawing.
pub const FIELDS: usize = 36;

/// Up to `k` evenly spaced indices out of `n`.
pub fn shown_units(n: usize, k: usize) -> Vec<usize> {
    if n <= k {
        (0..n).collect()
    } else {
        (0..k).map(|i| i * (n - 1) / (k.max(2) - 1)).collect()
    }
}

impl Snapshot {
    /// The network diagram of a layered network of widths `sizes` with weights `weights` (each
    /// `n_in × n_out`): `diagram.w{l}`, the weights between up to [`DIAGRAM_UNITS`] evenly spaced
    /// units of layers `l` and `l+1`, and `diagram.units{l}`, which units those are.
    pub fn push_network_diagram<'a>(&mut self, sizes: &[usize], weights: impl IntoIterator<Item = &'a Array2<f32>>) {
        let shown: Vec<Vec<usize>> = sizes.iter().map(|&n| shown_units(n, DIAGRAM_UNITS)).collect();
        for (l, w) in weights.into_iter().enumerate() {
            let (rows, cols) = (&shown[l], &shown[l + 1]);
            let data = rows.iter().flat_map(|&i| cols.iter().map(move |&j| w[[i, j]])).collect();
            self.push(format!("diagram.w{l}"), vec![rows.len(), cols.len()], data);
            self.push(format!("diagram.units{l}"), vec![rows.len()], rows.iter().map(|&i| i as f32).collect());
        }
        let last = sizes.len() - 1;
        self.push(
            format!("diagram.units{last}"),
            vec![shown[last].len()],
            shown[last].iter().map(|&i| i as f32).collect(),
        );
    }

    /// `receptive_fields`: the input weights of up to [`FIELDS`] first-layer units (`w` is
    /// `inputs × units`), one row per unit (28 × 28 images for MNIST).
    pub fn push_receptive_fields(&mut self, w: &Array2<f32>) {
        let k = w.ncols().min(FIELDS);
        let data = (0..k).flat_map(|j| w.column(j).to_vec()).collect();
        self.push("receptive_fields", vec![k, w.nrows()], data);
    }

    /// `confusion`: the `classes × classes` counts of the last test evaluation.
    pub fn push_confusion(&mut self, confusion: &crate::metrics::Confusion) {
        let c = confusion.classes;
        self.push("confusion", vec![c, c], confusion.counts.iter().map(|&v| v as f32).collect());
    }

    pub fn push(&mut self, name: impl Into<String>, shape: Vec<usize>, data: Vec<f32>) {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        self.frames.push(Frame { name: name.into(), shape, data });
    }

    pub fn get(&self, name: &str) -> Option<&Frame> {
        self.frames.iter().find(|f| f.name == name)
    }
}

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
    /// Kolen–Pollack: feedback that learns with the forward weights' increments.
    Kp,
    /// Node perturbation.
    Np,
    /// Weight perturbation.
    Wp,
    /// BurstProp.
    Burstprop,
    /// Naud & Sprekeler's burst multiplexing (a population, no learning).
    Multiplex,
    /// Burst-dependent plasticity under a pairing protocol.
    Plasticity,
    /// Equilibrium propagation.
    Eqprop,
    /// The STDP window predicted by EqProp's update, dW_ij/dt ∝ ρ(u_j)·du_i/dt.
    Stdp,
    /// One MNIST digit relaxing in an EqProp network, free then nudged, step by step.
    Settling,
    /// EqProp's update against the true gradient, β by β.
    #[serde(rename = "gradient_check")]
    GradientCheck,
    /// Each rule's hidden-layer update against the true gradient, averaged over k minibatches.
    Estimates,
    /// SuperSpike: spiking networks learning target spike trains through a surrogate derivative.
    Superspike,
    /// Segregated dendrites: hidden neurons learn from apical plateau potentials.
    Dendrites,
    /// Backprop through time on a recurrent spiking network.
    Bptt,
    /// e-prop: eligibility traces forward in time and a broadcast learning signal.
    Eprop,
    /// RFLO: random-feedback local online learning on a rate RNN.
    Rflo,
    /// What BPTT and e-prop store as a trial grows (no learning).
    Memory,
}

impl RuleId {
    /// Every rule, in the order of the talk's chapters.
    pub const ALL: [RuleId; 22] = [
        RuleId::Bp,
        RuleId::Eqprop,
        RuleId::Fa,
        RuleId::Dfa,
        RuleId::Sign,
        RuleId::Shallow,
        RuleId::Kp,
        RuleId::Np,
        RuleId::Wp,
        RuleId::Estimates,
        RuleId::Superspike,
        RuleId::Dendrites,
        RuleId::Multiplex,
        RuleId::Plasticity,
        RuleId::Burstprop,
        RuleId::Settling,
        RuleId::GradientCheck,
        RuleId::Stdp,
        RuleId::Bptt,
        RuleId::Eprop,
        RuleId::Rflo,
        RuleId::Memory,
    ];

    /// The identifier, e.g. `"bp"`.
    pub fn name(self) -> &'static str {
        match self {
            RuleId::Bp => "bp",
            RuleId::Fa => "fa",
            RuleId::Dfa => "dfa",
            RuleId::Sign => "sign",
            RuleId::Shallow => "shallow",
            RuleId::Kp => "kp",
            RuleId::Np => "np",
            RuleId::Wp => "wp",
            RuleId::Burstprop => "burstprop",
            RuleId::Multiplex => "multiplex",
            RuleId::Plasticity => "plasticity",
            RuleId::Eqprop => "eqprop",
            RuleId::Stdp => "stdp",
            RuleId::GradientCheck => "gradient_check",
            RuleId::Settling => "settling",
            RuleId::Estimates => "estimates",
            RuleId::Superspike => "superspike",
            RuleId::Dendrites => "dendrites",
            RuleId::Bptt => "bptt",
            RuleId::Eprop => "eprop",
            RuleId::Rflo => "rflo",
            RuleId::Memory => "memory",
        }
    }

    /// Whether this rule's models classify their inputs and save and load their weights
    /// ([`Rule::predict`], [`Rule::weights`], [`Rule::load_weights`]): the feed-forward
    /// networks, EqProp and the segregated dendrites. The schema gives it to the page (each rule's
    /// `weights`), and `tests/weights.rs` checks it against every rule's model.
    pub fn has_weights(self) -> bool {
        self.is_feedforward() || matches!(self, RuleId::Eqprop | RuleId::Dendrites)
    }

    /// Whether this rule trains the shared feed-forward network (`rules::feedforward`, one
    /// `FeedforwardConfig`): backprop and the rules that replace its backward pass. (The
    /// schema's `config_of` matches the same rules by name, so that a new rule is a compile error
    /// there until it is given a config.)
    pub fn is_feedforward(self) -> bool {
        matches!(
            self,
            RuleId::Bp
                | RuleId::Fa
                | RuleId::Dfa
                | RuleId::Sign
                | RuleId::Shallow
                | RuleId::Kp
                | RuleId::Np
                | RuleId::Wp
                | RuleId::Burstprop
        )
    }

    /// The name readers see, e.g. "feedback alignment".
    pub fn label(self) -> &'static str {
        match self {
            RuleId::Bp => "backprop",
            RuleId::Fa => "feedback alignment",
            RuleId::Dfa => "direct feedback alignment",
            RuleId::Sign => "sign symmetry",
            RuleId::Shallow => "shallow: output layer only",
            RuleId::Kp => "Kolen–Pollack",
            RuleId::Np => "node perturbation",
            RuleId::Wp => "weight perturbation",
            RuleId::Burstprop => "BurstProp",
            RuleId::Multiplex => "burst multiplexing",
            RuleId::Plasticity => "burst-dependent plasticity",
            RuleId::Eqprop => "equilibrium propagation",
            RuleId::Stdp => "STDP from the EqProp update",
            RuleId::GradientCheck => "is EqProp the gradient?",
            RuleId::Settling => "one digit settling",
            RuleId::Estimates => "how good is each estimate?",
            RuleId::Superspike => "SuperSpike",
            RuleId::Dendrites => "segregated dendrites",
            RuleId::Bptt => "backprop through time",
            RuleId::Eprop => "e-prop",
            RuleId::Rflo => "RFLO",
            RuleId::Memory => "what each method stores",
        }
    }
}

crate::named_id!(RuleId, "rule");

/// `Display` (the id) and `FromStr` (from the id; the error lists the known ones) for an
/// identifier enum with `ALL` and `name()`: [`RuleId`], [`crate::chapter::Chapter`].
#[macro_export]
macro_rules! named_id {
    ($ty:ident, $what:literal) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = String;

            fn from_str(s: &str) -> std::result::Result<Self, String> {
                $ty::ALL.into_iter().find(|id| id.name() == s).ok_or_else(|| {
                    let known: Vec<_> = $ty::ALL.iter().map(|id| id.name()).collect();
                    format!("unknown {} '{s}'; known: {}", $what, known.join(", "))
                })
            }
        }
    };
}
