//! Tsodyks–Markram short-term plasticity, in the form used by Naud & Sprekeler (2018) to read the
//! two multiplexed streams apart: a depressing synapse passes the event rate, a facilitating one
//! the burst rate.
//!
//! A synapse has a resource `x` (1 = full) and a release probability `u`. On each presynaptic spike
//!
//! ```text
//! efficacy = x·u          (then)   x ← x − u·x,   u ← u + f·(1 − u)
//! ```
//!
//! and between spikes `x` relaxes to 1 with τ_D and `u` relaxes to U with τ_F (exactly, so the
//! result does not depend on a time step):
//!
//! ```text
//! x(t + Δ) = 1 − (1 − x(t)) e^{−Δ/τ_D},     u(t + Δ) = U + (u(t) − U) e^{−Δ/τ_F}
//! ```
//!
//! Parameter sets: [`Stp::FACILITATING`] U = 0.02, τ_D = 100 ms, τ_F = 100 ms, f = 0.1
//! (ALGORITHMS.md §6); [`Stp::DEPRESSING`] U = 0.9, τ_F = 1 s, f = 0.1 as in §6, but with
//! τ_D = 100 ms instead of §6's 20 ms.
//!
//! Why the depressing synapse recovers more slowly than in §6: to pass events and not bursts, its
//! resource must stay depleted through a burst (τ_D long against the intra-burst intervals) and
//! recover between events (τ_D short against the inter-event intervals). Our two-compartment
//! bursts last 2–6 spikes about 10 ms apart (mean 3.3 spikes in the multiplexing run), and the
//! events come about 170 ms apart (≈ 6 Hz). With τ_D = 20 ms the resource recovers 40 % in 10 ms,
//! so every later spike of a burst passes ≈ 0.4 and a burst passes about twice what a single
//! spike does; the depressing read-out then carries the burst rate, and with it the dendritic
//! input (corr with the dendritic input +0.14 to +0.35 over seeds 1–8, against the ≤ 0.25 that
//! "minimal cross-talk" asks). With τ_D = 100 ms a burst's later spikes pass ≈ 0.09 each while
//! 82 % of the resource is back by the next event: corr with the dendritic input +0.02 to +0.21
//! and with the event rate 0.92–0.95 (0.90–0.94 at 20 ms). See `tests/bursts.rs`.

use serde::{Deserialize, Serialize};

/// Parameters of a Tsodyks–Markram synapse.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Stp {
    /// Baseline release probability U (the value `u` relaxes to).
    pub baseline_release: f64,
    /// Facilitation increment f: each spike moves `u` the fraction f of the way to 1.
    pub facilitation_step: f64,
    /// Recovery time constant τ_D of the resource `x`.
    pub depression_tau_ms: f64,
    /// Relaxation time constant τ_F of the release probability `u`.
    pub facilitation_tau_ms: f64,
}

impl Stp {
    /// A depressing synapse: high release probability, recovery slow against a burst and fast
    /// against the interval between events (passes events; τ_D = 100 ms, see the module notes).
    pub const DEPRESSING: Stp =
        Stp { baseline_release: 0.9, facilitation_step: 0.1, depression_tau_ms: 100.0, facilitation_tau_ms: 1000.0 };

    /// A facilitating synapse: low release probability that grows within a burst (passes bursts).
    pub const FACILITATING: Stp =
        Stp { baseline_release: 0.02, facilitation_step: 0.1, depression_tau_ms: 100.0, facilitation_tau_ms: 100.0 };

    /// A static synapse: every spike transmits exactly 1 (U = 1, no facilitation, and the
    /// resource recovers at once), so the summed efficacies are a plain spike count. Not a
    /// synapse of the paper: the control for the read-out tests.
    pub const STATIC: Stp =
        Stp { baseline_release: 1.0, facilitation_step: 0.0, depression_tau_ms: 1e-9, facilitation_tau_ms: 1.0 };

