//! Learning through time: a recurrent network trained by backprop through time (BPTT), by
//! e-prop (Bellec et al. 2020, Nat. Commun. 11:3625) with symmetric or random feedback, and a rate
//! network trained by RFLO (Murray 2019, eLife 8:e43299). ALGORITHMS.md §7.
//!
//! - `bptt`: the spiking network's exact gradient (with the pseudo-derivative), from the stored
//!   history of the trial ([`spiking::SpikingRnn::bptt`]).
//! - `eprop`: eligibility traces forward in time and a learning signal broadcast from the readout
//!   ([`spiking::SpikingRnn::eprop`]).
//! - `rflo`: a rate RNN whose synapses keep a leaky trace of their pre- and postsynaptic activity
//!   and hear the output error through fixed random weights ([`rate::RateRnn::rflo`]).
//! - `memory`: what BPTT and e-prop store, in bytes, as the trial grows (no learning).
//!
//! Every method updates its weights once per trial with Adam. Every [`REPORT_EVERY`] iterations a
//! metric row records the loss, the firing rate, the bytes the method holds for learning (measured
//! from its live buffers), and the cosine of its update direction with BPTT's gradient on the same
//! trial and weights (over the input and recurrent weights: every method's readout gradient is
//! exact).
//!
//! A work unit is a chunk of a trial's steps ([`chunk_steps`]: about [`UNIT_WORK`]
//! synapse-steps): e-prop and RFLO run forward in chunks; BPTT runs forward in chunks, then back
//! in chunks; on a report iteration e-prop and RFLO then run BPTT on the same trial for the
//! cosine, in chunks too ([`Phase`]). The update and the row come with the last chunk.
//!
//! Constants: dt = 1 ms, τ_m = τ_out = 30 ms, v_th = 1, ALIF τ_a = 1,200 ms with
//! β = 1.7 (1 − ρ)/(1 − α) (the e-prop code's choice), rate units τ = 30 ms.

mod config;
pub mod rate;
pub mod spiking;

pub use config::{RecurrentConfig, RecurrentFeedback, RecurrentTask};

use crate::metrics::cosine;
use crate::neuron::alif::AlifParams;
use crate::rng::{rng_for, SimRng, Stream};
use crate::rule::{MetricTable, Progress, Rule, RuleId, Snapshot, StepOutcome};
use crate::{Error, Result};
use rand::Rng;
use rand_distr::{Distribution, Normal};
use rate::{RateBackward, RateForward, RateRnn, Rflo, RfloTraces};
use spiking::{Backward, Eprop, Forward, Gradients, History, Outcome, SpikingRnn, Traces, Trial};

/// Membrane and readout time constants (ms).
pub const TAU_MEMBRANE_MS: f64 = 30.0;
pub const TAU_READOUT_MS: f64 = 30.0;
/// Adaptation time constant of the ALIF neurons (ms).
pub const TAU_ADAPTATION_MS: f64 = 1200.0;
/// Threshold `v_th`.
pub const THRESHOLD: f64 = 1.0;
/// A metric row every this many iterations.
pub const REPORT_EVERY: u32 = 10;
/// Neurons whose spikes the raster shows.
pub const RASTER_NEURONS: usize = 50;
/// Cue task: the cue lasts this long at the start, the go signal and the response window this
/// long at the end (ms).
pub const CUE_MS: usize = 100;
pub const RESPONSE_MS: usize = 150;
/// Background rate of the cue task's fourth input group (Hz).
pub const BACKGROUND_HZ: f64 = 10.0;
/// The frequencies of the pattern's four sines (Hz).
pub const PATTERN_HZ: [f64; 4] = [1.0, 2.0, 3.0, 5.0];
/// Synapse-steps a work unit does at most (unless one step of the network is more): about 10 ms
/// of e-prop natively, the slowest per synapse-step.
pub const UNIT_WORK: usize = 2_500_000;

/// Synapses of `config`'s network (input, recurrent and readout weights): the work of one step.
pub fn synapses(config: &RecurrentConfig) -> usize {
    let (n, ni, k) = (config.neurons, config.inputs, config.outputs());
    n * (ni + n) + k * n
}

