//! Is Equilibrium Propagation's update the gradient? For each β of a list, the cosine and the
//! relative norm `‖Δ_EP − g‖ / ‖g‖` between EqProp's estimate of `∂C/∂θ` and the true gradient
//! `g` of the cost at the free fixed point, one-sided and symmetric (Scellier & Bengio 2017,
//! Theorem 1; Laborieux et al. 2021 for the symmetric estimate; ALGORITHMS.md §3).
//!
//! ```text
//! one-sided:  Δ_EP = −(1/β)  (ρρ|^{+β} − ρρ|⁰)      bias O(β)
//! symmetric:  Δ_EP = −(1/2β) (ρρ|^{+β} − ρρ|^{−β})   bias O(β²)
//! g = ∂C(s⁰(θ))/∂θ by recurrent backprop at the free fixed point s⁰
//! ```
//!
//! Both come from [`crate::rules::equilibrium_propagation::gradient`] (the same code the EqProp
//! tests check against finite differences), in f64 with long, converged relaxations.
//!
//! The network: `[2, hidden…, 2]` on `examples` points of the circles set (the same for every β),
//! Glorot input weights, the couplings between free layers at half the Glorot range (so the
//! energy is convex on the box and the fixed point unique) and biases uniform in `[0, 0.5)`, so
//! that about half the free units settle strictly inside `(0, 1)` (units at 0 or 1 carry no
//! gradient). One work unit is one β; rows: `beta`, `cos_one_sided`, `rel_norm_one_sided`,
//! `cos_symmetric`, `rel_norm_symmetric`, in the order of `betas`.

use crate::data::{toy, DataKind};
use crate::rng::{rng_for, Stream};
use crate::rule::{MetricTable, Progress, Rule, RuleId, Snapshot, StepOutcome};
use crate::rules::equilibrium_propagation::gradient::{bp_gradient, compare, ep_gradient, one_hot, Phases};
use crate::rules::equilibrium_propagation::EqNet;
use crate::Result;
use ndarray::Array2;
use rand::Rng;

/// The metric columns: one row per β.
pub const COLUMNS: [&str; 5] = ["beta", "cos_one_sided", "rel_norm_one_sided", "cos_symmetric", "rel_norm_symmetric"];

crate::settings! {
    /// Settings of the gradient check: EqProp's update against the true gradient, β by β.
    pub struct GradientCheckConfig {
        /// The nudging strengths β to compare at, in order.
        betas: Vec<f64> = vec![0.001, 0.00215, 0.00464, 0.01, 0.0215, 0.0464, 0.1, 0.215, 0.464, 1.0], "β values", Kind::positive(10.0).list(40);
        /// Hidden layer widths of the small network, comma-separated.
        hidden: Vec<usize> = vec![12, 10], "hidden layers", Kind::widths(1.0, 256.0, 4);
        /// Points of the circles set in the batch.
        examples: usize = 8, "examples", Kind::int(1.0, 200.0);
        /// Steps of each relaxation (free, nudged, and the adjoint's), long enough to converge.
        steps: usize = 2000, "relaxation steps", Kind::int(10.0, 20_000.0);
        /// Step size ε of the relaxations.
        step_size: f64 = 0.5, "step size ε", Kind::positive(1.0);
        /// Seed of the network and the points.
        seed: u64 = 1, "seed", Kind::seed();
    }
    check(self) {
        if self.betas.is_empty() {
            return Err(crate::Error::invalid("betas", "give at least one β"));
        }
        Ok(())
    }
}

/// EqProp's estimate against the true gradient, one β per work unit.
pub struct GradientCheck {
    config: GradientCheckConfig,
    net: EqNet<f64>,
    x: Array2<f64>,
    y: Array2<f64>,
    truth: Vec<f64>,
    next: usize,
    metrics: MetricTable,
}

impl GradientCheck {
    pub fn new(config: GradientCheckConfig) -> Result<Self> {
        config.validate()?;
        let sizes = [&[2][..], &config.hidden, &[2]].concat();
        let mut rng = rng_for(config.seed, Stream::Weights);
        let mut net = EqNet::<f64>::new(&sizes, &mut rng);
        for w in &mut net.w[1..] {
            w.mapv_inplace(|v| 0.5 * v);
        }
        for b in &mut net.b {
            b.mapv_inplace(|_| rng.random_range(0.0..0.5));
        }
        let n = config.examples;
        let data = toy::generate(DataKind::Circles, n, 1, 0.05, &mut rng_for(config.seed, Stream::DataGeneration));
        let x = data.train.rows(0, n).mapv(f64::from);
        let y = one_hot::<f64>(&data.train.labels, 2);
        let truth = bp_gradient(&net, x.view(), y.view(), Self::phases(&config)).to_vec();
        if !truth.iter().any(|&v| v != 0.0 && v.is_finite()) {
            return Err(crate::Error::invalid(
                "seed",
                "every output unit of this network settles at 0 or 1, where the cost has no gradient: try another seed or \
                 other hidden widths",
            ));
        }
        Ok(Self { config, net, x, y, truth, next: 0, metrics: MetricTable::new(&COLUMNS) })
    }

    fn phases(config: &GradientCheckConfig) -> Phases {
        Phases { free_steps: config.steps, nudged_steps: config.steps, epsilon: config.step_size }
    }

    /// The true gradient (weights first, layer by layer, then biases).
    pub fn truth(&self) -> &[f64] {
        &self.truth
    }
}

impl Rule for GradientCheck {
    fn id(&self) -> RuleId {
        RuleId::GradientCheck
    }

    fn step(&mut self, budget: u32) -> Result<StepOutcome> {
        let mut outcome = StepOutcome::default();
        let phases = Self::phases(&self.config);
        while outcome.units < budget.max(1) && self.next < self.config.betas.len() {
            let beta = self.config.betas[self.next];
            let (x, y) = (self.x.view(), self.y.view());
            let one = ep_gradient(&self.net, x, y, beta, false, phases).to_vec();
            let sym = ep_gradient(&self.net, x, y, beta, true, phases).to_vec();
            let (c1, r1) = compare(&one, &self.truth);
            let (c2, r2) = compare(&sym, &self.truth);
            self.metrics.push(vec![beta, c1, r1, c2, r2]);
            self.next += 1;
            outcome.units += 1;
            outcome.new_rows += 1;
            outcome.samples += self.x.nrows() as u64;
        }
        outcome.finished = self.next >= self.config.betas.len();
        Ok(outcome)
    }

    fn metrics(&self) -> &MetricTable {
        &self.metrics
    }

    /// Frames: `sizes` and the network diagram (`diagram.w{l}`, `diagram.units{l}`).
    fn snapshot(&mut self) -> Snapshot {
        let mut snap = Snapshot::default();
        let sizes = self.net.sizes.clone();
        snap.push("sizes", vec![sizes.len()], sizes.iter().map(|&s| s as f32).collect());
        let w: Vec<Array2<f32>> = self.net.w.iter().map(|w| w.mapv(|v| v as f32)).collect();
        snap.push_network_diagram(&sizes, &w);
        snap
    }

    /// `epoch` counts the β values done, as a fraction of all of them.
    fn progress(&self) -> Progress {
        Progress {
            samples: (self.next * self.x.nrows()) as u64,
            epoch: self.next as f64 / self.config.betas.len() as f64,
        }
    }
}
