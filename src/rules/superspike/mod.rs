//! SuperSpike (Zenke & Ganguli 2018, "SuperSpike: supervised learning in multilayer spiking
//! neural networks", Neural Comput. 30(6):1514–1541; ALGORITHMS.md §4).
//!
//! Spikes have no derivative, so SuperSpike replaces `∂S/∂U` with a surrogate, the slope of a fast
//! sigmoid, and minimises the van Rossum distance between the output trains `S_i` and their
//! targets `Ŝ_i`. The result is a three-factor rule: a presynaptic trace, a postsynaptic factor,
//! and an error, for every synapse from neuron `j` onto neuron `i`:
//!
//! ```text
//! σ'(U) = β / (1 + β |U − ϑ|)²                        surrogate derivative
//! ε ∗ S_j                                             presynaptic trace: the PSP kernel
//! λ_ij = α ∗ (σ'(U_i) · ε ∗ S_j)                      eligibility trace
//! e_i  = α ∗ (Ŝ_i − S_i)                              output error
//! e_k  = Σ_i B_ki e_i                                 hidden error: B = W_outᵀ (symmetric),
//!                                                     fixed random, uniform, or none (frozen)
//! g_ij = Σ_n e_i[n] λ_ij[n] dt                        over one trial
//! v_ij ← max(g_ij², γ v_ij),  γ = e^{−T/τ_rms}        per-synapse RMS (τ_rms = 30 s)
//! w_ij ← w_ij + η g_ij / (√v_ij + 10⁻¹²)
//! ```
//!
//! `α` and `ε` are the same double exponential (rise τ_syn = 5 ms, decay τ_mem = 10 ms, the
//! neurons' PSP; [`crate::neuron::lif::DoubleExp`]). Inputs are frozen Poisson trains replayed
//! every trial; every trace starts from zero with each trial, and the weights change at its end.
//!
//! **How it is computed.** Filtering every synapse's eligibility step by step costs several
//! operations per synapse per step. Since `α` is linear, `Σ_n e[n] (α ∗ x)[n] = Σ_m ẽ[m] x[m]`
//! with `ẽ` the error filtered backwards in time (the adjoint, [`DoubleExp::filter_backward`]),
//! so at the end of a trial `g = Σ_m (ẽ_i σ'(U_i))[m] (ε ∗ S_j)[m] dt`: one matrix product over
//! the trial's steps. It is the same sum, exactly (tests/spikes.rs checks the identity against
//! step-by-step filtering), and it is what makes the rule fast enough for a browser.
//!
//! Input spikes reach the hidden layer, and hidden spikes the output layer, within the same step.

pub mod config;
pub mod tasks;

pub use config::{SpikeFeedback, SpikeTask, SuperSpikeConfig};

use crate::neuron::lif::{surrogate, DoubleExp, LifLayer, LifParams};
use crate::rng::{rng_for, Stream};
use crate::rule::{MetricTable, Progress, Rule, RuleId, Snapshot, StepOutcome};
use crate::{Error, Result};
use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2};
use rand_distr::{Distribution, Normal};
use tasks::Trial;

/// Time constant of the RMS normalisation (Zenke & Ganguli: 30 s).
pub const TAU_RMS_MS: f64 = 30_000.0;
/// Spread of the initial weights (mV) times `1/√(presynaptic neurons)`, chosen so that the
/// untrained outputs fire a few spikes per trial.
pub const INIT_SCALE_MV: f64 = 60.0;
/// Mean of the initial weights (mV) times `1/presynaptic neurons`.
pub const INIT_MEAN_MV: f64 = 60.0;
/// A target spike counts as matched when an output spike lies within this many ms.
pub const MATCH_MS: f64 = 2.0;

/// Per-epoch measurements.
pub const COLUMNS: [&str; 8] =
    ["epoch", "loss", "spikes", "target_spikes", "timing_error_ms", "worst_error_ms", "matched", "hidden_rate"];

/// One layer's weights (`pre × post`, mV) and RMS state.
#[derive(Debug, Clone)]
struct Synapses {
    w: Array2<f32>,
    v: Array2<f32>,
    g: Array2<f32>,
}

impl Synapses {
    fn new(pre: usize, post: usize, rng: &mut crate::rng::SimRng) -> Self {
        let spread = INIT_SCALE_MV / (pre as f64).sqrt();
        let normal = Normal::new(INIT_MEAN_MV / pre as f64, spread).expect("finite spread");
        Self {
            w: Array2::from_shape_simple_fn((pre, post), || normal.sample(rng) as f32),
            v: Array2::zeros((pre, post)),
            g: Array2::zeros((pre, post)),
        }
    }

