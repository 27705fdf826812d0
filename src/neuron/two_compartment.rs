//! The two-compartment burst neuron of Naud & Sprekeler (2018, PNAS 115(27):E6329), as a population
//! stored as struct-of-arrays so a few hundred cells step quickly.
//!
//! Each cell has a soma (spiking, integrate-and-fire) and an apical dendrite (no spikes of its own,
//! but a sigmoidal regenerative current that makes dendritic plateau potentials). For cell `i`:
//!
//! ```text
//! soma      C_s dV_s/dt = −(C_s/τ_s)(V_s − E_L) + g_s f(V_d) + b w_s + I_s
//!           spike when V_s ≥ ϑ:  V_s ← V_reset,  w_s ← w_s + 1,  ϑ ← ϑ + Δϑ,  bAP for 2 ms
//!           τ_ws dw_s/dt = −w_s                      (somatic adaptation, b = −200 pA per unit)
//!           τ_ϑ  dϑ/dt   = −(ϑ − ϑ_0)                (dynamic threshold)
//! dendrite  C_d dV_d/dt = −(C_d/τ_d)(V_d − E_L) + g_d f(V_d) + a w_d + c_bAP K(t − t̂) + I_d
//!           τ_wd dw_d/dt = −w_d + (V_d − E_L)         (dendritic adaptation, a = −13 nS)
//!           f(V_d) = 1 / (1 + exp(−(V_d − E_d)/D))   (dendritic nonlinearity)
//! ```
//!
//! `K` is a box of height 1 lasting 2 ms after each somatic spike `t̂` (the back-propagating action
//! potential, bAP). The constants are those of ALGORITHMS.md §6: τ_s = 16 ms, C_s = 370 pF,
//! E_L = −70 mV, ϑ_0 = −50 mV, Δϑ = 2 mV, τ_ϑ = 27 ms, τ_ws = 100 ms, b = −200 pA, τ_d = 7 ms,
//! C_d = 170 pF, E_d = −38 mV, D = 6 mV, g_s = 1300 pA, g_d = 1200 pA, τ_wd = 30 ms, a = −13 nS,
//! c_bAP = 2600 pA; forward Euler with dt = 0.1 ms.
//!
//! One addition not in §6: an absolute refractory period (default 2 ms, the length of the bAP)
//! during which the soma is held at reset, so that a brief current pulse evokes exactly one spike.
//! It follows the engine's one convention ([`crate::neuron::lif::refractory_steps`]): t_ref lasts
//! n = round(t_ref/dt) steps (at least 1) *counting the spike's own step*, so a cell that spikes
//! at step k is held at reset through step k + n − 1 and may spike again at step k + n. Under an
//! overwhelming input the inter-spike interval is exactly t_ref at every dt (20 steps at 0.1 ms,
//! 40 at 0.05 ms).
//!
//! How a burst arises: a somatic spike sends a bAP into the dendrite. If the dendrite is already
//! depolarized by its own input, the bAP carries it past the knee of `f`, the dendrite makes a
//! plateau, and `g_s f(V_d)` drives the soma to fire again within a few ms: a burst. Dendritic
//! adaptation ends the plateau. So the somatic input sets how often the cell fires (events) and the
//! dendritic input sets how likely each event is to become a burst.
//!
//! Phase order within [`TwoCompartmentPopulation::step`]: integrate every variable with the values
//! at the start of the step (Euler; the threshold decays in the same pass), then compare the soma
//! with its threshold, then reset and start the bAP, which flows into the dendrite from the *next*
//! step on. State read after `step` is therefore post-reset: a soma that spiked reads `V_reset`.

use super::lif::refractory_steps;
use serde::{Deserialize, Serialize};

