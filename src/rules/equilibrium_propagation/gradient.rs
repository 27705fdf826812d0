//! Reference computations on plain state matrices, written on the engine's public relaxation
//! ([`Relaxation`]): whole free and weakly clamped phases, the energy and cost per example,
//! Equilibrium Propagation's gradient estimate ([`ep_gradient`], one-sided or symmetric) and the
//! true gradient of the cost at the free fixed point by recurrent backprop ([`bp_gradient`]).
//! `tests/eqprop.rs` checks the paper's Theorem 1 with them, and the `gradient_check` model
//! ([`crate::rules::gradient_check`]) plots the two against β.
//!
//! States are one `n × width` matrix per free layer (first hidden … output), rows are examples.

use super::kernels::rho;
use super::network::EqNet;
use super::relaxation::Relaxation;
use crate::nn::Real;
use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayView2, Axis, Zip};

/// Relaxation settings of the reference computations.
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

/// A relaxation of the batch `x` that starts from `state`.
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
    // The energy reads the states through ρ, so loading them projected onto [0, 1] changes nothing.
    let relax = relaxation_for(net, x, state);
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
    ep_estimate(net, x, &plus, &base, span)
}

/// EqProp's estimate from the nudged fixed point `plus` and the `base` one (the free fixed
/// point, or the one nudged by −β), `span` apart in β: `−(1/span)(ρρ|^plus − ρρ|^base)`.
pub fn ep_estimate<F: Real>(
    net: &EqNet<F>,
    x: ArrayView2<'_, F>,
    plus: &[Array2<F>],
    base: &[Array2<F>],
    span: F,
) -> Gradient<F> {
    let mut g = Gradient::zeros(net);
    let scale = F::one() / (span * F::of(x.nrows() as f64));
    add_correlations(&mut g, x, plus, -scale);
    add_correlations(&mut g, x, base, scale);
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

/// The cosine between `estimate` and `truth` and the relative norm `‖estimate − truth‖ / ‖truth‖`.
pub fn compare(estimate: &[f64], truth: &[f64]) -> (f64, f64) {
    let dot: f64 = estimate.iter().zip(truth).map(|(a, b)| a * b).sum();
    let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    let distance = estimate.iter().zip(truth).map(|(a, b)| (a - b).powi(2)).sum::<f64>().sqrt();
    (dot / (norm(estimate) * norm(truth)), distance / norm(truth))
}