    /// `g = traceᵀ · drive · dt` (`trace`: `steps × pre`, `drive`: `steps × post`), then the
    /// RMS-normalised step.
    fn learn(&mut self, trace: ArrayView2<'_, f32>, drive: ArrayView2<'_, f32>, dt: f32, lr: f32, gamma: f32) {
        general_mat_mul(dt, &trace.t(), &drive, 0.0, &mut self.g);
        ndarray::Zip::from(&mut self.w).and(&mut self.v).and(&self.g).for_each(|w, v, &g| {
            *v = (g * g).max(gamma * *v);
            *w += lr * g / (v.sqrt() + 1e-12);
        });
    }
}

/// What one trial left behind, for the snapshot and the metrics.
#[derive(Debug, Clone, Default)]
struct Record {
    /// `steps × n` rasters and traces.
    hidden_spikes: Vec<f32>,
    output_spikes: Vec<f32>,
    output_potential: Vec<f32>,
    hidden_potential: Vec<f32>,
    loss: f64,
}

/// A SuperSpike network learning one of the chapter's tasks.
pub struct SuperSpike {
    config: SuperSpikeConfig,
    params: LifParams,
    kernel: DoubleExp,
    trials: Vec<Trial>,
    /// `ε ∗ S` of each trial's inputs (`steps × inputs`), fixed since the inputs are frozen.
    input_traces: Vec<Array2<f32>>,
    hidden: Option<(LifLayer, Synapses)>,
    output: (LifLayer, Synapses),
    /// `B` (`hidden × outputs`) for random and uniform feedback.
    feedback: Array2<f32>,
    trial: usize,
    epoch_loss: Vec<f64>,
    epoch_timing: Vec<(usize, usize, Vec<f64>)>,
    /// Hidden spikes of each trial of the epoch under way.
    epoch_hidden: Vec<usize>,
    last: Vec<Record>,
    metrics: MetricTable,
    elapsed_ms: f64,
}

impl SuperSpike {
    /// Errors: [`Error::InvalidConfig`] for settings out of range.
    pub fn new(config: SuperSpikeConfig) -> Result<Self> {
        config.validate()?;
        let params = LifParams::superspike(config.dt);
        let kernel = params.psp();
        let trials = tasks::trials(&config);
        let steps = config.steps();
        let n_out = config.output_count();
        let input_traces = trials.iter().map(|t| filtered(&kernel, &t.input, steps, config.inputs)).collect();
        let mut rng = rng_for(config.seed, Stream::Weights);
        let hidden = (config.hidden > 0)
            .then(|| (LifLayer::new(config.hidden, params), Synapses::new(config.inputs, config.hidden, &mut rng)));
        let pre = if config.hidden > 0 { config.hidden } else { config.inputs };
        let output = (LifLayer::new(n_out, params), Synapses::new(pre, n_out, &mut rng));
        let mut feedback_rng = rng_for(config.seed, Stream::Feedback);
        let normal = Normal::new(0.0, 1.0).expect("unit normal");
        let feedback = match config.feedback {
            SpikeFeedback::Random => {
                Array2::from_shape_simple_fn((config.hidden, n_out), || normal.sample(&mut feedback_rng) as f32)
            }
            _ => Array2::ones((config.hidden, n_out)),
        };
        let mut model = Self {
            params,
            kernel,
            input_traces,
            hidden,
            output,
            feedback,
            trial: 0,
            epoch_loss: Vec::new(),
            epoch_timing: Vec::new(),
            epoch_hidden: Vec::new(),
            last: Vec::new(),
            metrics: MetricTable::new(&COLUMNS),
            elapsed_ms: 0.0,
            trials,
            config,
        };
        // Row 0: the untrained network.
        for k in 0..model.trials.len() {
            let record = model.run_trial(k, false);
            model.account(k, record);
        }
        model.finish_epoch(0);
        Ok(model)
    }

    fn epochs_done(&self) -> usize {
        self.trial / self.trials.len()
    }

    fn finished(&self) -> bool {
        self.epochs_done() >= self.config.epochs as usize
    }

