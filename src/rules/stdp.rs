//! The STDP window that Equilibrium Propagation's update predicts (Bengio, Mesnard, Fischer,
//! Zhang & Wu 2015, "STDP-compatible approximation of backpropagation in an energy-based model",
//! Neural Computation 29:555; ALGORITHMS.md §3).
//!
//! In continuous time the EqProp update of a synapse from unit `j` onto unit `i` is
//!
//! ```text
//! dW_ij/dt ∝ ρ(u_j) · du_i/dt
//! ```
//!
//! the presynaptic rate times the rate of change of the postsynaptic potential. This model asks
//! which weight change that rule gives for one pre spike and one post spike `Δt = t_post − t_pre`
//! apart, with Poisson spiking, and averages over trials.
//!
//! Modelling choices (ours; the paper describes the mechanism, not these kernels):
//!
//! - **Presynaptic factor.** `ρ(u_j)` is read through the presynaptic spike train: a Poisson
//!   train at `pre_rate_hz` (ongoing background) plus the paired spike at `t_pre`, filtered by a
//!   causal exponential kernel, `x(t) = Σ_spikes exp(−(t − t_k)/τ_pre)` with `τ_pre =
//!   pre_trace_ms` (the presynaptic potential a spike raises and which then decays).
//! - **Postsynaptic potential.** A post spike comes with a transient change of the postsynaptic
//!   rate: in rate units (Hz, since `ρ` is linear on its range) `u_i(t) = u_0 + R k(t − t_post)`
//!   with `R = post_rate_change` and the symmetric kernel `k(s) = exp(−|s|/τ_post)`,
//!   `τ_post = post_tau_ms`: the unit is driven up toward its spike and relaxes back after it.
//!   (A spike is most likely where the rate peaks.)
//! - **The rule.** `Δw = Σ_t x(t) · (u_i(t + dt) − u_i(t))` over the pairing window (a
//!   discretized `∫ ρ(u_j) du_i`), in Hz (learning rate 1), averaged over `trials`.
//!
//! The sign follows from the equation, not from a table: `du_i/dt > 0` before `t_post` and `< 0`
//! after. With pre leading (`Δt > 0`) the trace is freshest while `u_i` rises and has decayed
//! by the time it falls: `Δw > 0`. With post leading the trace only sees the fall: `Δw < 0`. For
//! the expected trace (background rate `r`, which contributes `r τ_pre·∫du = 0` over a window
//! that starts and ends at rest), with `a = 1/τ_pre`, `b = 1/τ_post`:
//!
//! ```text
//! Δw(Δt ≤ 0) = −R · b/(a + b) · e^{−b|Δt|}
//! Δw(Δt > 0) = R · [ −e^{−bΔt} + a ( e^{−bΔt}(1 − e^{−(a−b)Δt})/(a − b) + e^{−aΔt}/(a + b) ) ]
//! ```
//!
//! (integration by parts). At `Δt = 0` it is `−R b/(a+b)`, slightly negative, and it crosses zero
//! a little after: at about 1.8 ms with the defaults (`τ_pre` 3 ms, `τ_post` 15 ms), and at
//! `Δt → 0` when `τ_pre ≪ τ_post` the window tends to `R k'(−Δt)`, the antisymmetric derivative
//! of the kernel. The Poisson background adds trial-to-trial noise but no mean.
//!
//! One work unit is one `Δt`; the metric rows are `delta_t_ms`, `dw`, ascending in `Δt`.

use crate::rng::{rng_for, SimRng, Stream};
use crate::rule::{MetricTable, Progress, Rule, RuleId, Snapshot, StepOutcome};
use crate::{Error, Result};
use rand::Rng;

/// The metric columns: one row per `Δt`.
pub const COLUMNS: [&str; 2] = ["delta_t_ms", "dw"];

