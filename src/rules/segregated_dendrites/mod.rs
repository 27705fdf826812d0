//! Segregated dendrites: deep learning without a separate backward pass (Guerguiev, Lillicrap &
//! Richards 2017, "Towards deep learning with segregated dendrites", eLife 6:e22901).
//!
//! Hidden neurons keep feed-forward input on their basal dendrite and top-down feedback on an
//! electrically distant apical dendrite ([`crate::neuron::compartments`]). Every example is shown
//! in two phases:
//!
//! - **forward:** the output layer runs free; each hidden neuron's apical potential averages to
//!   `Ā^f = Y·λ̄_out^f` and its plateau potential is `α^f = σ(Ā^f)`;
//! - **target:** a teacher drives the output somas through conductances `g_E = t`, `g_I = 1 − t`;
//!   the apical plateau becomes `α^t = σ(Y·λ̄_out^t)`.
//!
//! The hidden layer learns from the difference of its own two plateaus, and the output layer from
//! the difference of its own two rates (`C̄^f`, `PSP̄` are forward-phase averages):
//!
//! ```text
//! hidden:  E = −(α^t − α^f) · k_B λ_max σ'(C̄^f),                ΔW = −η P_h E·PSP̄ᵀ, Δb = −η P_h E
//! output:  E = −(λ̄^t − λ_max σ(C̄^f)) · k_D λ_max σ'(C̄^f),      ΔW = −η P_f E·PSP̄ᵀ, Δb = −η P_f E
//! P_h = 20/λ_max = 100,  P_f = 20/λ_max² = 500
//! ```
//!
//! Every hidden layer hears the output layer directly (with `g_A = 0` a hidden soma does not
//! change between the phases, so only the output carries the target). `Y` is fixed and random,
//! sparse (80 % zero, ×5), symmetric (the forward weights, for deeper layers their product up to
//! the output) or symmetric plus fixed noise ([`DendriteFeedback`]).
//!
//! **Modes.** Non-spiking (the default, the reference code's `nonspiking_mode`): each phase is its
//! steady state, `C = k_B·B`, and rates stand in for PSPs (the PSP kernel sums to 1, so a neuron
//! firing `r` spikes per step has mean PSP `r`). Spiking: Poisson spikes at dt = 1 ms, a forward
//! and a target phase of 50 ms plus a Wald(2, 1) extra length each, averaged over their last
//! 20 ms; the network starts each example from rest, and spikes are propagated as events (a spike
//! adds its weight row to the postsynaptic traces). Test digits are scored on the non-spiking
//! network in both modes (the mean rates; the reference scores a 250 ms spiking phase).
//!
//! Weights start so that each layer's basal potential has mean 3 and standard deviation 3 over
//! the training digits (the reference's "weight optimization"), biases 0.8. Learning is online:
//! one digit per update, as in the paper.
//!
//! Reported per epoch besides the test scores: `angle_bp`, the mean angle (°) between the first
//! hidden layer's update and the one backprop would make from the same output error, and
//! `angle_feedback`, ∠(W_L, Y) between the last hidden layer's forward weights to the output and
//! its feedback (the feedback alignment effect).

mod config;

pub use config::{DendriteFeedback, DendriteMode, DendritesConfig, SPARSE_GAIN, SPARSE_ZERO_FRACTION};

use crate::data::Split;
use crate::metrics::{angle_degrees, cosine};
use crate::neuron::compartments::{self as cells, PspKernel, PspTraces, RATE_MAX};
use crate::rng::{rng_for, SimRng, Stream};
use crate::rule::{MetricTable, Progress, Rule, RuleId, Snapshot, StepOutcome, Weights};
use crate::rules::feedforward::{ChunkModel, EpochLog, MinibatchTraining, EVAL_CHUNK};
use crate::{Error, Result};
use ndarray::{Array2, ArrayView2};
use rand::Rng;
use rand_distr::{Distribution, InverseGaussian};
use std::sync::Arc;

