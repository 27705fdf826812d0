//! The worker's state machine, free of any browser code: it turns [`Command`]s into [`Reply`]s
//! and runs training in time slices. The wasm glue only moves messages and reads the clock; the
//! native tests drive the very same code.

use crate::data::DataKind;
use crate::data::DataStore;
use crate::error::Error;
use crate::experiment::Experiment;
use crate::protocol::{Command, ErrorKind, Reply, PROTOCOL_VERSION};
use crate::rule::{Progress, Rule};

/// Snapshots are sent at most this often while training (30 Hz).
pub const SNAPSHOT_INTERVAL_MS: f64 = 1000.0 / 30.0;
/// How long the throughput figure averages over.
const RATE_WINDOW_MS: f64 = 1000.0;
/// The first reading of a run comes sooner, so that a run shorter than a window (two epochs of
/// BurstProp on the digits take about a second) still shows its speed.
const FIRST_RATE_MS: f64 = 200.0;

/// One worker's models and data.
#[derive(Default)]
pub struct Session {
    store: DataStore,
    experiment: Option<Experiment>,
    /// An experiment waiting for its data file.
    pending: Option<Experiment>,
    model: Option<Box<dyn Rule + Send>>,
    running: bool,
    /// When stepping: where the step began. The step ends with the first metric row appended
    /// after the model has moved on from there, so that a row still owed for work done before
    /// the step (an epoch's test evaluation that a pause cut short) does not count as the step.
    step_from: Option<Progress>,
    /// When replaying: train until the model has seen this many samples.
    replay_until_samples: Option<u64>,
    rows_sent: usize,
    last_snapshot_ms: f64,
    rate_window_start_ms: Option<f64>,
    rate_window_samples: u64,
    samples_per_s: f64,
    /// The model reported the end of its run.
    finished: bool,
}

impl Session {
    pub fn new() -> Self {
        Self::default()
    }

    /// The handshake the worker posts once it is listening.
    pub fn ready() -> Reply {
        Reply::Ready { protocol: PROTOCOL_VERSION }
    }

    /// True while the session wants [`Session::tick`] to be called again.
    pub fn is_busy(&self) -> bool {
        self.model.is_some() && (self.running || self.step_from.is_some() || self.replay_until_samples.is_some())
    }

    /// Stops training, stepping and replaying.
    fn halt(&mut self) {
        self.running = false;
        self.step_from = None;
        self.replay_until_samples = None;
    }

    pub fn model(&self) -> Option<&(dyn Rule + Send)> {
        self.model.as_deref()
    }

    /// Acts on one command from the page.
    pub fn handle(&mut self, command: Command, bytes: Option<&[u8]>) -> Vec<Reply> {
        match command {
            Command::Configure { experiment } => self.configure(experiment),
            Command::Train => {
                if self.model.is_none() {
                    return vec![protocol_error("configure an experiment before training")];
                }
                self.running = true;
                self.rate_window_start_ms = None;
                vec![]
            }
            Command::Pause => {
                self.halt();
                vec![self.progress_reply()]
            }
            Command::Step => match &self.model {
                None => vec![protocol_error("configure an experiment before stepping")],
                Some(model) => {
                    let from = model.progress();
                    self.halt();
                    self.step_from = Some(from);
                    vec![]
                }
            },
            Command::Replay { samples } => match &self.model {
                None => vec![protocol_error("configure an experiment before replaying it")],
                Some(model) => {
                    let done = model.progress().samples >= samples;
                    self.halt();
                    if done {
                        return vec![self.progress_reply()];
                    }
                    self.replay_until_samples = Some(samples);
                    self.rate_window_start_ms = None;
                    vec![]
                }
            },
            Command::Estimate { experiment } => {
                let cost = crate::cost::estimate(&experiment);
                vec![Reply::Estimate {
                    memory_bytes: cost.memory_bytes,
                    shape: cost.shape,
                    knob: cost.knob.to_string(),
                    lower: cost.lower.to_string(),
                }]
            }
            Command::Ping => vec![Reply::Pong],
            Command::Duty { .. } => vec![],
            Command::Reset => match self.experiment.clone() {
                None => vec![protocol_error("nothing to reset: no experiment configured")],
                Some(experiment) => self.configure(experiment),
            },
            Command::Snapshot => match self.model.as_mut() {
                None => vec![],
                Some(model) => vec![Reply::Snapshot { snapshot: model.snapshot() }],
            },
            Command::LoadData { dataset } => self.load_data(dataset, bytes),
            Command::Adjust { settings } => self.adjust(&settings),
            Command::Predict { inputs } => self.predict(&inputs),
            Command::ExportWeights => match self.model.as_ref() {
                None => vec![protocol_error("configure an experiment before saving its weights")],
                Some(model) => match model.weights() {
                    Ok(weights) => vec![Reply::Weights { weights }],
                    Err(e) => vec![error_reply(&e)],
                },
            },
            Command::ImportWeights { weights } => self.import_weights(weights),
        }
    }

