//! Equilibrium Propagation (Scellier & Bengio 2017, "Equilibrium Propagation: Bridging the Gap
//! between Energy-Based Models and Backpropagation", Front. Comput. Neurosci. 11:24).
//!
//! The network is a continuous Hopfield model: the input layer `s_0 = x` is clamped, and the free
//! layers `s_1 … s_L` (hidden layers, then the output) settle to a minimum of an energy. With the
//! hard sigmoid `ρ(s) = clip(s, 0, 1)`,
//!
//! ```text
//! E(s) = ½ Σ_l ‖ρ(s_l)‖² − Σ_l b_lᵀρ(s_l) − Σ_l ρ(s_{l−1})ᵀ W_l ρ(s_l)      (l = 1 … L, ρ(s_0) = x)
//! C(s) = ‖s_L − y‖²                                                     (y one-hot, no ½)
//! F(s) = E(s) + β C(s)
//! ```
//!
//! (the input enters as `x` itself, so that inputs outside `[0, 1]`, as in the 2-D sets, are not
//! cut off; MNIST pixels are in `[0, 1]` anyway). The state descends `F` by projected gradient
//! steps of size `ε`, every layer at once; since states stay in `[0, 1]`, where `ρ(s) = s`:
//!
//! ```text
//! s_l ← clip(s_l + ε (ρ(s_{l−1})W_l + b_l + ρ(s_{l+1})W_{l+1}ᵀ − s_l), 0, 1)     (hidden layers)
//! s_L ← clip(s_L + ε (ρ(s_{L−1})W_L + b_L − s_L) + 2εβ (y − s_L), 0, 1)         (output)
//! ```
//!
//! On `[0, 1]` the energy is a quadratic with Hessian `I − A` (`A` the symmetric couplings between
//! free layers), so these steps do not increase it when `ε < 2 / (1 + ‖A‖)`.
//!
//! Training one minibatch: a **free phase** (`β = 0`, `free_steps` steps) settles to the fixed
//! point `s⁰`, where the prediction is `argmax s⁰_L` and the loss is `C(s⁰)`; a **weakly clamped
//! phase** (`nudged_steps` steps, started from `s⁰`) nudges the output toward the target and
//! settles to `s^β`, with the sign of `β` drawn at random per minibatch. Then, averaged over the
//! batch,
//!
//! ```text
//! ΔW_l = (α_l / β) (ρ(s^β_{l−1}) ρ(s^β_l)ᵀ − ρ(s⁰_{l−1}) ρ(s⁰_l)ᵀ),    Δb_l = (α_l / β) (ρ(s^β_l) − ρ(s⁰_l)).
//! ```
//!
//! As `β → 0` and both phases converge, `−(1/β)(ρρ|^β − ρρ|⁰) → ∂C(s⁰)/∂W`: the update is gradient
//! descent on the cost at the free fixed point, with only local, Hebbian quantities (the paper's
//! Theorem 1; checked in `tests/eqprop.rs` against [`bp_gradient`]). The symmetric estimate with
//! `±β` ([`ep_gradient`] with `symmetric`) removes the `O(β)` bias.
//!
//! With `persistent`, each training example keeps its free fixed point and starts its next free
//! phase there (the paper's persistent particles); evaluation always starts from zero.
//!
//! Divergence: states are clipped, so only the weights can become non-finite (an enormous `α/β`);
//! a non-finite cost or weight stops the run with [`Error::Diverged`].
//!
//! Speed: the batch relaxes as matrices in preallocated buffers (no allocation per step); the
//! clamped input's drive `x W_1 + b_1` is computed once per minibatch, from the nonzero pixels
//! only when the input is sparse (MNIST's 81 % zeros), and the first layer's update uses the same
//! index. A relaxation step of 784-500-10 is then two small products with `W_2`: the top-down one
//! adds only the rows of `W_2ᵀ` of active output units (about 90 % of them sit at 0 once
//! trained). About 20,000 samples/s natively (one thread, release) with 20 + 4 steps, batch 20.

use crate::data::{DataKind, Dataset, Split};
use crate::experiment::FeedforwardConfig;
use crate::metrics::Confusion;
use crate::nn::mlp::argmax;
use crate::nn::Real;
use crate::rng::{rng_for, SimRng, Stream};
use crate::rule::{shown_units, MetricTable, Progress, Rule, Snapshot, StepOutcome};
use crate::rules::feedforward::{Evaluation, MinibatchTraining, Minibatches, BOUNDARY_EXTENT, BOUNDARY_SIZE, COLUMNS};
use crate::{Error, Result};
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayView2, Axis, Zip};
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Settings of an Equilibrium Propagation run. Defaults: the reference's 784-500-10 MNIST
/// hyper-parameters (batch 20, 25 epochs, 20 free + 4 nudged steps, ε 0.5, β 0.5 with a random
/// sign, α = 0.1, 0.05).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EqPropConfig {
    pub data: DataKind,
    /// Hidden-layer widths (may be empty: the output then couples to the input only).
    pub hidden: Vec<usize>,
    /// Minibatch size.
    pub batch: usize,
    /// Training stops after this many epochs.
    pub epochs: u32,
    pub seed: u64,
    /// Steps of the free phase (β = 0), during training and evaluation.
    pub free_steps: usize,
    /// Steps of the weakly clamped phase, started from the free fixed point.
    pub nudged_steps: usize,
    /// Step size ε of the relaxation.
    pub step_size: f64,
    /// Nudging strength β (> 0; see `random_beta_sign`).
    pub beta: f64,
    /// Draw the sign of β at random for every minibatch.
    pub random_beta_sign: bool,
    /// Learning rate α of each weight layer, input side first (one more than hidden layers).
    pub layer_lrs: Vec<f64>,
    /// Keep every training example's free fixed point and start its next free phase there (the
    /// reference's persistent particles). Off by default: from zero, 20 free steps already settle
    /// (relaxation residual < 1e-4 after the first epoch), and over seeds 1–3 on MNIST (25 epochs)
    /// the final test accuracy was 94.95 / 94.85 / 94.95 % without and 94.30 / 94.90 / 94.70 %
    /// with, for 16 MB more memory (8,000 × 510 floats) and training states that evaluation (from
    /// zero) does not share.
    pub persistent: bool,
    /// Gaussian noise (standard deviation) added to the 2-D toy sets.
    pub noise: f64,
    /// Training and test points of a toy set (each).
    pub points: usize,
}

impl Default for EqPropConfig {
    fn default() -> Self {
        Self {
            data: DataKind::Mnist,
            hidden: vec![500],
            batch: 20,
            epochs: 25,
            seed: 1,
            free_steps: 20,
            nudged_steps: 4,
            step_size: 0.5,
            beta: 0.5,
            random_beta_sign: true,
            layer_lrs: vec![0.1, 0.05],
            persistent: false,
            noise: 0.05,
            points: 400,
        }
    }
}