/// Steps of a trial run per work unit: [`UNIT_WORK`] synapse-steps, at least one step.
pub fn chunk_steps(config: &RecurrentConfig) -> usize {
    (UNIT_WORK / synapses(config).max(1)).max(1)
}

/// A pass through one trial under way, in chunks of steps: a method's own, or BPTT's for the
/// cosine. The buffers a method learns from (history, traces) are lent to the pass and returned
/// by [`ThroughTime::end_pass`].
#[derive(Debug, Clone)]
pub enum Pass {
    /// BPTT on the spiking network: forward, recording the history, then back through it.
    SpikingForward(Forward, History),
    SpikingBackward(Outcome, Backward, History),
    /// e-prop, forward only.
    Eprop(Eprop, Traces),
    /// BPTT on the rate network: forward, then back.
    RateForward(RateForward),
    RateBackward(RateForward, RateBackward),
    /// RFLO, forward only.
    Rflo(Rflo, RfloTraces),
}

/// Where an iteration of training stands.
#[derive(Debug, Clone)]
pub enum Phase {
    /// Between iterations.
    Idle,
    /// The method's pass through `trial`.
    Estimating { trial: Trial, pass: Pass },
    /// On a report iteration of e-prop or RFLO: BPTT's pass through the same trial and weights,
    /// for the cosine with the method's `gradient`.
    Comparing { trial: Trial, outcome: Outcome, gradient: Gradients, exact: Pass },
}

/// Which method a model trains with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Bptt,
    Eprop,
    Rflo,
}

impl Method {
    fn id(self) -> RuleId {
        match self {
            Method::Bptt => RuleId::Bptt,
            Method::Eprop => RuleId::Eprop,
            Method::Rflo => RuleId::Rflo,
        }
    }
}

/// The trials of a task: the one frozen pattern, or a fresh cue trial each time.
#[derive(Debug, Clone)]
pub struct Tasks {
    config: RecurrentConfig,
    frozen: Option<Trial>,
    rng: SimRng,
    /// The cue of the last cue trial (0 or 1).
    pub last_cue: usize,
}

impl Tasks {
    pub fn new(config: &RecurrentConfig) -> Self {
        let mut tasks = Self {
            config: config.clone(),
            frozen: None,
            rng: rng_for(config.seed, Stream::DataGeneration),
            last_cue: 0,
        };
        if config.task == RecurrentTask::Pattern {
            tasks.frozen = Some(tasks.pattern());
        }
        tasks
    }

    /// The next trial.
    pub fn trial(&mut self) -> Trial {
        match &self.frozen {
            Some(trial) => trial.clone(),
            None => self.cue(),
        }
    }

    /// The pattern: every input a frozen Poisson train at `input_rate`; the target a sum of four
    /// sines (1, 2, 3, 5 Hz) of random amplitude and phase, scaled to a peak of 1.
    fn pattern(&mut self) -> Trial {
        let (steps, p) = (self.config.steps(), self.config.input_rate / 1000.0);
        let inputs =
            (0..steps).map(|_| (0..self.config.inputs).filter(|_| self.rng.random::<f64>() < p).collect()).collect();
        let waves: Vec<(f64, f64)> = PATTERN_HZ
            .iter()
            .map(|_| (self.rng.random_range(0.5..2.0), self.rng.random_range(0.0..std::f64::consts::TAU)))
            .collect();
        let mut targets: Vec<f64> = (0..steps)
            .map(|t| {
                let s = t as f64 / 1000.0;
                PATTERN_HZ
                    .iter()
                    .zip(&waves)
                    .map(|(f, (amp, phase))| amp * (std::f64::consts::TAU * f * s + phase).sin())
                    .sum()
            })
            .collect();
        let peak = targets.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-9);
        targets.iter_mut().for_each(|v| *v /= peak);
        Trial { inputs, targets, mask: vec![1.0 / steps as f64; steps] }
    }

    /// A delayed-cue trial: inputs in four groups (left cue, right cue, go, background). The cue
    /// group fires at `input_rate` for the first 100 ms, the background at 10 Hz throughout, the
    /// go group for the last 150 ms; then output `cue` should be 1 and the other 0.
    fn cue(&mut self) -> Trial {
        let steps = self.config.steps();
        let cue = usize::from(self.rng.random_bool(0.5));
        self.last_cue = cue;
        let group = (self.config.inputs / 4).max(1);
        let (p, background) = (self.config.input_rate / 1000.0, BACKGROUND_HZ / 1000.0);
        let response = steps.saturating_sub(RESPONSE_MS);
        let inputs = (0..steps)
            .map(|t| {
                (0..self.config.inputs)
                    .filter(|&i| {
                        let rate = match (i / group).min(3) {
                            g @ (0 | 1) if g == cue && t < CUE_MS => p,
                            2 if t >= response => p,
                            3 => background,
                            _ => 0.0,
                        };
                        rate > 0.0 && self.rng.random::<f64>() < rate
                    })
                    .collect()
            })
            .collect();
        let window = (steps - response).max(1) as f64;
        let mut targets = vec![0.0; steps * 2];
        let mut mask = vec![0.0; steps];
        for t in response..steps {
            targets[t * 2 + cue] = 1.0;
            mask[t] = 1.0 / window;
        }
        Trial { inputs, targets, mask }
    }
}