/// Hidden-layer gain `P_h = 20/λ_max`.
pub const GAIN_HIDDEN: f64 = 20.0 / RATE_MAX;
/// Output-layer gain `P_f = 20/λ_max²`.
pub const GAIN_OUTPUT: f64 = 20.0 / (RATE_MAX * RATE_MAX);
/// Mean and standard deviation the basal potentials start with.
pub const START_MEAN: f64 = 3.0;
pub const START_SD: f64 = 3.0;
/// The biases' starting value.
pub const START_BIAS: f32 = 0.8;
/// Base length of each phase in the spiking mode (ms; steps of 1 ms).
pub const PHASE_MS: usize = 50;
/// The end of each phase that is averaged (ms).
pub const WINDOW_MS: usize = 20;
/// Training digits the start-up statistics are measured on.
const INIT_SAMPLE: usize = 500;
/// Test digits evaluated per work unit at an epoch's end: two forward fixed points take about
/// the work of one training example (a forward and a target phase and the updates).
pub const EVAL_PIECE: usize = 2;

/// What one example's two phases produced, for the updates and the measurements.
#[derive(Debug, Clone, PartialEq)]
pub struct Signals {
    /// The presynaptic input of each layer (`inputs[0]` the input rates, `inputs[l]` hidden layer
    /// `l−1`'s rates): forward-phase PSP averages in the spiking mode.
    pub inputs: Vec<Vec<f32>>,
    /// Forward-phase somatic potentials `C̄^f` of every layer (hidden layers, then the output).
    pub soma: Vec<Vec<f32>>,
    /// The output's target-phase rates `λ̄^t` (spikes per step).
    pub target_rates: Vec<f32>,
    /// The output's mean PSPs in each phase: what the apical dendrites hear (`[forward, target]`).
    pub heard: [Vec<f32>; 2],
    /// The class taught.
    pub label: usize,
}

/// The potentials of one example in the spiking mode, step by step: what figure 1 draws.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DigitTrace {
    /// The shown hidden neuron's basal, apical and somatic potentials, one per ms.
    pub basal: Vec<f32>,
    pub apical: Vec<f32>,
    pub soma: Vec<f32>,
    /// The output somas, `steps × classes` (row-major, one row per ms).
    pub outputs: Vec<f32>,
    /// Steps of the forward phase and of both phases.
    pub phase_ends: [usize; 2],
    /// The shown neuron's plateaus `[α^f, α^t]`.
    pub plateaus: [f32; 2],
    /// The output's mean rates in the forward and target windows (spikes per step).
    pub rates: [Vec<f32>; 2],
    /// The example shown (index into the training set) and its label.
    pub example: usize,
    pub label: usize,
}

/// The model's own metric columns, after [`crate::rules::feedforward::COLUMNS`].
const LOG_COLUMNS: [&str; 2] = ["angle_bp", "angle_feedback"];

/// The segregated-dendrite network and its online training.
pub struct SegregatedDendrites {
    config: DendritesConfig,
    data: Arc<Split>,
    /// Layer widths, input first: `[784, 500, 10]`.
    sizes: Vec<usize>,
    /// Forward weights of each layer, `n_in × n_out`.
    w: Vec<Array2<f32>>,
    b: Vec<Vec<f32>>,
    /// Fixed feedback to each hidden layer, `classes × n_l` (unused when symmetric).
    y: Vec<Array2<f32>>,
    log: EpochLog,
    spikes: SimRng,
    /// Sum and count of the epoch's angles between the hidden update and backprop's.
    angle_sum: f64,
    angle_count: usize,
    trace: Option<DigitTrace>,
    eval_out: Array2<f32>,
}

