//! The burst-multiplexing experiment of Naud & Sprekeler (2018, PNAS 115(27):E6329): one population
//! of two-compartment neurons carries two independent signals at once, the somatic input in its
//! event rate and the dendritic input in its burst probability, and short-term plasticity reads
//! them apart again.
//!
//! Inputs to neuron `i` (currents in pA; ξ are unit-variance Ornstein–Uhlenbeck processes):
//!
//! ```text
//! I_s,i(t) = μ_s + A_s ξ_s(t) + σ_s η_s,i(t)        ξ_s: shared, τ_in ≈ 200 ms; η_s,i: private, τ_noise
//! I_d,i(t) = μ_d + A_d ξ_d(t) + σ_d η_d,i(t)        ξ_d: shared, independent of ξ_s
//! ```
//!
//! The neurons are [`crate::neuron::TwoCompartmentPopulation`] (Euler, dt = 0.1 ms). The OU
//! processes are advanced exactly once per simulated millisecond and held for its 10 Euler steps.
//!
//! Read-out, per bin of `bin_ms` (10 ms), population-averaged and in Hz per neuron:
//!
//! ```text
//! E = events / (N·bin)          B = bursts / (N·bin)          (each counted at its first spike)
//! D = Σ depressing efficacies / (N·bin)      F = Σ facilitating efficacies / (N·bin)
//! ```
//!
//! Every stream, the two shared input currents included, then goes through the same causal
//! exponential smoothing (τ = `smoothing_ms`, 50 ms), so that they all carry the same delay;
//! the burst probability is the ratio of the smoothed rates, P = B̄/Ē. The depressing
//! (U = 0.9) and facilitating (U = 0.02) Tsodyks–Markram synapses, one per neuron of each kind,
//! receive every spike; their summed efficacies D and F are the decoded event and burst streams.
//!
//! Because a burst is only recognised when its second spike comes (up to 16 ms later), a bin is
//! closed, and its metric row written, once the simulation is 16 ms + 1 ms past its end.
//!
//! Metric columns, one row per bin: `time_s` (end of the bin), `somatic_input` and
//! `dendritic_input` (smoothed μ + A ξ, pA), `event_rate`, `burst_prob`, `burst_rate`,
//! `depressing_readout`, `facilitating_readout` (Hz per neuron, efficacy-weighted for the read-outs).
//!
//! Default inputs (pA), tuned so that both streams come through with little cross-talk:
//!
//! - Soma: μ_s = 300, A_s = 150, private σ_s = 450 (τ_noise = 5 ms). The cells need about 460 pA
//!   to fire, so they run in a fluctuation-driven regime (event rate ≈ 6 Hz, roughly 1–15 Hz as
//!   ξ_s swings) in which the event rate is close to linear in the somatic input. Strong private
//!   noise also keeps the population from firing in lock-step with the shared signal.
//! - Dendrite: μ_d = 20, A_d = 150, private σ_d = 250. A dendrite fires a plateau on its own only
//!   above about 550 pA, so the dendritic input stays below that threshold unless a bAP arrives
//!   (alone, it makes about 0.15 Hz of events, some 2 % of the total); how close it sits to the
//!   threshold when the bAP comes sets the burst probability (≈ 0.3 on average). The private
//!   dendritic noise spreads that threshold over the population, which makes P nearly linear in
//!   the dendritic input; with less of it (σ_d ≤ 150) each burst's somatic adaptation pulls the
//!   event rate down when the dendritic input rises, and corr(E, dendritic input) falls to −0.2.
//!
//! The default run lasts 30 s: the two shared inputs are independent, but over T seconds two
//! OU signals with τ = 200 ms still correlate by chance with a standard deviation of about
//! √(τ/T) (0.10 at 20 s, 0.08 at 30 s), which leaks straight into the cross-talk
//! correlations. `tests/bursts.rs` checks the thresholds on the default seed.

