//! BurstProp, the rate model (Payeur, Guerguiev, Zenke, Richards & Naud 2021, "Burst-dependent
//! synaptic plasticity can coordinate learning in hierarchical circuits", Nat. Neurosci. 24:1010).
//!
//! Every unit sends two signals at once: its *event rate* `e` goes up the hierarchy and its
//! *burst probability* `p` comes down it, so the "backward pass" is the same neurons, multiplexed.
//! With sigmoid units and the teaching signal arriving only at the output:
//!
//! ```text
//! forward (events)   e_l = σ(e_{l−1} W_l + b_l)
//! output             p_L = p_b,   p_Lᵗ = p_b ((t − e_L) ⊙ (1 − e_L) + 1),   b = p ⊙ e,  bᵗ = pᵗ ⊙ e
//! hidden (bursts)    u_l = (b_{l+1} Y_lᵀ) ⊙ (1 − e_l),   p_l = σ(u_l)
//!                    u_lᵗ = (b_{l+1}ᵗ Y_lᵀ) ⊙ (1 − e_l),  p_lᵗ = σ(u_lᵗ)
//! plasticity         δ_l = −(p_lᵗ − p_l) ⊙ e_l,   ΔW_l = −η h_{l−1}ᵀ δ_l / n   (more bursts than
//!                    usual potentiate, fewer depress: ΔW ∝ (pᵗ − p) ⊙ e · e_preᵀ)
//! ```
//!
//! `b` and `bᵗ` are the burst rates without and with the teacher; the difference between them is
//! the error signal. At the output `δ_L = p_b (e − t) ⊙ e(1 − e)`, which is `p_b` times the
//! sigmoid–MSE gradient, and for small teaching signals the hidden `δ_l` is feedback alignment
//! through `Y_l` scaled by `σ'(u_l)`. The feedback weights `Y_l` (shaped like `W_{l+1}`) are
//! either fixed random, or *learned* with the same update as `W_{l+1}` (as in Kolen–Pollack:
//! identical increments plus weight decay make `Y` and `W` converge). Diagnostics per hidden layer:
//! `∠(W_{l+1}, Y_l)` and the mean per-example `∠(δ_burst, δ_BP)`.

use super::feedback_alignment::{alignment_angles, beside_backprop, random_feedback};
use super::feedforward::Credit;
use crate::nn::{Activation, Mlp, Sgd, Targets, Trace};
use crate::rng::SimRng;
use crate::rule::RuleId;
use crate::rules::FeedforwardConfig;
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array2, Zip};

/// Burst-multiplexed credit assignment.
#[derive(Debug, Clone)]
pub struct Burstprop {
    /// `y[l−1]` carries bursts from layer `l+1` down to hidden layer `l`; shaped like `W_{l+1}`.
    pub y: Vec<Array2<f32>>,
    /// Momentum buffers of the learned feedback.
    velocity: Vec<Array2<f32>>,
    /// Output burst probability without a teacher, `p_b`.
    pub p_baseline: f32,
    /// Whether `Y` learns (Kolen–Pollack style) or stays fixed.
    pub learn_feedback: bool,
    /// Burst rates without (`b`) and with (`bᵗ`) the teacher, one pair per layer above the input.
    burst: Vec<Array2<f32>>,
    burst_teach: Vec<Array2<f32>>,
    /// Dendritic drive scratch space.
    drive: Vec<Array2<f32>>,
    drive_teach: Vec<Array2<f32>>,
}

impl Burstprop {
    pub fn new(sizes: &[usize], capacity: usize, config: &FeedforwardConfig, rng: &mut SimRng) -> Self {
        let y: Vec<Array2<f32>> =
            (1..sizes.len() - 1).map(|l| random_feedback(sizes[l], sizes[l + 1], config, rng)).collect();
        let per_layer = |range: std::ops::Range<usize>| -> Vec<Array2<f32>> {
            range.map(|l| Array2::zeros((capacity, sizes[l]))).collect()
        };
        Self {
            velocity: y.iter().map(|m| Array2::zeros(m.dim())).collect(),
            y,
            p_baseline: config.p_baseline as f32,
            learn_feedback: config.learn_feedback,
            burst: per_layer(1..sizes.len()),
            burst_teach: per_layer(1..sizes.len()),
            drive: per_layer(1..sizes.len() - 1),
            drive_teach: per_layer(1..sizes.len() - 1),
        }
    }
}