/// Constants of the two-compartment neuron (defaults: ALGORITHMS.md §6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TwoCompartmentParams {
    /// Euler time step.
    pub dt_ms: f32,
    /// Somatic membrane time constant τ_s.
    pub soma_tau_ms: f32,
    /// Somatic capacitance C_s.
    pub soma_capacitance_pf: f32,
    /// Leak reversal E_L, shared by both compartments.
    pub leak_reversal_mv: f32,
    /// Resting spike threshold ϑ_0.
    pub threshold_rest_mv: f32,
    /// Threshold increase Δϑ after each spike.
    pub threshold_jump_mv: f32,
    /// Time constant τ_ϑ with which the threshold relaxes to ϑ_0.
    pub threshold_tau_ms: f32,
    /// Somatic potential after a spike.
    pub reset_mv: f32,
    /// Absolute refractory period, counting the spike's own step: the shortest inter-spike
    /// interval. Not part of §6; see the module notes.
    pub refractory_ms: f32,
    /// Time constant τ_ws of the somatic adaptation variable w_s (which jumps by 1 per spike).
    pub soma_adaptation_tau_ms: f32,
    /// Somatic adaptation current per unit of w_s, b (negative: hyperpolarizing).
    pub soma_adaptation_pa: f32,
    /// Dendritic membrane time constant τ_d.
    pub dend_tau_ms: f32,
    /// Dendritic capacitance C_d.
    pub dend_capacitance_pf: f32,
    /// Half-activation voltage E_d of the dendritic nonlinearity.
    pub dend_half_activation_mv: f32,
    /// Slope D of the dendritic nonlinearity.
    pub dend_slope_mv: f32,
    /// Current g_s that a fully active dendrite drives into the soma.
    pub dend_to_soma_pa: f32,
    /// Regenerative current g_d that a fully active dendrite drives into itself.
    pub dend_regenerative_pa: f32,
    /// Time constant τ_wd of the dendritic adaptation variable w_d (in mV).
    pub dend_adaptation_tau_ms: f32,
    /// Dendritic adaptation conductance a (negative: the current a·w_d hyperpolarizes).
    pub dend_adaptation_ns: f32,
    /// Height c_bAP of the back-propagating action potential's box current.
    pub bap_pa: f32,
    /// Duration of the bAP box current.
    pub bap_duration_ms: f32,
}

impl Default for TwoCompartmentParams {
    fn default() -> Self {
        Self {
            dt_ms: 0.1,
            soma_tau_ms: 16.0,
            soma_capacitance_pf: 370.0,
            leak_reversal_mv: -70.0,
            threshold_rest_mv: -50.0,
            threshold_jump_mv: 2.0,
            threshold_tau_ms: 27.0,
            reset_mv: -70.0,
            refractory_ms: 2.0,
            soma_adaptation_tau_ms: 100.0,
            soma_adaptation_pa: -200.0,
            dend_tau_ms: 7.0,
            dend_capacitance_pf: 170.0,
            dend_half_activation_mv: -38.0,
            dend_slope_mv: 6.0,
            dend_to_soma_pa: 1300.0,
            dend_regenerative_pa: 1200.0,
            dend_adaptation_tau_ms: 30.0,
            dend_adaptation_ns: -13.0,
            bap_pa: 2600.0,
            bap_duration_ms: 2.0,
        }
    }
}

impl TwoCompartmentParams {
    /// The dendritic nonlinearity f(V_d) = 1 / (1 + exp(−(V_d − E_d)/D)), between 0 and 1, as the
    /// population computes it.
    pub fn dendritic_activation(&self, dend_v_mv: f32) -> f32 {
        1.0 / (1.0 + exp_approx((self.dend_half_activation_mv - dend_v_mv) / self.dend_slope_mv))
    }

    /// Every value is finite and every time constant, capacitance and slope positive.
    pub fn is_valid(&self) -> bool {
        let all = [
            self.dt_ms,
            self.soma_tau_ms,
            self.soma_capacitance_pf,
            self.leak_reversal_mv,
            self.threshold_rest_mv,
            self.threshold_jump_mv,
            self.threshold_tau_ms,
            self.reset_mv,
            self.refractory_ms,
            self.soma_adaptation_tau_ms,
            self.soma_adaptation_pa,
            self.dend_tau_ms,
            self.dend_capacitance_pf,
            self.dend_half_activation_mv,
            self.dend_slope_mv,
            self.dend_to_soma_pa,
            self.dend_regenerative_pa,
            self.dend_adaptation_tau_ms,
            self.dend_adaptation_ns,
            self.bap_pa,
            self.bap_duration_ms,
        ];
        let positive = [
            self.dt_ms,
            self.soma_tau_ms,
            self.soma_capacitance_pf,
            self.threshold_tau_ms,
            self.soma_adaptation_tau_ms,
            self.dend_tau_ms,
            self.dend_capacitance_pf,
            self.dend_slope_mv,
            self.dend_adaptation_tau_ms,
        ];
        all.iter().all(|v| v.is_finite())
            && positive.iter().all(|&v| v > 0.0)
            && self.refractory_ms >= 0.0
            && self.bap_duration_ms >= 0.0
    }

    /// How many Euler steps a duration spans (rounded to the nearest step).
    fn steps(&self, duration_ms: f32) -> u16 {
        (duration_ms / self.dt_ms).round().clamp(0.0, u16::MAX as f32) as u16
    }
}