    /// The state `(x, u)` just before each spike of a regular train of `rate_hz`, once the train
    /// has settled: the fixed point of the map "spike, then relax for T = 1/rate".
    ///
    /// With d_F = e^{−T/τ_F} and d_D = e^{−T/τ_D}, the map for `u` is u ↦ U + (u + f(1 − u) − U) d_F,
    /// whose fixed point is u* = (U(1 − d_F) + f d_F) / (1 − (1 − f) d_F); the map for `x` is
    /// x ↦ 1 − (1 − x(1 − u*)) d_D, with fixed point x* = (1 − d_D) / (1 − (1 − u*) d_D).
    /// A rate of zero (or less) gives the rested synapse (1, U).
    pub fn steady_state(&self, rate_hz: f64) -> (f64, f64) {
        if rate_hz <= 0.0 || !rate_hz.is_finite() {
            return (1.0, self.baseline_release);
        }
        let interval_ms = 1000.0 / rate_hz;
        let decay_f = (-interval_ms / self.facilitation_tau_ms).exp();
        let decay_d = (-interval_ms / self.depression_tau_ms).exp();
        let (u_base, f) = (self.baseline_release, self.facilitation_step);
        let u = (u_base * (1.0 - decay_f) + f * decay_f) / (1.0 - (1.0 - f) * decay_f);
        let x = (1.0 - decay_d) / (1.0 - (1.0 - u) * decay_d);
        (x, u)
    }

    /// The efficacy x*·u* of every spike of a regular train of `rate_hz` once it has settled.
    pub fn steady_state_efficacy(&self, rate_hz: f64) -> f64 {
        let (x, u) = self.steady_state(rate_hz);
        x * u
    }

    /// Every parameter is finite, U and f lie in [0, 1] and the time constants are positive.
    pub fn is_valid(&self) -> bool {
        (0.0..=1.0).contains(&self.baseline_release)
            && (0.0..=1.0).contains(&self.facilitation_step)
            && self.depression_tau_ms > 0.0
            && self.facilitation_tau_ms > 0.0
            && self.depression_tau_ms.is_finite()
            && self.facilitation_tau_ms.is_finite()
    }
}

/// One synapse's state, relaxed lazily at each spike.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StpSynapse {
    /// Available resource x just after the last spike.
    pub x: f64,
    /// Release probability u just after the last spike.
    pub u: f64,
    /// Time of the last spike (−∞ before the first).
    pub last_spike_ms: f64,
}

impl StpSynapse {
    /// A rested synapse: x = 1, u = U.
    pub fn new(params: &Stp) -> Self {
        Self { x: 1.0, u: params.baseline_release, last_spike_ms: f64::NEG_INFINITY }
    }

    /// `(x, u)` at time `t_ms` (not before the last spike), without changing the state.
    pub fn state_at(&self, params: &Stp, t_ms: f64) -> (f64, f64) {
        let elapsed = (t_ms - self.last_spike_ms).max(0.0);
        let x = 1.0 - (1.0 - self.x) * (-elapsed / params.depression_tau_ms).exp();
        let u = params.baseline_release
            + (self.u - params.baseline_release) * (-elapsed / params.facilitation_tau_ms).exp();
        (x, u)
    }

    /// A presynaptic spike at `t_ms`: returns its efficacy x·u and applies depression and
    /// facilitation.
    pub fn on_spike(&mut self, params: &Stp, t_ms: f64) -> f64 {
        let (x, u) = self.state_at(params, t_ms);
        let efficacy = x * u;
        self.x = x - u * x;
        self.u = u + params.facilitation_step * (1.0 - u);
        self.last_spike_ms = t_ms;
        efficacy
    }
}

/// One synapse per presynaptic neuron, all with the same parameters.
#[derive(Debug, Clone)]
pub struct StpPopulation {
    params: Stp,
    synapses: Vec<StpSynapse>,
}

impl StpPopulation {
    /// `synapses` rested synapses with `params`.
    pub fn new(params: Stp, synapses: usize) -> Self {
        Self { synapses: vec![StpSynapse::new(&params); synapses], params }
    }

    /// The synapses' parameters.
    pub fn params(&self) -> &Stp {
        &self.params
    }

    /// The state of synapse `index`.
    pub fn synapse(&self, index: usize) -> &StpSynapse {
        &self.synapses[index]
    }

    /// A spike of presynaptic neuron `index` at `t_ms`; returns the efficacy it transmits.
    pub fn on_spike(&mut self, index: usize, t_ms: f64) -> f64 {
        self.synapses[index].on_spike(&self.params, t_ms)
    }
}