impl SegregatedDendrites {
    /// Builds the network of widths `784-hidden-10` with its starting weights and feedback.
    ///
    /// Errors: [`Error::InvalidConfig`] for settings out of range; [`Error::Data`] for an empty
    /// training set.
    pub fn new(config: DendritesConfig, data: Arc<Split>) -> Result<Self> {
        config.validate()?;
        if data.train.is_empty() {
            return Err(Error::Data("the training set is empty".into()));
        }
        let mut sizes = vec![data.train.dims()];
        sizes.extend(&config.hidden);
        sizes.push(data.train.classes);
        let weights_rng = &mut rng_for(config.seed, Stream::Weights);
        let (mut w, mut b) = (Vec::new(), Vec::new());
        // Each layer's statistics are measured on the rates the layers below it produce.
        let sample = data.train.len().min(INIT_SAMPLE);
        let mut rates: Vec<Vec<f32>> =
            (0..sample).map(|i| data.train.x.row(i).iter().map(|&p| RATE_MAX as f32 * p).collect()).collect();
        for l in 0..sizes.len() - 1 {
            let (n_in, n_out) = (sizes[l], sizes[l + 1]);
            let count = (sample * n_in) as f64;
            let mean = rates.iter().flatten().map(|&r| f64::from(r)).sum::<f64>() / count;
            let square = rates.iter().flatten().map(|&r| f64::from(r) * f64::from(r)).sum::<f64>() / count;
            let (avg, sd) = start_spread(n_in, mean, square);
            let half_width = 3f64.sqrt() * sd;
            let layer = Array2::from_shape_fn((n_in, n_out), |_| {
                (avg + half_width * weights_rng.random_range(-1.0..1.0)) as f32
            });
            let bias = vec![START_BIAS; n_out];
            if l + 2 < sizes.len() {
                rates = rates
                    .iter()
                    .map(|r| {
                        let mut basal = bias.clone();
                        for (j, &v) in r.iter().enumerate() {
                            if v != 0.0 {
                                crate::nn::axpy(v, layer.row(j).as_slice().expect("rows are contiguous"), &mut basal);
                            }
                        }
                        basal.iter().map(|&v| cells::rate(cells::hidden_steady(v))).collect()
                    })
                    .collect();
            }
            w.push(layer);
            b.push(bias);
        }
        let classes = *sizes.last().expect("at least two layers");
        let feedback_rng = &mut rng_for(config.seed, Stream::Feedback);
        let y = (1..sizes.len() - 1)
            .map(|l| {
                // The spread of the forward weights that reach the output from this depth.
                let spread = standard_deviation(&w[sizes.len() - 2]);
                let half_width = (3f64.sqrt() * spread) as f32;
                Array2::from_shape_fn((classes, sizes[l]), |_| {
                    let v = half_width * feedback_rng.random_range(-1.0f32..1.0);
                    match config.feedback {
                        DendriteFeedback::Sparse => {
                            if feedback_rng.random_bool(SPARSE_ZERO_FRACTION) {
                                0.0
                            } else {
                                SPARSE_GAIN * v
                            }
                        }
                        _ => v,
                    }
                })
            })
            .collect();
        let log = EpochLog::new(data.train.len(), config.seed, LOG_COLUMNS.map(String::from));
        let mut model = Self {
            spikes: rng_for(config.seed, Stream::Simulation),
            eval_out: Array2::zeros((EVAL_CHUNK, classes)),
            config,
            data,
            sizes,
            w,
            b,
            y,
            log,
            angle_sum: 0.0,
            angle_count: 0,
            trace: None,
        };
        model.start_log()?;
        Ok(model)
    }

    /// Starts the metric table and the data order afresh, with row 0: the network as it is
    /// (untrained at build, the loaded weights after a load), so every curve starts where
    /// learning starts (no update has been made yet, so its angle to backprop is NaN).
    fn start_log(&mut self) -> Result<()> {
        self.log = EpochLog::new(self.data.train.len(), self.config.seed, LOG_COLUMNS.map(String::from));
        let data = Arc::clone(&self.data);
        let (train, test) = (self.evaluate(&data.train), self.evaluate(&data.test));
        let feedback = self.feedback_angle();
        self.log.record(train.loss, train.accuracy, test, || vec![f64::NAN, feedback])
    }

    /// Layer widths, input first.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// Forward weights of layer `l` (`n_in × n_out`).
    pub fn weights(&self, l: usize) -> &Array2<f32> {
        &self.w[l]
    }

    /// The last spiking example's potentials, if one ran.
    pub fn digit_trace(&self) -> Option<&DigitTrace> {
        self.trace.as_ref()
    }

    fn hidden_layers(&self) -> usize {
        self.sizes.len() - 2
    }

    /// The apical potential of hidden layer `l` when the output's PSPs are `heard` (`classes`):
    /// `A = Y_l·heard`, with `Y_l` the layer's feedback.
    pub fn apical(&self, l: usize, heard: &[f32]) -> Vec<f32> {
        let last = self.w.len() - 1;
        let mut a = match self.config.feedback {
            DendriteFeedback::Random | DendriteFeedback::Sparse => vec![0.0; self.sizes[l + 1]],
            DendriteFeedback::Symmetric | DendriteFeedback::Noisy => {
                // W_{l+1}·…·W_L applied to `heard`, from the output down.
                let mut v = heard.to_vec();
                for k in (l + 1..=last).rev() {
                    v = self.w[k].dot(&ndarray::ArrayView1::from(&v)).to_vec();
                }
                v
            }
        };
        if self.config.feedback != DendriteFeedback::Symmetric {
            for (k, &h) in heard.iter().enumerate() {
                crate::nn::axpy(h, self.y[l].row(k).as_slice().expect("rows are contiguous"), &mut a);
            }
        }
        a
    }