/// Adam (Kingma & Ba 2015) over a flat parameter vector.
#[derive(Debug, Clone)]
struct Adam {
    m: Vec<f64>,
    v: Vec<f64>,
    t: i32,
}

impl Adam {
    fn new(n: usize) -> Self {
        Self { m: vec![0.0; n], v: vec![0.0; n], t: 0 }
    }

    /// `θ ← θ − lr·m̂/(√v̂ + ε)` for the gradient `g` of `θ`, both in the same order.
    fn step<'a>(&mut self, lr: f64, params: impl Iterator<Item = &'a mut f64>, g: impl Iterator<Item = &'a f64>) {
        let (b1, b2, eps): (f64, f64, f64) = (0.9, 0.999, 1e-8);
        self.t += 1;
        let (c1, c2) = (1.0 - b1.powi(self.t), 1.0 - b2.powi(self.t));
        for (((p, &g), m), v) in params.zip(g).zip(&mut self.m).zip(&mut self.v) {
            *m = b1 * *m + (1.0 - b1) * g;
            *v = b2 * *v + (1.0 - b2) * g * g;
            *p -= lr * (*m / c1) / ((*v / c2).sqrt() + eps);
        }
    }
}

/// The network a method trains.
#[derive(Debug, Clone)]
enum Network {
    Spiking(SpikingRnn),
    Rate(RateRnn),
}

/// Draws the spiking network of `config`: input weights that make a neuron cross threshold now
/// and then, weak recurrent weights, no autapses, a small readout.
pub fn spiking_network(config: &RecurrentConfig) -> SpikingRnn {
    let rng = &mut rng_for(config.seed, Stream::Weights);
    let (n, ni, k) = (config.neurons, config.inputs, config.outputs());
    let params = AlifParams::new(TAU_MEMBRANE_MS, TAU_ADAPTATION_MS, THRESHOLD, 0.0);
    let kick = 1.0 - params.alpha; // what one spike of weight w adds to v: (1 − α) w
    let input_spikes = (ni as f64 * config.input_rate / 1000.0).max(1.0);
    let w_in = gaussian(rng, n * ni, 1.5 * THRESHOLD / (kick * input_spikes.sqrt()) / 4.0);
    let mut w_rec = gaussian(rng, n * n, 0.5 * THRESHOLD / (kick * (n as f64).sqrt()) / 4.0);
    for j in 0..n {
        w_rec[j * n + j] = 0.0;
    }
    let kappa = (-1.0 / TAU_READOUT_MS).exp();
    let w_out = gaussian(rng, k * n, (1.0 - kappa) / (n as f64).sqrt());
    let adaptive = (config.adaptive * n as f64).round() as usize;
    let beta_alif = 1.7 * (1.0 - params.rho) / (1.0 - params.alpha);
    let beta = (0..n).map(|j| if j >= n - adaptive { beta_alif } else { 0.0 }).collect();
    SpikingRnn { inputs: ni, neurons: n, outputs: k, w_in, w_rec, w_out, beta, params, kappa }
}

