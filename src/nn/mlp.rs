//! A dense network `u_l = h_{l-1} W_l + b_l`, `h_l = σ(u_l)`, with a softmax–cross-entropy, a
//! linear–MSE or a sigmoid–MSE output, trained by minibatch SGD with optional momentum and weight
//! decay.
//!
//! Rows are examples: a batch is an `n × d` matrix. `W_l` is stored `n_in × n_out`, so the paper's
//! `W_lᵀ` (the matrix backprop sends errors through) is exactly this array, and feedback matrices
//! `B` that stand in for it are stored in the same shape.
//!
//! All buffers live in a [`Trace`] sized once for the largest batch: the training loop allocates
//! nothing.

use super::{axpy, Activation, Real, Sgd};
use crate::rng::SimRng;
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayView2, Axis, Zip};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// The output layer and its loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Loss {
    /// Softmax outputs, `L = −log p_target`.
    #[default]
    #[serde(alias = "ce")]
    CrossEntropy,
    /// Linear outputs, `L = ½‖y − t‖²`.
    Mse,
    /// Sigmoid outputs `y = σ(u)`, `L = ½‖y − t‖²` (BurstProp's output layer).
    #[serde(rename = "sigmoid-mse")]
    SigmoidMse,
}

/// How the forward weights start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Init {
    /// Glorot-uniform `±scale·√(6/(n_in+n_out))` (He-uniform for ReLU).
    #[default]
    Xavier,
    /// All forward weights zero (the DFA-from-zero experiment).
    Zero,
}

/// One dense layer and its momentum buffers.
#[derive(Debug, Clone)]
pub struct Layer<F> {
    /// Forward weights, `n_in × n_out`.
    pub w: Array2<F>,
    /// Biases, `n_out`.
    pub b: Array1<F>,
    velocity_w: Array2<F>,
    velocity_b: Array1<F>,
}

impl<F: Real> Layer<F> {
    fn new(n_in: usize, n_out: usize) -> Self {
        Self {
            w: Array2::zeros((n_in, n_out)),
            b: Array1::zeros(n_out),
            velocity_w: Array2::zeros((n_in, n_out)),
            velocity_b: Array1::zeros(n_out),
        }
    }
}

/// A multilayer perceptron.
#[derive(Debug, Clone)]
pub struct Mlp<F> {
    /// Layer widths, input first: `[784, 500, 10]`.
    pub sizes: Vec<usize>,
    pub layers: Vec<Layer<F>>,
    pub activation: Activation,
    pub loss: Loss,
}

/// A rule's estimate of one layer's gradient, `∂L/∂W` (`n_in × n_out`) and `∂L/∂b` (`n_out`),
/// averaged over the batch.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerGradient<F> {
    pub w: Array2<F>,
    pub b: Array1<F>,
}

impl<F: Real> LayerGradient<F> {
    /// Zeros for a layer of `n_in` inputs and `n_out` units.
    pub fn zeros(n_in: usize, n_out: usize) -> Self {
        Self { w: Array2::zeros((n_in, n_out)), b: Array1::zeros(n_out) }
    }
}