use crate::neuron::{OnlineBurstDetector, OnlineSpike, Stp, StpPopulation, TwoCompartmentParams};
use crate::neuron::{TwoCompartmentPopulation, BURST_WINDOW_MS};
use crate::rng::{rng_for, SimRng, Stream};
use crate::rule::{MetricTable, Progress, Rule, RuleId, Snapshot, StepOutcome};
use crate::schema::Settings;
use crate::{Error, Result};
use rand::Rng;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Metric columns of [`Multiplexing`], in order.
pub const COLUMNS: [&str; 8] = [
    "time_s",
    "somatic_input",
    "dendritic_input",
    "event_rate",
    "burst_prob",
    "burst_rate",
    "depressing_readout",
    "facilitating_readout",
];

/// Euler steps per simulated millisecond (dt = 0.1 ms).
const STEPS_PER_MS: u32 = 10;

/// Rows of recent traces sent by [`Multiplexing::snapshot`].
const TRACE_ROWS: usize = 300;

/// Largest allowed population.
pub const MAX_NEURONS: usize = 5000;
/// Longest allowed run.
pub const MAX_DURATION_S: f64 = 600.0;
/// Largest allowed input mean, amplitude or noise (pA).
pub const MAX_CURRENT_PA: f64 = 5000.0;

crate::settings! {
    /// Settings of the multiplexing experiment. Currents in pA, times as named.
    pub struct MultiplexConfig {
        /// Mean current μ_s into every soma.
        somatic_mean: f64 = 300.0, "somatic mean current" in "pA", Kind::number(-MAX_CURRENT_PA, MAX_CURRENT_PA);
        /// Standard deviation A_s of the shared somatic signal.
        somatic_amplitude: f64 = 150.0, "somatic signal amplitude" in "pA", Kind::number(0.0, MAX_CURRENT_PA);
        /// Mean current μ_d into every apical dendrite.
        dendritic_mean: f64 = 20.0, "dendritic mean current" in "pA", Kind::number(-MAX_CURRENT_PA, MAX_CURRENT_PA);
        /// Standard deviation A_d of the shared dendritic signal.
        dendritic_amplitude: f64 = 150.0, "dendritic signal amplitude" in "pA", Kind::number(0.0, MAX_CURRENT_PA);
        /// Population size N.
        neurons: usize = 300, "neurons", Kind::int(1.0, MAX_NEURONS as f64);
        /// Seed of every random draw (shared signals and private noise).
        seed: u64 = 1, "seed", Kind::seed();
        /// Simulated time after which the run is finished.
        duration_s: f64 = 30.0, "duration" in "s", Kind::positive(MAX_DURATION_S);
        /// Correlation time τ_in of the two shared signals.
        input_tau_ms: f64 = 200.0, "input correlation time" in "ms", Kind::positive(100_000.0);
        /// Standard deviation σ_s of each neuron's private somatic noise.
        somatic_noise: f64 = 450.0, "somatic noise" in "pA", Kind::number(0.0, MAX_CURRENT_PA);
        /// Standard deviation σ_d of each neuron's private dendritic noise.
        dendritic_noise: f64 = 250.0, "dendritic noise" in "pA", Kind::number(0.0, MAX_CURRENT_PA);
        /// Correlation time of the private noise.
        noise_tau_ms: f64 = 5.0, "noise correlation time" in "ms", Kind::positive(100_000.0);
        /// Width of the counting bins (whole milliseconds); one metric row per bin.
        bin_ms: u32 = 10, "bin width" in "ms", Kind::int(1.0, 1000.0);
        /// Time constant of the exponential smoothing applied to every stream.
        smoothing_ms: f64 = 50.0, "smoothing time constant" in "ms", Kind::positive(100_000.0);
        /// Neurons shown in the raster (evenly spaced through the population).
        shown_neurons: usize = 50, "neurons in the raster", Kind::int(0.0, MAX_NEURONS as f64);
        /// How much recent time the raster covers.
        raster_window_ms: f64 = 1000.0, "raster window" in "ms", Kind::positive(10_000.0);
        /// Rows before this time are left out of the correlations (the start-up transient).
        settle_s: f64 = 0.5, "settling time" in "s", Kind::number(0.0, MAX_DURATION_S);
    }
    check(self) {
        Ok(())
    }
}