    /// Simulates trial `k` from rest; with `learn`, updates the weights at its end.
    fn run_trial(&mut self, k: usize, learn: bool) -> Record {
        let steps = self.config.steps();
        let (n_in, n_out) = (self.config.inputs, self.config.output_count());
        let n_hid = self.config.hidden;
        let beta = self.config.beta as f32;
        let threshold = self.params.threshold_mv as f32;
        let mut record = Record {
            hidden_spikes: vec![0.0; steps * n_hid],
            output_spikes: vec![0.0; steps * n_out],
            output_potential: vec![0.0; steps * n_out],
            hidden_potential: vec![0.0; steps * n_hid],
            loss: 0.0,
        };
        let input = &self.trials[k].input;
        if let Some((layer, _)) = &mut self.hidden {
            layer.reset();
        }
        self.output.0.reset();
        for n in 0..steps {
            let row = &input[n * n_in..(n + 1) * n_in];
            // Hidden layer (or, without one, the inputs) drives the outputs.
            let drive: &[f32] = if let Some((layer, syn)) = &mut self.hidden {
                layer.decay_currents();
                add_spikes(&mut layer.i_syn, row, &syn.w);
                let (s, p) = (
                    &mut record.hidden_spikes[n * n_hid..(n + 1) * n_hid],
                    &mut record.hidden_potential[n * n_hid..(n + 1) * n_hid],
                );
                layer.integrate(&[], s, p);
                &record.hidden_spikes[n * n_hid..(n + 1) * n_hid]
            } else {
                row
            };
            let (layer, syn) = &mut self.output;
            layer.decay_currents();
            add_spikes(&mut layer.i_syn, drive, &syn.w);
            let (s, p) = (
                &mut record.output_spikes[n * n_out..(n + 1) * n_out],
                &mut record.output_potential[n * n_out..(n + 1) * n_out],
            );
            layer.integrate(&[], s, p);
        }
        // Errors e = α ∗ (Ŝ − S), the loss, and the adjoint ẽ.
        let target = &self.trials[k].target;
        let difference: Vec<f32> = target.iter().zip(&record.output_spikes).map(|(t, s)| t - s).collect();
        let error = filtered(&self.kernel, &difference, steps, n_out);
        record.loss = 0.5 * error.iter().map(|&e| f64::from(e) * f64::from(e)).sum::<f64>() * self.config.dt;
        if !learn {
            return record;
        }
        let adjoint = filtered_backward(&self.kernel, &error, n_out);
        let (dt, lr) = (self.config.dt as f32, self.config.lr as f32);
        let gamma = (-self.config.duration / TAU_RMS_MS).exp() as f32;
        // Output layer: drive = ẽ ⊙ σ'(U_out); trace = ε ∗ (its presynaptic spikes).
        let sigma_out = record.output_potential.iter().map(|&u| surrogate(u, threshold, beta));
        let drive_out: Vec<f32> = adjoint.iter().zip(sigma_out).map(|(e, s)| e * s).collect();
        let drive_out = Array2::from_shape_vec((steps, n_out), drive_out).expect("steps × outputs");
        let pre_trace = match &self.hidden {
            Some(_) => filtered(&self.kernel, &record.hidden_spikes, steps, n_hid),
            None => self.input_traces[k].clone(),
        };
        // Hidden layer first (its feedback reads the output weights before they change).
        if let (Some((_, syn)), true) = (&mut self.hidden, self.config.feedback != SpikeFeedback::None) {
            let b = match self.config.feedback {
                SpikeFeedback::Symmetric => self.output.1.w.view(),
                _ => self.feedback.view(),
            };
            // ẽ_k = Σ_i B_ki ẽ_i (the adjoint is linear), times σ'(U_k).
            let mut drive_hid = Array2::zeros((steps, n_hid));
            let adjoint = ArrayView2::from_shape((steps, n_out), &adjoint).expect("steps × outputs");
            general_mat_mul(1.0, &adjoint, &b.t(), 0.0, &mut drive_hid);
            for (d, &u) in drive_hid.iter_mut().zip(&record.hidden_potential) {
                *d *= surrogate(u, threshold, beta);
            }
            syn.learn(self.input_traces[k].view(), drive_hid.view(), dt, lr, gamma);
        }
        self.output.1.learn(pre_trace.view(), drive_out.view(), dt, lr, gamma);
        record
    }

    /// Adds trial `k`'s spikes and loss to the epoch under way.
    fn account(&mut self, k: usize, record: Record) {
        let n_out = self.config.output_count();
        let dt = self.config.dt;
        let target = &self.trials[k].target;
        let times = |raster: &[f32], i: usize| -> Vec<f64> {
            raster.chunks(n_out).enumerate().filter(|(_, row)| row[i] > 0.0).map(|(n, _)| n as f64 * dt).collect()
        };
        let mut errors = Vec::new();
        let (mut produced, mut wanted) = (0, 0);
        for i in 0..n_out {
            let (out, tgt) = (times(&record.output_spikes, i), times(target, i));
            produced += out.len();
            wanted += tgt.len();
            errors.extend(tgt.iter().map(|t| out.iter().map(|o| (o - t).abs()).fold(self.config.duration, f64::min)));
        }
        self.epoch_loss.push(record.loss);
        self.epoch_hidden.push(record.hidden_spikes.iter().filter(|&&s| s > 0.0).count());
        self.epoch_timing.push((produced, wanted, errors));
        self.last.push(record);
    }

