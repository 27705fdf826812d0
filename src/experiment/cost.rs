//! What a configuration costs, estimated from its settings alone, before anything is built: the
//! memory its model holds and the work of one work unit (one [`crate::Rule::step`]`(1)`: a
//! minibatch, a piece of an epoch-end evaluation, a chunk of a trial, a piece of a point of a
//! curve), and the limits a configuration must stay within, with their reasons. [`check`] is called by [`crate::Experiment::validate`], so every configuration
//! passes it: the CLI's `train` and `check`, the worker's `configure` and the page's clamping tests.
//!
//! **Work** is counted in operations of the kind the rule's inner loop does (multiply-adds of
//! `f32` products for the networks, neuron- or synapse-steps for the time-stepped models) and
//! turned into time with each kind's cost per operation, measured natively on the development
//! machine (2 vCPU AMD EPYC, `brainprop bench` and `tests/cost.rs`'s probe). The wasm worker runs
//! the same code about 0.6× as fast as native there (BENCHMARKS.md: `wasm / native` 0.54–0.67), so
//! [`BROWSER_FACTOR`] is 2; a phone is slower again, which the limits leave room for.
//!
//! **The limits and why:**
//! - [`MEMORY_LIMIT`], 512 MB of model (weights, optimizer buffers, traces, batch buffers,
//!   generated data): the wasm heap can grow to 4 GB, but phones often refuse to grow it past
//!   about 1 GB, and the page's MNIST copy and the allocator's slack need room too.
//! - [`UNIT_LIMIT_MS`], 60 ms natively (about 120 ms in the worker) for a *training* work unit
//!   (a minibatch, an example, a SuperSpike trial, a simulated millisecond, a chunk of a
//!   recurrent trial): the worker can only act on Pause between units, and Pause must take effect
//!   within 200 ms. Long work is split into units that resume where the last stopped, so its
//!   length is no limit of its own: an epoch's test evaluation runs a minibatch's rows per unit
//!   (at most a minibatch's work: forward only), a recurrent trial about
//!   [`through_time::UNIT_WORK`] synapse-steps per unit (forward, and back for BPTT), a point of
//!   the plasticity, STDP and gradient-check curves a few milliseconds of simulation or
//!   relaxation per unit.
//! - [`SETUP_LIMIT_MS`], 2 s natively for a build, which nothing can interrupt: the untrained
//!   network's evaluation on the training and test sets (row 0), a recurrent model's first trial
//!   (and BPTT's on it for the cosine).
//!
//! Besides the time, [`Cost::unit_work`] bounds the work one unit does in the count the model
//! reports in [`crate::rule::StepOutcome::work`] (examples through a network, synapse-steps),
//! which `tests/slicing.rs` checks unit by unit for every rule.

use super::Experiment;
use crate::bursts::multiplexing::MultiplexConfig;
use crate::bursts::plasticity::PairingProtocol;
use crate::data::DataKind;
use crate::rules::equilibrium_propagation::EqPropConfig;
use crate::rules::segregated_dendrites::{DendriteMode, DendritesConfig};
use crate::rules::through_time::{self, RecurrentConfig};
use crate::rules::FeedforwardConfig;
use crate::rules::RuleId;
use crate::{Error, Result};

/// Largest model memory accepted (bytes).
pub const MEMORY_LIMIT: f64 = 512e6;
/// Largest estimated native time of one training work unit (ms).
pub const UNIT_LIMIT_MS: f64 = 60.0;
/// Largest estimated native time of a build (ms).
pub const SETUP_LIMIT_MS: f64 = 2_000.0;
/// How much slower the browser's worker is than native (BENCHMARKS.md: wasm ≈ 0.6× native).
pub const BROWSER_FACTOR: f64 = 2.0;