    /// Hidden layer `l`'s feedback as a matrix: row `k` is the apical potential output unit `k`
    /// alone would cause (`classes × n_l`, `Y_l` laid out as the stored random feedback, whatever the kind).
    fn feedback_rows(&self, l: usize) -> Vec<Vec<f32>> {
        let classes = *self.sizes.last().expect("layers");
        (0..classes)
            .map(|k| {
                let mut unit = vec![0.0; classes];
                unit[k] = 1.0;
                self.apical(l, &unit)
            })
            .collect()
    }

    /// The feedback weights that reach hidden neuron `i` of the first hidden layer, one per class.
    fn apical_weights_of(&self, i: usize) -> Vec<f32> {
        self.feedback_rows(0).iter().map(|row| row[i]).collect()
    }

    /// The input rates of training example `i`: `λ_max·pixel`.
    fn input_rates(&self, set: ArrayView2<'_, f32>, i: usize) -> Vec<f32> {
        set.row(i).iter().map(|&p| RATE_MAX as f32 * p).collect()
    }

    /// The basal potentials `B = W_l·input + b_l` (skipping zero inputs).
    fn basal(&self, l: usize, input: &[f32]) -> Vec<f32> {
        let mut basal = self.b[l].clone();
        for (j, &v) in input.iter().enumerate() {
            if v != 0.0 {
                crate::nn::axpy(v, self.w[l].row(j).as_slice().expect("rows are contiguous"), &mut basal);
            }
        }
        basal
    }

    /// Runs training example `example` through both phases in the configured mode, without
    /// learning: what the updates are made from. `record` keeps the spiking mode's potentials.
    pub fn signals(&mut self, example: usize, record: bool) -> Signals {
        let data = Arc::clone(&self.data);
        let input = self.input_rates(data.train.x.view(), example);
        let label = data.train.labels[example] as usize;
        match self.config.mode {
            DendriteMode::Nonspiking => self.steady_signals(input, label),
            DendriteMode::Spiking => self.spiking_signals(input, label, example, record),
        }
    }

    /// The non-spiking mode: each phase at its steady state.
    fn steady_signals(&self, input: Vec<f32>, label: usize) -> Signals {
        let out = self.w.len() - 1;
        let mut inputs = vec![input];
        let mut soma = Vec::new();
        for l in 0..out {
            let c: Vec<f32> = self.basal(l, &inputs[l]).into_iter().map(cells::hidden_steady).collect();
            inputs.push(c.iter().map(|&c| cells::rate(c)).collect());
            soma.push(c);
        }
        let basal = self.basal(out, &inputs[out]);
        let forward: Vec<f32> = basal.iter().map(|&b| cells::output_steady(b, 0.0, 0.0)).collect();
        let target_rates: Vec<f32> = basal
            .iter()
            .enumerate()
            .map(|(k, &b)| {
                let (g_e, g_i) = cells::teaching(if k == label { 1.0 } else { 0.0 });
                cells::rate(cells::output_steady(b, g_e, g_i))
            })
            .collect();
        let heard = [forward.iter().map(|&c| cells::rate(c)).collect(), target_rates.clone()];
        soma.push(forward);
        Signals { inputs, soma, target_rates, heard, label }
    }

