//! Backpropagation (Rumelhart, Hinton & Williams 1986), the baseline every chapter compares with.
//!
//! With `u_l = h_{l−1} W_l + b_l`, `h_l = σ(u_l)` and output error `e = ∂L/∂u_L` (`y − t` for
//! softmax + cross-entropy and for linear + MSE):
//!
//! ```text
//! δ_L = e
//! δ_l = (δ_{l+1} W_{l+1}ᵀ) ⊙ σ'(u_l)        (the talk's  ΔW0 ∝ e·W1ᵀ·σ'(u)·x)
//! ΔW_l = −η h_{l−1}ᵀ δ_l / n,   Δb_l = −η Σ δ_l / n
//! ```
//!
//! The error travels back through the transpose of the forward weights: the "weight transport"
//! that the Random feedback chapter removes.

use super::feedforward::Credit;
use crate::nn::{Mlp, Real, Targets, Trace};
use crate::rule::RuleId;
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array2, ArrayViewMut2, Zip};

/// Exact gradients: errors sent back through `W_{l+1}ᵀ`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Backprop;

impl<F: Real> Credit<F> for Backprop {
    fn id(&self) -> RuleId {
        RuleId::Bp
    }

    fn assign(&mut self, net: &Mlp<F>, trace: &mut Trace<F>, _targets: Targets<'_, F>) {
        backprop_deltas(net, trace);
    }
}

/// Fills every hidden `δ_l` of `trace` from its output error, by backpropagation.
pub fn backprop_deltas<F: Real>(net: &Mlp<F>, trace: &mut Trace<F>) {
    send_back_layer_by_layer(net, trace, |l| &net.layers[l].w);
}

/// `δ_{l−1} = (δ_l M_lᵀ) ⊙ σ'(u_{l−1})` from the top hidden layer down, where `M_l` (shaped like
/// `W_l`, `n_in × n_out`) is whatever the rule sends errors back through: `W_l` for backprop, a
/// fixed random `B_l` for feedback alignment, `sign(W_l)` for sign symmetry.
pub fn send_back_layer_by_layer<'a, F: Real>(
    net: &Mlp<F>,
    trace: &mut Trace<F>,
    feedback: impl Fn(usize) -> &'a Array2<F>,
) {
    let n = trace.rows;
    for l in (1..net.depth()).rev() {
        let (lower, upper) = trace.delta.split_at_mut(l);
        let mut delta = lower[l - 1].slice_mut(s![..n, ..]);
        general_mat_mul(F::one(), &upper[0].slice(s![..n, ..]), &feedback(l).t(), F::zero(), &mut delta);
        multiply_by_derivative(net, &trace.h[l], &mut delta);
    }
}

/// `δ ← δ ⊙ σ'(u)`, with σ' computed from the layer's output `h` (the first `δ.nrows()` rows).
pub fn multiply_by_derivative<F: Real>(net: &Mlp<F>, h: &Array2<F>, delta: &mut ArrayViewMut2<'_, F>) {
    let act = net.activation;
    let n = delta.nrows();
    Zip::from(delta).and(&h.slice(s![..n, ..])).for_each(|d, &h| *d = *d * act.derivative_from_output(h));
}