/// Native cost of one multiply-add of the networks' `f32` products (ns): 784-1000-1000-10 at
/// batch 64 does 2.1e8 of them per minibatch in 18 ms (≈ 0.09 ns), rounded up.
pub const NS_PER_MAC: f64 = 0.1;
/// Fraction of MNIST pixels that are not zero: the first layer's products skip the rest
/// (`nn::mlp`'s sparse input path, EqProp's active rows). Checked against the data by
/// `tests/cost.rs`.
pub const MNIST_DENSITY: f64 = 0.2;
/// Fraction of EqProp's units active (not at 0) in a relaxation, as relaxation.rs measures.
const EQPROP_ACTIVE: f64 = 0.3;
/// Native ns per synapse and time step of a trial, measured on 100-100 networks of 1 s trials
/// (between a quiet and a loaded machine): e-prop 2.8–5 (eligibility traces for every
/// synapse), BPTT 1.5–3, RFLO 0.9–1.5.
const NS_EPROP: f64 = 4.0;
const NS_BPTT: f64 = 2.0;
const NS_RFLO: f64 = 1.2;
/// Native ns per two-compartment neuron and 0.1 ms step (plasticity: 1 s for 1.8e8 of them).
const NS_NEURON_STEP: f64 = 6.0;
/// Native ns per step of an STDP trial (1.3 ms for 200 trials of 4,000 steps).
const NS_STDP_STEP: f64 = 2.0;
/// Native ns per `f64` multiply-add of the gradient check's small relaxations.
const NS_F64_MAC: f64 = 0.5;
/// Bytes of an `f32` and an `f64`.
const F32: f64 = 4.0;
const F64: f64 = 8.0;
/// Rows the networks evaluate at once (`feedforward::EVAL_CHUNK`).
const EVAL_CHUNK: f64 = 500.0;

/// What a configuration costs.
#[derive(Debug, Clone, PartialEq)]
pub struct Cost {
    /// Bytes the model holds once built (weights, optimizer buffers, traces, batch buffers,
    /// generated data; not the shared MNIST set).
    pub memory_bytes: f64,
    /// Weights and biases of a network's layers (0 where the model is no layered network).
    pub parameters: f64,
    /// Operations of one `step(1)` (multiply-adds, or neuron / synapse steps).
    pub unit_ops: f64,
    /// Estimated native time of one `step(1)` (ms), the longest kind of unit the rule does.
    pub unit_ms: f64,
    /// The most work one `step(1)` reports ([`crate::rule::StepOutcome::work`]): examples run
    /// through a network (trained or evaluated), or synapse- or neuron-steps.
    pub unit_work: f64,
    /// Estimated native time of the build (ms).
    pub setup_ms: f64,
    /// The model in words, for messages, e.g. `784-500-10 at batch 32`.
    pub shape: String,
    /// The setting a message names, and the knobs that lower the cost.
    pub knob: &'static str,
    pub lower: &'static str,
}

impl Cost {
    /// The limit on [`Self::unit_ms`], the same for every rule.
    pub fn unit_limit_ms(&self) -> f64 {
        UNIT_LIMIT_MS
    }
}

/// Memory in words: `692 MB`, `1.9 GB`, `12 kB`.
pub fn show_bytes(bytes: f64) -> String {
    if bytes >= 1e9 {
        format!("{:.1} GB", bytes / 1e9)
    } else if bytes >= 1e6 {
        format!("{:.0} MB", bytes / 1e6)
    } else {
        format!("{:.0} kB", bytes / 1e3)
    }
}

/// A duration in words: `45 ms`, `3.2 s`, `2.1 min`.
fn show_ms(ms: f64) -> String {
    if ms >= 120_000.0 {
        format!("{:.0} min", ms / 60_000.0)
    } else if ms >= 1_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        format!("{ms:.0} ms")
    }
}

/// Above `limit`, or not a number (an estimate that overflowed).
fn over(x: f64, limit: f64) -> bool {
    x.is_nan() || x > limit
}

