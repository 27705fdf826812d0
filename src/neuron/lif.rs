//! Current-based leaky integrate-and-fire neurons, the double-exponential filter that is both
//! their postsynaptic potential and SuperSpike's learning kernel, and the van Rossum distance
//! (Zenke & Ganguli 2018, Neural Comput. 30:1514; constants of their Auryn `IafPscExpGroup`,
//! ALGORITHMS.md §4).
//!
//! ```text
//! τ_syn dI/dt = −I + Σ_j w_j S_j(t)          (each input spike makes I jump by w_j, in mV)
//! τ_mem dU/dt = (U_rest − U) + I             (U in mV)
//! U ≥ ϑ  →  a spike; U ← U_reset; refractory for t_ref
//! ```
//!
//! Integration is exact for a current held over each step of `dt`: with `a = e^{−dt/τ_syn}` and
//! `b = e^{−dt/τ_mem}`, step `n` does `I_n = a I_{n−1} + Σ_j w_j S_j[n]`, then
//! `U_n = U_rest + b (U_{n−1} − U_rest) + (1 − b)(I_n + I_ext)`, then the threshold. A constant
//! current from rest gives exactly `U_rest + I (1 − e^{−n dt/τ_mem})`.
//!
//! **Refractory convention** (every spiking model of the engine counts dead time this way): a
//! period of `t_ref` lasts `n_ref = round(t_ref/dt)` whole steps (at least 1), *counting the
//! spike's own step*. A neuron that spikes at step `k` is held at reset through step
//! `k + n_ref − 1` and integrates again at step `k + n_ref`, so under an overwhelming input the
//! inter-spike interval is exactly `n_ref` steps, `t_ref`, at every `dt` (see
//! [`refractory_steps`]).

/// Whole steps of a refractory period or delay of `period_ms` at time step `dt_ms`: the period
/// rounded to the nearest step, at least one. See the module's convention.
pub fn refractory_steps(period_ms: f64, dt_ms: f64) -> u32 {
    ((period_ms / dt_ms).round() as u32).max(1)
}

/// The neurons' constants (ms, mV).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LifParams {
    pub dt_ms: f64,
    pub tau_mem_ms: f64,
    pub tau_syn_ms: f64,
    pub rest_mv: f64,
    pub threshold_mv: f64,
    pub reset_mv: f64,
    pub refractory_ms: f64,
}

impl LifParams {
    /// SuperSpike's neurons (Zenke & Ganguli 2018): τ_mem 10 ms, τ_syn 5 ms, rest and reset −60 mV,
    /// threshold −50 mV, 5 ms refractory, at time step `dt_ms`.
    pub fn superspike(dt_ms: f64) -> Self {
        Self {
            dt_ms,
            tau_mem_ms: 10.0,
            tau_syn_ms: 5.0,
            rest_mv: -60.0,
            threshold_mv: -50.0,
            reset_mv: -60.0,
            refractory_ms: 5.0,
        }
    }

    /// The postsynaptic-potential filter of these neurons: `ε[n]`, the response of `U − U_rest`
    /// to one input spike of weight 1 mV at step 0 (without threshold).
    pub fn psp(&self) -> DoubleExp {
        DoubleExp::new(self.tau_syn_ms, self.tau_mem_ms, self.dt_ms)
    }
}

/// The causal filter `y = ε ∗ x` whose kernel is the PSP of a current-based LIF neuron: two
/// first-order filters in cascade, `z₁[n] = a z₁[n−1] + x[n]`, `y[n] = b y[n−1] + (1 − b) z₁[n]`,
/// with `a = e^{−dt/τ_rise}`, `b = e^{−dt/τ_decay}`. Its kernel is
/// `ε[k] = (1 − b) Σ_{i=0..k} aⁱ b^{k−i}` ([`Self::kernel`]); it rises over `τ_rise` and decays
/// over `τ_decay`, like SuperSpike's α.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DoubleExp {
    pub a: f64,
    pub b: f64,
}

impl DoubleExp {
    /// Rise time `tau_rise_ms`, decay time `tau_decay_ms`, time step `dt_ms`.
    pub fn new(tau_rise_ms: f64, tau_decay_ms: f64, dt_ms: f64) -> Self {
        Self { a: (-dt_ms / tau_rise_ms).exp(), b: (-dt_ms / tau_decay_ms).exp() }
    }

    /// `ε[k]`, the response at step `k` to a unit impulse at step 0.
    pub fn kernel(&self, k: usize) -> f64 {
        (0..=k).map(|i| self.a.powi(i as i32) * self.b.powi((k - i) as i32)).sum::<f64>() * (1.0 - self.b)
    }

    /// `ε ∗ x`, causally: `out[n] = Σ_{m≤n} ε[n−m] x[m]`.
    pub fn filter(&self, x: &[f32], out: &mut [f32]) {
        let (a, b, c) = (self.a as f32, self.b as f32, (1.0 - self.b) as f32);
        let (mut z, mut y) = (0f32, 0f32);
        for (o, &v) in out.iter_mut().zip(x) {
            z = a * z + v;
            y = b * y + c * z;
            *o = y;
        }
    }