/// What the output is compared with.
#[derive(Debug, Clone, Copy)]
pub enum Targets<'a, F> {
    /// Class indices (one-hot targets).
    Labels(&'a [u8]),
    /// Real-valued targets, `n × n_out`.
    Values(ArrayView2<'a, F>),
}

/// The forward activities and backward signals of one batch.
#[derive(Debug, Clone)]
pub struct Trace<F> {
    /// `h[0]` is the input, `h[l]` the output of layer `l` (the last one is the network's output).
    pub h: Vec<Array2<F>>,
    /// `delta[l] = ∂L/∂u_l` for each example (or a rule's stand-in for it), one per layer.
    pub delta: Vec<Array2<F>>,
    /// Rows in use (the current batch size).
    pub rows: usize,
    /// The nonzero inputs of each row, when the batch is mostly zeros (e.g. MNIST, 81 % of
    /// pixels): the first layer then touches only the weight rows of inputs that are on.
    sparse_input: Option<SparseRows<F>>,
}

/// The nonzero entries of each row of a matrix (compressed sparse rows).
#[derive(Debug, Clone)]
struct SparseRows<F> {
    /// Row `i`'s entries are `starts[i]..starts[i + 1]`.
    starts: Vec<usize>,
    columns: Vec<usize>,
    values: Vec<F>,
}

/// Below this fraction of nonzero inputs the first layer uses the sparse path (it does
/// `density ×` the multiply-adds of the dense product but without blocking, so it wins only when
/// the input is clearly sparse).
const SPARSE_INPUT_DENSITY: f64 = 0.4;

impl<F: Real> Trace<F> {
    pub fn new(sizes: &[usize], capacity: usize) -> Self {
        Self {
            h: sizes.iter().map(|&n| Array2::zeros((capacity, n))).collect(),
            delta: sizes[1..].iter().map(|&n| Array2::zeros((capacity, n))).collect(),
            rows: 0,
            sparse_input: None,
        }
    }

    /// Records the nonzero inputs of the current batch if they are few enough to be worth it.
    fn index_sparse_input(&mut self) {
        let n = self.rows;
        let x = self.h[0].slice(s![..n, ..]);
        let nonzero = x.iter().filter(|&&v| v != F::zero()).count();
        if (nonzero as f64) >= SPARSE_INPUT_DENSITY * (x.len().max(1) as f64) {
            self.sparse_input = None;
            return;
        }
        let mut sparse = self.sparse_input.take().unwrap_or_else(|| SparseRows {
            starts: Vec::new(),
            columns: Vec::new(),
            values: Vec::new(),
        });
        sparse.starts.clear();
        sparse.columns.clear();
        sparse.values.clear();
        for row in x.rows() {
            sparse.starts.push(sparse.columns.len());
            for (j, &v) in row.iter().enumerate() {
                if v != F::zero() {
                    sparse.columns.push(j);
                    sparse.values.push(v);
                }
            }
        }
        sparse.starts.push(sparse.columns.len());
        self.sparse_input = Some(sparse);
    }

    pub fn capacity(&self) -> usize {
        self.h[0].nrows()
    }

    /// The network's output for the current batch.
    pub fn output(&self) -> ArrayView2<'_, F> {
        self.h.last().expect("trace has layers").slice(s![..self.rows, ..])
    }
}

impl<F: Real> Mlp<F> {
    /// A network of the given widths, weights drawn from `rng`.
    pub fn new(
        sizes: &[usize],
        activation: Activation,
        loss: Loss,
        init: Init,
        init_scale: f64,
        rng: &mut SimRng,
    ) -> Self {
        assert!(sizes.len() >= 2, "a network needs an input and an output layer");
        let mut layers: Vec<Layer<F>> = sizes.windows(2).map(|p| Layer::new(p[0], p[1])).collect();
        if init == Init::Xavier {
            for layer in &mut layers {
                let (n_in, n_out) = layer.w.dim();
                let limit = if activation == Activation::Relu {
                    (6.0 / n_in as f64).sqrt()
                } else {
                    (6.0 / (n_in + n_out) as f64).sqrt()
                } * init_scale;
                layer.w.mapv_inplace(|_| F::of(rng.random_range(-limit..=limit)));
            }
        }
        Self { sizes: sizes.to_vec(), layers, activation, loss }
    }

    pub fn depth(&self) -> usize {
        self.layers.len()
    }

    /// Runs the forward pass of `x` (`n × d`, n ≤ capacity) into `trace`.
    pub fn forward(&self, x: ArrayView2<'_, F>, trace: &mut Trace<F>) {
        self.forward_perturbed(x, trace, None);
    }