/// Refuses a configuration over a limit, with a one-line message naming the limit and the knobs
/// to lower.
pub fn check(experiment: &Experiment) -> Result<()> {
    let c = estimate(experiment);
    if over(c.memory_bytes, MEMORY_LIMIT) {
        return Err(Error::invalid(
            c.knob,
            format!(
                "{} needs {} of memory (limit {}, what a browser tab's wasm heap reliably gets); {}",
                c.shape,
                show_bytes(c.memory_bytes),
                show_bytes(MEMORY_LIMIT),
                c.lower
            ),
        ));
    }
    let limit = c.unit_limit_ms();
    if over(c.unit_ms, limit) {
        return Err(Error::invalid(
            c.knob,
            format!(
                "one step of {} takes about {} (limit {}, so that Pause acts at once); {}",
                c.shape,
                show_ms(c.unit_ms * BROWSER_FACTOR),
                show_ms(limit * BROWSER_FACTOR),
                c.lower
            ),
        ));
    }
    if over(c.setup_ms, SETUP_LIMIT_MS) {
        return Err(Error::invalid(
            c.knob,
            format!(
                "building or evaluating {} takes about {} without a pause (limit {}); {}",
                c.shape,
                show_ms(c.setup_ms * BROWSER_FACTOR),
                show_ms(SETUP_LIMIT_MS * BROWSER_FACTOR),
                c.lower
            ),
        ));
    }
    Ok(())
}

/// Inputs, outputs, training and test examples of a data set of `points` points (each).
fn data_shape(data: DataKind, points: usize) -> (f64, f64, f64, f64, f64) {
    let p = points as f64;
    match data {
        // (inputs, outputs, train, test, density of the inputs)
        DataKind::Mnist => (784.0, 10.0, 8000.0, 2000.0, MNIST_DENSITY),
        DataKind::Linear => (30.0, 10.0, p, p, 1.0),
        _ => (2.0, 2.0, p, p, 1.0),
    }
}

/// `784-500-500-500-10`, with runs of equal widths written `2048×12`.
fn describe(sizes: &[f64]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sizes.len() {
        let mut j = i;
        while j + 1 < sizes.len() && sizes[j + 1] == sizes[i] && i > 0 && j + 2 < sizes.len() {
            j += 1;
        }
        let run = j - i + 1;
        parts.push(if run > 2 { format!("{}×{run}", sizes[i]) } else { vec![sizes[i].to_string(); run].join("-") });
        i = j + 1;
    }
    parts.join("-")
}

/// Multiply-adds of one example through the layers `sizes`: the first layer's over the nonzero
/// inputs only (counted twice over when sparse: that product runs without blocking, at about
/// half the dense product's rate), and the rest.
fn layer_macs(sizes: &[f64], density: f64) -> (f64, f64) {
    let first = sizes[0] * sizes[1] * if density < 1.0 { 2.0 * density } else { 1.0 };
    let rest: f64 = sizes.windows(2).skip(1).map(|p| p[0] * p[1]).sum();
    (first, rest)
}

/// Weights and biases of the layers `sizes`.
fn parameters(sizes: &[f64]) -> f64 {
    sizes.windows(2).map(|p| p[0] * p[1] + p[1]).sum()
}

