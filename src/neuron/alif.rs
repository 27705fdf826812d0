//! Discrete-time leaky integrate-and-fire neurons with an optional adaptive threshold (ALIF), in
//! the form e-prop uses (Bellec et al. 2020, Nat. Commun. 11:3625, Methods; ALGORITHMS.md §7).
//!
//! These are not the current-based neurons of [`crate::neuron::lif`]: BPTT and e-prop need a
//! one-step recursion they can differentiate, with no synaptic current and no refractory period.
//! One step of 1 ms, neuron `j`, input current `I_j^t = Σ_i W^rec_ji z_i^{t−1} + Σ_i W^in_ji x_i^t`:
//!
//! ```text
//! v^t = α v^{t−1} + (1 − α) I^t − v_th z^{t−1}          α = e^{−dt/τ_m}   (reset by subtraction)
//! a^t = ρ a^{t−1} + z^{t−1}                              ρ = e^{−dt/τ_a}   (ALIF only; a = 0 for LIF)
//! z^t = H(v^t − A^t),  A^t = v_th + β a^t                (spike)
//! ψ^t = (γ / v_th) · max(0, 1 − |v^t − A^t| / v_th)     (pseudo-derivative, standing in for ∂z/∂v)
//! ```
//!
//! `∂z/∂a = −β ψ`. For gradient checks the Heaviside step can be replaced by a smooth sigmoid whose
//! exact derivative plays ψ's part ([`SpikeFunction::Smooth`]), so that finite differences apply.

/// Dampening γ of the pseudo-derivative (Bellec et al. 2020).
pub const DAMPENING: f64 = 0.3;

/// How a neuron turns `v − A` into a spike and what stands in for its derivative.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SpikeFunction {
    /// `z = H(v − A)`, with the pseudo-derivative ψ (training).
    Heaviside,
    /// `z = σ((v − A)/s)` with its exact derivative (gradient checks only; `s` in units of v).
    Smooth(f64),
}

/// The constants of a population.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlifParams {
    /// `α = e^{−dt/τ_m}`.
    pub alpha: f64,
    /// `ρ = e^{−dt/τ_a}`.
    pub rho: f64,
    /// Threshold `v_th` (dimensionless).
    pub threshold: f64,
    /// Threshold adaptation `β` of the ALIF neurons (0: plain LIF).
    pub beta: f64,
    pub spike: SpikeFunction,
}

impl AlifParams {
    /// Membrane time constant `tau_m_ms`, adaptation time constant `tau_a_ms`, threshold, and the
    /// adaptation strength `beta`, at dt = 1 ms.
    pub fn new(tau_m_ms: f64, tau_a_ms: f64, threshold: f64, beta: f64) -> Self {
        Self {
            alpha: (-1.0 / tau_m_ms).exp(),
            rho: (-1.0 / tau_a_ms).exp(),
            threshold,
            beta,
            spike: SpikeFunction::Heaviside,
        }
    }

    /// The spike `z` and `ψ ≈ ∂z/∂v` of a neuron whose potential is `u = v − A` above its
    /// effective threshold `A = v_th + β a` (`β` is 0 for a plain LIF neuron).
    pub fn spike(&self, u: f64) -> (f64, f64) {
        match self.spike {
            SpikeFunction::Heaviside => {
                let z = if u > 0.0 { 1.0 } else { 0.0 };
                let psi = DAMPENING / self.threshold * (1.0 - (u / self.threshold).abs()).max(0.0);
                (z, psi)
            }
            SpikeFunction::Smooth(s) => {
                let z = 1.0 / (1.0 + (-u / s).exp());
                (z, z * (1.0 - z) / s)
            }
        }
    }

    /// One step of the membrane: `v^t` from `v^{t−1}`, the input current `current = I^t` and the
    /// previous spike `z^{t−1}`.
    pub fn membrane(&self, v: f64, current: f64, z_previous: f64) -> f64 {
        self.alpha * v + (1.0 - self.alpha) * current - self.threshold * z_previous
    }

    /// One step of the adaptation: `a^t = ρ a^{t−1} + z^{t−1}`.
    pub fn adaptation(&self, a: f64, z_previous: f64) -> f64 {
        self.rho * a + z_previous
    }
}
