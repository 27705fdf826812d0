//! A rate RNN and its two gradients: BPTT and random-feedback local online learning (RFLO,
//! Murray 2019, eLife 8:e43299; ALGORITHMS.md §7).
//!
//! ```text
//! h^t = (1 − 1/τ) h^{t−1} + (1/τ)(W r^{t−1} + W^in x^t),   r = tanh(h),   y^t = W^out r^t
//! L = ½ Σ_t m^t ‖y^t − y*^t‖²,   ε^t = m^t (y^t − y*^t)
//! ```
//! **RFLO:** `p_ij^t = (1 − 1/τ) p_ij^{t−1} + (1/τ) φ'(h_i^t) r_j^{t−1}` (and `q_ij` with `x_j^t`),
//! `ΔW_ij ∝ −Σ_t (B ε^t)_i p_ij^t` with `B` fixed and random, `ΔW^out ∝ −Σ_t ε^t r^tᵀ`. Each trace
//! sees only its own synapse's recent past: local in space and time.
//!
//! **BPTT:** `∂L/∂r^t = W^outᵀ ε^t + (1/τ) Wᵀ δh^{t+1}`, `δh^t = φ'(h^t) ∂L/∂r^t + (1 − 1/τ) δh^{t+1}`,
//! `∂L/∂W = (1/τ) Σ_t δh^t r^{t−1}ᵀ`, `∂L/∂W^in = (1/τ) Σ_t δh^t x^tᵀ`.
//!
//! Every pass runs a chunk of steps at a time and resumes where it stopped ([`RateForward`],
//! [`RateBackward`], [`Rflo`]), with the arithmetic of a pass run at once.

// The loops index neurons and synapses as the equations above do (j post, i pre, c output).
#![allow(clippy::needless_range_loop)]
use super::spiking::{Gradients, Outcome, Trial};

/// RFLO's synaptic traces `p` (recurrent, `units × units`) and `q` (input, `units × inputs`).
#[derive(Debug, Clone, Default)]
pub struct RfloTraces {
    pub p: Vec<f64>,
    pub q: Vec<f64>,
}

impl RfloTraces {
    /// Bytes held by the traces (their capacity), measured from the live vectors.
    pub fn bytes(&self) -> usize {
        (self.p.capacity() + self.q.capacity()) * std::mem::size_of::<f64>()
    }
}

/// The rate network (weights laid out as [`super::spiking::SpikingRnn`]'s).
#[derive(Debug, Clone, PartialEq)]
pub struct RateRnn {
    pub inputs: usize,
    pub units: usize,
    pub outputs: usize,
    pub w_in: Vec<f64>,
    pub w_rec: Vec<f64>,
    pub w_out: Vec<f64>,
    /// Time constant τ in steps.
    pub tau: f64,
}

/// A run of the rate network part of the way: the states after the first `t` steps.
#[derive(Debug, Clone, Default)]
pub struct RateForward {
    /// Steps done.
    pub t: usize,
    h: Vec<f64>,
    r: Vec<f64>,
    /// `h^t` of every step done (`t × units`).
    states: Vec<f64>,
    pub outcome: Outcome,
}

/// BPTT's backward pass part of the way: `δh` at step `t` and the gradient summed from `t` on.
#[derive(Debug, Clone)]
pub struct RateBackward {
    /// The first step gone back through (the trial's length before any).
    pub t: usize,
    pub gradient: Gradients,
    dh_next: Vec<f64>,
}

/// RFLO's pass part of the way: the states after the first `t` steps and the update summed over
/// them (the traces live in [`RfloTraces`]).
#[derive(Debug, Clone)]
pub struct Rflo {
    /// Steps done.
    pub t: usize,
    pub gradient: Gradients,
    h: Vec<f64>,
    r: Vec<f64>,
    r_previous: Vec<f64>,
    x: Vec<f64>,
    error: Vec<f64>,
    pub outcome: Outcome,
}

