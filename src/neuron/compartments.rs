//! The multi-compartment neurons of Guerguiev, Lillicrap & Richards (2017), "Towards deep learning
//! with segregated dendrites", eLife 6:e22901, and their postsynaptic-potential kernel.
//!
//! A hidden neuron has a **basal** compartment `B` (bottom-up input), an electrically distant
//! **apical** compartment `A` (top-down feedback) and a **soma** `C`. With the apical coupling off
//! (`g_A = 0`, as in the paper's learning simulations) the soma hears only the basal dendrite:
//!
//! ```text
//! B = W·PSP(input) + b          A = Y·PSP(output spikes)
//! dC/dt = −g_L C + g_B (B − C)                      ⇒ steady state C = k_B B, k_B = g_B/(g_L+g_B)
//! rate λ_C = λ_max σ(C)  (spikes per time step; Poisson)
//! plateau α = σ(Ā), Ā the mean apical potential over the end of a phase
//! ```
//!
//! An output neuron has a dendrite `B` and a soma that a teacher can drive through excitatory and
//! inhibitory conductances (`g_E = t`, `g_I = 1 − t` for a one-hot target `t`):
//!
//! ```text
//! dC/dt = −g_L C + g_D (B − C) + g_E (E_E − C) + g_I (E_I − C)
//!   ⇒ steady state C = (g_D B + g_E E_E + g_I E_I) / (g_L + g_D + g_E + g_I)   (= k_D B untaught)
//! ```
//!
//! Constants are the reference code's (shared/ALGORITHMS.md §5): `g_L = 0.1`, `g_B = g_D = 0.6`,
//! `E_E = 8`, `E_I = −8` (dimensionless potentials), `λ_max = 0.2` spikes per 1 ms step.
//!
//! Both somas are advanced by exact integration over a step of constant input
//! (`C ← C_∞ + (C − C_∞) e^{−g dt}`), so the spiking mode's soma relaxes to exactly the value
//! the non-spiking mode uses.

/// Leak conductance `g_L = 1/τ_L` (per ms).
pub const G_LEAK: f64 = 0.1;
/// Basal-to-soma conductance of hidden neurons, `g_B`.
pub const G_BASAL: f64 = 0.6;
/// Dendrite-to-soma conductance of output neurons, `g_D`.
pub const G_DENDRITE: f64 = 0.6;
/// Excitatory reversal potential of the teaching input, `E_E`.
pub const E_EXCITATORY: f64 = 8.0;
/// Inhibitory reversal potential of the teaching input, `E_I`.
pub const E_INHIBITORY: f64 = -8.0;
/// Largest firing rate, `λ_max` (spikes per 1 ms step, i.e. 200 Hz).
pub const RATE_MAX: f64 = 0.2;
/// Rise time `τ_s` of the PSP kernel (ms).
pub const TAU_RISE_MS: f64 = 3.0;
/// Decay time `τ_L` of the PSP kernel (ms).
pub const TAU_DECAY_MS: f64 = 10.0;

/// `k_B = g_B / (g_L + g_B)`: the hidden soma's steady state per unit of basal potential.
pub fn k_basal() -> f64 {
    G_BASAL / (G_LEAK + G_BASAL)
}

/// `k_D = g_D / (g_L + g_D)`: the untaught output soma's steady state per unit of dendritic potential.
pub fn k_dendrite() -> f64 {
    G_DENDRITE / (G_LEAK + G_DENDRITE)
}

/// The logistic function σ.
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// `λ = λ_max σ(C)`, the firing rate (spikes per step) of a soma at potential `c`.
pub fn rate(c: f32) -> f32 {
    RATE_MAX as f32 * sigmoid(c)
}

/// `dλ/dC = λ_max σ'(C)`.
pub fn rate_slope(c: f32) -> f32 {
    let s = sigmoid(c);
    RATE_MAX as f32 * s * (1.0 - s)
}

/// The conductance a teacher applies to output unit `k`: `(g_E, g_I) = (t_k, 1 − t_k)`.
pub fn teaching(target: f32) -> (f32, f32) {
    (target, 1.0 - target)
}

/// The steady state of a hidden soma fed a constant basal potential `b`: `k_B·b`.
pub fn hidden_steady(b: f32) -> f32 {
    k_basal() as f32 * b
}

