//! The messages between a page and an engine worker. JSON-compatible, tagged by `type`.
//!
//! Page → worker: [`Command`]. Worker → page: [`Reply`]. The worker posts `ready` first; the page
//! must wait for it before sending anything (module workers drop messages that arrive before
//! their handler is installed). Snapshot arrays travel as transferred `Float32Array`s.

use crate::data::DataKind;
use crate::experiment::Experiment;
use crate::rule::{RuleId, Snapshot};
use serde::{Deserialize, Serialize};

/// Bumped whenever a message changes shape.
/// The page's copy is `PROTOCOL` in `www/engine/client.js` (tests/session.rs checks they agree).
pub const PROTOCOL_VERSION: u32 = 3;

/// What a page asks of the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Builds a fresh model for `experiment` (paused). Invalid settings leave the old model alone.
    Configure { experiment: Experiment },
    /// Trains continuously, in slices of about 10 ms, until paused, finished or diverged.
    Train,
    /// Stops training after the current slice.
    Pause,
    /// Trains until the model has moved on and then appended a row of metrics (one epoch), then
    /// pauses; a row still owed for work done before the step does not end it.
    Step,
    /// Rebuilds the model from the current experiment: same seed, same start.
    Reset,
    /// Asks for a snapshot now.
    Snapshot,
    /// Hands the worker a data file; the bytes ride along in the message's `bytes` field.
    LoadData { dataset: DataKind },
    /// Changes live settings of the running model (see [`crate::rule::Rule::adjust`]); the
    /// experiment remembered for Reset takes them too when they are fields of it.
    Adjust { settings: serde_json::Value },
    /// Trains, sending progress but no snapshots, until the model has seen at least `samples`
    /// samples, then pauses: a restarted worker catching up with the one that crashed. Training
    /// is deterministic for a given experiment, so the replayed model and metric rows are the
    /// lost ones, bit for bit.
    Replay { samples: u64 },
    /// Asks what `experiment` would cost (memory, and the setting to lower), without building it.
    Estimate { experiment: Experiment },
    /// Asks for a `pong`: the page's heartbeat, which tells a busy worker from a dead one.
    Ping,
    /// Sets the share of time the worker trains while busy, `fraction` in (0, 1]: after a slice
    /// of t ms it rests t·(1/fraction − 1) ms. The page lowers it when its training workers
    /// outnumber the processor's cores, so that drawing and input keep a core's share
    /// (`www/engine/client.js`). Handled by the worker's host (`www/engine/host.js`); the
    /// session itself has nothing to do for it.
    Duty { fraction: f64 },
    /// Asks the current model for the class probabilities of `inputs`, without learning: one
    /// row per example, each as wide as the model's input (784 pixels in [0, 1], row by row, for
    /// MNIST models). Answered at once with `prediction`, while training too; the model and its
    /// run are untouched ([`crate::rule::Rule::predict`]).
    Predict { inputs: Vec<Vec<f32>> },
    /// Asks for the current model's weights: answered with `weights` (or an error for models
    /// with none, [`crate::rule::Rule::weights`]).
    ExportWeights,
    /// Loads saved weights (a [`crate::rule::Weights`] object, as `export_weights` gave it) into
    /// a fresh build of the current experiment and starts the run over from them: answered like
    /// `configure`, with `configured` (whose one row evaluates the loaded model) and a snapshot;
    /// a file that does not fit gets `weights_refused` and the model is left as it was.
    ImportWeights { weights: serde_json::Value },
}

/// Why something failed, so the page can choose how to show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Config,
    Diverged,
    Data,
    Protocol,
    /// The engine itself failed (a panic, or out of memory): only a new worker helps. Sent by
    /// the worker's glue (`www/worker.js`), with `reason` `memory` or `panic`; the page also
    /// uses it for a worker that stopped answering (`unresponsive`).
    Crash,
}

/// What the worker tells the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    /// The engine is loaded and listening.
    Ready { protocol: u32 },
    /// A new model is built; `rows` are its metrics so far (the untrained network).
    Configured { rule: RuleId, experiment: Experiment, columns: Vec<String>, rows: Vec<Vec<f64>> },
    /// The experiment needs a data file the worker does not have yet (answer with `load_data`).
    NeedsData { dataset: DataKind },
    /// Training advanced: new metric rows since the last progress, and the throughput.
    Progress { rows: Vec<Vec<f64>>, samples: u64, epoch: f64, running: bool, finished: bool, samples_per_s: f64 },
    /// Arrays to draw.
    Snapshot { snapshot: Snapshot },
    /// Something went wrong; nothing was lost.
    Error { kind: ErrorKind, message: String },
    /// What the experiment of an `estimate` would cost ([`crate::cost::estimate`]).
    Estimate { memory_bytes: f64, shape: String, knob: String, lower: String },
    /// The answer to `ping`.
    Pong,
    /// The answer to `predict`: one row per input, each the model's probability for every
    /// class in order (non-negative, summing to 1).
    Prediction { probabilities: Vec<Vec<f64>> },
    /// The answer to `export_weights`.
    Weights { weights: crate::rule::Weights },
    /// `import_weights` was refused (a file of another shape, rule or format): `message` says
    /// what differs and which setting to change. The model is untouched, so this is not an
    /// `error` of the model's.
    WeightsRefused { message: String },
}
