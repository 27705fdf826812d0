//! Node perturbation (Williams 1992, "Simple statistical gradient-following algorithms for
//! connectionist reinforcement learning", Mach. Learn. 8:229; Fiete & Seung 2006, "Gradient
//! learning in spiking neural networks by dynamic perturbation of conductances", PRL 97:048104;
//! Lillicrap et al. 2020, "Backpropagation and the brain", Nat. Rev. Neurosci. 21:335).
//!
//! No error is sent anywhere: every unit jitters its own pre-activation, and a single scalar, the
//! change in the example's loss, tells each unit how its jitter went. For an example with clean
//! loss `L` and a second pass with Gaussian noise `ξ_l ~ N(0, σ² I)` added to every layer's
//! pre-activation `u_l` (output included) and loss `L̃`:
//!
//! ```text
//! δ̂_l = (L̃ − L) ξ_l / σ²                  estimate of ∂L/∂u_l, every layer
//! ΔW_l = −η h_{l−1}ᵀ δ̂_l / n              the same outer-product update as backprop
//! ```
//!
//! Since `L̃ − L = ξ·∇_u L + O(σ²)` and `E[ξ ξᵀ] = σ² I`, `E[δ̂] = ∂L/∂u + O(σ²)`: the estimate is
//! unbiased to first order, but its variance grows with the number of perturbed units (each
//! unit's estimate carries every other unit's noise), so it needs a smaller learning rate than
//! backprop and learns more slowly. The cost is one extra forward pass per minibatch. `σ` is the
//! `perturbation` setting; the noise has its own random stream, so the run is reproducible from
//! its seed.

use super::feedforward::Credit;
use crate::nn::{Mlp, Real, Targets, Trace};
use crate::rng::SimRng;
use crate::rule::RuleId;
use ndarray::{s, Array2, Zip};
use rand_distr::{Distribution, StandardNormal};

/// Credit from correlating each unit's own noise with the change in loss.
#[derive(Debug, Clone)]
pub struct NodePerturbation<F> {
    /// The noise's standard deviation σ, in units of the pre-activation.
    sigma: F,
    rng: SimRng,
    /// `ξ_l` of the last batch, one `capacity × n_l` array per weight layer.
    noise: Vec<Array2<F>>,
    /// The perturbed forward pass.
    perturbed: Trace<F>,
    clean_loss: Vec<f64>,
    noisy_loss: Vec<f64>,
}

impl<F: Real> NodePerturbation<F> {
    /// For a network of widths `sizes` and batches of at most `capacity` examples; `sigma` is the
    /// noise's standard deviation (> 0) and `rng` its own stream.
    pub fn new(sizes: &[usize], capacity: usize, sigma: f64, rng: SimRng) -> Self {
        Self {
            sigma: F::of(sigma),
            rng,
            noise: sizes[1..].iter().map(|&n| Array2::zeros((capacity, n))).collect(),
            perturbed: Trace::new(sizes, capacity),
            clean_loss: vec![0.0; capacity],
            noisy_loss: vec![0.0; capacity],
        }
    }
}

impl<F: Real> Credit<F> for NodePerturbation<F> {
    fn id(&self) -> RuleId {
        RuleId::Np
    }

    /// Overwrites every layer's `delta`, the output's included, with `δ̂_l`.
    fn assign(&mut self, net: &Mlp<F>, trace: &mut Trace<F>, targets: Targets<'_, F>) {
        let n = trace.rows;
        let sigma = self.sigma;
        for xi in &mut self.noise {
            xi.slice_mut(s![..n, ..]).mapv_inplace(|_| {
                let z: f64 = StandardNormal.sample(&mut self.rng);
                sigma * F::of(z)
            });
        }
        net.forward_perturbed(trace.h[0].slice(s![..n, ..]), &mut self.perturbed, Some(&self.noise));
        net.example_losses(trace, targets, &mut self.clean_loss[..n]);
        net.example_losses(&self.perturbed, targets, &mut self.noisy_loss[..n]);
        let variance = sigma * sigma;
        for (delta, xi) in trace.delta.iter_mut().zip(&self.noise) {
            for (i, (mut d, xi)) in delta.rows_mut().into_iter().zip(xi.rows()).take(n).enumerate() {
                let change = F::of(self.noisy_loss[i] - self.clean_loss[i]) / variance;
                Zip::from(&mut d).and(&xi).for_each(|d, &x| *d = change * x);
            }
        }
    }
}