/// The four input settings the page may change while a run goes on (see [`Multiplexing::set_inputs`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MultiplexInputs {
    /// Mean somatic current μ_s (pA).
    pub somatic_mean: f64,
    /// Standard deviation A_s of the shared somatic signal (pA).
    pub somatic_amplitude: f64,
    /// Mean dendritic current μ_d (pA).
    pub dendritic_mean: f64,
    /// Standard deviation A_d of the shared dendritic signal (pA).
    pub dendritic_amplitude: f64,
}

impl MultiplexInputs {
    /// Checks the four currents against [`MultiplexConfig`]'s declared limits.
    pub fn validate(&self) -> Result<()> {
        let fields = MultiplexConfig::fields();
        for (name, value) in [
            ("somatic_mean", self.somatic_mean),
            ("somatic_amplitude", self.somatic_amplitude),
            ("dendritic_mean", self.dendritic_mean),
            ("dendritic_amplitude", self.dendritic_amplitude),
        ] {
            let field = fields.iter().find(|f| f.name == name).expect("an input field");
            field.check(&serde_json::json!(value))?; // NaN and ±∞ become null, which is refused
        }
        Ok(())
    }
}

impl MultiplexConfig {
    /// The input settings of this configuration.
    pub fn inputs(&self) -> MultiplexInputs {
        MultiplexInputs {
            somatic_mean: self.somatic_mean,
            somatic_amplitude: self.somatic_amplitude,
            dendritic_mean: self.dendritic_mean,
            dendritic_amplitude: self.dendritic_amplitude,
        }
    }
}

/// Pearson correlations between the streams of a run (rows after `settle_s`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MultiplexCorrelations {
    /// Event rate against the somatic input: the first stream (should be high).
    pub event_rate_vs_somatic: f64,
    /// Burst probability against the dendritic input: the second stream (should be high).
    pub burst_prob_vs_dendritic: f64,
    /// Event rate against the dendritic input: cross-talk (should be near 0).
    pub event_rate_vs_dendritic: f64,
    /// Burst probability against the somatic input: cross-talk (should be near 0).
    pub burst_prob_vs_somatic: f64,
    /// The depressing synapses' read-out against the event rate.
    pub depressing_vs_event_rate: f64,
    /// The facilitating synapses' read-out against the burst rate.
    pub facilitating_vs_burst_rate: f64,
    /// The depressing synapses' read-out against the dendritic input: what leaks of the second
    /// stream into the first read-out (should be near 0).
    pub depressing_vs_dendritic: f64,
    /// The facilitating synapses' read-out against the dendritic input (should be clearly
    /// positive: the burst rate P·E carries the dendritic input through P).
    pub facilitating_vs_dendritic: f64,
}

/// The Pearson correlation of two equally long series; `None` if either is constant or they
/// differ in length or are shorter than 2.
pub fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() != b.len() || a.len() < 2 {
        return None;
    }
    let n = a.len() as f64;
    let (mean_a, mean_b) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        let (dx, dy) = (x - mean_a, y - mean_b);
        ab += dx * dy;
        aa += dx * dx;
        bb += dy * dy;
    }
    let r = ab / (aa * bb).sqrt();
    r.is_finite().then_some(r)
}

/// Sums over one counting bin, before smoothing.
#[derive(Debug, Clone, Copy, Default)]
struct BinTotals {
    events: u32,
    bursts: u32,
    depressing: f64,
    facilitating: f64,
    somatic_input: f64,
    dendritic_input: f64,
}

/// The exponentially smoothed streams.
#[derive(Debug, Clone, Copy, Default)]
struct Smoothed {
    somatic_input: f64,
    dendritic_input: f64,
    event_rate: f64,
    burst_rate: f64,
    depressing: f64,
    facilitating: f64,
}

/// One spike in the raster.
#[derive(Debug, Clone, Copy)]
struct RasterSpike {
    time_ms: f64,
    row: u16,
    burst: bool,
}