impl RateRnn {
    /// A run of `trial` before its first step.
    pub fn start_forward(&self, trial: &Trial) -> RateForward {
        let (n, k, steps) = (self.units, self.outputs, trial.steps());
        RateForward {
            t: 0,
            h: vec![0.0; n],
            r: vec![0.0; n],
            states: Vec::with_capacity(steps * n),
            outcome: Outcome { outputs: Vec::with_capacity(steps * k), ..Outcome::default() },
        }
    }

    /// Runs up to `steps` more steps of `trial` from `state`, keeping the states `h^t`.
    pub fn forward(&self, trial: &Trial, state: &mut RateForward, steps: usize) {
        let (n, k, ni) = (self.units, self.outputs, self.inputs);
        let leak = 1.0 / self.tau;
        let RateForward { t: done, h, r, states, outcome } = state;
        let end = (*done + steps).min(trial.steps());
        for t in *done..end {
            let drive: Vec<f64> = (0..n)
                .map(|i| {
                    let rec: f64 = self.w_rec[i * n..(i + 1) * n].iter().zip(r.iter()).map(|(w, r)| w * r).sum();
                    rec + trial.inputs[t].iter().map(|&j| self.w_in[i * ni + j]).sum::<f64>()
                })
                .collect();
            for i in 0..n {
                h[i] = (1.0 - leak) * h[i] + leak * drive[i];
                r[i] = h[i].tanh();
            }
            for c in 0..k {
                let y: f64 = self.w_out[c * n..(c + 1) * n].iter().zip(r.iter()).map(|(w, r)| w * r).sum();
                let d = y - trial.targets[t * k + c];
                outcome.loss += 0.5 * trial.mask[t] * d * d;
                outcome.outputs.push(y);
            }
            states.extend(h.iter());
        }
        *done = end;
    }

    /// RFLO's update direction (a stand-in for the gradient) for `trial`, with feedback `b`
    /// (`units × outputs`); `traces` holds its synaptic traces (sized here).
    pub fn rflo(&self, trial: &Trial, b: &[f64], traces: &mut RfloTraces) -> (Outcome, Gradients) {
        let mut state = self.start_rflo(trial, traces);
        self.rflo_steps(trial, b, traces, &mut state, trial.steps());
        (state.outcome, state.gradient)
    }

    /// RFLO on `trial` before its first step, with `traces` sized and zeroed.
    pub fn start_rflo(&self, trial: &Trial, traces: &mut RfloTraces) -> Rflo {
        let (n, k, ni, steps) = (self.units, self.outputs, self.inputs, trial.steps());
        let RfloTraces { p, q } = traces;
        p.clear();
        p.resize(n * n, 0.0);
        q.clear();
        q.resize(n * ni, 0.0);
        Rflo {
            t: 0,
            gradient: Gradients::zeros(ni, n, k),
            h: vec![0.0; n],
            r: vec![0.0; n],
            r_previous: vec![0.0; n],
            x: vec![0.0; ni],
            error: vec![0.0; k],
            outcome: Outcome { outputs: Vec::with_capacity(steps * k), ..Outcome::default() },
        }
    }