/// Upper limits that [`EqPropConfig::validate`] enforces: the feed-forward rules' limits on
/// widths, batch, epochs, rates and points, and its own on depth, relaxation and nudging.
pub mod limits {
    pub use crate::experiment::limits::{MAX_BATCH, MAX_EPOCHS, MAX_LR, MAX_POINTS, MAX_WIDTH};
    pub const MAX_HIDDEN_LAYERS: usize = 6;
    pub const MAX_STEPS: usize = 5_000;
    pub const MAX_BETA: f64 = 10.0;
}

impl EqPropConfig {
    /// Checks every value, naming the first one out of range.
    pub fn validate(&self) -> Result<()> {
        use limits::*;
        if self.data.is_regression() {
            return Err(Error::invalid("data", "Equilibrium Propagation here classifies: use mnist or a 2-D set"));
        }
        if self.hidden.len() > MAX_HIDDEN_LAYERS {
            return Err(Error::invalid(
                "hidden",
                format!("at most {MAX_HIDDEN_LAYERS} hidden layers, got {}", self.hidden.len()),
            ));
        }
        if let Some(w) = self.hidden.iter().find(|&&w| w == 0 || w > MAX_WIDTH) {
            return Err(Error::invalid("hidden", format!("layer widths must be 1–{MAX_WIDTH}, got {w}")));
        }
        if self.batch == 0 || self.batch > MAX_BATCH {
            return Err(Error::invalid("batch", format!("must be 1–{MAX_BATCH}, got {}", self.batch)));
        }
        if self.epochs == 0 || self.epochs > MAX_EPOCHS {
            return Err(Error::invalid("epochs", format!("must be 1–{MAX_EPOCHS}, got {}", self.epochs)));
        }
        if self.free_steps == 0 || self.free_steps > MAX_STEPS {
            return Err(Error::invalid("free_steps", format!("must be 1–{MAX_STEPS}, got {}", self.free_steps)));
        }
        if self.nudged_steps == 0 || self.nudged_steps > MAX_STEPS {
            return Err(Error::invalid("nudged_steps", format!("must be 1–{MAX_STEPS}, got {}", self.nudged_steps)));
        }
        if !(self.step_size > 0.0 && self.step_size <= 1.0) {
            return Err(Error::invalid("step_size", format!("ε must be in (0, 1], got {}", self.step_size)));
        }
        if !(self.beta > 0.0 && self.beta <= MAX_BETA) {
            return Err(Error::invalid(
                "beta",
                format!("β must be in (0, {MAX_BETA}] (its sign is set by random_beta_sign), got {}", self.beta),
            ));
        }
        let depth = self.hidden.len() + 1;
        if self.layer_lrs.len() != depth {
            return Err(Error::invalid(
                "layer_lrs",
                format!(
                    "one learning rate per weight layer: {depth} for {} hidden layers, got {}",
                    self.hidden.len(),
                    self.layer_lrs.len()
                ),
            ));
        }
        if let Some(lr) = self.layer_lrs.iter().find(|&&lr| !(0.0..=MAX_LR).contains(&lr)) {
            return Err(Error::invalid("layer_lrs", format!("each must be in [0, {MAX_LR}], got {lr}")));
        }
        if !(0.0..=1.0).contains(&self.noise) {
            return Err(Error::invalid("noise", format!("must be in [0, 1], got {}", self.noise)));
        }
        if self.points < 10 || self.points > MAX_POINTS {
            return Err(Error::invalid("points", format!("must be 10–{MAX_POINTS}, got {}", self.points)));
        }
        Ok(())
    }

    /// The starting settings for a data set: the defaults (the reference's MNIST settings) for
    /// MNIST; for the 2-D sets a 2-64-2 network, batch 10, 100 epochs.
    pub fn preset(data: DataKind) -> Self {
        match data {
            DataKind::Mnist => Self::default(),
            _ => Self { data, hidden: vec![64], batch: 10, epochs: 100, layer_lrs: vec![0.2, 0.1], ..Self::default() },
        }
    }

    /// The data-related settings as a [`FeedforwardConfig`], for
    /// [`crate::experiment::DataStore::split_for`].
    pub fn data_config(&self) -> FeedforwardConfig {
        FeedforwardConfig {
            data: self.data,
            seed: self.seed,
            noise: self.noise,
            points: self.points,
            ..FeedforwardConfig::default()
        }
    }

    /// Layer widths from input to output.
    pub fn sizes(&self, dims: usize, classes: usize) -> Vec<usize> {
        let mut sizes = vec![dims];
        sizes.extend(&self.hidden);
        sizes.push(classes);
        sizes
    }
}

/// The symmetric network: `w[l]` (`sizes[l] × sizes[l+1]`) couples layer `l` with layer `l + 1`
/// both ways; `b[l]` is the bias of free layer `l + 1`. The input has no bias.
#[derive(Debug, Clone, PartialEq)]
pub struct EqNet<F> {
    /// Layer widths, input first: `[784, 500, 10]`.
    pub sizes: Vec<usize>,
    pub w: Vec<Array2<F>>,
    pub b: Vec<Array1<F>>,
}

impl<F: Real> EqNet<F> {
    /// Glorot-uniform weights `±√(6/(n_in+n_out))`, zero biases.
    pub fn new(sizes: &[usize], rng: &mut SimRng) -> Self {
        assert!(sizes.len() >= 2, "a network needs an input and an output layer");
        let w = sizes
            .windows(2)
            .map(|p| {
                let limit = (6.0 / (p[0] + p[1]) as f64).sqrt();
                Array2::from_shape_simple_fn((p[0], p[1]), || F::of(rng.random_range(-limit..=limit)))
            })
            .collect();
        let b = sizes[1..].iter().map(|&n| Array1::zeros(n)).collect();
        Self { sizes: sizes.to_vec(), w, b }
    }

    /// Number of weight layers (= free layers).
    pub fn depth(&self) -> usize {
        self.w.len()
    }

    pub fn is_finite(&self) -> bool {
        self.w.iter().all(|w| w.iter().all(|v| v.is_finite())) && self.b.iter().all(|b| b.iter().all(|v| v.is_finite()))
    }
}

/// `ρ(s) = clip(s, 0, 1)`, written with comparisons: they compile to SIMD min/max in wasm (where
/// `f32::max` does not vectorise) and let NaN through, so divergence shows.
#[inline]
fn rho<F: Real>(s: F) -> F {
    let s = if s < F::zero() { F::zero() } else { s };
    if s > F::one() {
        F::one()
    } else {
        s
    }
}

/// `y ← y + a·x` over two slices of equal length.
#[inline]
fn axpy<F: Real>(a: F, x: &[F], y: &mut [F]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y = *y + a * x;
    }
}

/// Narrower products than this go through the blocked matrix product instead of
/// [`add_active_rows`] (adding short rows one at a time costs more than the zeros it skips).
const ACTIVE_ROWS_MIN_WIDTH: usize = 64;