/// Advances a unit-variance Ornstein–Uhlenbeck process by `decay = e^{−Δ/τ}` exactly.
fn ou_step(value: f64, decay: f64, rng: &mut SimRng) -> f64 {
    let normal: f64 = rng.sample(StandardNormal);
    value * decay + (1.0 - decay * decay).sqrt() * normal
}

/// The Naud–Sprekeler (2018) multiplexing experiment as a [`Rule`] (equations in the module
/// documentation): a population of two-compartment neurons whose event rate carries the somatic
/// input and whose burst probability carries the dendritic input, read out by depressing and
/// facilitating synapses. One work unit is 1 ms of simulated time (10 Euler steps), and
/// [`StepOutcome::samples`] counts simulated milliseconds.
pub struct Multiplexing {
    config: MultiplexConfig,
    neurons: TwoCompartmentPopulation,
    detector: OnlineBurstDetector,
    depressing: StpPopulation,
    facilitating: StpPopulation,
    rng: SimRng,
    /// Shared somatic signal ξ_s (unit variance).
    shared_somatic: f64,
    /// Shared dendritic signal ξ_d (unit variance).
    shared_dendritic: f64,
    /// Private somatic noise η_s,i (unit variance).
    private_somatic: Vec<f32>,
    /// Private dendritic noise η_d,i (unit variance).
    private_dendritic: Vec<f32>,
    somatic_current: Vec<f32>,
    dendritic_current: Vec<f32>,
    spiked: Vec<u32>,
    /// Simulated milliseconds so far.
    elapsed_ms: u64,
    /// Bins not yet closed, the first being `first_open_bin`.
    open_bins: VecDeque<BinTotals>,
    first_open_bin: u64,
    smoothed: Smoothed,
    metrics: MetricTable,
    /// Raster row of each neuron, if it is shown.
    raster_row: Vec<Option<u16>>,
    raster: VecDeque<RasterSpike>,
    /// Spikes ever pushed to `raster` (so a sequence number finds an entry after old ones left).
    raster_pushed: u64,
    /// Sequence number of each shown neuron's last raster spike.
    last_raster_spike: Vec<Option<u64>>,
    diverged: Option<Error>,
}

impl Multiplexing {
    /// Validates `config` and builds the population at rest, with the shared signals drawn from
    /// their stationary distribution.
    pub fn new(config: MultiplexConfig) -> Result<Self> {
        Self::with_synapses(config, Stp::DEPRESSING, Stp::FACILITATING)
    }

    /// As [`Self::new`], with other short-term plasticity in place of the two read-out synapse
    /// types (e.g. [`Stp::STATIC`] for both, a plain spike counter: the control that shows the
    /// read-outs owe their separation to depression and facilitation). Refuses invalid `Stp`.
    pub fn with_synapses(config: MultiplexConfig, depressing: Stp, facilitating: Stp) -> Result<Self> {
        config.validate()?;
        for (name, stp) in [("depressing", depressing), ("facilitating", facilitating)] {
            if !stp.is_valid() {
                return Err(Error::invalid(name, format!("invalid short-term plasticity {stp:?}")));
            }
        }
        let n = config.neurons;
        let mut rng = rng_for(config.seed, Stream::Simulation);
        let shared_somatic = rng.sample(StandardNormal);
        let shared_dendritic = rng.sample(StandardNormal);
        let private_somatic = (0..n).map(|_| rng.sample(StandardNormal)).collect();
        let private_dendritic = (0..n).map(|_| rng.sample(StandardNormal)).collect();
        let shown = config.shown_neurons.min(n);
        let mut raster_row = vec![None; n];
        for row in 0..shown {
            let neuron = if shown == 1 { 0 } else { row * (n - 1) / (shown - 1) };
            raster_row[neuron] = Some(row as u16);
        }
        Ok(Self {
            neurons: TwoCompartmentPopulation::new(n, TwoCompartmentParams::default()),
            detector: OnlineBurstDetector::new(n, BURST_WINDOW_MS),
            depressing: StpPopulation::new(depressing, n),
            facilitating: StpPopulation::new(facilitating, n),
            rng,
            shared_somatic,
            shared_dendritic,
            private_somatic,
            private_dendritic,
            somatic_current: vec![0.0; n],
            dendritic_current: vec![0.0; n],
            spiked: Vec::with_capacity(n),
            elapsed_ms: 0,
            open_bins: VecDeque::new(),
            first_open_bin: 0,
            smoothed: Smoothed::default(),
            metrics: MetricTable::new(&COLUMNS),
            raster_row,
            raster: VecDeque::new(),
            raster_pushed: 0,
            last_raster_spike: vec![None; shown],
            diverged: None,
            config,
        })
    }