/// Draws the rate network of `config` (recurrent gain 1.2).
pub fn rate_network(config: &RecurrentConfig) -> RateRnn {
    let rng = &mut rng_for(config.seed, Stream::Weights);
    let (n, ni, k) = (config.neurons, config.inputs, config.outputs());
    let input_spikes = (ni as f64 * config.input_rate / 1000.0).max(1.0);
    RateRnn {
        inputs: ni,
        units: n,
        outputs: k,
        w_in: gaussian(rng, n * ni, 1.0 / input_spikes.sqrt()),
        w_rec: gaussian(rng, n * n, 1.2 / (n as f64).sqrt()),
        w_out: gaussian(rng, k * n, 0.1 / (n as f64).sqrt()),
        tau: TAU_MEMBRANE_MS,
    }
}

fn gaussian(rng: &mut SimRng, count: usize, sd: f64) -> Vec<f64> {
    let normal = Normal::new(0.0, sd.max(1e-12)).expect("a positive standard deviation");
    (0..count).map(|_| normal.sample(rng)).collect()
}

/// Metric columns of every method.
pub const COLUMNS: [&str; 6] = ["iteration", "loss", "rate_hz", "cosine_bptt", "stored_bytes", "accuracy"];

/// A recurrent network trained through time by one method.
pub struct ThroughTime {
    config: RecurrentConfig,
    method: Method,
    network: Network,
    tasks: Tasks,
    /// `B`, `neurons × outputs`: e-prop's random feedback or RFLO's.
    feedback: Option<Vec<f64>>,
    adam: Adam,
    history: History,
    traces: Traces,
    rflo_traces: RfloTraces,
    metrics: MetricTable,
    iteration: u32,
    /// Since the last row: summed loss, correct cue trials, spikes, trials.
    window: (f64, usize, usize, usize),
    last: Option<(Trial, Outcome)>,
    phase: Phase,
    failed: Option<Error>,
}

impl ThroughTime {
    /// Errors: [`Error::InvalidConfig`] for settings out of range.
    pub fn new(config: RecurrentConfig, method: Method) -> Result<Self> {
        let mut model = Self::untrained(config, method)?;
        // Row 0: the untrained network on a trial.
        let trial = model.tasks.trial();
        let (outcome, gradient) = model.estimate(&trial);
        let cosine = model.cosine_with_bptt(&trial, &gradient);
        model.window = (outcome.loss, usize::from(model.correct(&trial, &outcome)), outcome.spikes.len(), 1);
        model.last = Some((trial, outcome));
        model.record(cosine);
        Ok(model)
    }

    /// The model before row 0.
    fn untrained(config: RecurrentConfig, method: Method) -> Result<Self> {
        config.validate()?;
        let network = match method {
            Method::Rflo => Network::Rate(rate_network(&config)),
            _ => Network::Spiking(spiking_network(&config)),
        };
        let (n, k) = (config.neurons, config.outputs());
        let random =
            matches!(method, Method::Rflo) || (method == Method::Eprop && config.feedback == RecurrentFeedback::Random);
        let feedback =
            random.then(|| gaussian(&mut rng_for(config.seed, Stream::Feedback), n * k, 1.0 / (n as f64).sqrt()));
        let parameters = n * config.inputs + n * n + k * n;
        Ok(Self {
            tasks: Tasks::new(&config),
            adam: Adam::new(parameters),
            config,
            method,
            network,
            feedback,
            history: History::default(),
            traces: Traces::default(),
            rflo_traces: RfloTraces::default(),
            metrics: MetricTable::new(&COLUMNS),
            iteration: 0,
            window: (0.0, 0, 0, 0),
            last: None,
            phase: Phase::Idle,
            failed: None,
        })
    }

    /// This method's outcome and update direction (gradient estimate) on `trial`, at once.
    pub fn estimate(&mut self, trial: &Trial) -> (Outcome, Gradients) {
        let mut pass = self.start_pass(trial, false);
        while !self.advance_pass(trial, &mut pass, usize::MAX).1 {}
        self.end_pass(pass)
    }