    /// Builds the current experiment afresh, loads `weights` into it and answers like
    /// `configure`; refusals (no model, a file that does not fit) leave the model alone.
    fn import_weights(&mut self, weights: serde_json::Value) -> Vec<Reply> {
        let refuse = |message: String| vec![Reply::WeightsRefused { message }];
        let Some(experiment) = self.experiment.clone().filter(|_| self.model.is_some()) else {
            return refuse("there is no model to load the weights into yet".into());
        };
        let weights: crate::rule::Weights = match serde_json::from_value(weights) {
            Ok(w) => w,
            Err(e) => return refuse(format!("the file is not a brainprop weights file ({e})")),
        };
        let mut model = match experiment.build(&self.store) {
            Ok(model) => model,
            Err(e) => return vec![error_reply(&e)],
        };
        if let Err(e) = model.load_weights(&weights) {
            return refuse(match e {
                Error::InvalidConfig { reason, .. } => reason,
                other => other.to_string(),
            });
        }
        self.install(model, experiment)
    }

    /// The model's class probabilities for `inputs` (rows of equal width), or the error.
    fn predict(&mut self, inputs: &[Vec<f32>]) -> Vec<Reply> {
        let Some(model) = self.model.as_mut() else {
            return vec![protocol_error("configure an experiment before asking for predictions")];
        };
        let width = inputs.first().map_or(0, Vec::len);
        if let Some(row) = inputs.iter().position(|r| r.len() != width) {
            let message = format!("predict: every input row must be as wide as the first ({width}); row {row} is not");
            return vec![protocol_error(&message)];
        }
        let flat: Vec<f32> = inputs.concat();
        let x = ndarray::ArrayView2::from_shape((inputs.len(), width), &flat).expect("rows of equal width");
        match model.predict(x) {
            Ok(p) => vec![Reply::Prediction { probabilities: p.rows().into_iter().map(|r| r.to_vec()).collect() }],
            Err(e) => vec![error_reply(&e)],
        }
    }

    fn adjust(&mut self, settings: &serde_json::Value) -> Vec<Reply> {
        let Some(model) = self.model.as_mut() else {
            return vec![protocol_error("configure an experiment before adjusting it")];
        };
        if let Err(e) = model.adjust(settings) {
            return vec![error_reply(&e)];
        }
        // Reset rebuilds from the experiment: let it start from the adjusted settings.
        if let (Some(experiment), Some(changes)) = (&self.experiment, settings.as_object()) {
            if let Ok(serde_json::Value::Object(mut fields)) = serde_json::to_value(experiment) {
                fields.extend(changes.iter().map(|(k, v)| (k.clone(), v.clone())));
                if let Ok(adjusted) = serde_json::from_value(serde_json::Value::Object(fields)) {
                    self.experiment = Some(adjusted);
                }
            }
        }
        vec![]
    }

    fn load_data(&mut self, dataset: DataKind, bytes: Option<&[u8]>) -> Vec<Reply> {
        if dataset != DataKind::Mnist {
            return vec![protocol_error(&format!("{} is generated, not loaded", dataset.name()))];
        }
        let Some(bytes) = bytes else {
            return vec![protocol_error("load_data needs the file's bytes")];
        };
        if let Err(e) = self.store.load_mnist_bytes(bytes) {
            return vec![error_reply(&e)];
        }
        match self.pending.take() {
            Some(experiment) => self.configure(experiment),
            None => vec![],
        }
    }

    fn configure(&mut self, experiment: Experiment) -> Vec<Reply> {
        // Refuse what cannot be built before asking for data: a refused model must not cost the
        // reader an 11 MB download first.
        if let Err(e) = experiment.validate() {
            return vec![error_reply(&e)];
        }
        if let Some(dataset) = experiment.needs() {
            if !self.store.has_mnist() {
                self.pending = Some(experiment);
                return vec![Reply::NeedsData { dataset }];
            }
        }
        match experiment.build(&self.store) {
            Ok(model) => self.install(model, experiment),
            Err(e) => vec![error_reply(&e)],
        }
    }