crate::settings! {
    /// Settings of the STDP window predicted by dW_ij/dt ∝ ρ(u_j)·du_i/dt.
    pub struct StdpConfig {
        /// How much the postsynaptic unit's rate rises toward its spike and falls back after it.
        post_rate_change: f64 = 20.0, "postsynaptic rate change" in "Hz", Kind::number(-200.0, 200.0);
        /// Background rate of the presynaptic Poisson spike train (besides the paired spike).
        pre_rate_hz: f64 = 5.0, "presynaptic background rate" in "Hz", Kind::number(0.0, 200.0);
        /// Largest |t_post − t_pre| shown.
        window_ms: f64 = 50.0, "window" in "ms", Kind::positive(500.0);
        /// Spacing of the Δt values.
        delta_step_ms: f64 = 2.0, "Δt resolution" in "ms", Kind::number(0.1, 100.0);
        /// Pairings averaged at each Δt.
        trials: usize = 200, "trials", Kind::int(1.0, 100_000.0);
        /// Decay time τ_pre of the presynaptic trace a spike raises.
        pre_trace_ms: f64 = 3.0, "presynaptic time constant τ_pre" in "ms", Kind::number(0.1, 200.0);
        /// Time constant τ_post of the postsynaptic rate change around the post spike.
        post_tau_ms: f64 = 15.0, "postsynaptic time constant τ_post" in "ms", Kind::number(0.1, 200.0);
        /// Integration time step.
        dt_ms: f64 = 0.1, "time step" in "ms", Kind::number(0.01, 1.0);
        /// Seed of the Poisson spike trains.
        seed: u64 = 1, "seed", Kind::seed();
    }
    check(self) {
        let points = 2.0 * (self.window_ms / self.delta_step_ms).floor() + 1.0;
        if points > 2001.0 {
            return Err(Error::invalid("delta_step_ms", format!("{points} values of Δt: at most 2001 (raise the step)")));
        }
        Ok(())
    }
}

/// Steps of trials a work unit runs (at least one trial): about 5 ms natively.
pub const UNIT_STEPS: usize = 2_500_000;

/// The window: the trials of each `Δt`, [`UNIT_STEPS`] steps of them per work unit; the last
/// trial of a `Δt` adds its row.
pub struct StdpWindow {
    config: StdpConfig,
    deltas: Vec<f64>,
    next: usize,
    /// The `Δt` under way.
    point: Option<Point>,
    rng: SimRng,
    metrics: MetricTable,
    samples: u64,
}

/// The trials of one `Δt` under way.
struct Point {
    /// `du_i` over each step, the same in every trial.
    du: Vec<f64>,
    /// The step of the paired presynaptic spike.
    pre_step: usize,
    /// Trials done and their summed weight change.
    trials: usize,
    total: f64,
}

impl StdpWindow {
    pub fn new(config: StdpConfig) -> Result<Self> {
        config.validate()?;
        let half = (config.window_ms / config.delta_step_ms + 1e-9).floor() as i64;
        let deltas = (-half..=half).map(|k| k as f64 * config.delta_step_ms).collect();
        Ok(Self {
            rng: rng_for(config.seed, Stream::Simulation),
            config,
            deltas,
            next: 0,
            point: None,
            metrics: MetricTable::new(&COLUMNS),
            samples: 0,
        })
    }

    /// The postsynaptic rate change `R k(t − t_post)` (Hz), `t_post = 0`.
    fn post(&self, t: f64) -> f64 {
        self.config.post_rate_change * (-t.abs() / self.config.post_tau_ms).exp()
    }

    /// The trials of `Δt` before the first (post at 0, pre at −Δt).
    fn start(&self, delta_t: f64) -> Point {
        let c = &self.config;
        let dt = c.dt_ms;
        let margin = 10.0 * c.post_tau_ms.max(c.pre_trace_ms);
        let start = -delta_t.abs() - margin;
        let steps = ((2.0 * (delta_t.abs() + margin)) / dt).ceil() as usize;
        let t_pre = -delta_t;
        let pre_step = ((t_pre - start) / dt).round() as usize;
        let du = (0..steps)
            .map(|k| {
                let t = start + k as f64 * dt;
                self.post(t + dt) - self.post(t)
            })
            .collect();
        Point { du, pre_step, trials: 0, total: 0.0 }
    }