    /// Appends the row of the epoch just finished.
    fn finish_epoch(&mut self, epoch: usize) {
        let n = self.epoch_loss.len().max(1) as f64;
        let loss = self.epoch_loss.iter().sum::<f64>() / n;
        let spikes = self.epoch_timing.iter().map(|t| t.0).sum::<usize>() as f64 / n;
        let wanted = self.epoch_timing.iter().map(|t| t.1).sum::<usize>() as f64 / n;
        let errors: Vec<f64> = self.epoch_timing.iter().flat_map(|t| t.2.iter().copied()).collect();
        let (mean, worst, matched) = if errors.is_empty() {
            (f64::NAN, f64::NAN, f64::NAN)
        } else {
            (
                errors.iter().sum::<f64>() / errors.len() as f64,
                errors.iter().copied().fold(0.0, f64::max),
                errors.iter().filter(|&&e| e <= MATCH_MS + 1e-9).count() as f64 / errors.len() as f64,
            )
        };
        // Mean firing rate of the hidden neurons (Hz; NaN without a hidden layer).
        let seconds = n * self.config.duration / 1000.0;
        let hidden_rate = if self.config.hidden == 0 {
            f64::NAN
        } else {
            self.epoch_hidden.iter().sum::<usize>() as f64 / (seconds * self.config.hidden as f64)
        };
        self.metrics.push(vec![epoch as f64, loss, spikes, wanted, mean, worst, matched, hidden_rate]);
        self.epoch_hidden.clear();
        self.epoch_loss.clear();
        self.epoch_timing.clear();
    }
}

/// `i_syn[k] += Σ_j spikes[j] w[j, k]`, touching only the rows of the neurons that spiked.
fn add_spikes(i_syn: &mut [f32], spikes: &[f32], w: &Array2<f32>) {
    for (j, _) in spikes.iter().enumerate().filter(|(_, &s)| s > 0.0) {
        let row = w.row(j);
        crate::nn::axpy(1.0, row.as_slice().expect("weights are contiguous"), i_syn);
    }
}

/// Each column of a `steps × n` raster filtered causally by `kernel`, as an array.
fn filtered(kernel: &DoubleExp, raster: &[f32], steps: usize, n: usize) -> Array2<f32> {
    let mut out = Array2::zeros((steps, n));
    let (mut column, mut result) = (vec![0f32; steps], vec![0f32; steps]);
    for j in 0..n {
        column.iter_mut().enumerate().for_each(|(t, c)| *c = raster[t * n + j]);
        kernel.filter(&column, &mut result);
        out.column_mut(j).iter_mut().zip(&result).for_each(|(o, &r)| *o = r);
    }
    out
}

/// Each column of `x` (`steps × n`) filtered anti-causally (the adjoint), flattened row-major.
fn filtered_backward(kernel: &DoubleExp, x: &Array2<f32>, n: usize) -> Vec<f32> {
    let steps = x.nrows();
    let mut out = vec![0f32; steps * n];
    let (mut column, mut result) = (vec![0f32; steps], vec![0f32; steps]);
    for j in 0..n {
        column.iter_mut().zip(x.column(j)).for_each(|(c, &v)| *c = v);
        kernel.filter_backward(&column, &mut result);
        for (t, &r) in result.iter().enumerate() {
            out[t * n + j] = r;
        }
    }
    out
}

impl Rule for SuperSpike {
    fn id(&self) -> RuleId {
        RuleId::Superspike
    }

    /// One work unit is one trial; `work` counts its synapse-steps.
    fn step(&mut self, budget: u32) -> Result<StepOutcome> {
        let mut outcome = StepOutcome::default();
        while outcome.units < budget.max(1) && !self.finished() {
            let k = self.trial % self.trials.len();
            if k == 0 {
                self.last.clear();
            }
            let record = self.run_trial(k, true);
            if !record.loss.is_finite() || !self.output.1.w.iter().all(|w| w.is_finite()) {
                return Err(Error::Diverged { epoch: self.epochs_done() as f64, loss: record.loss });
            }
            self.account(k, record);
            self.trial += 1;
            self.elapsed_ms += self.config.duration;
            outcome.units += 1;
            outcome.samples += self.config.duration as u64;
            outcome.work += (self.config.steps() * self.config.synapses()) as u64;
            if self.trial % self.trials.len() == 0 {
                self.finish_epoch(self.epochs_done());
                outcome.new_rows += 1;
            }
        }
        outcome.finished = self.finished();
        Ok(outcome)
    }