impl Credit<f32> for Burstprop {
    fn id(&self) -> RuleId {
        RuleId::Burstprop
    }

    fn feedback(&self) -> Vec<&Array2<f32>> {
        self.y.iter().collect()
    }

    fn feedback_mut(&mut self) -> Vec<&mut Array2<f32>> {
        self.y.iter_mut().collect()
    }

    /// Expects the sigmoid–MSE output error `(e − t) ⊙ e(1 − e)` in the last delta.
    fn assign(&mut self, net: &Mlp<f32>, trace: &mut Trace<f32>, _targets: Targets<'_, f32>) {
        debug_assert_eq!(net.activation, Activation::Sigmoid, "event rates are sigmoid units");
        let n = trace.rows;
        let top = net.depth() - 1;
        let p_b = self.p_baseline;
        // Output: b = p_b e, bᵗ − b = (pᵗ − p) e = −δ_L.
        {
            let e = trace.h[top + 1].slice(s![..n, ..]);
            let mut delta = trace.delta[top].slice_mut(s![..n, ..]);
            delta.mapv_inplace(|d| p_b * d);
            let mut b = self.burst[top].slice_mut(s![..n, ..]);
            let mut bt = self.burst_teach[top].slice_mut(s![..n, ..]);
            Zip::from(&mut b).and(&mut bt).and(&e).and(&delta).for_each(|b, bt, &e, &d| {
                *b = p_b * e;
                *bt = *b - d;
            });
        }
        // Hidden layers, top down: bursts from above, through Y, gated by (1 − e).
        for l in (0..top).rev() {
            let e = trace.h[l + 1].slice(s![..n, ..]);
            let (below, above) = self.burst.split_at_mut(l + 1);
            let (below_t, above_t) = self.burst_teach.split_at_mut(l + 1);
            let mut u = self.drive[l].slice_mut(s![..n, ..]);
            let mut ut = self.drive_teach[l].slice_mut(s![..n, ..]);
            general_mat_mul(1.0, &above[0].slice(s![..n, ..]), &self.y[l].t(), 0.0, &mut u);
            general_mat_mul(1.0, &above_t[0].slice(s![..n, ..]), &self.y[l].t(), 0.0, &mut ut);
            let mut delta = trace.delta[l].slice_mut(s![..n, ..]);
            let mut b = below[l].slice_mut(s![..n, ..]);
            let mut bt = below_t[l].slice_mut(s![..n, ..]);
            Zip::from(&mut delta).and(&mut b).and(&mut bt).and(&u).and(&ut).and(&e).for_each(
                |delta, b, bt, &u, &ut, &e| {
                    let gate = 1.0 - e;
                    let p = Activation::Sigmoid.apply(u * gate);
                    let pt = Activation::Sigmoid.apply(ut * gate);
                    *delta = -(pt - p) * e;
                    *b = p * e;
                    *bt = pt * e;
                },
            );
        }
    }

    fn after_update(&mut self, _net: &Mlp<f32>, trace: &Trace<f32>, config: &FeedforwardConfig) {
        if !self.learn_feedback {
            return;
        }
        // Y_l gets the increment W_{l+1} got: the same gradient, rate, momentum and decay.
        let n = trace.rows;
        let sgd = Sgd { momentum: config.momentum as f32, weight_decay: config.weight_decay as f32 };
        for (l, (y, v)) in self.y.iter_mut().zip(&mut self.velocity).enumerate() {
            let layer = l + 1;
            let lr = config.layer_rate(layer) as f32;
            let scale = -lr / n as f32;
            let (input, delta) = (trace.h[layer].slice(s![..n, ..]), trace.delta[layer].slice(s![..n, ..]));
            sgd.step(lr, y, Some(v), |target, keep| general_mat_mul(scale, &input.t(), &delta, keep, target));
        }
    }

    fn diagnostic_columns(&self, depth: usize) -> Vec<String> {
        (0..depth - 1).flat_map(|l| [format!("angle_w_y{l}"), format!("angle_delta{l}")]).collect()
    }

    fn diagnostics(&mut self, net: &Mlp<f32>, trace: &Trace<f32>, targets: Targets<'_, f32>) -> Vec<f64> {
        let (burst, bp) = beside_backprop(net, trace, |t| self.assign(net, t, targets));
        (0..net.depth() - 1)
            .flat_map(|l| alignment_angles(net, &self.y[l], &burst, &bp, l))
            .map(|a| a.unwrap_or(f64::NAN))
            .collect()
    }
}