    /// A pass through `trial` before its first step: this method's, or with `exact` BPTT's on
    /// buffers of its own.
    fn start_pass(&mut self, trial: &Trial, exact: bool) -> Pass {
        let exact = exact || self.method == Method::Bptt;
        match &self.network {
            Network::Spiking(net) if exact => {
                let mut history =
                    if self.method == Method::Bptt { std::mem::take(&mut self.history) } else { History::default() };
                Pass::SpikingForward(net.start_forward(trial, Some(&mut history)), history)
            }
            Network::Spiking(net) => {
                let mut traces = std::mem::take(&mut self.traces);
                Pass::Eprop(net.start_eprop(trial, &mut traces), traces)
            }
            Network::Rate(net) if exact => Pass::RateForward(net.start_forward(trial)),
            Network::Rate(net) => {
                let mut traces = std::mem::take(&mut self.rflo_traces);
                Pass::Rflo(net.start_rflo(trial, &mut traces), traces)
            }
        }
    }

    /// Runs up to `steps` more steps of `pass` (forward or back); returns the synapse-steps done
    /// and whether the pass is complete.
    fn advance_pass(&self, trial: &Trial, pass: &mut Pass, steps: usize) -> (u64, bool) {
        let total = trial.steps();
        let moved = match (&self.network, &mut *pass) {
            (Network::Spiking(net), Pass::SpikingForward(forward, history)) => {
                let before = forward.t;
                net.forward(trial, forward, steps, Some(history));
                forward.t - before
            }
            (Network::Spiking(net), Pass::SpikingBackward(_, backward, history)) => {
                let before = backward.t;
                net.backward(trial, history, backward, steps);
                before - backward.t
            }
            (Network::Spiking(net), Pass::Eprop(state, traces)) => {
                let before = state.t;
                net.eprop_steps(trial, self.feedback.as_deref(), traces, state, steps);
                state.t - before
            }
            (Network::Rate(net), Pass::RateForward(forward)) => {
                let before = forward.t;
                net.forward(trial, forward, steps);
                forward.t - before
            }
            (Network::Rate(net), Pass::RateBackward(forward, backward)) => {
                let before = backward.t;
                net.backward(trial, forward, backward, steps);
                before - backward.t
            }
            (Network::Rate(net), Pass::Rflo(state, traces)) => {
                let before = state.t;
                let b = self.feedback.as_deref().expect("RFLO has random feedback");
                net.rflo_steps(trial, b, traces, state, steps);
                state.t - before
            }
            _ => unreachable!("a pass of the other network"),
        };
        // BPTT's forward half, at the trial's end, turns back (from the next chunk on).
        match (&self.network, &mut *pass) {
            (Network::Spiking(net), Pass::SpikingForward(forward, history)) if forward.t == total => {
                let (outcome, history) = (std::mem::take(&mut forward.outcome), std::mem::take(history));
                *pass = Pass::SpikingBackward(outcome, net.start_backward(trial), history);
            }
            (Network::Rate(net), Pass::RateForward(forward)) if forward.t == total => {
                *pass = Pass::RateBackward(std::mem::take(forward), net.start_backward(trial));
            }
            _ => {}
        }
        let complete = match pass {
            Pass::SpikingBackward(_, backward, _) => backward.t == 0,
            Pass::RateBackward(_, backward) => backward.t == 0,
            Pass::Eprop(state, _) => state.t == total,
            Pass::Rflo(state, _) => state.t == total,
            Pass::SpikingForward(..) | Pass::RateForward(..) => false,
        };
        (moved as u64 * synapses(&self.config) as u64, complete)
    }

    /// The outcome and gradient of a complete `pass`; the method's buffers go back to it.
    fn end_pass(&mut self, pass: Pass) -> (Outcome, Gradients) {
        match pass {
            Pass::SpikingBackward(outcome, backward, history) => {
                if self.method == Method::Bptt {
                    self.history = history;
                }
                (outcome, backward.gradient)
            }
            Pass::Eprop(state, traces) => {
                self.traces = traces;
                (state.outcome, state.gradient)
            }
            Pass::RateBackward(forward, backward) => (forward.outcome, backward.gradient),
            Pass::Rflo(state, traces) => {
                self.rflo_traces = traces;
                (state.outcome, state.gradient)
            }
            Pass::SpikingForward(..) | Pass::RateForward(..) => unreachable!("a pass ended before its backward half"),
        }
    }