    /// Makes `model` (built from `experiment`) the session's, paused, and answers `configured`
    /// with its rows so far and a snapshot.
    fn install(&mut self, model: Box<dyn Rule + Send>, experiment: Experiment) -> Vec<Reply> {
        self.halt();
        self.rows_sent = model.metrics().rows.len();
        let reply = Reply::Configured {
            rule: model.id(),
            experiment: experiment.clone(),
            columns: model.metrics().columns.clone(),
            rows: model.metrics().rows.clone(),
        };
        self.model = Some(model);
        self.experiment = Some(experiment);
        self.samples_per_s = 0.0;
        self.finished = false;
        let snapshot = Reply::Snapshot { snapshot: self.model.as_mut().expect("just built").snapshot() };
        vec![reply, snapshot]
    }

    /// Trains for about `slice_ms` (reading the clock through `now`) and returns what the page
    /// should hear: progress, and a snapshot when one is due.
    pub fn tick(&mut self, now: &mut dyn FnMut() -> f64, slice_ms: f64) -> Vec<Reply> {
        if !self.is_busy() {
            return vec![];
        }
        let start = now();
        let window_start = *self.rate_window_start_ms.get_or_insert(start);
        let mut replies = Vec::new();
        let model = self.model.as_mut().expect("busy implies a model");
        loop {
            let rows_before = model.metrics().rows.len();
            match model.step(1) {
                Ok(outcome) => {
                    self.rate_window_samples += outcome.samples;
                    if outcome.finished {
                        self.finished = true;
                        self.running = false;
                        self.step_from = None;
                        self.replay_until_samples = None;
                    }
                    let appended = model.metrics().rows.len() > rows_before;
                    if appended && self.step_from.is_some_and(|from| model.progress() != from) {
                        self.step_from = None;
                    }
                    if self.replay_until_samples.is_some_and(|samples| model.progress().samples >= samples) {
                        self.replay_until_samples = None;
                    }
                    let busy = self.running || self.step_from.is_some() || self.replay_until_samples.is_some();
                    if outcome.finished || outcome.units == 0 || !busy {
                        break;
                    }
                }
                Err(e) => {
                    self.running = false;
                    self.step_from = None;
                    self.replay_until_samples = None;
                    replies.push(error_reply(&e));
                    break;
                }
            }
            if now() - start >= slice_ms {
                break;
            }
        }
        let end = now();
        let first = self.samples_per_s == 0.0 && self.rate_window_samples > 0;
        if end - window_start >= RATE_WINDOW_MS || (first && end - window_start >= FIRST_RATE_MS) {
            self.samples_per_s = self.rate_window_samples as f64 / ((end - window_start) / 1000.0);
            self.rate_window_start_ms = Some(end);
            self.rate_window_samples = 0;
        }
        replies.insert(0, self.progress_reply());
        let replaying = self.replay_until_samples.is_some();
        if (end - self.last_snapshot_ms >= SNAPSHOT_INTERVAL_MS && !replaying) || !self.is_busy() {
            self.last_snapshot_ms = end;
            if let Some(model) = self.model.as_mut() {
                replies.push(Reply::Snapshot { snapshot: model.snapshot() });
            }
        }
        replies
    }

    fn progress_reply(&mut self) -> Reply {
        let Some(model) = self.model.as_ref() else {
            return Reply::Progress {
                rows: vec![],
                samples: 0,
                epoch: 0.0,
                running: false,
                finished: false,
                samples_per_s: 0.0,
            };
        };
        let rows = model.metrics().rows[self.rows_sent..].to_vec();
        self.rows_sent = model.metrics().rows.len();
        let progress = model.progress();
        Reply::Progress {
            rows,
            samples: progress.samples,
            epoch: progress.epoch,
            running: self.running || self.step_from.is_some() || self.replay_until_samples.is_some(),
            finished: self.finished,
            samples_per_s: self.samples_per_s,
        }
    }
}

fn error_reply(error: &Error) -> Reply {
    let kind = match error {
        Error::InvalidConfig { .. } => ErrorKind::Config,
        Error::Diverged { .. } => ErrorKind::Diverged,
        Error::Data(_) => ErrorKind::Data,
        Error::Protocol(_) => ErrorKind::Protocol,
    };
    Reply::Error { kind, message: error.to_string() }
}

fn protocol_error(message: &str) -> Reply {
    error_reply(&Error::Protocol(message.to_string()))
}
