//! A recurrent network of LIF/ALIF neurons ([`crate::neuron::alif`]) with a leaky readout, and
//! two ways to get the gradient of its loss: BPTT, which stores the whole trial and runs it
//! backwards, and e-prop, which carries eligibility traces forward.
//!
//! ```text
//! v_j^t, a_j^t, z_j^t as in neuron::alif, with I_j^t = Σ_i W^rec_ji z_i^{t−1} + Σ_i W^in_ji x_i^t  (W^rec_jj = 0)
//! y_k^t = κ y_k^{t−1} + Σ_j W^out_kj z_j^t,  κ = e^{−dt/τ_out}
//! L = ½ Σ_t m^t Σ_k (y_k^t − y*_k^t)²        (m^t: the weight of step t, 0 outside a response window)
//! ```
//!
//! **BPTT** (exact for the surrogate: ψ stands in for ∂z/∂v): with `g_y^t = m^t (y^t − y*^t) + κ g_y^{t+1}`,
//! ```text
//! ∂L/∂z^t = W^outᵀ g_y^t + (1 − α) W^recᵀ δv^{t+1} − v_th δv^{t+1} + δa^{t+1}
//! δv^t = ψ^t ∂L/∂z^t + α δv^{t+1},   δa^t = −β ψ^t ∂L/∂z^t + ρ δa^{t+1}
//! ∂L/∂W^rec_ji = (1 − α) Σ_t δv_j^t z_i^{t−1},  ∂L/∂W^in_ji = (1 − α) Σ_t δv_j^t x_i^t,  ∂L/∂W^out = Σ_t g_y^t z^tᵀ
//! ```
//! It must keep `v, a, z, ψ` of every neuron at every step: a `T × N` history.
//!
//! **e-prop** (Bellec et al. 2020): each synapse carries the eligibility vector of its
//! postsynaptic neuron's own state, `ε = (∂v_j/∂W_ji, ∂a_j/∂W_ji)` through the neuron alone,
//! ```text
//! ε^v,t = (α − v_th ψ^{t−1}) ε^v,t−1 + v_th β ψ^{t−1} ε^a,t−1 + (1 − α) pre_i^t
//! ε^a,t = ψ^{t−1} ε^v,t−1 + (ρ − β ψ^{t−1}) ε^a,t−1
//! e^t = ψ^t (ε^v,t − β ε^a,t),   ē^t = κ ē^{t−1} + e^t
//! ΔW_ji ∝ −Σ_t L_j^t ē_ji^t,   L_j^t = Σ_k B_jk m^t (y_k^t − y*_k^t),   B = W^outᵀ (symmetric) or fixed random
//! ```
//! (`pre` is `x_i^t` for an input synapse, `z_i^{t−1}` for a recurrent one). The traces keep the
//! reset's and the adaptation's paths, so for a network without recurrence and symmetric
//! feedback e-prop's gradient is BPTT's exactly; with recurrence it leaves out the paths through
//! other neurons. It stores a fixed number of traces per synapse, whatever the trial's length.
//!
//! Both run a chunk of steps at a time and resume where they stopped ([`Forward`], [`Backward`],
//! [`Eprop`]): a long trial is split into short work units with the same arithmetic in the same
//! order as a run at once.

// The loops index neurons and synapses as the equations above do (j post, i pre, c output).
#![allow(clippy::needless_range_loop)]
use crate::neuron::alif::AlifParams;

/// One trial: input spikes, targets and the loss weight of every step.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    /// The inputs that spike at each step (indices).
    pub inputs: Vec<Vec<usize>>,
    /// `steps × outputs`, row-major.
    pub targets: Vec<f64>,
    /// The weight `m^t` of each step in the loss.
    pub mask: Vec<f64>,
}

impl Trial {
    pub fn steps(&self) -> usize {
        self.inputs.len()
    }
}

/// A gradient (or a stand-in for one) of every weight, laid out as the network's weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Gradients {
    pub w_in: Vec<f64>,
    pub w_rec: Vec<f64>,
    pub w_out: Vec<f64>,
}