/// `out += s · m`, skipping the zero entries of `s`: row `i` of `out` gains `s_ij · m[j, :]` for
/// every active unit `j` (`m`'s rows must be contiguous).
fn add_active_rows<F: Real>(s: ArrayView2<'_, F>, m: &Array2<F>, out: &mut ndarray::ArrayViewMut2<'_, F>) {
    if m.ncols() < ACTIVE_ROWS_MIN_WIDTH {
        general_mat_mul(F::one(), &s, m, F::one(), out);
        return;
    }
    for (s_row, mut out_row) in s.rows().into_iter().zip(out.rows_mut()) {
        let out_row = out_row.as_slice_mut().expect("buffer rows are contiguous");
        for (j, &v) in s_row.iter().enumerate() {
            if v != F::zero() {
                axpy(v, m.row(j).to_slice().expect("weights are contiguous"), out_row);
            }
        }
    }
}

/// Below this fraction of nonzero inputs, the input drive and the first layer's update use only
/// the nonzero inputs.
const SPARSE_INPUT_DENSITY: f64 = 0.4;

/// The nonzero entries of the clamped input, grouped by input unit (compressed sparse columns):
/// the input drive and the first layer's update then load each weight row `W_1[j, :]` once per
/// batch, for all the examples in which input `j` is on.
#[derive(Debug, Clone, Default)]
struct SparseColumns<F> {
    /// Input `j`'s entries are `starts[j]..starts[j + 1]`.
    starts: Vec<usize>,
    /// Which example each entry belongs to.
    rows: Vec<usize>,
    values: Vec<F>,
}

impl<F: Real> SparseColumns<F> {
    /// Indexes the nonzero entries of `x`, reusing the buffers.
    fn index(&mut self, x: ArrayView2<'_, F>) {
        let d = x.ncols();
        self.starts.clear();
        self.starts.resize(d + 1, 0);
        for row in x.rows() {
            for (j, &v) in row.iter().enumerate() {
                if v != F::zero() {
                    self.starts[j + 1] += 1;
                }
            }
        }
        for j in 0..d {
            self.starts[j + 1] += self.starts[j];
        }
        let total = self.starts[d];
        self.rows.clear();
        self.rows.resize(total, 0);
        self.values.clear();
        self.values.resize(total, F::zero());
        // Fill each column's slots in order, with starts[j] as the running cursor, then restore.
        for (i, row) in x.rows().into_iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                if v != F::zero() {
                    let k = self.starts[j];
                    self.rows[k] = i;
                    self.values[k] = v;
                    self.starts[j] += 1;
                }
            }
        }
        for j in (1..=d).rev() {
            self.starts[j] = self.starts[j - 1];
        }
        self.starts[0] = 0;
    }

    fn entries(&self, j: usize) -> impl Iterator<Item = (usize, F)> + '_ {
        let range = self.starts[j]..self.starts[j + 1];
        self.rows[range.clone()].iter().copied().zip(self.values[range].iter().copied())
    }
}

/// Preallocated buffers in which a batch of up to `capacity` examples relaxes.
#[derive(Debug, Clone)]
pub struct Relaxation<F> {
    /// The clamped input, `capacity × sizes[0]`.
    input: Array2<F>,
    /// `x W_1 + b_1`: the input's constant drive of the first free layer.
    input_drive: Array2<F>,
    sparse: SparseColumns<F>,
    use_sparse: bool,
    /// States of the free layers (first hidden … output), `capacity × width`, all in `[0, 1]`.
    state: Vec<Array2<F>>,
    /// Scratch: each free layer's drive from its free neighbours.
    drive: Vec<Array2<F>>,
    /// `W_lᵀ` with contiguous rows (index 0 unused), copied at [`Relaxation::set_input`]: the
    /// top-down drive adds rows of it.
    w_t: Vec<Array2<F>>,
    /// What the output is nudged toward, `capacity × classes`.
    targets: Array2<F>,
    rows: usize,
}

impl<F: Real> Relaxation<F> {
    pub fn new(sizes: &[usize], capacity: usize) -> Self {
        Self {
            input: Array2::zeros((capacity, sizes[0])),
            input_drive: Array2::zeros((capacity, sizes[1])),
            sparse: SparseColumns { starts: Vec::new(), rows: Vec::new(), values: Vec::new() },
            use_sparse: false,
            state: sizes[1..].iter().map(|&n| Array2::zeros((capacity, n))).collect(),
            drive: sizes[1..].iter().map(|&n| Array2::zeros((capacity, n))).collect(),
            w_t: sizes
                .windows(2)
                .enumerate()
                .map(|(l, p)| if l == 0 { Array2::zeros((0, 0)) } else { Array2::zeros((p[1], p[0])) })
                .collect(),
            targets: Array2::zeros((capacity, *sizes.last().expect("sizes"))),
            rows: 0,
        }
    }

    pub fn capacity(&self) -> usize {
        self.input.nrows()
    }