    /// The spiking mode: Poisson spikes at dt = 1 ms through both phases, from rest.
    fn spiking_signals(&mut self, input: Vec<f32>, label: usize, example: usize, record: bool) -> Signals {
        let kernel = PspKernel::new(1.0);
        let layers = self.w.len();
        let classes = self.sizes[layers];
        let wald = InverseGaussian::<f64>::new(2.0, 1.0).expect("valid Wald parameters");
        let forward_steps = PHASE_MS + wald.sample(&mut self.spikes).round() as usize;
        let steps = forward_steps + PHASE_MS + wald.sample(&mut self.spikes).round() as usize;
        // `pre[l]`: PSPs of layer l's presynaptic neurons; `basal[l]`: the same spikes weighted
        // (event-driven B = W·PSP); `outputs`: the output's PSPs (what apical dendrites hear).
        let mut pre: Vec<PspTraces> = (0..layers).map(|l| PspTraces::new(self.sizes[l])).collect();
        let mut basal: Vec<PspTraces> = (0..layers).map(|l| PspTraces::new(self.sizes[l + 1])).collect();
        let mut outputs = PspTraces::new(classes);
        let mut soma: Vec<Vec<f32>> = (0..layers).map(|l| vec![0.0; self.sizes[l + 1]]).collect();
        let mut sums_pre: Vec<Vec<f32>> = (0..layers).map(|l| vec![0.0; self.sizes[l]]).collect();
        let mut sums_soma: Vec<Vec<f32>> = (0..layers).map(|l| vec![0.0; self.sizes[l + 1]]).collect();
        let mut sums_heard = [vec![0.0f32; classes], vec![0.0f32; classes]];
        let mut sums_target_rate = vec![0.0f32; classes];
        let active: Vec<usize> = (0..input.len()).filter(|&j| input[j] > 0.0).collect();
        let shown = self.config.neuron.min(self.sizes[1].saturating_sub(1));
        let shown_feedback = if record && layers > 1 { self.apical_weights_of(shown) } else { Vec::new() };
        let mut digit = DigitTrace { example, label, phase_ends: [forward_steps, steps], ..DigitTrace::default() };
        let (mut buffer, mut heard_now) = (Vec::new(), vec![0.0f32; classes]);
        for t in 0..steps {
            let taught = t >= forward_steps;
            let phase_end = if taught { steps } else { forward_steps };
            let in_window = t + WINDOW_MS >= phase_end;
            outputs.decay(&kernel);
            for l in 0..layers {
                pre[l].decay(&kernel);
                basal[l].decay(&kernel);
            }
            for &j in &active {
                if self.spikes.random::<f32>() < input[j] {
                    pre[0].spike(j);
                    basal[0].add_weighted(self.w[0].row(j).as_slice().expect("rows are contiguous"));
                }
            }
            for l in 0..layers {
                buffer.resize(self.sizes[l + 1], 0.0);
                basal[l].potentials(&kernel, &mut buffer);
                let is_output = l + 1 == layers;
                for (i, c) in soma[l].iter_mut().enumerate() {
                    let b = buffer[i] + self.b[l][i];
                    *c = if is_output {
                        let (g_e, g_i) =
                            if taught { cells::teaching(if i == label { 1.0 } else { 0.0 }) } else { (0.0, 0.0) };
                        cells::output_step(*c, b, g_e, g_i, 1.0)
                    } else {
                        cells::hidden_step(*c, b, 1.0)
                    };
                }
                if record && l == 0 {
                    digit.basal.push(buffer[shown] + self.b[0][shown]);
                    digit.soma.push(soma[0][shown]);
                }
                for (i, &c) in soma[l].iter().enumerate() {
                    if self.spikes.random::<f32>() < cells::rate(c) {
                        if is_output {
                            outputs.spike(i);
                        } else {
                            pre[l + 1].spike(i);
                            basal[l + 1].add_weighted(self.w[l + 1].row(i).as_slice().expect("rows are contiguous"));
                        }
                    }
                }
            }
            outputs.potentials(&kernel, &mut heard_now);
            if record {
                let out = &soma[layers - 1];
                if layers == 1 {
                    digit.basal.push(0.0);
                    digit.soma.push(0.0);
                }
                digit.apical.push(shown_feedback.iter().zip(&heard_now).map(|(y, h)| y * h).sum());
                digit.outputs.extend(out);
            }
            if in_window {
                crate::nn::axpy(1.0, &heard_now, &mut sums_heard[usize::from(taught)]);
                if taught {
                    for (s, &c) in sums_target_rate.iter_mut().zip(&soma[layers - 1]) {
                        *s += cells::rate(c);
                    }
                } else {
                    for l in 0..layers {
                        buffer.resize(self.sizes[l], 0.0);
                        pre[l].potentials(&kernel, &mut buffer);
                        crate::nn::axpy(1.0, &buffer, &mut sums_pre[l]);
                        crate::nn::axpy(1.0, &soma[l], &mut sums_soma[l]);
                    }
                }
            }
        }
        let mean = |v: Vec<f32>| v.into_iter().map(|s| s / WINDOW_MS as f32).collect::<Vec<f32>>();
        let [heard_f, heard_t] = sums_heard;
        let signals = Signals {
            inputs: sums_pre.into_iter().map(mean).collect(),
            soma: sums_soma.into_iter().map(mean).collect(),
            target_rates: mean(sums_target_rate),
            heard: [mean(heard_f), mean(heard_t)],
            label,
        };
        if record {
            if layers > 1 {
                let plateau =
                    |heard: &[f32]| cells::sigmoid(shown_feedback.iter().zip(heard).map(|(y, h)| y * h).sum());
                digit.plateaus = [plateau(&signals.heard[0]), plateau(&signals.heard[1])];
            }
            let forward_rates = signals.soma[layers - 1].iter().map(|&c| cells::rate(c)).collect();
            digit.rates = [forward_rates, signals.target_rates.clone()];
            self.trace = Some(digit);
        }
        signals
    }