    /// Runs up to `trials` more trials of `point`; returns the steps run.
    fn run_trials(&mut self, point: &mut Point, trials: usize) -> usize {
        let c = &self.config;
        let decay = (-c.dt_ms / c.pre_trace_ms).exp();
        let p_spike = c.pre_rate_hz * c.dt_ms / 1000.0;
        let end = (point.trials + trials).min(c.trials);
        for _ in point.trials..end {
            let mut trace = 0.0;
            let mut dw = 0.0;
            for (k, d) in point.du.iter().enumerate() {
                trace *= decay;
                if k == point.pre_step {
                    trace += 1.0;
                }
                if p_spike > 0.0 && self.rng.random_bool(p_spike.min(1.0)) {
                    trace += 1.0;
                }
                dw += trace * d;
            }
            point.total += dw;
        }
        let run = end - point.trials;
        point.trials = end;
        run * point.du.len()
    }

    /// The expected window (no Poisson noise) from the closed form in the module doc, in the
    /// continuous-time limit: what [`StdpWindow`]'s rows approach as trials grow and `dt → 0`.
    pub fn expected(config: &StdpConfig, delta_t: f64) -> f64 {
        let (a, b, r) = (1.0 / config.pre_trace_ms, 1.0 / config.post_tau_ms, config.post_rate_change);
        if delta_t <= 0.0 {
            return -r * b / (a + b) * (-b * delta_t.abs()).exp();
        }
        let rise = if (a - b).abs() < 1e-12 {
            delta_t * (-b * delta_t).exp()
        } else {
            (-b * delta_t).exp() * (1.0 - (-(a - b) * delta_t).exp()) / (a - b)
        };
        r * (-(-b * delta_t).exp() + a * (rise + (-a * delta_t).exp() / (a + b)))
    }
}

impl Rule for StdpWindow {
    fn id(&self) -> RuleId {
        RuleId::Stdp
    }

    fn step(&mut self, budget: u32) -> Result<StepOutcome> {
        let mut outcome = StepOutcome::default();
        while outcome.units < budget.max(1) && self.next < self.deltas.len() {
            let delta_t = self.deltas[self.next];
            let mut point = self.point.take().unwrap_or_else(|| self.start(delta_t));
            let trials = (UNIT_STEPS / point.du.len().max(1)).max(1);
            outcome.work += self.run_trials(&mut point, trials) as u64;
            outcome.units += 1;
            if point.trials < self.config.trials {
                self.point = Some(point);
                continue;
            }
            let steps = (self.config.trials * point.du.len()) as u64;
            self.samples += steps;
            self.metrics.push(vec![delta_t, point.total / self.config.trials as f64]);
            self.next += 1;
            outcome.new_rows += 1;
            outcome.samples += steps;
        }
        outcome.finished = self.next >= self.deltas.len();
        Ok(outcome)
    }

    fn metrics(&self) -> &MetricTable {
        &self.metrics
    }

    /// Frames: `post_rate` (`[n, 2]`, time in ms and the postsynaptic rate change around the post
    /// spike at 0) and `expected` (`[m, 2]`, Δt and the noise-free window of the closed form).
    fn snapshot(&mut self) -> Snapshot {
        let mut snap = Snapshot::default();
        let c = &self.config;
        let span = c.window_ms;
        let n = 201;
        let mut post = Vec::with_capacity(2 * n);
        for k in 0..n {
            let t = -span + 2.0 * span * k as f64 / (n - 1) as f64;
            post.extend([t as f32, self.post(t) as f32]);
        }
        snap.push("post_rate", vec![n, 2], post);
        let expected: Vec<f32> = self.deltas.iter().flat_map(|&d| [d as f32, Self::expected(c, d) as f32]).collect();
        snap.push("expected", vec![self.deltas.len(), 2], expected);
        snap
    }

    /// `epoch` counts the Δt values done, as a fraction of all of them.
    fn progress(&self) -> Progress {
        Progress { samples: self.samples, epoch: self.next as f64 / self.deltas.len() as f64 }
    }
}