    /// The configuration, with the inputs as last set.
    pub fn config(&self) -> &MultiplexConfig {
        &self.config
    }

    /// The neurons' state.
    pub fn neurons(&self) -> &TwoCompartmentPopulation {
        &self.neurons
    }

    /// The neurons' state, to perturb it (e.g. to clamp a cell, or in tests). A NaN or infinite
    /// value put here makes the next closed bin report [`Error::Diverged`].
    pub fn neurons_mut(&mut self) -> &mut TwoCompartmentPopulation {
        &mut self.neurons
    }

    /// Changes the means and amplitudes of the somatic and dendritic inputs from now on. Nothing
    /// else changes: the shared signals ξ and the private noise go on along the same random path,
    /// so a change to the somatic settings moves only the somatic stream (and the dendritic
    /// settings only the dendritic one). Invalid values are refused with
    /// [`Error::InvalidConfig`] and leave the inputs as they were.
    pub fn set_inputs(&mut self, inputs: MultiplexInputs) -> Result<()> {
        inputs.validate()?;
        self.config.somatic_mean = inputs.somatic_mean;
        self.config.somatic_amplitude = inputs.somatic_amplitude;
        self.config.dendritic_mean = inputs.dendritic_mean;
        self.config.dendritic_amplitude = inputs.dendritic_amplitude;
        Ok(())
    }

    /// Simulated time so far, in seconds.
    pub fn elapsed_s(&self) -> f64 {
        self.elapsed_ms as f64 / 1000.0
    }

    fn finished(&self) -> bool {
        self.elapsed_ms as f64 >= self.config.duration_s * 1000.0
    }

    /// Pearson correlations of the recorded streams, leaving out rows before `settle_s`.
    /// A correlation that is undefined (a constant stream, e.g. no bursts at all) is NaN.
    pub fn correlations(&self) -> MultiplexCorrelations {
        correlations(&self.metrics, self.config.settle_s)
    }

