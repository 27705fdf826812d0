//! The relaxation of a batch to a minimum of `F = E + βC` (the free phase with `β = 0`, the weakly
//! clamped phase with `β ≠ 0`), the Equilibrium Propagation update from its two fixed points, and
//! the [`Recorder`] of one example's trajectory for drawing.

use super::kernels::{add_active_rows, rho, SparseColumns, SPARSE_INPUT_DENSITY};
use super::network::EqNet;
use crate::nn::mlp::argmax;
use crate::nn::{axpy, Real, Sgd};
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array, Array2, ArrayView2, Dimension, Zip};

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
            sparse: SparseColumns::new(),
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
        self.cost_and_correct_onto(0.0)
    }

    /// [`Self::cost_and_correct`], with each example's cost added to `cost` in row order.
    pub fn cost_and_correct_onto(&self, cost: f64) -> (f64, usize) {
        let n = self.rows;
        let out = self.state.last().expect("layers").slice(s![..n, ..]);
        let targets = self.targets.slice(s![..n, ..]);
        let mut cost = cost;
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
    /// [`Relaxation::save_state`]) and the nudged state held now, as a plain SGD step
    /// ([`Sgd::plain`]) per layer:
    /// `ΔW_l = (α_l/β)·mean(ρ_{l−1}^β ρ_l^βᵀ − ρ_{l−1}⁰ ρ_l⁰ᵀ)`, biases likewise.
    pub fn apply_update(&mut self, net: &mut EqNet<F>, free: &[Array2<F>], beta: F, rates: &[F]) {
        let n = self.rows;
        assert_eq!(rates.len(), net.depth(), "one learning rate per weight layer");
        let sgd = Sgd::plain();
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
            let diff = diff.view();
            sgd.step(lr, &mut net.b[l], None, |bias, keep| {
                scale_unless_one(bias, keep);
                let bias = bias.as_slice_mut().expect("biases are contiguous");
                for row in diff.rows() {
                    axpy(scale, row.as_slice().expect("buffer rows are contiguous"), bias);
                }
            });
            sgd.step(lr, &mut net.w[l], None, |w, keep| {
                if l == 0 {
                    // The clamped input is the same in both phases: ΔW_1 ∝ xᵀ(ρ_1^β − ρ_1⁰).
                    if self.use_sparse {
                        scale_unless_one(w, keep);
                        for (j, mut w_row) in w.rows_mut().into_iter().enumerate() {
                            let w_row = w_row.as_slice_mut().expect("weights are contiguous");
                            for (i, v) in self.sparse.entries(j) {
                                axpy(scale * v, diff.row(i).to_slice().expect("buffer rows are contiguous"), w_row);
                            }
                        }
                    } else {
                        general_mat_mul(scale, &self.input.slice(s![..n, ..]).t(), &diff, keep, w);
                    }
                } else {
                    let pre_nudged = self.state[l - 1].slice(s![..n, ..]);
                    let pre_free = free[l - 1].slice(s![..n, ..]);
                    general_mat_mul(scale, &pre_nudged.t(), &nudged, keep, w);
                    general_mat_mul(-scale, &pre_free.t(), &free_l, F::one(), w);
                }
            });
        }
    }
}

/// `a ← keep·a`, skipped for `keep = 1` (a plain SGD step adds to the parameters directly).
fn scale_unless_one<F: Real, D: Dimension>(a: &mut Array<F, D>, keep: F) {
    if keep != F::one() {
        a.mapv_inplace(|v| keep * v);
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

    pub(super) fn start<F: Real>(&mut self, net: &EqNet<F>, relax: &Relaxation<F>, label: u8) {
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