    /// The cosine of `gradient` with BPTT's on the same trial and weights (input and recurrent
    /// weights).
    fn cosine_with_bptt(&self, trial: &Trial, gradient: &Gradients) -> f64 {
        let exact = match (&self.network, self.method) {
            (_, Method::Bptt) => return 1.0,
            (Network::Spiking(net), _) => net.bptt(trial, &mut History::default()).1,
            (Network::Rate(net), _) => net.bptt(trial).1,
        };
        cosine(gradient.hidden(), exact.hidden()).unwrap_or(f64::NAN)
    }

    /// The bytes this method holds to learn from a trial, measured from its live buffers.
    pub fn stored_bytes(&self) -> usize {
        match self.method {
            Method::Bptt => self.history.bytes(),
            Method::Eprop => self.traces.bytes(),
            Method::Rflo => self.rflo_traces.bytes(),
        }
    }

    /// Did the cue trial's readout, averaged over its response window, pick the cue?
    fn correct(&self, trial: &Trial, outcome: &Outcome) -> bool {
        if self.config.task != RecurrentTask::Cue {
            return false;
        }
        let k = 2;
        let mut sums = [0.0; 2];
        for (t, &m) in trial.mask.iter().enumerate() {
            if m > 0.0 {
                for (c, s) in sums.iter_mut().enumerate() {
                    *s += outcome.outputs[t * k + c];
                }
            }
        }
        usize::from(sums[1] > sums[0]) == self.tasks.last_cue
    }

    fn record(&mut self, cosine: f64) {
        let (loss, correct, spikes, trials) = self.window;
        let trials_f = trials.max(1) as f64;
        let rate = spikes as f64 / (trials_f * self.config.neurons as f64 * self.config.duration / 1000.0);
        let accuracy = if self.config.task == RecurrentTask::Cue { correct as f64 / trials_f } else { f64::NAN };
        let stored = self.stored_bytes() as f64;
        self.metrics.push(vec![self.iteration as f64, loss / trials_f, rate, cosine, stored, accuracy]);
        self.window = (0.0, 0, 0, 0);
    }

    fn parameters(&mut self) -> (Vec<&mut f64>, usize) {
        match &mut self.network {
            Network::Spiking(net) => {
                let n = net.neurons;
                (net.w_in.iter_mut().chain(net.w_rec.iter_mut()).chain(net.w_out.iter_mut()).collect(), n)
            }
            Network::Rate(net) => {
                let n = net.units;
                (net.w_in.iter_mut().chain(net.w_rec.iter_mut()).chain(net.w_out.iter_mut()).collect(), n)
            }
        }
    }

    /// One work unit: the next chunk of the iteration under way, starting one when idle.
    /// Returns the synapse-steps done.
    fn work_unit(&mut self) -> Result<u64> {
        let chunk = chunk_steps(&self.config);
        let phase = match std::mem::replace(&mut self.phase, Phase::Idle) {
            Phase::Idle => {
                let trial = self.tasks.trial();
                let pass = self.start_pass(&trial, false);
                Phase::Estimating { trial, pass }
            }
            phase => phase,
        };
        match phase {
            Phase::Estimating { trial, mut pass } => {
                let (work, complete) = self.advance_pass(&trial, &mut pass, chunk);
                if complete {
                    let (outcome, gradient) = self.end_pass(pass);
                    self.estimated(trial, outcome, gradient)?;
                } else {
                    self.phase = Phase::Estimating { trial, pass };
                }
                Ok(work)
            }
            Phase::Comparing { trial, outcome, gradient, mut exact } => {
                let (work, complete) = self.advance_pass(&trial, &mut exact, chunk);
                if complete {
                    let exact = self.end_pass(exact).1;
                    let cosine = cosine(gradient.hidden(), exact.hidden()).unwrap_or(f64::NAN);
                    self.finish_iteration(trial, outcome, gradient, cosine);
                } else {
                    self.phase = Phase::Comparing { trial, outcome, gradient, exact };
                }
                Ok(work)
            }
            Phase::Idle => unreachable!("an idle iteration starts estimating"),
        }
    }