    /// Simulates one millisecond: new input currents, 10 Euler steps, spikes into the detector,
    /// the synapses and the raster; closes the bins that can no longer change.
    fn simulate_ms(&mut self) -> Result<()> {
        let config = &self.config;
        let input_decay = (-1.0 / config.input_tau_ms).exp();
        let noise_decay = (-1.0 / config.noise_tau_ms).exp() as f32;
        let noise_scale = (1.0 - noise_decay * noise_decay).sqrt();
        self.shared_somatic = ou_step(self.shared_somatic, input_decay, &mut self.rng);
        self.shared_dendritic = ou_step(self.shared_dendritic, input_decay, &mut self.rng);
        let somatic_signal = config.somatic_mean + config.somatic_amplitude * self.shared_somatic;
        let dendritic_signal = config.dendritic_mean + config.dendritic_amplitude * self.shared_dendritic;
        let (somatic_noise, dendritic_noise) = (config.somatic_noise as f32, config.dendritic_noise as f32);
        for i in 0..config.neurons {
            let (a, b): (f32, f32) = (self.rng.sample(StandardNormal), self.rng.sample(StandardNormal));
            self.private_somatic[i] = self.private_somatic[i] * noise_decay + noise_scale * a;
            self.private_dendritic[i] = self.private_dendritic[i] * noise_decay + noise_scale * b;
            self.somatic_current[i] = somatic_signal as f32 + somatic_noise * self.private_somatic[i];
            self.dendritic_current[i] = dendritic_signal as f32 + dendritic_noise * self.private_dendritic[i];
        }
        let bin_ms = u64::from(config.bin_ms);
        let current_bin = self.elapsed_ms / bin_ms;
        while self.first_open_bin + (self.open_bins.len() as u64) <= current_bin {
            self.open_bins.push_back(BinTotals::default());
        }
        let slot = (current_bin - self.first_open_bin) as usize;
        self.open_bins[slot].somatic_input += somatic_signal;
        self.open_bins[slot].dendritic_input += dendritic_signal;

        let dt = f64::from(self.neurons.params().dt_ms);
        for sub_step in 0..STEPS_PER_MS {
            self.spiked.clear();
            self.neurons.step(&self.somatic_current, &self.dendritic_current, &mut self.spiked);
            let time_ms = self.elapsed_ms as f64 + f64::from(sub_step + 1) * dt;
            for &neuron in &self.spiked {
                let neuron = neuron as usize;
                let previous_ms = self.detector.last_spike_ms(neuron);
                let kind = self.detector.on_spike(neuron, time_ms);
                // A spike at the very end of the millisecond still belongs to this bin.
                match kind {
                    OnlineSpike::Event => self.open_bins[slot].events += 1,
                    OnlineSpike::BurstDetected => {
                        // The burst is counted in the bin of its first spike, if still open.
                        let first_bin = ((previous_ms - dt * 0.5).max(0.0) / bin_ms as f64) as u64;
                        if first_bin >= self.first_open_bin {
                            self.open_bins[(first_bin - self.first_open_bin) as usize].bursts += 1;
                        }
                    }
                    OnlineSpike::LaterInBurst => {}
                }
                self.open_bins[slot].depressing += self.depressing.on_spike(neuron, time_ms);
                self.open_bins[slot].facilitating += self.facilitating.on_spike(neuron, time_ms);
                if let Some(row) = self.raster_row[neuron] {
                    record_raster_spike(
                        &mut self.raster,
                        &mut self.raster_pushed,
                        &mut self.last_raster_spike[row as usize],
                        RasterSpike { time_ms, row, burst: kind != OnlineSpike::Event },
                    );
                }
            }
        }
        self.elapsed_ms += 1;
        // A bin can still gain a burst until one burst window after its end.
        let settled_after_ms = BURST_WINDOW_MS as u64 + 1;
        while !self.open_bins.is_empty() && (self.first_open_bin + 1) * bin_ms + settled_after_ms <= self.elapsed_ms {
            self.close_bin()?;
        }
        if self.finished() {
            while !self.open_bins.is_empty() && self.first_open_bin * bin_ms < self.elapsed_ms {
                self.close_bin()?;
            }
        }
        Ok(())
    }

    /// Turns the oldest open bin into a metric row.
    fn close_bin(&mut self) -> Result<()> {
        let Some(totals) = self.open_bins.pop_front() else { return Ok(()) };
        let bin = self.first_open_bin;
        self.first_open_bin += 1;
        let config = &self.config;
        let bin_ms = f64::from(config.bin_ms);
        let per_neuron_hz = 1000.0 / (config.neurons as f64 * bin_ms);
        let alpha = 1.0 - (-bin_ms / config.smoothing_ms).exp();
        let s = &mut self.smoothed;
        let first = bin == 0;
        let smooth = |state: &mut f64, value: f64| {
            *state = if first { value } else { *state + alpha * (value - *state) };
            *state
        };
        let somatic_input = smooth(&mut s.somatic_input, totals.somatic_input / bin_ms);
        let dendritic_input = smooth(&mut s.dendritic_input, totals.dendritic_input / bin_ms);
        let event_rate = smooth(&mut s.event_rate, f64::from(totals.events) * per_neuron_hz);
        let burst_rate = smooth(&mut s.burst_rate, f64::from(totals.bursts) * per_neuron_hz);
        let depressing = smooth(&mut s.depressing, totals.depressing * per_neuron_hz);
        let facilitating = smooth(&mut s.facilitating, totals.facilitating * per_neuron_hz);
        let burst_prob = if event_rate > 0.0 { (burst_rate / event_rate).min(1.0) } else { 0.0 };
        let time_s = (bin + 1) as f64 * bin_ms / 1000.0;
        let row =
            vec![time_s, somatic_input, dendritic_input, event_rate, burst_prob, burst_rate, depressing, facilitating];
        if row.iter().any(|v| !v.is_finite()) || !self.neurons.is_finite() {
            let error = Error::Diverged { epoch: self.elapsed_s(), loss: f64::NAN };
            self.diverged = Some(error.clone());
            return Err(error);
        }
        self.metrics.push(row);
        Ok(())
    }