    /// Examples in the current batch.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The state of free layer `l` (0 = first hidden layer, last = output) for the current batch.
    pub fn state(&self, l: usize) -> ArrayView2<'_, F> {
        self.state[l].slice(s![..self.rows, ..])
    }

    /// Clamps the input to `x` (`n × d`, n ≤ capacity), computes its drive `x W_1 + b_1` once, and
    /// takes the network's weights: call it again after changing `net`.
    pub fn set_input(&mut self, net: &EqNet<F>, x: ArrayView2<'_, F>) {
        for (w_t, w) in self.w_t.iter_mut().zip(&net.w).skip(1) {
            w_t.assign(&w.t());
        }
        let n = x.nrows();
        assert!(n <= self.capacity(), "batch of {n} exceeds relaxation capacity {}", self.capacity());
        self.rows = n;
        self.input.slice_mut(s![..n, ..]).assign(&x);
        let nonzero = x.iter().filter(|&&v| v != F::zero()).count();
        self.use_sparse = (nonzero as f64) < SPARSE_INPUT_DENSITY * (x.len().max(1) as f64);
        let mut drive = self.input_drive.slice_mut(s![..n, ..]);
        drive.assign(&net.b[0].broadcast((n, net.b[0].len())).expect("bias broadcasts"));
        if self.use_sparse {
            self.sparse.index(x);
            // drive_i += Σ_{j: x_ij ≠ 0} x_ij W_1[j, :], one weight row at a time.
            for (j, w_row) in net.w[0].rows().into_iter().enumerate() {
                let w_row = w_row.to_slice().expect("weights are contiguous");
                for (i, v) in self.sparse.entries(j) {
                    let mut out = drive.row_mut(i);
                    axpy(v, w_row, out.as_slice_mut().expect("buffer rows are contiguous"));
                }
            }
        } else {
            general_mat_mul(F::one(), &x, &net.w[0], F::one(), &mut drive);
        }
    }

    /// One-hot targets for class labels.
    pub fn set_labels(&mut self, labels: &[u8]) {
        let n = self.rows;
        assert_eq!(labels.len(), n, "one label per example");
        let mut t = self.targets.slice_mut(s![..n, ..]);
        t.fill(F::zero());
        for (i, &c) in labels.iter().enumerate() {
            t[[i, c as usize]] = F::one();
        }
    }

    /// Real-valued targets (`n × classes`).
    pub fn set_targets(&mut self, targets: ArrayView2<'_, F>) {
        assert_eq!(targets.nrows(), self.rows, "one target row per example");
        self.targets.slice_mut(s![..self.rows, ..]).assign(&targets);
    }

    /// Every free unit back to 0.
    pub fn reset(&mut self) {
        for s in &mut self.state {
            s.fill(F::zero());
        }
    }

    /// Sets the free layers' states, projected onto `[0, 1]`.
    pub fn load_state(&mut self, state: &[Array2<F>]) {
        let n = self.rows;
        for (dst, src) in self.state.iter_mut().zip(state) {
            Zip::from(dst.slice_mut(s![..n, ..])).and(src.slice(s![..n, ..])).for_each(|d, &v| *d = rho(v));
        }
    }

    /// Copies the free layers' states out (`n` rows each).
    pub fn save_state(&self, state: &mut [Array2<F>]) {
        let n = self.rows;
        for (dst, src) in state.iter_mut().zip(&self.state) {
            dst.slice_mut(s![..n, ..]).assign(&src.slice(s![..n, ..]));
        }
    }

    /// One projected gradient step on `F = E + βC`, all layers at once. When `measure`, returns
    /// the sum of squared state changes (else 0).
    pub fn step(&mut self, net: &EqNet<F>, epsilon: F, beta: F, measure: bool) -> f64 {
        let n = self.rows;
        let depth = net.depth();
        // Drives from free neighbours, all from the old state. Most units sit at 0 (about 70 % of
        // the hidden layer and 90 % of the output once trained), so each product adds only the
        // weight rows of active units.
        for l in 0..depth {
            let (before, rest) = self.state.split_at(l);
            let mut drive = self.drive[l].slice_mut(s![..n, ..]);
            drive.fill(F::zero());
            if l > 0 {
                add_active_rows(before[l - 1].slice(s![..n, ..]), &net.w[l], &mut drive);
            }
            if l + 1 < depth {
                add_active_rows(rest[1].slice(s![..n, ..]), &self.w_t[l + 1], &mut drive);
            }
        }
        let nudge = F::of(2.0) * epsilon * beta;
        let mut change = 0.0;
        for l in 0..depth {
            let nudged = l + 1 == depth && beta != F::zero();
            // s ← clip(keep·s + ε·(drive + constant) + nudge·y), row by row over plain slices.
            let keep = F::one() - epsilon - if nudged { nudge } else { F::zero() };
            for i in 0..n {
                let mut s_row = self.state[l].row_mut(i);
                let s_row = s_row.as_slice_mut().expect("buffer rows are contiguous");
                let d_row = self.drive[l].row(i).to_slice().expect("buffer rows are contiguous");
                let c_row = match l {
                    0 => self.input_drive.row(i).to_slice().expect("buffer rows are contiguous"),
                    _ => net.b[l].as_slice().expect("biases are contiguous"),
                };
                if measure {
                    let y_row = self.targets.row(i);
                    for (j, (s, (&d, &c))) in s_row.iter_mut().zip(d_row.iter().zip(c_row)).enumerate() {
                        let pull = if nudged { nudge * y_row[j] } else { F::zero() };
                        let new = rho(keep * *s + epsilon * (d + c) + pull);
                        let delta = (new - *s).to_f64().unwrap_or(f64::NAN);
                        change += delta * delta;
                        *s = new;
                    }
                } else if nudged {
                    let y_row = self.targets.row(i).to_slice().expect("buffer rows are contiguous");
                    for (s, ((&d, &c), &y)) in s_row.iter_mut().zip(d_row.iter().zip(c_row).zip(y_row)) {
                        *s = rho(keep * *s + epsilon * (d + c) + nudge * y);
                    }
                } else {
                    for (s, (&d, &c)) in s_row.iter_mut().zip(d_row.iter().zip(c_row)) {
                        *s = rho(keep * *s + epsilon * (d + c));
                    }
                }
            }
        }
        change
    }

    /// `steps` steps; returns the root-mean-square state change of the last one.
    pub fn relax(
        &mut self,
        net: &EqNet<F>,
        steps: usize,
        epsilon: F,
        beta: F,
        mut recorder: Option<&mut Recorder>,
    ) -> f64 {
        let mut change = 0.0;
        for t in 0..steps {
            change = self.step(net, epsilon, beta, t + 1 == steps);
            if let Some(rec) = recorder.as_deref_mut() {
                rec.capture(net, self);
            }
        }
        let units: usize = self.state.iter().map(|s| s.ncols()).sum::<usize>() * self.rows.max(1);
        (change / units as f64).sqrt()
    }

    /// Summed cost `C = ‖s_L − y‖²` over the batch and the number of examples whose output's
    /// largest unit is the one the target's largest entry names.
    pub fn cost_and_correct(&self) -> (f64, usize) {
        let n = self.rows;
        let out = self.state.last().expect("layers").slice(s![..n, ..]);
        let targets = self.targets.slice(s![..n, ..]);
        let mut cost = 0.0;
        let mut correct = 0;
        for (o, y) in out.rows().into_iter().zip(targets.rows()) {
            cost += o.iter().zip(y).map(|(&o, &y)| ((o - y) * (o - y)).to_f64().unwrap_or(f64::NAN)).sum::<f64>();
            correct += usize::from(argmax(o.iter().copied()) == argmax(y.iter().copied()));
        }
        (cost, correct)
    }

    /// The energy of example `i` in its current state.
    pub fn energy_of(&self, net: &EqNet<F>, i: usize) -> f64 {
        let f = |v: F| v.to_f64().unwrap_or(f64::NAN);
        let mut e = 0.0;
        for (l, s) in self.state.iter().enumerate() {
            let s = s.row(i);
            e += 0.5 * s.iter().map(|&v| f(rho(v) * rho(v))).sum::<f64>();
            if l == 0 {
                // −b_1ᵀρ(s_1) − xᵀW_1ρ(s_1), the input's constant drive.
                e -= s.iter().zip(self.input_drive.row(i)).map(|(&v, &c)| f(rho(v) * c)).sum::<f64>();
            } else {
                e -= s.iter().zip(&net.b[l]).map(|(&v, &b)| f(rho(v) * b)).sum::<f64>();
                let below = self.state[l - 1].row(i);
                for (&p, w_row) in below.iter().zip(net.w[l].rows()) {
                    let p = rho(p);
                    if p != F::zero() {
                        e -= f(p) * s.iter().zip(w_row).map(|(&v, &w)| f(rho(v) * w)).sum::<f64>();
                    }
                }
            }
        }
        e
    }

    /// The cost of example `i`.
    fn cost_of(&self, i: usize) -> f64 {
        let out = self.state.last().expect("layers").row(i);
        out.iter().zip(self.targets.row(i)).map(|(&o, &y)| ((o - y) * (o - y)).to_f64().unwrap_or(f64::NAN)).sum()
    }

    /// The Equilibrium Propagation update from the free fixed point `free` (saved with
    /// [`Relaxation::save_state`]) and the nudged state held now:
    /// `ΔW_l = (α_l/β)·mean(ρ_{l−1}^β ρ_l^βᵀ − ρ_{l−1}⁰ ρ_l⁰ᵀ)`, biases likewise.
    pub fn apply_update(&mut self, net: &mut EqNet<F>, free: &[Array2<F>], beta: F, rates: &[F]) {
        let n = self.rows;
        assert_eq!(rates.len(), net.depth(), "one learning rate per weight layer");
        for l in 0..net.depth() {
            let lr = rates[l];
            if lr == F::zero() {
                continue;
            }
            let scale = lr / (beta * F::of(n as f64));
            let nudged = self.state[l].slice(s![..n, ..]);
            let free_l = free[l].slice(s![..n, ..]);
            // The difference of post-synaptic states, in the (now stale) drive buffer.
            let mut diff = self.drive[l].slice_mut(s![..n, ..]);
            Zip::from(diff.view_mut()).and(&nudged).and(&free_l).for_each(|d, &a, &b| *d = a - b);
            let bias = net.b[l].as_slice_mut().expect("biases are contiguous");
            for row in diff.rows() {
                axpy(scale, row.as_slice().expect("buffer rows are contiguous"), bias);
            }
            if l == 0 {
                // The clamped input is the same in both phases: ΔW_1 ∝ xᵀ(ρ_1^β − ρ_1⁰).
                if self.use_sparse {
                    for (j, mut w_row) in net.w[0].rows_mut().into_iter().enumerate() {
                        let w_row = w_row.as_slice_mut().expect("weights are contiguous");
                        for (i, v) in self.sparse.entries(j) {
                            axpy(scale * v, diff.row(i).to_slice().expect("buffer rows are contiguous"), w_row);
                        }
                    }
                } else {
                    general_mat_mul(scale, &self.input.slice(s![..n, ..]).t(), &diff, F::one(), &mut net.w[0]);
                }
            } else {
                let pre_nudged = self.state[l - 1].slice(s![..n, ..]);
                let pre_free = free[l - 1].slice(s![..n, ..]);
                general_mat_mul(scale, &pre_nudged.t(), &nudged, F::one(), &mut net.w[l]);
                general_mat_mul(-scale, &pre_free.t(), &free_l, F::one(), &mut net.w[l]);
            }
        }
    }
}