fn feedforward(rule: RuleId, c: &FeedforwardConfig) -> Cost {
    let (dims, classes, train, test, density) = data_shape(c.data, c.points);
    let sizes: Vec<f64> = [dims].into_iter().chain(c.hidden.iter().map(|&h| h as f64)).chain([classes]).collect();
    let units: f64 = sizes.iter().sum();
    let batch = (c.batch as f64).min(train);
    let params = parameters(&sizes);
    let (first, rest) = layer_macs(&sizes, density);
    let feedback_params = params - sizes[0] * sizes[1] - sizes[1];
    let hidden: f64 = sizes[1..sizes.len() - 1].iter().sum();
    // Forward, weight gradients (both over nonzero inputs in the first layer) and the errors sent
    // back (not to the input).
    let (mut unit, mut extra_memory) = (batch * (2.0 * first + 3.0 * rest), 0.0);
    match rule {
        RuleId::Fa | RuleId::Sign => extra_memory += feedback_params * F32,
        RuleId::Kp => {
            extra_memory += 2.0 * feedback_params * F32;
            unit += batch * rest;
        }
        RuleId::Burstprop => {
            extra_memory += 2.0 * feedback_params * F32 + 4.0 * batch * units * F32;
            unit += 2.0 * batch * rest;
        }
        RuleId::Dfa => extra_memory += classes * hidden * F32,
        RuleId::Np => {
            extra_memory += 2.0 * batch * units * F32;
            unit += batch * (first + rest);
        }
        // A noise draw per weight (about 30 multiply-adds' time each) and the perturbed pass;
        // noise and gradient per weight.
        RuleId::Wp => {
            extra_memory += 2.0 * params * F32;
            unit += 30.0 * params + batch * (first + rest);
        }
        RuleId::Shallow => unit = batch * (first + rest + sizes[sizes.len() - 2] * classes),
        _ => {}
    }
    let memory = params * 2.0 * F32 // weights and momentum buffers
        + (batch + EVAL_CHUNK) * 2.0 * units * F32 // the training and evaluation traces
        + batch * dims * 12.0 // the batch's sparse inputs
        + (train + test) * (dims + classes + 1.0) * F32 * f64::from(u8::from(c.data != DataKind::Mnist))
        + extra_memory;
    // The build evaluates both sets at once; an epoch's end evaluates the test set a minibatch's
    // rows per unit (forward only: less than a training unit), the last with the diagnostics'.
    let example = first + rest;
    Cost {
        memory_bytes: memory,
        parameters: params,
        unit_ops: unit,
        unit_ms: unit * NS_PER_MAC * 1e-6,
        unit_work: 2.0 * batch,
        setup_ms: (train + test) * example * NS_PER_MAC * 1e-6,
        shape: format!("{} at batch {}", describe(&sizes), c.batch),
        knob: "hidden",
        lower: "lower hidden or batch",
    }
}

fn eqprop(c: &EqPropConfig) -> Cost {
    let (dims, classes, train, test, density) = data_shape(c.data, c.points);
    let sizes: Vec<f64> = [dims].into_iter().chain(c.hidden.iter().map(|&h| h as f64)).chain([classes]).collect();
    let units: f64 = sizes.iter().sum();
    let free_units = units - dims;
    let batch = (c.batch as f64).min(train);
    let params = parameters(&sizes);
    let (first, rest) = layer_macs(&sizes, density);
    let nudged = c.nudged_steps as f64 * if c.symmetric { 2.0 } else { 1.0 };
    // The clamped input's drive once per relaxation; every step drives each free layer from the
    // active units of both neighbours (relaxation.rs skips units at 0: about 70 % of a hidden
    // layer); the update correlates each layer's pre- and post-activities in two phases.
    let relax = |steps: f64| first + steps * 2.0 * rest * EQPROP_ACTIVE;
    let unit = batch * (relax(c.free_steps as f64 + nudged) + 2.0 * (first + rest));
    // An epoch's end relaxes a minibatch's test rows per unit (the free phase only).
    let build = (train + test) * relax(c.free_steps as f64);
    let persistent = if c.persistent { train * free_units * F32 } else { 0.0 };
    let memory = params * 2.0 * F32
        + (batch + EVAL_CHUNK) * 2.0 * units * F32 * if c.symmetric { 1.5 } else { 1.0 }
        + persistent
        + (train + test) * (dims + 1.0) * F32 * f64::from(u8::from(c.data != DataKind::Mnist));
    Cost {
        memory_bytes: memory,
        parameters: params,
        unit_ops: unit,
        unit_ms: unit * NS_PER_MAC * 1e-6,
        unit_work: 2.0 * batch,
        setup_ms: build * NS_PER_MAC * 1e-6,
        shape: format!(
            "{} at batch {}, {}+{} steps{}",
            describe(&sizes),
            c.batch,
            c.free_steps,
            c.nudged_steps,
            if c.persistent { " with persistent particles" } else { "" }
        ),
        knob: "hidden",
        lower: "lower hidden, batch, free_steps or nudged_steps (or turn persistent off)",
    }
}