    /// The forward pass with `noise[l]` (`n × n_l`, one per weight layer, output included) added
    /// to every layer's pre-activation `u_l` before its nonlinearity (node perturbation);
    /// `None` is the plain pass.
    pub fn forward_perturbed(&self, x: ArrayView2<'_, F>, trace: &mut Trace<F>, noise: Option<&[Array2<F>]>) {
        let n = x.nrows();
        assert!(n <= trace.capacity(), "batch of {n} exceeds trace capacity {}", trace.capacity());
        trace.rows = n;
        trace.h[0].slice_mut(s![..n, ..]).assign(&x);
        trace.index_sparse_input();
        let last = self.layers.len() - 1;
        for (l, layer) in self.layers.iter().enumerate() {
            let (before, after) = trace.h.split_at_mut(l + 1);
            let input = before[l].slice(s![..n, ..]);
            let mut out = after[0].slice_mut(s![..n, ..]);
            out.assign(&layer.b.broadcast((n, layer.b.len())).expect("bias broadcasts"));
            match (&trace.sparse_input, l) {
                // out_i += Σ_{j: x_ij ≠ 0} x_ij W_j,: — whole contiguous weight rows.
                (Some(sparse), 0) => {
                    for (i, mut out_row) in out.rows_mut().into_iter().enumerate() {
                        let out_row = out_row.as_slice_mut().expect("trace rows are contiguous");
                        for k in sparse.starts[i]..sparse.starts[i + 1] {
                            let w_row = layer.w.row(sparse.columns[k]);
                            axpy(sparse.values[k], w_row.as_slice().expect("weights are contiguous"), out_row);
                        }
                    }
                }
                _ => general_mat_mul(F::one(), &input, &layer.w, F::one(), &mut out),
            }
            if let Some(noise) = noise {
                Zip::from(&mut out).and(&noise[l].slice(s![..n, ..])).for_each(|u, &z| *u = *u + z);
            }
            if l < last {
                let act = self.activation;
                out.mapv_inplace(|u| act.apply(u));
            } else if self.loss == Loss::SigmoidMse {
                out.mapv_inplace(|u| Activation::Sigmoid.apply(u));
            } else if self.loss == Loss::CrossEntropy {
                for mut row in out.rows_mut() {
                    let max = row.fold(F::neg_infinity(), |m, &v| m.max(v));
                    row.mapv_inplace(|v| (v - max).exp());
                    let sum = row.sum();
                    row.mapv_inplace(|v| v / sum);
                }
            }
        }
    }

    /// The loss of each example of the batch in `trace` against `targets`, into `losses` (one per
    /// row): `−log y_t` for cross-entropy, `½‖y − t‖²` for the squared errors. Only the forward
    /// pass is read, so it serves perturbed passes too (node and weight perturbation).
    pub fn example_losses(&self, trace: &Trace<F>, targets: Targets<'_, F>, losses: &mut [f64]) {
        let y = trace.output();
        assert_eq!(losses.len(), y.nrows(), "one loss per example");
        for (i, (row, loss)) in y.rows().into_iter().zip(losses.iter_mut()).enumerate() {
            *loss = match targets {
                Targets::Labels(labels) => self.label_loss(row, labels[i] as usize),
                Targets::Values(t) => {
                    let sq = row.iter().zip(t.row(i)).map(|(&v, &t)| (v - t) * (v - t)).fold(F::zero(), |a, b| a + b);
                    0.5 * sq.to_f64().unwrap_or(f64::NAN)
                }
            };
        }
    }

    /// The loss of one output row `y` whose class is `t`.
    fn label_loss(&self, y: ndarray::ArrayView1<'_, F>, t: usize) -> f64 {
        match self.loss {
            Loss::CrossEntropy => -y[t].max(F::of(1e-12)).ln().to_f64().unwrap_or(f64::NAN),
            Loss::Mse | Loss::SigmoidMse => {
                let mut sq = F::zero();
                for (k, &v) in y.iter().enumerate() {
                    let d = v - if k == t { F::one() } else { F::zero() };
                    sq = sq + d * d;
                }
                0.5 * sq.to_f64().unwrap_or(f64::NAN)
            }
        }
    }