    /// Drops raster spikes older than the raster window.
    fn trim_raster(&mut self) {
        let start = self.elapsed_ms as f64 - self.config.raster_window_ms;
        while self.raster.front().is_some_and(|spike| spike.time_ms < start) {
            self.raster.pop_front();
        }
    }
}

/// Appends a raster spike; a spike that continues a burst also marks the neuron's previous spike
/// (the burst's first) as part of the burst.
fn record_raster_spike(
    raster: &mut VecDeque<RasterSpike>,
    pushed: &mut u64,
    last_of_neuron: &mut Option<u64>,
    spike: RasterSpike,
) {
    if spike.burst {
        if let Some(sequence) = *last_of_neuron {
            let first_kept = *pushed - raster.len() as u64;
            if sequence >= first_kept {
                raster[(sequence - first_kept) as usize].burst = true;
            }
        }
    }
    *last_of_neuron = Some(*pushed);
    raster.push_back(spike);
    *pushed += 1;
}

/// Pearson correlations of the streams in a [`Multiplexing`] metric table, leaving out rows
/// before `settle_s`; undefined correlations are NaN.
pub fn correlations(table: &MetricTable, settle_s: f64) -> MultiplexCorrelations {
    let column = |name: &str| -> Vec<f64> {
        let (Some(time), Some(index)) = (table.column_index("time_s"), table.column_index(name)) else {
            return Vec::new();
        };
        table.rows.iter().filter(|row| row[time] > settle_s).map(|row| row[index]).collect()
    };
    let r = |a: &[f64], b: &[f64]| pearson(a, b).unwrap_or(f64::NAN);
    let (soma, dend) = (column("somatic_input"), column("dendritic_input"));
    let (events, prob, bursts) = (column("event_rate"), column("burst_prob"), column("burst_rate"));
    let (depressing, facilitating) = (column("depressing_readout"), column("facilitating_readout"));
    MultiplexCorrelations {
        event_rate_vs_somatic: r(&events, &soma),
        burst_prob_vs_dendritic: r(&prob, &dend),
        event_rate_vs_dendritic: r(&events, &dend),
        burst_prob_vs_somatic: r(&prob, &soma),
        depressing_vs_event_rate: r(&depressing, &events),
        facilitating_vs_burst_rate: r(&facilitating, &bursts),
        depressing_vs_dendritic: r(&depressing, &dend),
        facilitating_vs_dendritic: r(&facilitating, &dend),
    }
}

impl Rule for Multiplexing {
    /// `"multiplex"`, the experiment's `rule` tag.
    fn id(&self) -> RuleId {
        RuleId::Multiplex
    }

    fn step(&mut self, budget: u32) -> Result<StepOutcome> {
        if let Some(error) = &self.diverged {
            return Err(error.clone());
        }
        let rows_before = self.metrics.rows.len();
        let mut outcome = StepOutcome::default();
        while outcome.units < budget.max(1) && !self.finished() {
            self.simulate_ms()?;
            outcome.units += 1;
            outcome.samples += 1;
            outcome.work += u64::from(STEPS_PER_MS) * self.config.neurons as u64;
        }
        self.trim_raster();
        outcome.new_rows = self.metrics.rows.len() - rows_before;
        outcome.finished = self.finished();
        Ok(outcome)
    }