/// `e^x` for `f32`, accurate to a few units in the last place, written out so that it inlines into
/// the neuron loop (a library call there costs more than the rest of the step) and gives the same
/// bits natively and in wasm. Saturates to 0 below −87 and to `f32::MAX`-range values above 88;
/// NaN stays NaN.
#[inline(always)]
pub fn exp_approx(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    // ln 2 split in a part with few mantissa bits and the rest, so n·LN2_HIGH is exact.
    const LN2_HIGH: f32 = 0.693_359_4;
    const LN2_LOW: f32 = -2.121_944_4e-4;
    // Adding and removing 1.5·2^23 rounds to the nearest integer without a library call.
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 88.0);
    let n = (x * LOG2_E + ROUND) - ROUND;
    let r = (x - n * LN2_HIGH) - n * LN2_LOW;
    // Taylor polynomial of e^r on |r| ≤ ln2/2 (degree 6: relative error below 2e-7).
    let poly = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    // 2^n through the exponent bits (n lies in −126‥127 after the clamp).
    let scale = f32::from_bits(((n as i32 + 127) as u32) << 23);
    poly * scale
}

/// The constants of one Euler step, derived from the parameters.
#[derive(Debug, Clone, Copy)]
struct StepFactors {
    soma_leak_rate: f32,
    soma_current_to_mv: f32,
    dend_leak_rate: f32,
    dend_current_to_mv: f32,
    dend_adaptation_rate: f32,
    soma_adaptation_decay: f32,
    threshold_decay: f32,
    inverse_slope: f32,
    bap_steps: u16,
    /// Steps a soma stays clamped *after* its spike's step: n_ref − 1 (see the module notes).
    clamped_steps_after_spike: u16,
}

impl StepFactors {
    fn new(p: &TwoCompartmentParams) -> Self {
        let dt = p.dt_ms;
        Self {
            soma_leak_rate: dt / p.soma_tau_ms,
            // pA / pF = mV / ms.
            soma_current_to_mv: dt / p.soma_capacitance_pf,
            dend_leak_rate: dt / p.dend_tau_ms,
            dend_current_to_mv: dt / p.dend_capacitance_pf,
            dend_adaptation_rate: dt / p.dend_adaptation_tau_ms,
            soma_adaptation_decay: (-dt / p.soma_adaptation_tau_ms).exp(),
            threshold_decay: (-dt / p.threshold_tau_ms).exp(),
            inverse_slope: 1.0 / p.dend_slope_mv,
            bap_steps: p.steps(p.bap_duration_ms),
            clamped_steps_after_spike: refractory_steps(f64::from(p.refractory_ms), f64::from(dt))
                .saturating_sub(1)
                .min(u32::from(u16::MAX)) as u16,
        }
    }
}

/// A population of two-compartment neurons: one vector per state variable.
#[derive(Debug, Clone)]
pub struct TwoCompartmentPopulation {
    params: TwoCompartmentParams,
    /// Per-step factors derived from `params` once.
    factors: StepFactors,
    /// Somatic membrane potential V_s (mV).
    pub soma_v: Vec<f32>,
    /// Dendritic membrane potential V_d (mV).
    pub dend_v: Vec<f32>,
    /// Somatic adaptation w_s (spike count, decaying with τ_ws); its current is b·w_s.
    pub soma_adaptation: Vec<f32>,
    /// Dendritic adaptation w_d (mV, a low-pass of V_d − E_L); its current is a·w_d.
    pub dend_adaptation: Vec<f32>,
    /// Dynamic spike threshold ϑ (mV).
    pub threshold: Vec<f32>,
    /// Euler steps of bAP current still to flow into each dendrite.
    bap_steps_left: Vec<u16>,
    /// Euler steps each soma still stays clamped at reset.
    refractory_steps_left: Vec<u16>,
}

impl TwoCompartmentPopulation {
    /// `neurons` cells at rest (both compartments at E_L, no adaptation, threshold at ϑ_0).
    pub fn new(neurons: usize, params: TwoCompartmentParams) -> Self {
        let rest = params.leak_reversal_mv;
        Self {
            soma_v: vec![rest; neurons],
            dend_v: vec![rest; neurons],
            soma_adaptation: vec![0.0; neurons],
            dend_adaptation: vec![0.0; neurons],
            threshold: vec![params.threshold_rest_mv; neurons],
            bap_steps_left: vec![0; neurons],
            refractory_steps_left: vec![0; neurons],
            factors: StepFactors::new(&params),
            params,
        }
    }