/// The steady state of an output soma with dendritic potential `b` and teaching conductances
/// `(g_e, g_i)` (both 0 when untaught, giving `k_D·b`).
pub fn output_steady(b: f32, g_e: f32, g_i: f32) -> f32 {
    let (gl, gd) = (G_LEAK as f32, G_DENDRITE as f32);
    (gd * b + g_e * E_EXCITATORY as f32 + g_i * E_INHIBITORY as f32) / (gl + gd + g_e + g_i)
}

/// One step `dt_ms` of a hidden soma at `c` with basal potential `b` (exact for constant `b`).
pub fn hidden_step(c: f32, b: f32, dt_ms: f32) -> f32 {
    let g = (G_LEAK + G_BASAL) as f32;
    let target = hidden_steady(b);
    target + (c - target) * (-g * dt_ms).exp()
}

/// One step `dt_ms` of an output soma at `c` (exact for constant inputs): dendrite `b`, teaching
/// conductances `(g_e, g_i)`.
pub fn output_step(c: f32, b: f32, g_e: f32, g_i: f32, dt_ms: f32) -> f32 {
    let g = (G_LEAK + G_DENDRITE) as f32 + g_e + g_i;
    let target = output_steady(b, g_e, g_i);
    target + (c - target) * (-g * dt_ms).exp()
}

/// The postsynaptic-potential kernel `κ(t) ∝ e^{−t/τ_L} − e^{−t/τ_s}` at 1 ms steps, as two
/// exponential traces per presynaptic neuron (a spike adds 1 to both), so that a spike costs one
/// update and the potential is `(slow − fast)·scale`.
///
/// The reference divides by `τ_L − τ_s` (unit integral in continuous time) and keeps 10 steps of
/// history; here the kernel is not truncated and `scale` makes its discrete sum exactly 1, so a
/// neuron firing `r` spikes per step has a mean PSP of exactly `r`: the rate the non-spiking
/// mode feeds forward.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PspKernel {
    /// Per-step decay of the slow trace, `e^{−dt/τ_L}`.
    pub slow: f32,
    /// Per-step decay of the fast trace, `e^{−dt/τ_s}`.
    pub fast: f32,
    /// `1 / Σ_k (slowᵏ − fastᵏ)`.
    pub scale: f32,
}

impl PspKernel {
    /// The reference kernel (τ_s = 3 ms, τ_L = 10 ms) at a step of `dt_ms`.
    pub fn new(dt_ms: f64) -> Self {
        let slow = (-dt_ms / TAU_DECAY_MS).exp();
        let fast = (-dt_ms / TAU_RISE_MS).exp();
        let sum = 1.0 / (1.0 - slow) - 1.0 / (1.0 - fast);
        Self { slow: slow as f32, fast: fast as f32, scale: (1.0 / sum) as f32 }
    }

    /// `κ[k]`, the PSP `k` steps after a spike.
    pub fn at(&self, k: i32) -> f32 {
        (self.slow.powi(k) - self.fast.powi(k)) * self.scale
    }
}

/// Two exponential traces per neuron (or per postsynaptic unit, when the spikes arrive already
/// weighted): the state of the [`PspKernel`] filter.
#[derive(Debug, Clone, PartialEq)]
pub struct PspTraces {
    pub slow: Vec<f32>,
    pub fast: Vec<f32>,
}

impl PspTraces {
    pub fn new(n: usize) -> Self {
        Self { slow: vec![0.0; n], fast: vec![0.0; n] }
    }

    /// Back to rest.
    pub fn reset(&mut self) {
        self.slow.fill(0.0);
        self.fast.fill(0.0);
    }

    /// One step of decay.
    pub fn decay(&mut self, kernel: &PspKernel) {
        self.slow.iter_mut().for_each(|v| *v *= kernel.slow);
        self.fast.iter_mut().for_each(|v| *v *= kernel.fast);
    }

    /// A spike of neuron `i` (weight 1).
    pub fn spike(&mut self, i: usize) {
        self.slow[i] += 1.0;
        self.fast[i] += 1.0;
    }

    /// A spike that reaches every unit through the weights `w` (one per unit).
    pub fn add_weighted(&mut self, w: &[f32]) {
        crate::nn::axpy(1.0, w, &mut self.slow);
        crate::nn::axpy(1.0, w, &mut self.fast);
    }

    /// The potentials `(slow − fast)·scale`, written into `out`.
    pub fn potentials(&self, kernel: &PspKernel, out: &mut [f32]) {
        for ((o, &s), &f) in out.iter_mut().zip(&self.slow).zip(&self.fast) {
            *o = (s - f) * kernel.scale;
        }
    }
}