    /// Writes the output error `e = ∂L/∂u_out` of the batch in `trace` into its last `delta`, and
    /// returns the summed loss and the number of correct classifications (0 for real targets).
    pub fn output_error(&self, trace: &mut Trace<F>, targets: Targets<'_, F>) -> (f64, usize) {
        self.output_error_onto(trace, targets, 0.0)
    }

    /// [`Self::output_error`], with the loss terms added to `loss` one by one in row order: an
    /// evaluation run in pieces sums exactly as one run in a single chunk.
    pub fn output_error_onto(&self, trace: &mut Trace<F>, targets: Targets<'_, F>, loss: f64) -> (f64, usize) {
        let n = trace.rows;
        let (hs, deltas) = (&trace.h, &mut trace.delta);
        let y = hs.last().expect("layers").slice(s![..n, ..]);
        let mut e = deltas.last_mut().expect("layers").slice_mut(s![..n, ..]);
        e.assign(&y);
        let mut loss = loss;
        let mut correct = 0;
        match targets {
            Targets::Labels(labels) => {
                assert_eq!(labels.len(), n, "one label per example");
                for (i, &t) in labels.iter().enumerate() {
                    let t = t as usize;
                    let row = y.row(i);
                    let predicted = argmax(row.iter().copied());
                    correct += usize::from(predicted == t);
                    loss += self.label_loss(row, t);
                    e[[i, t]] = e[[i, t]] - F::one();
                }
            }
            Targets::Values(t) => {
                assert_ne!(self.loss, Loss::CrossEntropy, "real-valued targets need an MSE loss");
                Zip::from(&mut e).and(&t).for_each(|e, &t| *e = *e - t);
                // ½Σv², as Σ½v²: halving is exact, so the sums agree bit for bit.
                loss = e.iter().fold(loss, |sum, &v| sum + 0.5 * (v * v).to_f64().unwrap_or(f64::NAN));
            }
        }
        if self.loss == Loss::SigmoidMse {
            // ∂L/∂u = (y − t) ⊙ σ'(u), with σ'(u) = y(1 − y).
            Zip::from(&mut e).and(&y).for_each(|e, &y| *e = *e * y * (F::one() - y));
        }
        (loss, correct)
    }

    /// `∂L/∂W_l` averaged over the batch, from the trace's activities and deltas.
    pub fn weight_gradient(&self, trace: &Trace<F>, l: usize) -> Array2<F> {
        let n = trace.rows;
        let mut g = Array2::zeros(self.layers[l].w.dim());
        general_mat_mul(
            F::one() / F::of(n as f64),
            &trace.h[l].slice(s![..n, ..]).t(),
            &trace.delta[l].slice(s![..n, ..]),
            F::zero(),
            &mut g,
        );
        g
    }