    /// The error terms `E` of every layer (hidden layers, then the output) that the rule makes
    /// from `signals`: `E = −(α^t − α^f)·k_B λ_max σ'(C̄^f)` for hidden layers and
    /// `E = −(λ̄^t − λ_max σ(C̄^f))·k_D λ_max σ'(C̄^f)` for the output.
    pub fn errors(&self, signals: &Signals) -> Vec<Vec<f32>> {
        let out = self.w.len() - 1;
        let (k_b, k_d) = (cells::k_basal() as f32, cells::k_dendrite() as f32);
        let mut errors: Vec<Vec<f32>> = (0..out)
            .map(|l| {
                let (a_f, a_t) = (self.apical(l, &signals.heard[0]), self.apical(l, &signals.heard[1]));
                signals.soma[l]
                    .iter()
                    .zip(a_f.iter().zip(&a_t))
                    .map(|(&c, (&f, &t))| -(cells::sigmoid(t) - cells::sigmoid(f)) * k_b * cells::rate_slope(c))
                    .collect()
            })
            .collect();
        errors.push(
            signals.soma[out]
                .iter()
                .zip(&signals.target_rates)
                .map(|(&c, &t)| -(t - cells::rate(c)) * k_d * cells::rate_slope(c))
                .collect(),
        );
        errors
    }

    /// What backprop would send to each hidden layer from the same output error `E_out`:
    /// `δ_l = (W_{l+1} δ_{l+1}) ⊙ k_B λ_max σ'(C̄^f_l)`, with `δ_L = E_out` (same layout as
    /// [`Self::errors`]).
    pub fn backprop_errors(&self, signals: &Signals, output_error: &[f32]) -> Vec<Vec<f32>> {
        let out = self.w.len() - 1;
        let k_b = cells::k_basal() as f32;
        let mut deltas = vec![Vec::new(); out + 1];
        deltas[out] = output_error.to_vec();
        for l in (0..out).rev() {
            let back = self.w[l + 1].dot(&ndarray::ArrayView1::from(&deltas[l + 1]));
            deltas[l] = back.iter().zip(&signals.soma[l]).map(|(&d, &c)| d * k_b * cells::rate_slope(c)).collect();
        }
        deltas
    }

    /// One example's update from its `signals`: `ΔW_l = −η P E_l·input_lᵀ`, `Δb_l = −η P E_l`.
    fn learn(&mut self, signals: &Signals, errors: &[Vec<f32>]) {
        let out = self.w.len() - 1;
        for (l, error) in errors.iter().enumerate() {
            let gain = if l == out { GAIN_OUTPUT } else { GAIN_HIDDEN };
            let rate = (-self.config.lr * gain) as f32;
            crate::nn::axpy(rate, error, &mut self.b[l]);
            for (j, &x) in signals.inputs[l].iter().enumerate() {
                if x != 0.0 {
                    let row = self.w[l].row_mut(j).into_slice().expect("rows are contiguous");
                    crate::nn::axpy(rate * x, error, row);
                }
            }
        }
    }

    /// ∠(W_L, Y) of the last hidden layer (degrees), NaN without one.
    fn feedback_angle(&self) -> f64 {
        let hidden = self.hidden_layers();
        if hidden == 0 {
            return f64::NAN;
        }
        // Yᵀ in W's layout (`n_L × classes`), from the feedback computed once per class.
        let rows = self.feedback_rows(hidden - 1);
        let feedback: Vec<f32> = (0..self.sizes[hidden]).flat_map(|i| rows.iter().map(move |row| row[i])).collect();
        angle_degrees(self.w[hidden].iter(), feedback.iter()).unwrap_or(f64::NAN)
    }

    fn is_finite(&self) -> bool {
        self.w.iter().all(|w| w.iter().all(|v| v.is_finite())) && self.b.iter().flatten().all(|v| v.is_finite())
    }
}

