//! Feedback alignment (Lillicrap, Cownden, Tweed & Akerman 2016, "Random synaptic feedback weights
//! support error backpropagation for deep learning", Nat. Commun. 7:13276).
//!
//! The error goes back through fixed random matrices `B_l` instead of the transposed forward
//! weights, so no neuron needs to know another's synapses:
//!
//! ```text
//! δ_L = e
//! δ_{l−1} = (δ_l B_lᵀ) ⊙ σ'(u_{l−1})        (backprop has W_l where B_l stands)
//! ΔW_l = −η h_{l−1}ᵀ δ_l / n
//! ```
//!
//! Learning works because the forward weights come to align with the feedback: `W_l` turns
//! toward `B_l` (stored in the same `n_in × n_out` shape), so `B e` falls within 90° of `Wᵀ e`.
//! The per-epoch diagnostics record, for each hidden layer, `∠(W_l, B_l)`, the mean per-example
//! `∠(δ_FA, δ_BP)`, and the angle between the FA and BP updates of the layer's weights on one
//! fixed batch.

use super::backprop::{backprop_deltas, send_back_layer_by_layer};
use super::feedforward::Credit;
use crate::metrics::angle_degrees;
use crate::nn::{Mlp, Targets, Trace};
use crate::rng::SimRng;
use crate::rule::RuleId;
use crate::rules::{FeedbackDist, FeedforwardConfig};
use ndarray::{s, Array2};
use rand::Rng;
use rand_distr::{Distribution, Normal};

/// Errors sent back through fixed random matrices, one per layer above the first.
#[derive(Debug, Clone)]
pub struct FeedbackAlignment {
    /// `b[l−1]` stands in for `W_l` (`l = 1..L−1`), same shape.
    pub b: Vec<Array2<f32>>,
}

/// A fixed random `rows × cols` feedback matrix. Its spread matches the forward (Glorot) init of a
/// `rows × cols` layer, times `config.feedback_scale`.
pub fn random_feedback(rows: usize, cols: usize, config: &FeedforwardConfig, rng: &mut SimRng) -> Array2<f32> {
    let glorot_limit = (6.0 / (rows + cols) as f64).sqrt() * config.feedback_scale;
    match config.feedback_dist {
        FeedbackDist::Uniform => {
            Array2::from_shape_simple_fn((rows, cols), || rng.random_range(-glorot_limit..=glorot_limit) as f32)
        }
        FeedbackDist::Gaussian => {
            let normal = Normal::new(0.0, glorot_limit / 3f64.sqrt()).expect("finite spread");
            Array2::from_shape_simple_fn((rows, cols), || normal.sample(rng) as f32)
        }
    }
}

impl FeedbackAlignment {
    pub fn new(sizes: &[usize], config: &FeedforwardConfig, rng: &mut SimRng) -> Self {
        let b = (1..sizes.len() - 1).map(|l| random_feedback(sizes[l], sizes[l + 1], config, rng)).collect();
        Self { b }
    }
}

impl Credit<f32> for FeedbackAlignment {
    fn id(&self) -> RuleId {
        RuleId::Fa
    }

    fn feedback(&self) -> Vec<&Array2<f32>> {
        self.b.iter().collect()
    }

    fn feedback_mut(&mut self) -> Vec<&mut Array2<f32>> {
        self.b.iter_mut().collect()
    }

    fn assign(&mut self, net: &Mlp<f32>, trace: &mut Trace<f32>, _targets: Targets<'_, f32>) {
        send_back_layer_by_layer(net, trace, |l| &self.b[l - 1]);
    }

    fn diagnostic_columns(&self, depth: usize) -> Vec<String> {
        (0..depth - 1)
            .flat_map(|l| [format!("angle_w_b{l}"), format!("angle_delta{l}"), format!("angle_update{l}")])
            .collect()
    }

    fn diagnostics(&mut self, net: &Mlp<f32>, trace: &Trace<f32>, targets: Targets<'_, f32>) -> Vec<f64> {
        let (fa, bp) = beside_backprop(net, trace, |t| self.assign(net, t, targets));
        (0..net.depth() - 1)
            .flat_map(|l| {
                let [weight_angle, delta_angle] = alignment_angles(net, &self.b[l], &fa, &bp, l);
                let update_angle = angle_degrees(&net.weight_gradient(&fa, l), &net.weight_gradient(&bp, l));
                [weight_angle, delta_angle, update_angle]
            })
            .map(|a| a.unwrap_or(f64::NAN))
            .collect()
    }
}

/// A rule's deltas and backprop's for the same batch, each in its own copy of `trace` (which
/// holds the forward pass and the output error): `assign` fills the rule's.
pub fn beside_backprop(
    net: &Mlp<f32>,
    trace: &Trace<f32>,
    assign: impl FnOnce(&mut Trace<f32>),
) -> (Trace<f32>, Trace<f32>) {
    let mut rule = trace.clone();
    assign(&mut rule);
    let mut bp = trace.clone();
    backprop_deltas(net, &mut bp);
    (rule, bp)
}

/// How well a feedback pathway stands in for backprop at hidden layer `l`, in degrees:
/// `∠(W_{l+1}, feedback)` (`feedback` shaped like `W_{l+1}`) and the mean per-example
/// `∠(δ_rule, δ_BP)` over the batch (`None` where a signal is all zero).
pub fn alignment_angles(
    net: &Mlp<f32>,
    feedback: &Array2<f32>,
    rule: &Trace<f32>,
    bp: &Trace<f32>,
    l: usize,
) -> [Option<f64>; 2] {
    [angle_degrees(&net.layers[l + 1].w, feedback), delta_angle(&rule.delta[l], &bp.delta[l], rule.rows)]
}

/// The mean over examples of `∠(δ_a, δ_b)` for the first `rows` rows (examples with a zero
/// signal are skipped).
pub fn delta_angle(a: &Array2<f32>, b: &Array2<f32>, rows: usize) -> Option<f64> {
    let angles: Vec<f64> =
        (0..rows).filter_map(|i| angle_degrees(a.slice(s![i, ..]).iter(), b.slice(s![i, ..]).iter())).collect();
    (!angles.is_empty()).then(|| angles.iter().sum::<f64>() / angles.len() as f64)
}