    /// One SGD step ([`Sgd`]) with the per-layer learning rates `rates` (a layer with rate 0 does
    /// not learn), using the deltas in `trace`:
    /// `v ← μv − η_l (h_{l−1}ᵀ δ_l / n + λW)`, `W ← W + v` (biases likewise, without decay).
    pub fn apply_update(&mut self, trace: &Trace<F>, rates: &[F], momentum: F, weight_decay: F) {
        assert_eq!(rates.len(), self.layers.len(), "one learning rate per layer");
        let sgd = Sgd { momentum, weight_decay };
        let n = trace.rows;
        for ((l, layer), &lr) in self.layers.iter_mut().enumerate().zip(rates) {
            if lr == F::zero() {
                continue;
            }
            let scale = -lr / F::of(n as f64);
            let input = trace.h[l].slice(s![..n, ..]);
            let delta = trace.delta[l].slice(s![..n, ..]);
            let bias_step = delta.sum_axis(Axis(0));
            let sparse = if l == 0 { trace.sparse_input.as_ref() } else { None };
            // target ← keep·target + scale·inputᵀδ, from the nonzero inputs only when sparse.
            let add_step = |target: &mut Array2<F>, keep: F| match sparse {
                Some(sparse) => {
                    if keep != F::one() {
                        target.mapv_inplace(|v| keep * v);
                    }
                    for i in 0..n {
                        let d = delta.row(i);
                        let d = d.as_slice().expect("trace rows are contiguous");
                        for k in sparse.starts[i]..sparse.starts[i + 1] {
                            let mut row = target.row_mut(sparse.columns[k]);
                            axpy(scale * sparse.values[k], d, row.as_slice_mut().expect("weights are contiguous"));
                        }
                    }
                }
                None => general_mat_mul(scale, &input.t(), &delta, keep, target),
            };
            sgd.step(lr, &mut layer.w, Some(&mut layer.velocity_w), add_step);
            sgd.without_decay().step(lr, &mut layer.b, Some(&mut layer.velocity_b), |target, keep| {
                Zip::from(target).and(&bias_step).for_each(|b, &g| *b = keep * *b + scale * g)
            });
        }
    }

    /// One SGD step ([`Sgd`]) from explicit estimates of `∂L/∂W_l` and `∂L/∂b_l` (batch means,
    /// shaped like the layer's weights and biases; weight perturbation's), with the per-layer
    /// learning rates `rates` (0: the layer does not learn): the same step as
    /// [`Self::apply_update`] with `gradients[l]` in place of `h_{l−1}ᵀ δ_l / n`.
    pub fn apply_gradients(&mut self, gradients: &[LayerGradient<F>], rates: &[F], momentum: F, weight_decay: F) {
        assert_eq!(rates.len(), self.layers.len(), "one learning rate per layer");
        assert_eq!(gradients.len(), self.layers.len(), "one gradient per layer");
        let sgd = Sgd { momentum, weight_decay };
        for ((layer, g), &lr) in self.layers.iter_mut().zip(gradients).zip(rates) {
            if lr == F::zero() {
                continue;
            }
            let step = |target: &mut Array2<F>, keep: F| {
                Zip::from(target).and(&g.w).for_each(|t, &g| *t = keep * *t - lr * g);
            };
            sgd.step(lr, &mut layer.w, Some(&mut layer.velocity_w), step);
            sgd.without_decay().step(lr, &mut layer.b, Some(&mut layer.velocity_b), |target, keep| {
                Zip::from(target).and(&g.b).for_each(|t, &g| *t = keep * *t - lr * g)
            });
        }
    }

    /// Replaces layer `l`'s weights (`n_in × n_out`) and biases (`n_out`) and clears its momentum:
    /// loading saved parameters. Panics when the shapes differ from the layer's (check first).
    pub fn set_layer(&mut self, l: usize, w: ArrayView2<'_, F>, b: ndarray::ArrayView1<'_, F>) {
        let layer = &mut self.layers[l];
        layer.w.assign(&w);
        layer.b.assign(&b);
        layer.velocity_w.fill(F::zero());
        layer.velocity_b.fill(F::zero());
    }

    /// True when every weight and bias is finite.
    pub fn is_finite(&self) -> bool {
        self.layers.iter().all(|l| l.w.iter().all(|v| v.is_finite()) && l.b.iter().all(|v| v.is_finite()))
    }
}

/// Index of the largest value (the first on ties).
pub fn argmax<F: PartialOrd>(values: impl IntoIterator<Item = F>) -> usize {
    let mut best = 0;
    let mut best_value = None;
    for (i, v) in values.into_iter().enumerate() {
        if best_value.as_ref().is_none_or(|b| v > *b) {
            best = i;
            best_value = Some(v);
        }
    }
    best
}
