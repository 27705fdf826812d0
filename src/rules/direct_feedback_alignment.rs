//! Direct feedback alignment (Nøkland 2016, "Direct feedback alignment provides learning in deep
//! neural networks", NeurIPS).
//!
//! The output error is sent straight to every hidden layer through its own fixed random matrix:
//!
//! ```text
//! δ_L = e
//! δ_l = (e D_lᵀ) ⊙ σ'(u_l),   D_l ∈ R^{n_l × n_out} fixed random     (every hidden l)
//! ΔW_l = −η h_{l−1}ᵀ δ_l / n
//! ```
//!
//! No error passes through another hidden layer, so the signal cannot vanish with depth, and a
//! deep stack learns even from all-zero weights (where backprop's hidden errors are exactly 0).
//! With one hidden layer, `D_0` has the shape of FA's `B_1` and is drawn identically: DFA and FA
//! are then the same rule.

use super::backprop::{backprop_deltas, multiply_by_derivative};
use super::feedback_alignment::{delta_angle, random_feedback};
use super::feedforward::Credit;
use crate::metrics::angle_degrees;
use crate::nn::{Mlp, Targets, Trace};
use crate::rng::SimRng;
use crate::rule::RuleId;
use crate::rules::FeedforwardConfig;
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array2};

/// The output error broadcast to each hidden layer through fixed random matrices.
#[derive(Debug, Clone)]
pub struct DirectFeedbackAlignment {
    /// `d[l]` (`n_{l+1} × n_out`) carries the error to hidden layer `l`.
    pub d: Vec<Array2<f32>>,
}

impl DirectFeedbackAlignment {
    pub fn new(sizes: &[usize], config: &FeedforwardConfig, rng: &mut SimRng) -> Self {
        let n_out = *sizes.last().expect("sizes");
        let d = sizes[1..sizes.len() - 1].iter().map(|&n| random_feedback(n, n_out, config, rng)).collect();
        Self { d }
    }
}

impl Credit<f32> for DirectFeedbackAlignment {
    fn id(&self) -> RuleId {
        RuleId::Dfa
    }

    fn feedback(&self) -> Vec<&Array2<f32>> {
        self.d.iter().collect()
    }

    fn feedback_mut(&mut self) -> Vec<&mut Array2<f32>> {
        self.d.iter_mut().collect()
    }

    fn assign(&mut self, net: &Mlp<f32>, trace: &mut Trace<f32>, _targets: Targets<'_, f32>) {
        let n = trace.rows;
        let (hidden, output) = trace.delta.split_at_mut(net.depth() - 1);
        let e = output[0].slice(s![..n, ..]);
        for (l, delta) in hidden.iter_mut().enumerate() {
            let mut delta = delta.slice_mut(s![..n, ..]);
            general_mat_mul(1.0, &e, &self.d[l].t(), 0.0, &mut delta);
            multiply_by_derivative(net, &trace.h[l + 1], &mut delta);
        }
    }

    fn diagnostic_columns(&self, depth: usize) -> Vec<String> {
        let mut columns: Vec<String> = (0..depth - 1).map(|l| format!("angle_delta{l}")).collect();
        if depth > 1 {
            columns.push(format!("angle_w_b{}", depth - 2));
        }
        columns
    }

    fn diagnostics(&mut self, net: &Mlp<f32>, trace: &Trace<f32>, targets: Targets<'_, f32>) -> Vec<f64> {
        let mut trace = trace.clone();
        self.assign(net, &mut trace, targets);
        let dfa = trace.delta.clone();
        backprop_deltas(net, &mut trace);
        let mut values: Vec<f64> = (0..net.depth() - 1)
            .map(|l| delta_angle(&dfa[l], &trace.delta[l], trace.rows).unwrap_or(f64::NAN))
            .collect();
        if net.depth() > 1 {
            let top = net.depth() - 2;
            values.push(angle_degrees(&net.layers[top + 1].w, &self.d[top]).unwrap_or(f64::NAN));
        }
        values
    }
}