fn dendrites(c: &DendritesConfig) -> Cost {
    let (dims, classes, train, test, density) = data_shape(DataKind::Mnist, 0);
    let sizes: Vec<f64> = [dims].into_iter().chain(c.hidden.iter().map(|&h| h as f64)).chain([classes]).collect();
    let params = parameters(&sizes);
    let (first, rest) = layer_macs(&sizes, density);
    let hidden: f64 = c.hidden.iter().map(|&h| h as f64).sum();
    // Non-spiking: the forward and target phases' fixed points and the updates; spiking: both
    // phases of about 2 × (50 + 15) one-ms steps, each driving every layer.
    let unit = match c.mode {
        DendriteMode::Nonspiking => 4.0 * (first + rest),
        DendriteMode::Spiking => 130.0 * (first + 2.0 * rest) + 2.0 * (first + rest),
    };
    let example = 2.0 * (first + rest);
    let memory = (params + classes * hidden) * 2.0 * F32 + EVAL_CHUNK * sizes.iter().sum::<f64>() * F32;
    Cost {
        memory_bytes: memory,
        parameters: params,
        unit_ops: unit,
        unit_ms: unit * NS_PER_MAC * 1e-6,
        // An example, or at an epoch's end two test digits (EVAL_PIECE).
        unit_work: crate::rules::segregated_dendrites::EVAL_PIECE as f64,
        setup_ms: (train + test) * example * NS_PER_MAC * 1e-6,
        shape: format!("the {} dendrite network {}", format!("{:?}", c.mode).to_lowercase(), describe(&sizes)),
        knob: "hidden",
        lower: "lower hidden",
    }
}

fn superspike(c: &crate::rules::superspike::SuperSpikeConfig) -> Cost {
    use crate::rules::superspike::SpikeTask;
    let steps = c.steps() as f64;
    let (n_in, n_hid, n_out) = (c.inputs as f64, c.hidden as f64, c.output_count() as f64);
    let synapses = c.synapses() as f64;
    let trials = if c.task == SpikeTask::Xor { 4.0 } else { 1.0 };
    // Each step adds the spiking rows of the weights; the update correlates the traces over the
    // trial (two products per layer).
    let unit = steps * synapses * 3.0;
    let memory = trials * steps * n_in * 2.0 * F32 + steps * (n_hid + n_out) * 8.0 * F32 + synapses * 4.0 * F32;
    Cost {
        memory_bytes: memory,
        parameters: synapses,
        unit_ops: unit,
        unit_ms: unit * NS_PER_MAC * 1e-6,
        unit_work: steps * synapses,
        setup_ms: unit * NS_PER_MAC * 1e-6,
        shape: format!(
            "{}-{}-{} LIF neurons over {} steps of {} ms",
            c.inputs,
            c.hidden,
            c.output_count(),
            steps,
            c.dt
        ),
        knob: "duration",
        lower: "lower duration, inputs, hidden or outputs, or raise dt",
    }
}

/// Native ms of one trial of each method, BPTT's, and the bytes a model holds.
fn recurrent_trial(c: &RecurrentConfig) -> (f64, f64, f64, f64, f64) {
    let (n, ni, t) = (c.neurons as f64, c.inputs as f64, c.steps() as f64);
    let synapses = through_time::synapses(c) as f64;
    let steps = synapses * t;
    let memory = synapses * 3.0 * F64 // weights and Adam's two moments
        + synapses * 4.0 * F64 // e-prop's and RFLO's traces and the gradients
        + t * ni * F64 // the trial's input
        + t * n * 6.0 * F64; // BPTT's history, spikes and learning signals per step
    let ms = |ns: f64| steps * ns * 1e-6;
    (ms(NS_BPTT), ms(NS_EPROP), ms(NS_RFLO), memory, steps)
}