impl Gradients {
    pub fn zeros(inputs: usize, neurons: usize, outputs: usize) -> Self {
        Self {
            w_in: vec![0.0; neurons * inputs],
            w_rec: vec![0.0; neurons * neurons],
            w_out: vec![0.0; outputs * neurons],
        }
    }

    /// The input and recurrent parts, one after the other: what the learning rules disagree on
    /// (the readout's gradient is exact in every method).
    pub fn hidden(&self) -> impl Iterator<Item = &f64> {
        self.w_in.iter().chain(&self.w_rec)
    }
}

/// What a trial produced.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    pub loss: f64,
    /// `steps × outputs`.
    pub outputs: Vec<f64>,
    /// `(step, neuron)` of every spike.
    pub spikes: Vec<(u32, u32)>,
}

/// The recurrent spiking network.
#[derive(Debug, Clone, PartialEq)]
pub struct SpikingRnn {
    pub inputs: usize,
    pub neurons: usize,
    pub outputs: usize,
    /// `neurons × inputs`.
    pub w_in: Vec<f64>,
    /// `neurons × neurons`, zero diagonal.
    pub w_rec: Vec<f64>,
    /// `outputs × neurons`.
    pub w_out: Vec<f64>,
    /// Threshold adaptation of each neuron (0 for LIF, the population's β for ALIF).
    pub beta: Vec<f64>,
    pub params: AlifParams,
    /// Readout decay `κ`.
    pub kappa: f64,
}

/// The history BPTT keeps of a trial: every neuron's state at every step.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub v: Vec<f64>,
    pub a: Vec<f64>,
    pub z: Vec<f64>,
    pub psi: Vec<f64>,
    pub y: Vec<f64>,
}

impl History {
    /// Bytes held by the buffers (their capacity), measured from the live vectors.
    pub fn bytes(&self) -> usize {
        [&self.v, &self.a, &self.z, &self.psi, &self.y].iter().map(|b| b.capacity()).sum::<usize>()
            * std::mem::size_of::<f64>()
    }
}

/// The traces e-prop keeps: per synapse, the eligibility vector and the filtered eligibility
/// trace; per neuron, the filtered spikes of the readout.
#[derive(Debug, Clone, Default)]
pub struct Traces {
    /// `neurons × (inputs + neurons)` each.
    pub ev: Vec<f64>,
    pub ea: Vec<f64>,
    pub filtered: Vec<f64>,
    pub z_filtered: Vec<f64>,
}

impl Traces {
    /// Bytes held by the traces (their capacity), measured from the live vectors.
    pub fn bytes(&self) -> usize {
        [&self.ev, &self.ea, &self.filtered, &self.z_filtered].iter().map(|b| b.capacity()).sum::<usize>()
            * std::mem::size_of::<f64>()
    }
}

/// A trial run forward part of the way: every neuron's state after the first `t` steps.
#[derive(Debug, Clone)]
pub struct Forward {
    /// Steps done.
    pub t: usize,
    v: Vec<f64>,
    a: Vec<f64>,
    z: Vec<f64>,
    psi: Vec<f64>,
    y: Vec<f64>,
    current: Vec<f64>,
    /// The loss, outputs and spikes of the steps done.
    pub outcome: Outcome,
}

/// BPTT's backward pass part of the way: the errors at step `t` and the gradient summed over
/// the steps from `t` to the trial's end.
#[derive(Debug, Clone)]
pub struct Backward {
    /// The first step gone back through (the trial's length before any).
    pub t: usize,
    pub gradient: Gradients,
    gy: Vec<f64>,
    dv_next: Vec<f64>,
    da_next: Vec<f64>,
    dz: Vec<f64>,
    dv: Vec<f64>,
    da: Vec<f64>,
}

/// e-prop's forward pass part of the way: the neurons' state after the first `t` steps and the
/// update summed over them (the eligibility traces live in [`Traces`]).
#[derive(Debug, Clone)]
pub struct Eprop {
    /// Steps done.
    pub t: usize,
    pub gradient: Gradients,
    v: Vec<f64>,
    a: Vec<f64>,
    z: Vec<f64>,
    psi: Vec<f64>,
    z_previous: Vec<f64>,
    y: Vec<f64>,
    current: Vec<f64>,
    pre: Vec<f64>,
    error: Vec<f64>,
    /// The loss, outputs and spikes of the steps done.
    pub outcome: Outcome,
}