/// The mean and standard deviation of a layer's starting weights that give its basal potentials
/// mean [`START_MEAN`] and standard deviation [`START_SD`], for `n` inputs whose values have mean
/// `mean` and mean square `square`: `n·mean·W̄ + b = 3` and `n·square·σ_W² = 3²`.
fn start_spread(n: usize, mean: f64, square: f64) -> (f64, f64) {
    let n = n as f64;
    let avg = if mean > 0.0 { (START_MEAN - f64::from(START_BIAS)) / (n * mean) } else { 0.0 };
    let sd = if square > 0.0 { START_SD / (n * square).sqrt() } else { 1.0 / n.sqrt() };
    (avg, sd)
}

fn standard_deviation(w: &Array2<f32>) -> f64 {
    let n = w.len() as f64;
    let mean = w.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    (w.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / n).sqrt()
}

/// Half the squared distance between the output rates (in units of `λ_max`) and the one-hot target.
fn rate_loss(rates: &[f32], label: usize) -> f64 {
    rates
        .iter()
        .enumerate()
        .map(|(k, &r)| {
            let d = f64::from(r) / RATE_MAX - if k == label { 1.0 } else { 0.0 };
            0.5 * d * d
        })
        .sum()
}

impl MinibatchTraining for SegregatedDendrites {
    fn train_batch(&mut self) -> Result<usize> {
        let example = self.log.batches.next(1)[0];
        let record = self.config.mode == DendriteMode::Spiking;
        let signals = self.signals(example, record);
        let errors = self.errors(&signals);
        let out = self.w.len() - 1;
        if out > 0 {
            let bp = self.backprop_errors(&signals, &errors[out]);
            if let Some(c) = cosine(errors[0].iter(), bp[0].iter()) {
                self.angle_sum += c.clamp(-1.0, 1.0).acos().to_degrees();
                self.angle_count += 1;
            }
        }
        let rates: Vec<f32> = signals.soma[out].iter().map(|&c| cells::rate(c)).collect();
        let loss = rate_loss(&rates, signals.label);
        let correct = crate::nn::mlp::argmax(rates.iter().copied()) == signals.label;
        // Finite errors and inputs keep finite weights finite (a full scan runs once per epoch).
        if !loss.is_finite() || !errors.iter().flatten().all(|e| e.is_finite()) {
            return Err(self.log.diverge(loss));
        }
        self.learn(&signals, &errors);
        if let Some(totals) = self.log.batches.finish(1, loss, usize::from(correct)) {
            if !self.is_finite() {
                return Err(self.log.diverge(loss));
            }
            // The test set is evaluated EVAL_PIECE digits per unit.
            self.log.end_epoch(totals.loss, totals.accuracy, &self.data.test, EVAL_PIECE);
        }
        Ok(1)
    }

    fn evaluate_piece(&mut self) -> Result<usize> {
        let (rows, ended) = self.next_test_piece();
        let Some((train_loss, train_acc, test)) = ended else { return Ok(rows) };
        let angle = if self.angle_count > 0 { self.angle_sum / self.angle_count as f64 } else { f64::NAN };
        (self.angle_sum, self.angle_count) = (0.0, 0);
        let feedback = self.feedback_angle();
        self.log.record(train_loss, train_acc, test, || vec![angle, feedback])?;
        Ok(rows)
    }

    fn epochs(&self) -> u32 {
        self.config.epochs
    }

    fn log(&self) -> &EpochLog {
        &self.log
    }

    fn log_mut(&mut self) -> &mut EpochLog {
        &mut self.log
    }

    fn data(&self) -> Arc<Split> {
        Arc::clone(&self.data)
    }
}

impl ChunkModel for SegregatedDendrites {
    /// The non-spiking network's forward-phase output rates; the loss is [`rate_loss`].
    fn run_chunk(&mut self, x: ArrayView2<'_, f32>, targets: Option<crate::nn::Targets<'_, f32>>, loss: f64) -> f64 {
        let mut loss = loss;
        for i in 0..x.nrows() {
            let signals = self.steady_signals(self.input_rates(x, i), 0);
            let out = self.w.len() - 1;
            let rates: Vec<f32> = signals.soma[out].iter().map(|&c| cells::rate(c)).collect();
            if let Some(crate::nn::Targets::Labels(labels)) = targets {
                loss += rate_loss(&rates, labels[i] as usize);
            }
            self.eval_out.row_mut(i).assign(&ndarray::ArrayView1::from(&rates));
        }
        loss
    }

