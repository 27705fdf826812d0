//! Weight perturbation (Jabri & Flower 1992, "Weight perturbation: an optimal architecture and
//! learning technique for analog VLSI feedforward and recurrent multilayer networks", IEEE Trans.
//! Neural Netw. 3:154; Williams 1992; reviewed in Lillicrap et al. 2020, Nat. Rev. Neurosci.
//! 21:335).
//!
//! The crudest answer to weight transport: no error signal at all. Every weight and bias is
//! jittered at once by Gaussian noise `Ψ_l ~ N(0, σ²)`, the minibatch is run again, and the change
//! in the batch's mean loss says how good the jitter was:
//!
//! ```text
//! ĝ_l = (L(W + Ψ) − L(W)) Ψ_l / σ²        estimate of ∂L/∂W_l (likewise for b_l), every layer
//! ΔW_l = −η ĝ_l
//! ```
//!
//! Unbiased to first order in σ, like node perturbation, but one scalar is shared by every
//! weight of the network: the variance grows with the number of weights (78 500 for 784-100-10)
//! rather than of units, so it learns far more slowly. The cost is one extra forward pass per
//! minibatch. `σ` is the `perturbation` setting; the noise has its own random stream.

use super::feedforward::Credit;
use crate::nn::{LayerGradient, Mlp, Real, Targets, Trace};
use crate::rng::SimRng;
use crate::rule::RuleId;
use ndarray::{s, Zip};
use rand_distr::{Distribution, StandardNormal};

/// Credit from correlating the noise on every weight with the change in the batch's loss.
#[derive(Debug, Clone)]
pub struct WeightPerturbation<F> {
    /// The noise's standard deviation σ, in units of the weights.
    sigma: F,
    rng: SimRng,
    /// The jittered copy of the network (`W + Ψ`).
    probe: Option<Mlp<F>>,
    perturbed: Trace<F>,
    /// `Ψ_l`, then (after [`Credit::assign`]) `ĝ_l`.
    gradients: Vec<LayerGradient<F>>,
    losses: Vec<f64>,
}

impl<F: Real> WeightPerturbation<F> {
    /// For a network of widths `sizes` and batches of at most `capacity` examples; `sigma` is the
    /// noise's standard deviation (> 0) and `rng` its own stream.
    pub fn new(sizes: &[usize], capacity: usize, sigma: f64, rng: SimRng) -> Self {
        let gradients = sizes.windows(2).map(|p| LayerGradient::zeros(p[0], p[1])).collect();
        Self {
            sigma: F::of(sigma),
            rng,
            probe: None,
            perturbed: Trace::new(sizes, capacity),
            gradients,
            losses: vec![0.0; capacity],
        }
    }

    /// The batch's mean loss for the forward pass in `trace`.
    fn mean_loss(net: &Mlp<F>, trace: &Trace<F>, targets: Targets<'_, F>, losses: &mut [f64]) -> f64 {
        net.example_losses(trace, targets, losses);
        losses.iter().sum::<f64>() / losses.len().max(1) as f64
    }
}

impl<F: Real> Credit<F> for WeightPerturbation<F> {
    fn id(&self) -> RuleId {
        RuleId::Wp
    }

    /// Leaves the deltas alone (the update reads [`Credit::gradients`]).
    fn assign(&mut self, net: &Mlp<F>, trace: &mut Trace<F>, targets: Targets<'_, F>) {
        let n = trace.rows;
        let sigma = self.sigma;
        let probe = self.probe.get_or_insert_with(|| net.clone());
        let rng = &mut self.rng;
        let mut draw = |psi: &mut F| {
            let z: f64 = StandardNormal.sample(rng);
            *psi = sigma * F::of(z);
        };
        for ((g, layer), probe_layer) in self.gradients.iter_mut().zip(&net.layers).zip(&mut probe.layers) {
            g.w.iter_mut().for_each(&mut draw);
            g.b.iter_mut().for_each(&mut draw);
            Zip::from(&mut probe_layer.w).and(&layer.w).and(&g.w).for_each(|p, &w, &psi| *p = w + psi);
            Zip::from(&mut probe_layer.b).and(&layer.b).and(&g.b).for_each(|p, &b, &psi| *p = b + psi);
        }
        probe.forward(trace.h[0].slice(s![..n, ..]), &mut self.perturbed);
        let clean = Self::mean_loss(net, trace, targets, &mut self.losses[..n]);
        let noisy = Self::mean_loss(probe, &self.perturbed, targets, &mut self.losses[..n]);
        let change = F::of((noisy - clean) / (sigma * sigma).to_f64().unwrap_or(f64::NAN));
        for g in &mut self.gradients {
            g.w.mapv_inplace(|psi| change * psi);
            g.b.mapv_inplace(|psi| change * psi);
        }
    }

    fn gradients(&self) -> Option<&[LayerGradient<F>]> {
        Some(&self.gradients)
    }
}