    fn metrics(&self) -> &MetricTable {
        &self.metrics
    }

    /// Frames of the last epoch's trials (`k` = the trial's index in the epoch): rasters as
    /// `raster.{input,hidden,output,target}.{k}` `[spikes, 2]` (time in ms, neuron), the output
    /// neuron 0's membrane `membrane.{k}` `[steps]` (mV) with `threshold`, the surrogate curve
    /// `surrogate` `[2, 121]` (U in mV, σ'(U)) for the current β, and the eligibility traces
    /// `eligibility` `[4, steps]` of output neuron 0's synapses from its four most active
    /// presynaptic neurons in the last trial, with their indices `eligibility.pre`.
    fn snapshot(&mut self) -> Snapshot {
        let mut snap = Snapshot::default();
        let (steps, dt) = (self.config.steps(), self.config.dt);
        let (n_in, n_hid, n_out) = (self.config.inputs, self.config.hidden, self.config.output_count());
        let raster = |snap: &mut Snapshot, name: String, raster: &[f32], n: usize| {
            let points: Vec<f32> = raster
                .iter()
                .enumerate()
                .filter(|(_, &s)| s > 0.0)
                .flat_map(|(i, _)| [((i / n) as f64 * dt) as f32, (i % n) as f32])
                .collect();
            snap.push(name, vec![points.len() / 2, 2], points);
        };
        for (k, record) in self.last.iter().enumerate() {
            raster(&mut snap, format!("raster.input.{k}"), &self.trials[k].input, n_in);
            raster(&mut snap, format!("raster.target.{k}"), &self.trials[k].target, n_out);
            raster(&mut snap, format!("raster.output.{k}"), &record.output_spikes, n_out);
            if n_hid > 0 {
                raster(&mut snap, format!("raster.hidden.{k}"), &record.hidden_spikes, n_hid);
            }
            let membrane = record.output_potential.iter().step_by(n_out).copied().collect();
            snap.push(format!("membrane.{k}"), vec![steps], membrane);
        }
        snap.push("threshold", vec![1], vec![self.params.threshold_mv as f32]);
        snap.push("dt", vec![1], vec![dt as f32]);
        let beta = self.config.beta as f32;
        let grid: Vec<f32> = (0..121).map(|i| -80.0 + 0.5 * i as f32).collect();
        let curve: Vec<f32> = grid.iter().map(|&u| surrogate(u, self.params.threshold_mv as f32, beta)).collect();
        snap.push("surrogate", vec![2, 121], [grid, curve].concat());
        if let Some(record) = self.last.last() {
            let k = self.last.len() - 1;
            let (pre_raster, pre_n) = match n_hid {
                0 => (self.trials[k].input.as_slice(), n_in),
                _ => (record.hidden_spikes.as_slice(), n_hid),
            };
            let mut counts: Vec<(usize, usize)> = (0..pre_n)
                .map(|j| (pre_raster.iter().skip(j).step_by(pre_n).filter(|&&s| s > 0.0).count(), j))
                .collect();
            counts.sort_by(|a, b| b.cmp(a));
            let chosen: Vec<usize> = counts.iter().take(4).map(|c| c.1).collect();
            let threshold = self.params.threshold_mv as f32;
            let sigma: Vec<f32> =
                record.output_potential.iter().step_by(n_out).map(|&u| surrogate(u, threshold, beta)).collect();
            let trace = filtered(&self.kernel, pre_raster, steps, pre_n);
            let mut traces = Vec::new();
            for &j in &chosen {
                let hebb: Vec<f32> = (0..steps).map(|t| sigma[t] * trace[[t, j]]).collect();
                let mut eligibility = vec![0f32; steps];
                self.kernel.filter(&hebb, &mut eligibility);
                traces.extend(eligibility);
            }
            snap.push("eligibility", vec![chosen.len(), steps], traces);
            snap.push("eligibility.pre", vec![chosen.len()], chosen.iter().map(|&j| j as f32).collect());
        }
        snap
    }

    /// `samples` counts simulated milliseconds; `epoch` the epochs done, fractionally.
    fn progress(&self) -> Progress {
        Progress { samples: self.elapsed_ms as u64, epoch: self.trial as f64 / self.trials.len() as f64 }
    }
}