/// The trajectory of one example (row 0 of a batch) through both phases, for drawing.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    /// Energy `E` after each step, the initial state first.
    pub energy: Vec<f32>,
    /// Cost `C` after each step.
    pub cost: Vec<f32>,
    /// Output states after each step, `steps + 1` rows.
    pub output: Vec<f32>,
    /// States of the shown units of the first free layer after each step.
    pub hidden: Vec<f32>,
    /// Which units of the first free layer are shown (up to 64, evenly spaced).
    pub hidden_units: Vec<usize>,
    /// Steps of the free phase (the phase boundary in `energy`'s index).
    pub free_steps: usize,
    /// The signed β of the nudged phase.
    pub beta: f32,
    pub input: Vec<f32>,
    pub label: u8,
}

impl Recorder {
    fn capture<F: Real>(&mut self, net: &EqNet<F>, relax: &Relaxation<F>) {
        let f = |v: F| v.to_f32().unwrap_or(f32::NAN);
        self.energy.push(relax.energy_of(net, 0) as f32);
        self.cost.push(relax.cost_of(0) as f32);
        self.output.extend(relax.state.last().expect("layers").row(0).iter().map(|&v| f(v)));
        let first = relax.state[0].row(0);
        self.hidden.extend(self.hidden_units.iter().map(|&j| f(first[j])));
    }

    fn start<F: Real>(&mut self, net: &EqNet<F>, relax: &Relaxation<F>, label: u8) {
        self.energy.clear();
        self.cost.clear();
        self.output.clear();
        self.hidden.clear();
        self.input.clear();
        self.input.extend(relax.input.row(0).iter().map(|v| v.to_f32().unwrap_or(f32::NAN)));
        self.label = label;
        self.capture(net, relax);
    }

    /// Recorded steps (rows of `output`).
    pub fn steps(&self) -> usize {
        self.energy.len()
    }
}

/// Relaxation settings for the helper functions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Phases {
    pub free_steps: usize,
    pub nudged_steps: usize,
    pub epsilon: f64,
}

/// Parameter gradients (or updates) of an [`EqNet`], shaped like its weights and biases.
#[derive(Debug, Clone, PartialEq)]
pub struct Gradient<F> {
    pub w: Vec<Array2<F>>,
    pub b: Vec<Array1<F>>,
}

impl<F: Real> Gradient<F> {
    fn zeros(net: &EqNet<F>) -> Self {
        Self {
            w: net.w.iter().map(|w| Array2::zeros(w.dim())).collect(),
            b: net.b.iter().map(|b| Array1::zeros(b.len())).collect(),
        }
    }

    /// Every entry, weights first, layer by layer.
    pub fn to_vec(&self) -> Vec<f64> {
        let f = |v: &F| v.to_f64().unwrap_or(f64::NAN);
        self.w.iter().flat_map(|w| w.iter().map(f)).chain(self.b.iter().flat_map(|b| b.iter().map(f))).collect()
    }
}

/// Zero states for `n` examples: one `n × width` matrix per free layer.
pub fn zero_state<F: Real>(net: &EqNet<F>, n: usize) -> Vec<Array2<F>> {
    net.sizes[1..].iter().map(|&w| Array2::zeros((n, w))).collect()
}

/// One-hot rows for class labels.
pub fn one_hot<F: Real>(labels: &[u8], classes: usize) -> Array2<F> {
    let mut t = Array2::zeros((labels.len(), classes));
    for (i, &c) in labels.iter().enumerate() {
        t[[i, c as usize]] = F::one();
    }
    t
}

fn relaxation_for<F: Real>(net: &EqNet<F>, x: ArrayView2<'_, F>, state: &[Array2<F>]) -> Relaxation<F> {
    let mut relax = Relaxation::new(&net.sizes, x.nrows());
    relax.set_input(net, x);
    relax.load_state(state);
    relax
}

/// `steps` steps of the free phase (β = 0) from `state` (projected onto `[0, 1]`), in place.
/// Returns the root-mean-square state change of the last step.
pub fn free_phase<F: Real>(
    net: &EqNet<F>,
    x: ArrayView2<'_, F>,
    state: &mut [Array2<F>],
    steps: usize,
    epsilon: F,
) -> f64 {
    let mut relax = relaxation_for(net, x, state);
    let change = relax.relax(net, steps, epsilon, F::zero(), None);
    relax.save_state(state);
    change
}

/// `steps` steps of the weakly clamped phase with nudging `beta` toward `targets`, in place.
/// Returns the root-mean-square state change of the last step.
pub fn nudged_phase<F: Real>(
    net: &EqNet<F>,
    x: ArrayView2<'_, F>,
    targets: ArrayView2<'_, F>,
    beta: F,
    state: &mut [Array2<F>],
    steps: usize,
    epsilon: F,
) -> f64 {
    let mut relax = relaxation_for(net, x, state);
    relax.set_targets(targets);
    let change = relax.relax(net, steps, epsilon, beta, None);
    relax.save_state(state);
    change
}