impl SpikingRnn {
    /// Runs `trial`; with `history`, records every neuron's state at every step (BPTT).
    pub fn run(&self, trial: &Trial, mut history: Option<&mut History>) -> Outcome {
        let mut state = self.start_forward(trial, history.as_deref_mut());
        self.forward(trial, &mut state, trial.steps(), history);
        state.outcome
    }

    /// A run of `trial` before its first step; sizes `history` for the whole trial.
    pub fn start_forward(&self, trial: &Trial, history: Option<&mut History>) -> Forward {
        let (n, k, steps) = (self.neurons, self.outputs, trial.steps());
        if let Some(h) = history {
            for buffer in [&mut h.v, &mut h.a, &mut h.z, &mut h.psi] {
                buffer.clear();
                buffer.reserve_exact(steps * n);
            }
            h.y.clear();
            h.y.reserve_exact(steps * k);
        }
        Forward {
            t: 0,
            v: vec![0.0; n],
            a: vec![0.0; n],
            z: vec![0.0; n],
            psi: vec![0.0; n],
            y: vec![0.0; k],
            current: vec![0.0; n],
            outcome: Outcome { outputs: Vec::with_capacity(steps * k), ..Outcome::default() },
        }
    }

    /// Runs up to `steps` more steps of `trial` from `state`; with `history`, records them.
    pub fn forward(&self, trial: &Trial, state: &mut Forward, steps: usize, mut history: Option<&mut History>) {
        let (n, k) = (self.neurons, self.outputs);
        let Forward { t: done, v, a, z, psi, y, current, outcome } = state;
        let end = (*done + steps).min(trial.steps());
        for t in *done..end {
            self.input_current(&trial.inputs[t], z, current);
            for j in 0..n {
                v[j] = self.params.membrane(v[j], current[j], z[j]);
                a[j] = self.params.adaptation(a[j], z[j]);
            }
            for j in 0..n {
                (z[j], psi[j]) = self.params.spike(v[j] - self.params.threshold - self.beta[j] * a[j]);
                if z[j] > 0.5 {
                    outcome.spikes.push((t as u32, j as u32));
                }
            }
            self.readout(z, y);
            for (c, &yc) in y.iter().enumerate() {
                let d = yc - trial.targets[t * k + c];
                outcome.loss += 0.5 * trial.mask[t] * d * d;
            }
            outcome.outputs.extend(y.iter());
            if let Some(h) = history.as_deref_mut() {
                h.v.extend(v.iter());
                h.a.extend(a.iter());
                h.z.extend(z.iter());
                h.psi.extend(psi.iter());
                h.y.extend(y.iter());
            }
        }
        *done = end;
    }

    /// `I^t = W^rec z^{t−1} + W^in x^t`, skipping silent neurons.
    fn input_current(&self, spiking_inputs: &[usize], z_previous: &[f64], current: &mut [f64]) {
        let n = self.neurons;
        for (j, c) in current.iter_mut().enumerate() {
            let w_in = &self.w_in[j * self.inputs..(j + 1) * self.inputs];
            let w_rec = &self.w_rec[j * n..(j + 1) * n];
            *c = spiking_inputs.iter().map(|&i| w_in[i]).sum::<f64>()
                + z_previous.iter().zip(w_rec).filter(|(&z, _)| z != 0.0).map(|(&z, &w)| z * w).sum::<f64>();
        }
    }

    /// `y ← κ y + W^out z`.
    fn readout(&self, z: &[f64], y: &mut [f64]) {
        let n = self.neurons;
        for (c, yc) in y.iter_mut().enumerate() {
            let w = &self.w_out[c * n..(c + 1) * n];
            *yc = self.kappa * *yc + z.iter().zip(w).filter(|(&z, _)| z != 0.0).map(|(&z, &w)| z * w).sum::<f64>();
        }
    }