    /// The method's pass through `trial` is done: stops on divergence, else compares with BPTT
    /// (on a report iteration of e-prop or RFLO) or finishes the iteration.
    fn estimated(&mut self, trial: Trial, outcome: Outcome, gradient: Gradients) -> Result<()> {
        if !outcome.loss.is_finite()
            || !gradient.w_in.iter().chain(&gradient.w_rec).chain(&gradient.w_out).all(|g| g.is_finite())
        {
            let error = Error::Diverged { epoch: f64::from(self.iteration), loss: outcome.loss };
            self.failed = Some(error.clone());
            return Err(error);
        }
        if self.reports() && self.method != Method::Bptt {
            let exact = self.start_pass(&trial, true);
            self.phase = Phase::Comparing { trial, outcome, gradient, exact };
        } else {
            let cosine = if self.reports() { 1.0 } else { f64::NAN };
            self.finish_iteration(trial, outcome, gradient, cosine);
        }
        Ok(())
    }

    /// Does the iteration under way end with a metric row?
    fn reports(&self) -> bool {
        (self.iteration + 1) % REPORT_EVERY == 0 || self.iteration + 1 == self.config.iterations
    }

    /// The update from `gradient`, and the row when the iteration reports (with `cosine`).
    fn finish_iteration(&mut self, trial: Trial, outcome: Outcome, gradient: Gradients, cosine: f64) {
        let report = self.reports();
        let correct = self.correct(&trial, &outcome);
        self.window.0 += outcome.loss;
        self.window.1 += usize::from(correct);
        self.window.2 += outcome.spikes.len();
        self.window.3 += 1;
        let lr = self.config.lr;
        let mut adam = std::mem::replace(&mut self.adam, Adam::new(0));
        let (params, n) = self.parameters();
        adam.step(lr, params.into_iter(), gradient.w_in.iter().chain(&gradient.w_rec).chain(&gradient.w_out));
        self.adam = adam;
        // No autapses, whatever the optimizer did.
        if let Network::Spiking(net) = &mut self.network {
            for j in 0..n {
                net.w_rec[j * n + j] = 0.0;
            }
        }
        self.iteration += 1;
        self.last = Some((trial, outcome));
        if report {
            self.record(cosine);
        }
    }
}

impl Rule for ThroughTime {
    fn id(&self) -> RuleId {
        self.method.id()
    }

    /// One work unit is a chunk of a trial's steps ([`chunk_steps`]), forward or back; the
    /// last of an iteration updates the weights. `samples` counts the iterations finished,
    /// `work` the synapse-steps.
    fn step(&mut self, budget: u32) -> Result<StepOutcome> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let rows = self.metrics.rows.len();
        let mut outcome = StepOutcome::default();
        while outcome.units < budget.max(1) && self.iteration < self.config.iterations {
            let before = self.iteration;
            outcome.work += self.work_unit()?;
            outcome.units += 1;
            outcome.samples += u64::from(self.iteration - before);
        }
        outcome.new_rows = self.metrics.rows.len() - rows;
        outcome.finished = self.iteration >= self.config.iterations;
        Ok(outcome)
    }

    fn metrics(&self) -> &MetricTable {
        &self.metrics
    }

    fn progress(&self) -> Progress {
        Progress { samples: u64::from(self.iteration), epoch: f64::from(self.iteration) }
    }

    /// `trace.target` and `trace.output` (`[steps, outputs]`, the last trial), `trace.mask`
    /// (`[steps]`), and `raster` (`[spikes, 2]`: step and neuron of each spike of the first
    /// [`RASTER_NEURONS`] neurons; empty for the rate network).
    fn snapshot(&mut self) -> Snapshot {
        let mut snap = Snapshot::default();
        if let Some((trial, outcome)) = &self.last {
            let (steps, k) = (trial.steps(), self.config.outputs());
            snap.push("trace.target", vec![steps, k], trial.targets.iter().map(|&v| v as f32).collect());
            snap.push("trace.output", vec![steps, k], outcome.outputs.iter().map(|&v| v as f32).collect());
            snap.push("trace.mask", vec![steps], trial.mask.iter().map(|&v| v as f32).collect());
            let shown: Vec<f32> = outcome
                .spikes
                .iter()
                .filter(|(_, j)| (*j as usize) < RASTER_NEURONS)
                .flat_map(|&(t, j)| [t as f32, j as f32])
                .collect();
            snap.push("raster", vec![shown.len() / 2, 2], shown);
        }
        snap
    }
}