/// The energy `E` of every example in `state`.
pub fn energy<F: Real>(net: &EqNet<F>, x: ArrayView2<'_, F>, state: &[Array2<F>]) -> Vec<f64> {
    let mut relax = Relaxation::new(&net.sizes, x.nrows());
    relax.set_input(net, x);
    // Energy is measured at the given state as it is (ρ clips it).
    for (dst, src) in relax.state.iter_mut().zip(state) {
        dst.assign(src);
    }
    (0..x.nrows()).map(|i| relax.energy_of(net, i)).collect()
}

/// The cost `C = ‖s_L − y‖²` of every example in `state`.
pub fn cost<F: Real>(state: &[Array2<F>], targets: ArrayView2<'_, F>) -> Vec<f64> {
    let out = state.last().expect("layers");
    out.rows()
        .into_iter()
        .zip(targets.rows())
        .map(|(o, y)| o.iter().zip(y).map(|(&o, &y)| ((o - y) * (o - y)).to_f64().unwrap_or(f64::NAN)).sum())
        .collect()
}

/// `Σ_examples ρ(a_{l−1}) ρ(a_l)ᵀ` and `Σ ρ(a_l)` for every layer, scaled by `scale`, added to `g`.
fn add_correlations<F: Real>(g: &mut Gradient<F>, x: ArrayView2<'_, F>, state: &[Array2<F>], scale: F) {
    for l in 0..g.w.len() {
        let post = state[l].mapv(rho);
        match l {
            0 => general_mat_mul(scale, &x.t(), &post, F::one(), &mut g.w[0]),
            _ => general_mat_mul(scale, &state[l - 1].mapv(rho).t(), &post, F::one(), &mut g.w[l]),
        }
        Zip::from(&mut g.b[l]).and(post.sum_axis(Axis(0)).view()).for_each(|b, &v| *b = *b + scale * v);
    }
}

/// Equilibrium Propagation's estimate of `∂C/∂θ` (mean over the batch) at the free fixed point:
/// the free phase from zero, then the nudged phase from the free fixed point with `+β`, giving
/// `−(1/β)(ρρ|^β − ρρ|⁰)`; with `symmetric`, nudged phases with `+β` and `−β`, giving
/// `−(1/2β)(ρρ|^β − ρρ|^{−β})`. The training update is `−α` times this.
pub fn ep_gradient<F: Real>(
    net: &EqNet<F>,
    x: ArrayView2<'_, F>,
    targets: ArrayView2<'_, F>,
    beta: F,
    symmetric: bool,
    phases: Phases,
) -> Gradient<F> {
    let n = x.nrows();
    let eps = F::of(phases.epsilon);
    let mut free = zero_state(net, n);
    free_phase(net, x, &mut free, phases.free_steps, eps);
    let mut plus = free.clone();
    nudged_phase(net, x, targets, beta, &mut plus, phases.nudged_steps, eps);
    let (base, span) = if symmetric {
        let mut minus = free.clone();
        nudged_phase(net, x, targets, -beta, &mut minus, phases.nudged_steps, eps);
        (minus, F::of(2.0) * beta)
    } else {
        (free, beta)
    };
    let mut g = Gradient::zeros(net);
    let scale = F::one() / (span * F::of(n as f64));
    add_correlations(&mut g, x, &plus, -scale);
    add_correlations(&mut g, x, &base, scale);
    g
}

/// The true gradient `∂C(s⁰(θ))/∂θ` (mean over the batch) at the free fixed point `s⁰` reached
/// from zero in `phases.free_steps` steps, by implicit differentiation (recurrent backprop): with
/// `a` the units strictly inside `(0, 1)` and `A` the couplings between free units, `λ` solves
/// `(I − A)_aa λ_a = ∂C/∂s_a = 2(s_L − y)_a` (by `phases.free_steps` Richardson iterations of
/// step ε from zero), and `∂C/∂W_l[i, j] = ρ(s_{l−1})_i λ_l[j] + λ_{l−1}[i] ρ(s_l)_j`,
/// `∂C/∂b_l = λ_l`.
pub fn bp_gradient<F: Real>(
    net: &EqNet<F>,
    x: ArrayView2<'_, F>,
    targets: ArrayView2<'_, F>,
    phases: Phases,
) -> Gradient<F> {
    let n = x.nrows();
    let eps = F::of(phases.epsilon);
    let depth = net.depth();
    let mut state = zero_state(net, n);
    free_phase(net, x, &mut state, phases.free_steps, eps);
    let active: Vec<Array2<F>> =
        state.iter().map(|s| s.mapv(|v| if v > F::zero() && v < F::one() { F::one() } else { F::zero() })).collect();
    let mut g_out = state[depth - 1].clone() - targets;
    g_out.mapv_inplace(|v| F::of(2.0) * v);
    let mut lambda = zero_state(net, n);
    for _ in 0..phases.free_steps {
        let mut next = Vec::with_capacity(depth);
        for l in 0..depth {
            // (A λ)_l = λ_{l−1} W_l + λ_{l+1} W_{l+1}ᵀ, over free neighbours only.
            let mut a = Array2::zeros(lambda[l].dim());
            if l > 0 {
                general_mat_mul(F::one(), &lambda[l - 1], &net.w[l], F::one(), &mut a);
            }
            if l + 1 < depth {
                general_mat_mul(F::one(), &lambda[l + 1], &net.w[l + 1].t(), F::one(), &mut a);
            }
            // λ ← λ + ε (g − (I − A) λ), on the active units only.
            let mut new = &lambda[l] + &(&a - &lambda[l]).mapv(|v| v * eps);
            if l + 1 == depth {
                new = new + &g_out.mapv(|v| v * eps);
            }
            next.push(new * &active[l]);
        }
        lambda = next;
    }
    let mut g = Gradient::zeros(net);
    let scale = F::one() / F::of(n as f64);
    for l in 0..depth {
        let post = state[l].mapv(rho);
        match l {
            0 => general_mat_mul(scale, &x.t(), &lambda[0], F::one(), &mut g.w[0]),
            _ => {
                general_mat_mul(scale, &state[l - 1].mapv(rho).t(), &lambda[l], F::one(), &mut g.w[l]);
                general_mat_mul(scale, &lambda[l - 1].t(), &post, F::one(), &mut g.w[l]);
            }
        }
        g.b[l] = lambda[l].sum_axis(Axis(0)).mapv(|v| v * scale);
    }
    g
}

const EVAL_CHUNK: usize = 500;
/// First-layer units whose relaxation is recorded for drawing.
const SHOWN_HIDDEN: usize = 64;