    /// BPTT: runs `trial` keeping its history in `history`, then the exact gradient of the loss
    /// (with ψ for ∂z/∂v) backwards through it.
    pub fn bptt(&self, trial: &Trial, history: &mut History) -> (Outcome, Gradients) {
        let outcome = self.run(trial, Some(history));
        let mut state = self.start_backward(trial);
        self.backward(trial, history, &mut state, trial.steps());
        (outcome, state.gradient)
    }

    /// BPTT's backward pass through `trial` before its first (that is, last) step.
    pub fn start_backward(&self, trial: &Trial) -> Backward {
        let (n, k) = (self.neurons, self.outputs);
        Backward {
            t: trial.steps(),
            gradient: Gradients::zeros(self.inputs, n, k),
            gy: vec![0.0; k],
            dv_next: vec![0.0; n],
            da_next: vec![0.0; n],
            dz: vec![0.0; n],
            dv: vec![0.0; n],
            da: vec![0.0; n],
        }
    }

    /// Goes back through up to `steps` more steps of `trial`'s recorded `history` from `state`.
    pub fn backward(&self, trial: &Trial, history: &History, state: &mut Backward, steps: usize) {
        let (n, k, ni) = (self.neurons, self.outputs, self.inputs);
        let p = &self.params;
        let Backward { t: first, gradient: g, gy, dv_next, da_next, dz, dv, da } = state;
        let end = first.saturating_sub(steps);
        for t in (end..*first).rev() {
            let z_t = &history.z[t * n..(t + 1) * n];
            for (c, g_c) in gy.iter_mut().enumerate() {
                *g_c = trial.mask[t] * (history.y[t * k + c] - trial.targets[t * k + c]) + self.kappa * *g_c;
                for (j, &zj) in z_t.iter().enumerate() {
                    g.w_out[c * n + j] += *g_c * zj;
                }
            }
            for j in 0..n {
                let mut s = -p.threshold * dv_next[j] + da_next[j];
                for (c, &g_c) in gy.iter().enumerate() {
                    s += self.w_out[c * n + j] * g_c;
                }
                dz[j] = s;
            }
            for (j, &d) in dv_next.iter().enumerate() {
                if d != 0.0 {
                    let row = &self.w_rec[j * n..(j + 1) * n];
                    for (i, &w) in row.iter().enumerate() {
                        dz[i] += (1.0 - p.alpha) * w * d;
                    }
                }
            }
            let psi_t = &history.psi[t * n..(t + 1) * n];
            for j in 0..n {
                dv[j] = psi_t[j] * dz[j] + p.alpha * dv_next[j];
                da[j] = -self.beta[j] * psi_t[j] * dz[j] + p.rho * da_next[j];
            }
            for (j, &d) in dv.iter().enumerate() {
                let d = (1.0 - p.alpha) * d;
                for &i in &trial.inputs[t] {
                    g.w_in[j * ni + i] += d;
                }
                if t > 0 {
                    let z_prev = &history.z[(t - 1) * n..t * n];
                    for (i, &zi) in z_prev.iter().enumerate() {
                        if zi != 0.0 && i != j {
                            g.w_rec[j * n + i] += d * zi;
                        }
                    }
                }
            }
            std::mem::swap(dv, dv_next);
            std::mem::swap(da, da_next);
        }
        *first = end;
    }

    /// e-prop: runs `trial` once, forward, with the eligibility traces in `traces`; `feedback`
    /// is `B` (`neurons × outputs`; `None` for the symmetric `W^outᵀ`).
    pub fn eprop(&self, trial: &Trial, feedback: Option<&[f64]>, traces: &mut Traces) -> (Outcome, Gradients) {
        let mut state = self.start_eprop(trial, traces);
        self.eprop_steps(trial, feedback, traces, &mut state, trial.steps());
        (state.outcome, state.gradient)
    }