    fn chunk_output(&self) -> ArrayView2<'_, f32> {
        self.eval_out.view()
    }
}

impl Rule for SegregatedDendrites {
    fn id(&self) -> RuleId {
        RuleId::Dendrites
    }

    fn predict(&mut self, inputs: ArrayView2<'_, f32>) -> Result<Array2<f64>> {
        self.predict_classes(inputs)
    }

    /// `w{l}` and `b{l}` per layer, then the feedback to each hidden layer, `feedback{k}`.
    fn weights(&self) -> Result<Weights> {
        let mut arrays = Weights::frames("w", self.w.iter().map(|w| w.view()));
        arrays.extend(Weights::bias_frames(self.b.iter().map(|b| b.as_slice())));
        arrays.extend(Weights::frames("feedback", self.y.iter().map(|y| y.view())));
        Ok(Weights::new(RuleId::Dendrites, &self.config, self.sizes.clone(), arrays))
    }

    /// Builds the model afresh (its data order and spike streams), puts the loaded arrays in
    /// place and starts the metric table with a row evaluating them.
    fn load_weights(&mut self, weights: &Weights) -> Result<()> {
        weights.check_fits(&Rule::weights(self)?)?;
        let mut fresh = Self::new(self.config.clone(), Arc::clone(&self.data))?;
        for (l, (w, b)) in fresh.w.iter_mut().zip(&mut fresh.b).enumerate() {
            w.assign(&weights.matrix(&format!("w{l}")).expect("checked"));
            b.copy_from_slice(weights.values(&format!("b{l}")).expect("checked"));
        }
        for (k, y) in fresh.y.iter_mut().enumerate() {
            y.assign(&weights.matrix(&format!("feedback{k}")).expect("checked"));
        }
        fresh.start_log()?;
        *self = fresh;
        Ok(())
    }

    fn step(&mut self, budget: u32) -> Result<StepOutcome> {
        self.step_minibatches(budget)
    }

    fn metrics(&self) -> &MetricTable {
        &self.log.metrics
    }

    fn progress(&self) -> Progress {
        self.log.batches.progress()
    }

    /// `sizes`, the network diagram, `receptive_fields` (first hidden layer), `confusion`, and in
    /// the spiking mode the last example's potentials: `trace.basal`, `trace.apical`,
    /// `trace.soma` (`[steps]`, the shown neuron), `trace.outputs` (`[steps, classes]`),
    /// `trace.phase_ends` (`[2]`: steps of the forward phase, of both), `trace.plateaus`
    /// (`[2]`: α^f, α^t), `trace.rates` (`[2, classes]`: forward and target window means, spikes
    /// per step), `trace.digit` (`[28, 28]`), `trace.label` and `trace.neuron` (`[1]`).
    fn snapshot(&mut self) -> Snapshot {
        let mut snap = Snapshot::default();
        let sizes = self.sizes.clone();
        snap.push("sizes", vec![sizes.len()], sizes.iter().map(|&s| s as f32).collect());
        snap.push_network_diagram(&sizes, self.w.iter());
        if sizes.len() > 2 {
            snap.push_receptive_fields(&self.w[0]);
        }
        if let Some(test) = &self.log.last_test {
            snap.push_confusion(&test.confusion);
        }
        if let Some(trace) = &self.trace {
            let steps = trace.apical.len();
            let classes = *sizes.last().expect("layers");
            snap.push("trace.basal", vec![steps], trace.basal.clone());
            snap.push("trace.apical", vec![steps], trace.apical.clone());
            snap.push("trace.soma", vec![steps], trace.soma.clone());
            snap.push("trace.outputs", vec![steps, classes], trace.outputs.clone());
            snap.push("trace.phase_ends", vec![2], trace.phase_ends.iter().map(|&s| s as f32).collect());
            snap.push("trace.plateaus", vec![2], trace.plateaus.to_vec());
            snap.push("trace.rates", vec![2, classes], trace.rates.concat());
            let pixels = self.data.train.dims();
            let side = (pixels as f64).sqrt() as usize;
            snap.push("trace.digit", vec![side, pixels / side.max(1)], self.data.train.x.row(trace.example).to_vec());
            snap.push("trace.label", vec![1], vec![trace.label as f32]);
            snap.push("trace.neuron", vec![1], vec![self.config.neuron as f32]);
        }
        snap
    }
}