/// A classifier trained by Equilibrium Propagation. One work unit is one minibatch (free phase,
/// nudged phase, update).
pub struct EquilibriumPropagation {
    config: EqPropConfig,
    net: EqNet<f32>,
    data: Arc<Split>,
    sign_rng: SimRng,
    batches: Minibatches,
    batch_x: Array2<f32>,
    batch_labels: Vec<u8>,
    batch_targets: Array2<f32>,
    relax: Relaxation<f32>,
    eval: Relaxation<f32>,
    /// The free fixed point of the current batch.
    free: Vec<Array2<f32>>,
    /// Persistent particles: each training example's last free fixed point, per free layer.
    particles: Option<Vec<Array2<f32>>>,
    rates: Vec<f32>,
    metrics: MetricTable,
    last_test: Option<Evaluation>,
    recorder: Recorder,
    record_next: bool,
    diverged: Option<Error>,
}

/// Extra metric columns after [`COLUMNS`], measured each epoch on the first minibatch of the
/// training set relaxed from zero for `free_steps` steps: `free_energy`, the mean energy `E` at
/// the free fixed point, and `relaxation_residual`, the root-mean-square change of the free
/// units' states in the last step (≈ 0 when the free phase has settled).
pub const DIAGNOSTIC_COLUMNS: [&str; 2] = ["free_energy", "relaxation_residual"];

impl EquilibriumPropagation {
    pub fn new(config: EqPropConfig, data: Arc<Split>) -> Result<Self> {
        config.validate()?;
        if data.train.is_empty() || data.test.is_empty() {
            return Err(Error::Data("the training or test set is empty".into()));
        }
        if data.train.targets.is_some() {
            return Err(Error::invalid("data", "Equilibrium Propagation here needs a classification set"));
        }
        let sizes = config.sizes(data.train.dims(), data.train.classes);
        let net = EqNet::new(&sizes, &mut rng_for(config.seed, Stream::Weights));
        let batch = config.batch.min(data.train.len());
        let mut columns: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
        columns.extend(DIAGNOSTIC_COLUMNS.iter().map(|c| c.to_string()));
        let particles =
            config.persistent.then(|| sizes[1..].iter().map(|&w| Array2::zeros((data.train.len(), w))).collect());
        let recorder = Recorder {
            hidden_units: shown_units(sizes[1], SHOWN_HIDDEN),
            free_steps: config.free_steps,
            ..Recorder::default()
        };
        let mut model = Self {
            sign_rng: rng_for(config.seed, Stream::Simulation),
            batches: Minibatches::new(data.train.len(), config.seed),
            batch_x: Array2::zeros((batch, sizes[0])),
            batch_labels: Vec::with_capacity(batch),
            batch_targets: Array2::zeros((batch, data.train.classes)),
            relax: Relaxation::new(&sizes, batch),
            eval: Relaxation::new(&sizes, EVAL_CHUNK),
            free: sizes[1..].iter().map(|&w| Array2::zeros((batch, w))).collect(),
            particles,
            rates: config.layer_lrs.iter().map(|&r| r as f32).collect(),
            metrics: MetricTable { columns, rows: Vec::new() },
            last_test: None,
            recorder,
            record_next: true,
            diverged: None,
            config,
            net,
            data,
        };
        // A relaxation to draw before any training: the first training example, nudged by +β.
        model.demo_relaxation();
        // Row 0: the untrained network, so every curve starts at chance.
        let data = Arc::clone(&model.data);
        let train = model.evaluate(&data.train);
        model.record_epoch(train.loss, train.accuracy)?;
        Ok(model)
    }

    pub fn config(&self) -> &EqPropConfig {
        &self.config
    }

    pub fn net(&self) -> &EqNet<f32> {
        &self.net
    }

    /// The test-set evaluation at the end of the last epoch.
    pub fn last_test(&self) -> Option<&Evaluation> {
        self.last_test.as_ref()
    }

    /// The most recently recorded relaxation of one example.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// Cost, accuracy and confusion of the free fixed points (from zero) of `set`.
    pub fn evaluate(&mut self, set: &Dataset) -> Evaluation {
        let mut confusion = Confusion::new(set.classes);
        let mut loss = 0.0;
        let eps = self.config.step_size as f32;
        for start in (0..set.len()).step_by(EVAL_CHUNK) {
            let end = (start + EVAL_CHUNK).min(set.len());
            self.eval.set_input(&self.net, set.rows(start, end));
            self.eval.set_labels(&set.labels[start..end]);
            self.eval.reset();
            self.eval.relax(&self.net, self.config.free_steps, eps, 0.0, None);
            loss += self.eval.cost_and_correct().0;
            let out = self.eval.state(self.net.depth() - 1);
            for (row, &truth) in out.rows().into_iter().zip(&set.labels[start..end]) {
                confusion.record(truth as usize, argmax(row.iter().copied()));
            }
        }
        Evaluation { loss: loss / set.len() as f64, accuracy: confusion.accuracy(), confusion }
    }

    fn demo_relaxation(&mut self) {
        let n = self.relax.capacity();
        let data = Arc::clone(&self.data);
        let train = &data.train;
        self.relax.set_input(&self.net, train.rows(0, n));
        self.relax.set_labels(&train.labels[..n]);
        self.relax.reset();
        let eps = self.config.step_size as f32;
        self.recorder.start(&self.net, &self.relax, train.labels[0]);
        self.relax.relax(&self.net, self.config.free_steps, eps, 0.0, Some(&mut self.recorder));
        self.recorder.beta = self.config.beta as f32;
        self.relax.relax(&self.net, self.config.nudged_steps, eps, self.config.beta as f32, Some(&mut self.recorder));
    }

    /// Appends the metrics row for the epoch just finished.
    fn record_epoch(&mut self, train_loss: f64, train_acc: f64) -> Result<()> {
        let data = Arc::clone(&self.data);
        let test = self.evaluate(&data.test);
        if !test.loss.is_finite() || !train_loss.is_finite() {
            return Err(self.diverge(if train_loss.is_finite() { test.loss } else { train_loss }));
        }
        // Diagnostics on the first minibatch of the training set, from zero, fixed across epochs.
        let n = self.relax.capacity();
        self.relax.set_input(&self.net, data.train.rows(0, n));
        self.relax.reset();
        let eps = self.config.step_size as f32;
        let residual = self.relax.relax(&self.net, self.config.free_steps, eps, 0.0, None);
        let free_energy = (0..n).map(|i| self.relax.energy_of(&self.net, i)).sum::<f64>() / n as f64;
        self.metrics.push(vec![
            self.batches.epoch as f64,
            self.batches.samples as f64,
            train_loss,
            train_acc,
            test.loss,
            test.accuracy,
            free_energy,
            residual,
        ]);
        self.last_test = Some(test);
        Ok(())
    }

    fn diverge(&mut self, loss: f64) -> Error {
        let error = Error::Diverged { epoch: self.progress().epoch, loss };
        self.diverged = Some(error.clone());
        error
    }

