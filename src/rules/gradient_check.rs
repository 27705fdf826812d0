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
//! gradient). Each β's relaxations run [`GradientCheck::chunk_steps`] steps per work unit; its
//! last unit adds the row `beta`, `cos_one_sided`, `rel_norm_one_sided`, `cos_symmetric`,
//! `rel_norm_symmetric`, in the order of `betas`.

use crate::data::{toy, DataKind};
use crate::rng::{rng_for, Stream};
use crate::rule::{MetricTable, Progress, Rule, RuleId, Snapshot, StepOutcome};
use crate::rules::equilibrium_propagation::gradient::{
    bp_gradient, compare, ep_estimate, free_phase, nudged_phase, one_hot, zero_state, Phases,
};
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

/// Multiply-adds of relaxation a work unit does at most (unless one step of every example is
/// more): about 5 ms natively.
pub const UNIT_MACS: usize = 10_000_000;

/// EqProp's estimate against the true gradient, β by β: each β's relaxations run a chunk of
/// steps per work unit ([`Point`]), and its last adds the row.
pub struct GradientCheck {
    config: GradientCheckConfig,
    net: EqNet<f64>,
    x: Array2<f64>,
    y: Array2<f64>,
    truth: Vec<f64>,
    next: usize,
    /// The β under way.
    point: Option<Point>,
    metrics: MetricTable,
}

/// The relaxations of one β, in order: the free phase from zero, the phase nudged by +β from its
/// fixed point, and the one nudged by −β from it (the symmetric estimate's). The one-sided
/// estimate's free phase and the symmetric one's are the same relaxation, run once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relaxing {
    Free,
    Plus,
    Minus,
}

/// One β under way: the phase, its steps done, and the states.
struct Point {
    phase: Relaxing,
    steps: usize,
    free: Vec<Array2<f64>>,
    plus: Vec<Array2<f64>>,
    minus: Vec<Array2<f64>>,
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
        Ok(Self { config, net, x, y, truth, next: 0, point: None, metrics: MetricTable::new(&COLUMNS) })
    }

    fn phases(config: &GradientCheckConfig) -> Phases {
        Phases { free_steps: config.steps, nudged_steps: config.steps, epsilon: config.step_size }
    }

    /// Relaxation steps of every example a work unit runs: [`UNIT_MACS`] over the
    /// multiply-adds of one step (each layer driven from both neighbours), at least one.
    pub fn chunk_steps(config: &GradientCheckConfig) -> usize {
        let sizes = [&[2][..], &config.hidden, &[2]].concat();
        let macs: usize = sizes.windows(2).map(|p| 2 * p[0] * p[1] + p[1]).sum::<usize>() * config.examples;
        (UNIT_MACS / macs.max(1)).max(1)
    }

    /// Runs the next chunk of the β under way (starting it from zero states if none is);
    /// returns the example-steps relaxed and, once its last phase is done, the row.
    fn work_unit(&mut self, beta: f64) -> (usize, Option<Vec<f64>>) {
        let phases = Self::phases(&self.config);
        let (x, y, eps) = (self.x.view(), self.y.view(), phases.epsilon);
        let mut point = self.point.take().unwrap_or_else(|| Point {
            phase: Relaxing::Free,
            steps: 0,
            free: zero_state(&self.net, x.nrows()),
            plus: Vec::new(),
            minus: Vec::new(),
        });
        let total = match point.phase {
            Relaxing::Free => phases.free_steps,
            Relaxing::Plus | Relaxing::Minus => phases.nudged_steps,
        };
        let chunk = Self::chunk_steps(&self.config).min(total - point.steps);
        match point.phase {
            Relaxing::Free => {
                free_phase(&self.net, x, &mut point.free, chunk, eps);
            }
            Relaxing::Plus => {
                nudged_phase(&self.net, x, y, beta, &mut point.plus, chunk, eps);
            }
            Relaxing::Minus => {
                nudged_phase(&self.net, x, y, -beta, &mut point.minus, chunk, eps);
            }
        }
        point.steps += chunk;
        let work = chunk * x.nrows();
        if point.steps < total {
            self.point = Some(point);
            return (work, None);
        }
        point.steps = 0;
        match point.phase {
            Relaxing::Free => {
                (point.phase, point.plus) = (Relaxing::Plus, point.free.clone());
                self.point = Some(point);
                (work, None)
            }
            Relaxing::Plus => {
                (point.phase, point.minus) = (Relaxing::Minus, point.free.clone());
                self.point = Some(point);
                (work, None)
            }
            Relaxing::Minus => {
                let one = ep_estimate(&self.net, x, &point.plus, &point.free, beta).to_vec();
                let sym = ep_estimate(&self.net, x, &point.plus, &point.minus, 2.0 * beta).to_vec();
                let (c1, r1) = compare(&one, &self.truth);
                let (c2, r2) = compare(&sym, &self.truth);
                (work, Some(vec![beta, c1, r1, c2, r2]))
            }
        }
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
        while outcome.units < budget.max(1) && self.next < self.config.betas.len() {
            let (work, row) = self.work_unit(self.config.betas[self.next]);
            outcome.units += 1;
            outcome.work += work as u64;
            if let Some(row) = row {
                self.metrics.push(row);
                self.next += 1;
                outcome.new_rows += 1;
                outcome.samples += self.x.nrows() as u64;
            }
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