/// Trial lengths the memory figure measures (ms).
pub const MEMORY_DURATIONS: [f64; 6] = [200.0, 500.0, 1000.0, 1500.0, 2000.0, 3000.0];

/// What each method stores to learn from one trial, as the trial grows: one trial of BPTT, e-prop
/// and RFLO per length of [`MEMORY_DURATIONS`], bytes read from their live buffers. A work unit
/// is a chunk of one method's trial ([`chunk_steps`]); a length's row comes with the last.
pub struct TrialMemory {
    config: RecurrentConfig,
    /// Index into [`MEMORY_DURATIONS`] of the length under way.
    next: usize,
    /// The method under way at that length (an index into [`MEMORY_METHODS`]), its model, trial
    /// and pass, and the bytes of the methods done.
    method: usize,
    running: Option<(ThroughTime, Trial, Pass)>,
    bytes: Vec<f64>,
    metrics: MetricTable,
}

/// Columns of the memory figure.
pub const MEMORY_COLUMNS: [&str; 4] = ["duration_ms", "bptt_bytes", "eprop_bytes", "rflo_bytes"];
/// The methods of the memory figure, in its columns' order.
pub const MEMORY_METHODS: [Method; 3] = [Method::Bptt, Method::Eprop, Method::Rflo];

impl TrialMemory {
    /// Errors: [`Error::InvalidConfig`] for settings out of range.
    pub fn new(config: RecurrentConfig) -> Result<Self> {
        config.validate()?;
        Ok(Self {
            config,
            next: 0,
            method: 0,
            running: None,
            bytes: Vec::new(),
            metrics: MetricTable::new(&MEMORY_COLUMNS),
        })
    }

    /// One chunk of the trial under way (starting the next method's); returns the synapse-steps
    /// done and whether it appended a row.
    fn work_unit(&mut self) -> Result<(u64, bool)> {
        let duration = MEMORY_DURATIONS[self.next];
        let (mut model, trial, mut pass) = match self.running.take() {
            Some(running) => running,
            None => {
                let config = RecurrentConfig { duration, ..self.config.clone() };
                let mut model = ThroughTime::untrained(config, MEMORY_METHODS[self.method])?;
                let trial = model.tasks.trial();
                let pass = model.start_pass(&trial, false);
                (model, trial, pass)
            }
        };
        let (work, complete) = model.advance_pass(&trial, &mut pass, chunk_steps(&model.config));
        if !complete {
            self.running = Some((model, trial, pass));
            return Ok((work, false));
        }
        model.end_pass(pass);
        self.bytes.push(model.stored_bytes() as f64);
        self.method += 1;
        if self.method < MEMORY_METHODS.len() {
            return Ok((work, false));
        }
        let bytes = std::mem::take(&mut self.bytes);
        self.metrics.push(vec![duration, bytes[0], bytes[1], bytes[2]]);
        (self.next, self.method) = (self.next + 1, 0);
        Ok((work, true))
    }
}

impl Rule for TrialMemory {
    fn id(&self) -> RuleId {
        RuleId::Memory
    }

    /// One work unit is a chunk of one method's trial at one length; `samples` counts the
    /// simulated ms of the lengths done, `work` the synapse-steps.
    fn step(&mut self, budget: u32) -> Result<StepOutcome> {
        let mut outcome = StepOutcome::default();
        while outcome.units < budget.max(1) && self.next < MEMORY_DURATIONS.len() {
            let duration = MEMORY_DURATIONS[self.next];
            let (work, row) = self.work_unit()?;
            outcome.units += 1;
            outcome.work += work;
            if row {
                outcome.new_rows += 1;
                outcome.samples += duration as u64;
            }
        }
        outcome.finished = self.next >= MEMORY_DURATIONS.len();
        Ok(outcome)
    }

    fn metrics(&self) -> &MetricTable {
        &self.metrics
    }

    fn progress(&self) -> Progress {
        Progress { samples: self.next as u64, epoch: self.next as f64 }
    }

    fn snapshot(&mut self) -> Snapshot {
        Snapshot::default()
    }
}