    /// The constants the population runs with.
    pub fn params(&self) -> &TwoCompartmentParams {
        &self.params
    }

    /// Number of neurons.
    pub fn len(&self) -> usize {
        self.soma_v.len()
    }

    /// True for a population of no neurons.
    pub fn is_empty(&self) -> bool {
        self.soma_v.is_empty()
    }

    /// True when no state variable is NaN or infinite.
    pub fn is_finite(&self) -> bool {
        [&self.soma_v, &self.dend_v, &self.soma_adaptation, &self.dend_adaptation, &self.threshold]
            .iter()
            .all(|values| values.iter().all(|v| v.is_finite()))
    }

    /// Advances every neuron by one Euler step of `dt_ms` with the external currents
    /// `soma_input_pa[i]` and `dend_input_pa[i]`, and appends the index of every neuron that spiked
    /// to `spiked` (which is not cleared).
    ///
    /// Panics if an input slice is shorter than the population.
    pub fn step(&mut self, soma_input_pa: &[f32], dend_input_pa: &[f32], spiked: &mut Vec<u32>) {
        let n = self.len();
        assert!(soma_input_pa.len() >= n && dend_input_pa.len() >= n, "one input current per neuron is needed");
        let p = &self.params;
        let rest = p.leak_reversal_mv;
        let StepFactors {
            soma_leak_rate,
            soma_current_to_mv,
            dend_leak_rate,
            dend_current_to_mv,
            dend_adaptation_rate,
            soma_adaptation_decay,
            threshold_decay,
            inverse_slope,
            bap_steps,
            clamped_steps_after_spike,
        } = self.factors;
        // Phase 1, integrate: one branch-free pass (so the compiler can vectorize it), re-sliced to
        // the population size so it runs without bounds checks.
        let soma_v_all = &mut self.soma_v[..n];
        let dend_v_all = &mut self.dend_v[..n];
        let soma_adaptation_all = &mut self.soma_adaptation[..n];
        let dend_adaptation_all = &mut self.dend_adaptation[..n];
        let threshold_all = &mut self.threshold[..n];
        let bap_steps_left = &mut self.bap_steps_left[..n];
        let refractory_steps_left = &mut self.refractory_steps_left[..n];
        let (soma_input_pa, dend_input_pa) = (&soma_input_pa[..n], &dend_input_pa[..n]);
        for i in 0..n {
            let (vs, vd) = (soma_v_all[i], dend_v_all[i]);
            let (ws, wd) = (soma_adaptation_all[i], dend_adaptation_all[i]);
            // Dendritic nonlinearity f(V_d).
            let activation = 1.0 / (1.0 + exp_approx((p.dend_half_activation_mv - vd) * inverse_slope));
            // The bAP box current of the last spike, while it still flows.
            let bap = if bap_steps_left[i] > 0 { p.bap_pa } else { 0.0 };
            bap_steps_left[i] = bap_steps_left[i].saturating_sub(1);
            // Dendrite: leak, regenerative current, adaptation, bAP, input.
            let dend_current = p.dend_regenerative_pa * activation + p.dend_adaptation_ns * wd + bap + dend_input_pa[i];
            dend_v_all[i] = vd - dend_leak_rate * (vd - rest) + dend_current_to_mv * dend_current;
            dend_adaptation_all[i] = wd + dend_adaptation_rate * ((vd - rest) - wd);
            // Soma: leak, dendritic drive, adaptation, input; held at reset while refractory.
            let soma_current = p.dend_to_soma_pa * activation + p.soma_adaptation_pa * ws + soma_input_pa[i];
            let integrated = vs - soma_leak_rate * (vs - rest) + soma_current_to_mv * soma_current;
            soma_v_all[i] = if refractory_steps_left[i] > 0 { p.reset_mv } else { integrated };
            refractory_steps_left[i] = refractory_steps_left[i].saturating_sub(1);
            soma_adaptation_all[i] = ws * soma_adaptation_decay;
            threshold_all[i] = p.threshold_rest_mv + (threshold_all[i] - p.threshold_rest_mv) * threshold_decay;
        }
        // Phase 2, threshold and reset: the spike's after-effects start with the next step.
        for i in 0..n {
            if soma_v_all[i] >= threshold_all[i] {
                soma_v_all[i] = p.reset_mv;
                soma_adaptation_all[i] += 1.0;
                threshold_all[i] += p.threshold_jump_mv;
                bap_steps_left[i] = bap_steps;
                refractory_steps_left[i] = clamped_steps_after_spike;
                spiked.push(i as u32);
            }
        }
    }
}