fn recurrent(rule: RuleId, c: &RecurrentConfig) -> Cost {
    let (bptt, eprop, rflo, memory, _) = recurrent_trial(c);
    // A unit is a chunk of a trial, forward or (BPTT) back: e-prop's or RFLO's, or on a report
    // iteration BPTT's for the cosine; the memory table's are the three methods' in turn. The
    // build runs the first trial at once (and BPTT's on it, for the cosine).
    let chunk = (through_time::chunk_steps(c) * through_time::synapses(c)) as f64;
    let (ns, setup_ms) = match rule {
        RuleId::Bptt => (NS_BPTT, bptt),
        RuleId::Eprop => (NS_EPROP.max(NS_BPTT), eprop + bptt),
        RuleId::Rflo => (NS_RFLO.max(NS_BPTT), rflo + bptt),
        _ => (NS_EPROP.max(NS_BPTT).max(NS_RFLO), 0.0),
    };
    Cost {
        memory_bytes: memory,
        parameters: 0.0,
        unit_ops: chunk,
        unit_ms: chunk * ns * 1e-6,
        unit_work: chunk,
        setup_ms,
        shape: format!("{}-{} recurrent neurons over a {} ms trial", c.inputs, c.neurons, c.duration),
        knob: "neurons",
        lower: "lower neurons, inputs or duration",
    }
}

fn plasticity(p: &PairingProtocol) -> Cost {
    // The slowest frequency makes the longest protocol: its trains, their gaps and 0.5 s margins,
    // at 0.1 ms steps for every neuron. A unit runs UNIT_NEURON_STEPS of it (at least a step of
    // every neuron).
    let slowest = p.frequencies_hz.iter().copied().fold(f64::INFINITY, f64::min);
    let period = if slowest.is_finite() && slowest > 0.0 { 1000.0 / slowest } else { 0.0 };
    let span_ms = p.trains as f64 * ((p.pairings_per_train as f64 - 1.0) * period + p.train_gap_ms)
        + 1000.0
        + p.pre_post_delay_ms.abs();
    let n = p.neurons as f64;
    let neuron_steps = (crate::bursts::plasticity::UNIT_NEURON_STEPS as f64 / n).floor().max(1.0) * n;
    let unit_ms = neuron_steps * NS_NEURON_STEP * 1e-6;
    Cost {
        memory_bytes: (p.trains * p.pairings_per_train) as f64 * F64 + p.neurons as f64 * 40.0 * F32,
        parameters: 0.0,
        unit_ops: neuron_steps,
        unit_ms,
        unit_work: neuron_steps,
        setup_ms: 0.0,
        shape: format!("a pairing protocol of {} simulated s with {} neurons", (span_ms / 1000.0).round(), p.neurons),
        knob: "trains",
        lower: "lower trains, train_gap_ms, pairings_per_train or neurons, or raise the lowest frequency",
    }
}

fn stdp(c: &crate::rules::stdp::StdpConfig) -> Cost {
    // A unit runs whole trials of a Δt, about UNIT_STEPS steps of them (at least one trial).
    let margin = 10.0 * c.post_tau_ms.max(c.pre_trace_ms);
    let steps = (2.0 * (c.window_ms + margin) / c.dt_ms).ceil();
    let ops = (c.trials as f64 * steps).min(steps.max(crate::rules::stdp::UNIT_STEPS as f64));
    Cost {
        memory_bytes: steps * F64 * 2.0 + (2.0 * c.window_ms / c.delta_step_ms + 1.0) * 2.0 * F64,
        parameters: 0.0,
        unit_ops: ops,
        unit_ms: ops * NS_STDP_STEP * 1e-6,
        unit_work: ops,
        setup_ms: 0.0,
        shape: format!("{} trials of {} steps per Δt", c.trials, steps.ceil()),
        knob: "trials",
        lower: "lower trials or window_ms, or raise dt_ms",
    }
}