    fn metrics(&self) -> &MetricTable {
        &self.metrics
    }

    /// Frames: `raster.times` (s), `raster.neuron` (row 0‥shown), `raster.burst` (1 for a spike
    /// that belongs to a burst), `raster.window` ([start, end] in s), `raster.rows` (the neuron
    /// index shown in each row), `shown.soma_v` and `shown.dend_v` (mV, one per row), `inputs`
    /// ([μ_s, A_s, μ_d, A_d]), and `trace.<column>` for every metric column over the last
    /// 300 rows (3 s at 10 ms bins).
    fn snapshot(&mut self) -> Snapshot {
        self.trim_raster();
        let mut snap = Snapshot::default();
        let n = self.raster.len();
        snap.push("raster.times", vec![n], self.raster.iter().map(|s| (s.time_ms / 1000.0) as f32).collect());
        snap.push("raster.neuron", vec![n], self.raster.iter().map(|s| f32::from(s.row)).collect());
        snap.push("raster.burst", vec![n], self.raster.iter().map(|s| if s.burst { 1.0 } else { 0.0 }).collect());
        let end_s = self.elapsed_s();
        let start_s = (end_s - self.config.raster_window_ms / 1000.0).max(0.0);
        snap.push("raster.window", vec![2], vec![start_s as f32, end_s as f32]);
        let shown: Vec<usize> = (0..self.raster_row.len()).filter(|&i| self.raster_row[i].is_some()).collect();
        snap.push("raster.rows", vec![shown.len()], shown.iter().map(|&i| i as f32).collect());
        snap.push("shown.soma_v", vec![shown.len()], shown.iter().map(|&i| self.neurons.soma_v[i]).collect());
        snap.push("shown.dend_v", vec![shown.len()], shown.iter().map(|&i| self.neurons.dend_v[i]).collect());
        let inputs = self.config.inputs();
        let values = [inputs.somatic_mean, inputs.somatic_amplitude, inputs.dendritic_mean, inputs.dendritic_amplitude];
        snap.push("inputs", vec![4], values.iter().map(|&v| v as f32).collect());
        let rows = &self.metrics.rows[self.metrics.rows.len().saturating_sub(TRACE_ROWS)..];
        for (c, name) in COLUMNS.iter().enumerate() {
            snap.push(format!("trace.{name}"), vec![rows.len()], rows.iter().map(|row| row[c] as f32).collect());
        }
        snap
    }

    fn progress(&self) -> Progress {
        Progress { samples: self.elapsed_ms, epoch: self.elapsed_s() }
    }

    /// Live settings: any of `somatic_mean`, `somatic_amplitude`, `dendritic_mean`,
    /// `dendritic_amplitude` (numbers, pA), applied through [`Multiplexing::set_inputs`]. Any other
    /// key, or a value that is not a number in range, refuses the whole change.
    fn adjust(&mut self, settings: &serde_json::Value) -> Result<()> {
        let Some(fields) = settings.as_object() else {
            return Err(Error::invalid("settings", format!("must be an object of input settings, got {settings}")));
        };
        let mut inputs = self.config.inputs();
        for (key, value) in fields {
            let (name, slot): (&'static str, &mut f64) = match key.as_str() {
                "somatic_mean" => ("somatic_mean", &mut inputs.somatic_mean),
                "somatic_amplitude" => ("somatic_amplitude", &mut inputs.somatic_amplitude),
                "dendritic_mean" => ("dendritic_mean", &mut inputs.dendritic_mean),
                "dendritic_amplitude" => ("dendritic_amplitude", &mut inputs.dendritic_amplitude),
                _ => {
                    return Err(Error::invalid(
                        "settings",
                        format!(
                            "the multiplexing model can adjust somatic_mean, somatic_amplitude, dendritic_mean and \
                             dendritic_amplitude while it runs, not {key}"
                        ),
                    ))
                }
            };
            *slot = value.as_f64().ok_or_else(|| Error::invalid(name, format!("must be a number, got {value}")))?;
        }
        self.set_inputs(inputs)
    }
}
