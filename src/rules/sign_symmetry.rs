//! Sign symmetry (Liao, Leibo & Poggio 2016, "How important is weight symmetry in
//! backpropagation?", AAAI; Xiao, Chen, Liao & Poggio 2018 on ImageNet).
//!
//! Feedback synapses share only the *sign* of the forward ones:
//!
//! ```text
//! δ_{l−1} = (δ_l S_lᵀ) ⊙ σ'(u_{l−1}),   S_l = feedback_scale · mean|W_l| · sign(W_l)
//! ```
//!
//! The factor `mean|W_l|` (our choice; the papers also rescale) keeps the feedback the size of
//! the forward weights, so the hidden layers' effective learning rate matches backprop's.

use super::backprop::send_back_layer_by_layer;
use super::feedforward::Credit;
use crate::nn::{Mlp, Targets, Trace};
use crate::rule::RuleId;
use ndarray::{Array2, Zip};

/// Errors sent back through the signs of the forward weights.
#[derive(Debug, Clone)]
pub struct SignSymmetry {
    scale: f32,
    /// `s[l−1]` stands in for `W_l`, rebuilt before every update.
    s: Vec<Array2<f32>>,
}

impl SignSymmetry {
    pub fn new(sizes: &[usize], feedback_scale: f64) -> Self {
        let s = (1..sizes.len() - 1).map(|l| Array2::zeros((sizes[l], sizes[l + 1]))).collect();
        Self { scale: feedback_scale as f32, s }
    }

    /// The feedback matrices of the last credit step: `feedback()[l − 1]` stands in for `W_l`.
    pub fn feedback(&self) -> &[Array2<f32>] {
        &self.s
    }
}

impl Credit<f32> for SignSymmetry {
    fn id(&self) -> RuleId {
        RuleId::Sign
    }

    fn assign(&mut self, net: &Mlp<f32>, trace: &mut Trace<f32>, _targets: Targets<'_, f32>) {
        for (l, s) in self.s.iter_mut().enumerate() {
            let w = &net.layers[l + 1].w;
            let magnitude = self.scale * w.iter().map(|v| v.abs()).sum::<f32>() / w.len() as f32;
            Zip::from(s).and(w).for_each(|s, &w| *s = magnitude * w.signum() * f32::from(w != 0.0));
        }
        send_back_layer_by_layer(net, trace, |l| &self.s[l - 1]);
    }
}