    /// The adjoint, anti-causally: `out[m] = Σ_{n≥m} ε[n−m] x[n]` (so that
    /// `Σ_n e[n] (ε ∗ x)[n] = Σ_m (adjoint e)[m] x[m]`).
    pub fn filter_backward(&self, x: &[f32], out: &mut [f32]) {
        let (a, b, c) = (self.a as f32, self.b as f32, (1.0 - self.b) as f32);
        let (mut z, mut y) = (0f32, 0f32);
        for (o, &v) in out.iter_mut().zip(x).rev() {
            z = b * z + v;
            y = a * y + c * z;
            *o = y;
        }
    }
}

/// The van Rossum distance between two spike trains on a grid of `dt_ms` (1 at each spike's step):
/// `½ Σ_n ((α ∗ (target − actual))[n])² dt` with the double-exponential `alpha` (its units:
/// ms, for unit-height traces).
pub fn van_rossum(alpha: &DoubleExp, target: &[f32], actual: &[f32], dt_ms: f64) -> f64 {
    let difference: Vec<f32> = target.iter().zip(actual).map(|(t, s)| t - s).collect();
    let mut filtered = vec![0f32; difference.len()];
    alpha.filter(&difference, &mut filtered);
    0.5 * filtered.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() * dt_ms
}

/// A layer of LIF neurons: their state, advanced one step at a time.
#[derive(Debug, Clone)]
pub struct LifLayer {
    pub params: LifParams,
    /// Membrane potentials (mV).
    pub u: Vec<f32>,
    /// Synaptic currents (mV).
    pub i_syn: Vec<f32>,
    refractory_left: Vec<u32>,
    refractory_steps: u32,
    a: f32,
    b: f32,
}

impl LifLayer {
    /// `n` neurons at rest.
    pub fn new(n: usize, params: LifParams) -> Self {
        Self {
            u: vec![params.rest_mv as f32; n],
            i_syn: vec![0.0; n],
            refractory_left: vec![0; n],
            refractory_steps: refractory_steps(params.refractory_ms, params.dt_ms),
            a: (-params.dt_ms / params.tau_syn_ms).exp() as f32,
            b: (-params.dt_ms / params.tau_mem_ms).exp() as f32,
            params,
        }
    }

    /// Back to rest, currents zero, nobody refractory.
    pub fn reset(&mut self) {
        self.u.fill(self.params.rest_mv as f32);
        self.i_syn.fill(0.0);
        self.refractory_left.fill(0);
    }

    /// Lets the currents decay by one step (call first, then add this step's input jumps to
    /// [`Self::i_syn`], then [`Self::integrate`]).
    pub fn decay_currents(&mut self) {
        let a = self.a;
        self.i_syn.iter_mut().for_each(|i| *i *= a);
    }

    /// Integrates the membranes over one step with the currents as they are plus `external`
    /// (mV, one per neuron, or empty), applies the threshold and the refractory convention, and
    /// writes 1 into `spikes` for the neurons that fire (0 for the others), and into `potential`
    /// (if not empty) each membrane before the threshold (the reset value while refractory).
    /// Returns how many fired.
    pub fn integrate(&mut self, external: &[f32], spikes: &mut [f32], potential: &mut [f32]) -> usize {
        let (b, rest, reset) = (self.b, self.params.rest_mv as f32, self.params.reset_mv as f32);
        let threshold = self.params.threshold_mv as f32;
        let mut fired = 0;
        #[allow(clippy::needless_range_loop)] // four arrays indexed by neuron
        for k in 0..self.u.len() {
            let drive = self.i_syn[k] + external.get(k).copied().unwrap_or(0.0);
            spikes[k] = 0.0;
            if self.refractory_left[k] > 0 {
                self.refractory_left[k] -= 1;
                self.u[k] = reset;
                if let Some(p) = potential.get_mut(k) {
                    *p = reset;
                }
                continue;
            }
            let u = rest + b * (self.u[k] - rest) + (1.0 - b) * drive;
            if let Some(p) = potential.get_mut(k) {
                *p = u;
            }
            if u >= threshold {
                spikes[k] = 1.0;
                fired += 1;
                self.u[k] = reset;
                self.refractory_left[k] = self.refractory_steps - 1;
            } else {
                self.u[k] = u;
            }
        }
        fired
    }
}

/// SuperSpike's surrogate of the spike's derivative, a fast sigmoid's slope:
/// `σ'(U) = β / (1 + β |U − ϑ|)²`, with `β` in 1/mV (Zenke & Ganguli 2018, eq. 6).
pub fn surrogate(u_mv: f32, threshold_mv: f32, beta_per_mv: f32) -> f32 {
    let h = 1.0 + beta_per_mv * (u_mv - threshold_mv).abs();
    beta_per_mv / (h * h)
}