    /// The output for class 1 over a grid covering the plane, and the training points.
    fn push_boundary(&mut self, snap: &mut Snapshot) {
        let size = BOUNDARY_SIZE;
        let mut grid = Array2::zeros((size * size, 2));
        for (k, mut row) in grid.rows_mut().into_iter().enumerate() {
            let (i, j) = (k / size, k % size);
            let to_plane = |v: usize| -BOUNDARY_EXTENT + 2.0 * BOUNDARY_EXTENT * (v as f32 + 0.5) / size as f32;
            row[0] = to_plane(j);
            row[1] = -to_plane(i); // top row = largest y
        }
        let eps = self.config.step_size as f32;
        let mut values = Vec::with_capacity(size * size);
        for start in (0..size * size).step_by(EVAL_CHUNK) {
            let end = (start + EVAL_CHUNK).min(size * size);
            self.eval.set_input(&self.net, grid.slice(s![start..end, ..]));
            self.eval.reset();
            self.eval.relax(&self.net, self.config.free_steps, eps, 0.0, None);
            let out = self.eval.state(self.net.depth() - 1);
            values.extend(out.rows().into_iter().map(|r| ((r[1] - r[0] + 1.0) / 2.0).clamp(0.0, 1.0)));
        }
        snap.push("boundary", vec![size, size], values);
        let train = &self.data.train;
        let points =
            (0..train.len()).flat_map(|i| [train.x[[i, 0]], train.x[[i, 1]], train.labels[i] as f32]).collect();
        snap.push("points", vec![train.len(), 3], points);
    }
}

impl MinibatchTraining for EquilibriumPropagation {
    /// Trains on one minibatch. Returns the number of examples used.
    fn train_batch(&mut self) -> Result<usize> {
        let index = self.batches.next(self.relax.capacity());
        let n = index.len();
        self.data.train.gather(index, &mut self.batch_x, &mut self.batch_labels, &mut self.batch_targets);
        self.relax.set_input(&self.net, self.batch_x.slice(s![..n, ..]));
        self.relax.set_labels(&self.batch_labels);
        match &self.particles {
            Some(particles) => {
                for (l, p) in particles.iter().enumerate() {
                    for (row, &i) in index.iter().enumerate() {
                        self.free[l].row_mut(row).assign(&p.row(i));
                    }
                }
                self.relax.load_state(&self.free);
            }
            None => self.relax.reset(),
        }
        let sign = if self.config.random_beta_sign && self.sign_rng.random_bool(0.5) { -1.0 } else { 1.0 };
        let beta = (sign * self.config.beta) as f32;
        let eps = self.config.step_size as f32;
        let record = std::mem::take(&mut self.record_next);
        if record {
            self.recorder.start(&self.net, &self.relax, self.batch_labels[0]);
            self.recorder.beta = beta;
        }
        let recorder = if record { Some(&mut self.recorder) } else { None };
        // Free phase: the prediction and the loss are those of its fixed point.
        self.relax.relax(&self.net, self.config.free_steps, eps, 0.0, recorder);
        let (loss, correct) = self.relax.cost_and_correct();
        if !loss.is_finite() {
            return Err(self.diverge(loss / n as f64));
        }
        self.relax.save_state(&mut self.free);
        if let Some(particles) = &mut self.particles {
            for (l, p) in particles.iter_mut().enumerate() {
                for (row, &i) in index.iter().enumerate() {
                    p.row_mut(i).assign(&self.free[l].row(row));
                }
            }
        }
        // Weakly clamped phase from the free fixed point, then the update.
        let recorder = if record { Some(&mut self.recorder) } else { None };
        self.relax.relax(&self.net, self.config.nudged_steps, eps, beta, recorder);
        self.relax.apply_update(&mut self.net, &self.free, beta, &self.rates);
        if let Some(epoch) = self.batches.finish(n, loss, correct) {
            if !self.net.is_finite() {
                return Err(self.diverge(f64::NAN));
            }
            self.record_epoch(epoch.loss, epoch.accuracy)?;
        }
        Ok(n)
    }

    fn finished(&self) -> bool {
        self.batches.epoch >= self.config.epochs
    }

    fn failure(&self) -> Option<&Error> {
        self.diverged.as_ref()
    }

    fn rows(&self) -> usize {
        self.metrics.rows.len()
    }
}

impl Rule for EquilibriumPropagation {
    fn id(&self) -> &'static str {
        "eqprop"
    }

    fn step(&mut self, budget: u32) -> Result<StepOutcome> {
        self.step_minibatches(budget)
    }

    fn metrics(&self) -> &MetricTable {
        &self.metrics
    }

    fn progress(&self) -> Progress {
        self.batches.progress()
    }

    /// Frames: `sizes`; `relaxation.energy` / `relaxation.cost` (`[T+1]`, E and C after each step
    /// of the last recorded relaxation of one example, initial state first, free phase then nudged
    /// phase), `relaxation.free_steps` (`[1]`, the index where the nudged phase starts),
    /// `relaxation.beta` (`[1]`, signed), `relaxation.output` (`[T+1, classes]`),
    /// `relaxation.hidden` (`[T+1, k]`, k ≤ 64 first-layer units, listed in
    /// `relaxation.hidden_units`), `relaxation.input` (`[d]`) and `relaxation.label` (`[1]`);
    /// `diagram.w{l}` / `diagram.units{l}` as the feed-forward rules send them;
    /// `receptive_fields` (`[≤36, 784]`, MNIST) or `boundary` and `points` (2-D sets); `confusion`.
    fn snapshot(&mut self) -> Snapshot {
        let mut snap = Snapshot::default();
        let sizes = self.net.sizes.clone();
        snap.push("sizes", vec![sizes.len()], sizes.iter().map(|&s| s as f32).collect());
        let rec = &self.recorder;
        let steps = rec.steps();
        snap.push("relaxation.energy", vec![steps], rec.energy.clone());
        snap.push("relaxation.cost", vec![steps], rec.cost.clone());
        snap.push("relaxation.free_steps", vec![1], vec![rec.free_steps as f32]);
        snap.push("relaxation.beta", vec![1], vec![rec.beta]);
        snap.push("relaxation.output", vec![steps, *sizes.last().expect("sizes")], rec.output.clone());
        snap.push("relaxation.hidden", vec![steps, rec.hidden_units.len()], rec.hidden.clone());
        snap.push(
            "relaxation.hidden_units",
            vec![rec.hidden_units.len()],
            rec.hidden_units.iter().map(|&j| j as f32).collect(),
        );
        snap.push("relaxation.input", vec![rec.input.len()], rec.input.clone());
        snap.push("relaxation.label", vec![1], vec![rec.label as f32]);
        // Ask the next minibatch to record its relaxation for the next snapshot.
        self.record_next = true;
        snap.push_network_diagram(&sizes, &self.net.w);
        if self.config.data.is_planar() && sizes[0] == 2 {
            self.push_boundary(&mut snap);
        } else if self.config.data == DataKind::Mnist {
            snap.push_receptive_fields(&self.net.w[0]);
        }
        if let Some(test) = &self.last_test {
            snap.push_confusion(&test.confusion);
        }
        snap
    }
}
