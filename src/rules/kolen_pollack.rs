//! Kolen–Pollack learning (Kolen & Pollack 1994, "Backpropagation without weight transport",
//! IEEE ICNN; Akrout, Wilson, Humphreys, Lillicrap & Tweed 2019, "Deep learning without weight
//! transport", NeurIPS).
//!
//! Feedback alignment whose feedback matrices learn. Each `B_l` (stored like `W_l`) takes the
//! very increment its forward partner takes, which is local to the synapse pair: the product of
//! the activity below and the error above. Both decay toward zero:
//!
//! ```text
//! δ_{l−1} = (δ_l B_lᵀ) ⊙ σ'(u_{l−1})                  (as in FA)
//! ΔW_l = −η (h_{l−1}ᵀ δ_l / n + λ W_l)
//! ΔB_l = −η (h_{l−1}ᵀ δ_l / n + λ B_l)
//! ```
//!
//! Subtracting, `Δ(W_l − B_l) = −ηλ (W_l − B_l)`: whatever the data, the difference shrinks by
//! the factor `1 − ηλ` every step, so `B_l → W_l` and the rule turns into backprop. The weight
//! decay `λ` is the `weight_decay` setting. Even with `λ = 0` the two matrices share everything
//! they have learned and differ only by their initial difference, so their angle falls as the
//! learned part grows; the decay removes that last difference. With momentum both take the same
//! momentum step, and the difference still decays.

use super::feedback_alignment::FeedbackAlignment;
use super::feedforward::Credit;
use crate::nn::{Mlp, Sgd, Targets, Trace};
use crate::rng::SimRng;
use crate::rule::RuleId;
use crate::rules::FeedforwardConfig;
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array2};

/// Feedback alignment with feedback matrices that learn like the forward weights.
#[derive(Debug, Clone)]
pub struct KolenPollack {
    /// The feedback pathway: `fa.b[l−1]` stands in for `W_l`, and learns.
    pub fa: FeedbackAlignment,
    velocity: Vec<Array2<f32>>,
}

impl KolenPollack {
    /// Random initial feedback, drawn like FA's (see [`FeedbackAlignment::new`]).
    pub fn new(sizes: &[usize], config: &FeedforwardConfig, rng: &mut SimRng) -> Self {
        let fa = FeedbackAlignment::new(sizes, config, rng);
        let velocity = fa.b.iter().map(|b| Array2::zeros(b.dim())).collect();
        Self { fa, velocity }
    }
}

impl Credit<f32> for KolenPollack {
    fn id(&self) -> RuleId {
        RuleId::Kp
    }

    fn feedback(&self) -> Vec<&Array2<f32>> {
        self.fa.b.iter().collect()
    }

    fn feedback_mut(&mut self) -> Vec<&mut Array2<f32>> {
        self.fa.b.iter_mut().collect()
    }

    fn assign(&mut self, net: &Mlp<f32>, trace: &mut Trace<f32>, targets: Targets<'_, f32>) {
        self.fa.assign(net, trace, targets);
    }

    /// `B_l` takes `W_l`'s step: the same increment `h_{l−1}ᵀ δ_l / n`, rate, momentum and decay.
    fn after_update(&mut self, _net: &Mlp<f32>, trace: &Trace<f32>, config: &FeedforwardConfig) {
        let sgd = Sgd { momentum: config.momentum as f32, weight_decay: config.weight_decay as f32 };
        let n = trace.rows;
        for (k, (b, velocity)) in self.fa.b.iter_mut().zip(&mut self.velocity).enumerate() {
            let l = k + 1;
            let lr = config.layer_rate(l) as f32;
            let (input, delta) = (trace.h[l].slice(s![..n, ..]), trace.delta[l].slice(s![..n, ..]));
            sgd.step(lr, b, Some(velocity), |target, keep| {
                general_mat_mul(-lr / n as f32, &input.t(), &delta, keep, target)
            });
        }
    }

    /// FA's angles, `∠(W_l, B_l)` first: here it should fall toward 0.
    fn diagnostic_columns(&self, depth: usize) -> Vec<String> {
        self.fa.diagnostic_columns(depth)
    }

    fn diagnostics(&mut self, net: &Mlp<f32>, trace: &Trace<f32>, targets: Targets<'_, f32>) -> Vec<f64> {
        self.fa.diagnostics(net, trace, targets)
    }
}