    /// Runs up to `steps` more steps of RFLO on `trial` from `state` and `traces`: one pass
    /// forward in time, keeping nothing of the trial's past but the traces.
    pub fn rflo_steps(&self, trial: &Trial, b: &[f64], traces: &mut RfloTraces, state: &mut Rflo, steps: usize) {
        let (n, k, ni) = (self.units, self.outputs, self.inputs);
        let leak = 1.0 / self.tau;
        let RfloTraces { p, q } = traces;
        let Rflo { t: done, gradient: g, h, r, r_previous, x, error, outcome } = state;
        let end = (*done + steps).min(trial.steps());
        for t in *done..end {
            x.fill(0.0);
            for &j in &trial.inputs[t] {
                x[j] = 1.0;
            }
            for i in 0..n {
                let rec: f64 = self.w_rec[i * n..(i + 1) * n].iter().zip(r_previous.iter()).map(|(w, r)| w * r).sum();
                let input: f64 = trial.inputs[t].iter().map(|&j| self.w_in[i * ni + j]).sum();
                h[i] = (1.0 - leak) * h[i] + leak * (rec + input);
                r[i] = h[i].tanh();
            }
            for c in 0..k {
                let y: f64 = self.w_out[c * n..(c + 1) * n].iter().zip(r.iter()).map(|(w, r)| w * r).sum();
                let d = y - trial.targets[t * k + c];
                outcome.loss += 0.5 * trial.mask[t] * d * d;
                outcome.outputs.push(y);
                error[c] = trial.mask[t] * d;
                for i in 0..n {
                    g.w_out[c * n + i] += error[c] * r[i];
                }
            }
            for i in 0..n {
                let slope = 1.0 - r[i] * r[i];
                let signal: f64 = (0..k).map(|c| b[i * k + c] * error[c]).sum();
                for j in 0..n {
                    let pij = &mut p[i * n + j];
                    *pij = (1.0 - leak) * *pij + leak * slope * r_previous[j];
                    g.w_rec[i * n + j] += signal * *pij;
                }
                for j in 0..ni {
                    let qij = &mut q[i * ni + j];
                    *qij = (1.0 - leak) * *qij + leak * slope * x[j];
                    g.w_in[i * ni + j] += signal * *qij;
                }
            }
            r_previous.copy_from_slice(r);
        }
        *done = end;
    }

    /// The exact gradient by BPTT.
    pub fn bptt(&self, trial: &Trial) -> (Outcome, Gradients) {
        let mut forward = self.start_forward(trial);
        self.forward(trial, &mut forward, trial.steps());
        let mut backward = self.start_backward(trial);
        self.backward(trial, &forward, &mut backward, trial.steps());
        (forward.outcome, backward.gradient)
    }

    /// BPTT's backward pass through `trial` before its first (that is, last) step.
    pub fn start_backward(&self, trial: &Trial) -> RateBackward {
        RateBackward {
            t: trial.steps(),
            gradient: Gradients::zeros(self.inputs, self.units, self.outputs),
            dh_next: vec![0.0; self.units],
        }
    }

    /// Goes back through up to `steps` more steps of `trial`, run to its end in `forward`.
    pub fn backward(&self, trial: &Trial, forward: &RateForward, state: &mut RateBackward, steps: usize) {
        let (n, k, ni) = (self.units, self.outputs, self.inputs);
        let leak = 1.0 / self.tau;
        let (states, outcome) = (&forward.states, &forward.outcome);
        let RateBackward { t: first, gradient: g, dh_next } = state;
        let end = first.saturating_sub(steps);
        for t in (end..*first).rev() {
            let h = &states[t * n..(t + 1) * n];
            let mut dr = vec![0.0; n];
            for c in 0..k {
                let e = trial.mask[t] * (outcome.outputs[t * k + c] - trial.targets[t * k + c]);
                for i in 0..n {
                    dr[i] += self.w_out[c * n + i] * e;
                    g.w_out[c * n + i] += e * h[i].tanh();
                }
            }
            for (i, &d) in dh_next.iter().enumerate() {
                if d != 0.0 {
                    for j in 0..n {
                        dr[j] += leak * self.w_rec[i * n + j] * d;
                    }
                }
            }
            let dh: Vec<f64> = (0..n)
                .map(|i| {
                    let r = h[i].tanh();
                    (1.0 - r * r) * dr[i] + (1.0 - leak) * dh_next[i]
                })
                .collect();
            for i in 0..n {
                let d = leak * dh[i];
                for &j in &trial.inputs[t] {
                    g.w_in[i * ni + j] += d;
                }
                if t > 0 {
                    for j in 0..n {
                        g.w_rec[i * n + j] += d * states[(t - 1) * n + j].tanh();
                    }
                }
            }
            *dh_next = dh;
        }
        *first = end;
    }
}