fn gradient_check(c: &crate::rules::gradient_check::GradientCheckConfig) -> Cost {
    let sizes: Vec<f64> = [2.0].into_iter().chain(c.hidden.iter().map(|&h| h as f64)).chain([2.0]).collect();
    let params = parameters(&sizes);
    // A unit relaxes every example a chunk of steps (a phase of a β: free, nudged by +β, by −β),
    // every step driving each layer from both neighbours; the build takes the true gradient (a
    // free phase and as many adjoint steps).
    let example_steps = (crate::rules::gradient_check::GradientCheck::chunk_steps(c).min(c.steps) * c.examples) as f64;
    let ops = example_steps * 2.0 * params;
    let build = 2.0 * c.steps as f64 * c.examples as f64 * 2.0 * params;
    Cost {
        memory_bytes: params * 8.0 * F64 + c.examples as f64 * sizes.iter().sum::<f64>() * 8.0 * F64,
        parameters: 0.0,
        unit_ops: ops,
        unit_ms: ops * NS_F64_MAC * 1e-6,
        unit_work: example_steps,
        setup_ms: build * NS_F64_MAC * 1e-6,
        shape: format!("{} relaxation steps of {} examples through {}", c.steps, c.examples, describe(&sizes)),
        knob: "steps",
        lower: "lower steps, examples or hidden",
    }
}

fn estimates(c: &crate::rules::gradient_estimates::EstimatesConfig) -> Cost {
    let (dims, classes, train, test, density) = data_shape(DataKind::Mnist, 0);
    let widths: Vec<f64> = c.widths.iter().map(|&w| w as f64).collect();
    let batch = c.batch as f64;
    // Every width: a 784-w-10 network and five rules' estimates of one minibatch each (node
    // and weight perturbation run the batch again per probe).
    // Not split yet, and counted as setup: the warm-up's last unit also takes the true gradient
    // over the training set, and a width's last unit builds the next width's network.
    let (mut unit, mut memory, mut setup) = (0.0, 0.0, 0.0_f64);
    for &w in &widths {
        let sizes = [dims, w, classes];
        let (first, rest) = layer_macs(&sizes, density);
        unit += 5.0 * batch * (2.0 * first + 3.0 * rest) + 30.0 * parameters(&sizes);
        memory += parameters(&sizes) * 8.0 * F32 + batch * 2.0 * (dims + w + classes) * F32;
        setup = setup.max((train + test) * (first + rest) + train * (2.0 * first + 3.0 * rest));
    }
    Cost {
        memory_bytes: memory,
        parameters: 0.0,
        unit_ops: unit,
        unit_ms: unit * NS_PER_MAC * 1e-6,
        unit_work: batch + train + test,
        setup_ms: setup * NS_PER_MAC * 1e-6,
        shape: format!("five rules on 784-{{{}}}-10 at batch {}", describe(&widths), c.batch),
        knob: "widths",
        lower: "lower widths or batch",
    }
}

fn multiplex(c: &MultiplexConfig) -> Cost {
    // A simulated millisecond: ten 0.1 ms steps of every neuron; the raster keeps the shown
    // neurons' spikes over its window (at most one per 2 ms refractory period).
    let ops = 10.0 * c.neurons as f64;
    let raster = c.shown_neurons as f64 * c.raster_window_ms / 2.0 * 8.0;
    Cost {
        memory_bytes: c.neurons as f64 * 16.0 * F32 + raster,
        parameters: 0.0,
        unit_ops: ops,
        unit_ms: ops * NS_NEURON_STEP * 1e-6,
        unit_work: ops,
        setup_ms: 0.0,
        shape: format!("{} two-compartment neurons", c.neurons),
        knob: "neurons",
        lower: "lower neurons",
    }
}