    /// e-prop on `trial` before its first step, with `traces` sized and zeroed.
    pub fn start_eprop(&self, trial: &Trial, traces: &mut Traces) -> Eprop {
        let (n, k, ni, steps) = (self.neurons, self.outputs, self.inputs, trial.steps());
        let width = ni + n;
        for buffer in [&mut traces.ev, &mut traces.ea, &mut traces.filtered] {
            buffer.clear();
            buffer.resize(n * width, 0.0);
        }
        traces.z_filtered.clear();
        traces.z_filtered.resize(n, 0.0);
        Eprop {
            t: 0,
            gradient: Gradients::zeros(ni, n, k),
            v: vec![0.0; n],
            a: vec![0.0; n],
            z: vec![0.0; n],
            psi: vec![0.0; n],
            z_previous: vec![0.0; n],
            y: vec![0.0; k],
            current: vec![0.0; n],
            pre: vec![0.0; width],
            error: vec![0.0; k],
            outcome: Outcome { outputs: Vec::with_capacity(steps * k), ..Outcome::default() },
        }
    }

    /// Runs up to `steps` more steps of e-prop on `trial` from `state` and `traces`.
    pub fn eprop_steps(
        &self,
        trial: &Trial,
        feedback: Option<&[f64]>,
        traces: &mut Traces,
        state: &mut Eprop,
        steps: usize,
    ) {
        let (n, k, ni) = (self.neurons, self.outputs, self.inputs);
        let p = &self.params;
        let width = ni + n;
        let Eprop { t: done, gradient: g, v, a, z, psi, z_previous, y, current, pre, error, outcome } = state;
        let end = (*done + steps).min(trial.steps());
        for t in *done..end {
            // The presynaptic activity this step: inputs x^t, then the recurrent spikes z^{t−1}.
            pre[..ni].fill(0.0);
            for &i in &trial.inputs[t] {
                pre[i] = 1.0;
            }
            pre[ni..].copy_from_slice(z);
            z_previous.copy_from_slice(z);
            let psi_previous = psi.clone();
            self.input_current(&trial.inputs[t], z_previous, current);
            for j in 0..n {
                v[j] = p.membrane(v[j], current[j], z_previous[j]);
                a[j] = p.adaptation(a[j], z_previous[j]);
                (z[j], psi[j]) = p.spike(v[j] - p.threshold - self.beta[j] * a[j]);
                if z[j] > 0.5 {
                    outcome.spikes.push((t as u32, j as u32));
                }
            }
            self.readout(z, y);
            for c in 0..k {
                let d = y[c] - trial.targets[t * k + c];
                outcome.loss += 0.5 * trial.mask[t] * d * d;
                error[c] = trial.mask[t] * d;
            }
            outcome.outputs.extend(y.iter());
            for j in 0..n {
                traces.z_filtered[j] = self.kappa * traces.z_filtered[j] + z[j];
                for (c, &e) in error.iter().enumerate() {
                    g.w_out[c * n + j] += e * traces.z_filtered[j];
                }
                let signal: f64 = match feedback {
                    Some(b) => (0..k).map(|c| b[j * k + c] * error[c]).sum(),
                    None => (0..k).map(|c| self.w_out[c * n + j] * error[c]).sum(),
                };
                let (beta, psi_old, psi_now) = (self.beta[j], psi_previous[j], psi[j]);
                let (vv, va) = (p.alpha - p.threshold * psi_old, p.threshold * beta * psi_old);
                let (av, aa) = (psi_old, p.rho - beta * psi_old);
                let row = j * width..(j + 1) * width;
                let (ev, ea, filtered) =
                    (&mut traces.ev[row.clone()], &mut traces.ea[row.clone()], &mut traces.filtered[row]);
                for i in 0..width {
                    let (old_v, old_a) = (ev[i], ea[i]);
                    ev[i] = vv * old_v + va * old_a + (1.0 - p.alpha) * pre[i];
                    ea[i] = av * old_v + aa * old_a;
                    filtered[i] = self.kappa * filtered[i] + psi_now * (ev[i] - beta * ea[i]);
                }
                if signal != 0.0 {
                    for i in 0..ni {
                        g.w_in[j * ni + i] += signal * filtered[i];
                    }
                    for i in 0..n {
                        if i != j {
                            g.w_rec[j * n + i] += signal * filtered[ni + i];
                        }
                    }
                }
            }
        }
        *done = end;
    }
}