/// The cost of `experiment`, from its settings alone.
pub fn estimate(experiment: &Experiment) -> Cost {
    match experiment {
        Experiment::Eqprop(c) => eqprop(c),
        // Settling pretrains the reference EqProp network, then relaxes one digit.
        Experiment::Settling(_) => {
            let mut cost = eqprop(&EqPropConfig::default());
            cost.knob = "pretrain_epochs";
            cost.lower = "lower pretrain_epochs";
            cost
        }
        Experiment::Dendrites(c) => dendrites(c),
        Experiment::Superspike(c) => superspike(c),
        Experiment::Bptt(c) | Experiment::Eprop(c) | Experiment::Rflo(c) | Experiment::Memory(c) => {
            recurrent(experiment.rule(), c)
        }
        Experiment::Plasticity(p) => plasticity(p),
        Experiment::Stdp(c) => stdp(c),
        Experiment::GradientCheck(c) => gradient_check(c),
        Experiment::Estimates(c) => estimates(c),
        Experiment::Multiplex(c) => multiplex(c),
        other => feedforward(other.rule(), other.feedforward().expect("every other experiment is feed-forward")),
    }
}

/// The settings grown, in order, to find a rule's largest accepted configuration
/// ([`largest_accepted`]): its network or population, then what each unit repeats.
fn growing_knobs(rule: RuleId) -> &'static [&'static str] {
    match rule {
        RuleId::Eqprop => &["hidden", "batch", "free_steps"],
        RuleId::Dendrites => &["hidden"],
        RuleId::Superspike => &["inputs", "hidden", "duration"],
        RuleId::Bptt | RuleId::Eprop | RuleId::Rflo | RuleId::Memory => &["neurons", "inputs", "duration"],
        RuleId::Plasticity => &["neurons", "trains"],
        RuleId::Stdp => &["trials"],
        RuleId::GradientCheck => &["steps", "examples"],
        RuleId::Estimates => &["widths", "batch"],
        RuleId::Multiplex => &["neurons"],
        RuleId::Settling => &[],
        _ => &["hidden", "batch"],
    }
}

/// `rule`'s largest configuration that [`check`] and the settings' ranges accept, from its
/// MNIST preset: each of its growing knobs in turn (a list knob as one entry, e.g. one hidden
/// layer) set to the largest value accepted, found by doubling and then bisecting. What
/// `brainprop bench --units` times beside the defaults.
pub fn largest_accepted(rule: RuleId) -> Result<Experiment> {
    let mut settings = Experiment::preset(rule, DataKind::Mnist)?.settings();
    let with = |settings: &serde_json::Value, knob: &str, value: f64| {
        let mut s = settings.clone();
        let integer = s[knob].is_u64() || s[knob].as_array().is_some_and(|a| a.iter().all(|v| v.is_u64()));
        let v = if integer { serde_json::json!(value.floor() as u64) } else { serde_json::json!(value) };
        s[knob] = if s[knob].is_array() { serde_json::json!([v]) } else { v };
        s
    };
    let accepted =
        |s: &serde_json::Value| Experiment::from_settings(rule, s.clone()).is_ok_and(|e| e.validate().is_ok());
    for knob in growing_knobs(rule) {
        let start = match &settings[*knob] {
            serde_json::Value::Array(a) => a.iter().filter_map(|v| v.as_f64()).fold(0.0, f64::max),
            v => v.as_f64().unwrap_or(0.0),
        };
        if start <= 0.0 || !accepted(&with(&settings, knob, start)) {
            continue;
        }
        let (mut low, mut high) = (start, start * 2.0);
        while accepted(&with(&settings, knob, high)) && high < 1e9 {
            (low, high) = (high, high * 2.0);
        }
        for _ in 0..40 {
            let mid = (low + high) / 2.0;
            if accepted(&with(&settings, knob, mid)) {
                low = mid;
            } else {
                high = mid;
            }
            if high - low < 1.0 {
                break;
            }
        }
        settings = with(&settings, knob, low);
    }
    Experiment::from_settings(rule, settings)
}
