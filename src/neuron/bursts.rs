//! Events and bursts (Naud & Sprekeler 2018): a *burst spike* is a spike that follows the same
//! neuron's previous spike within 16 ms; a *burst* is a run of spikes joined that way; an *event*
//! is an isolated spike or the first spike of a burst. Event rate E, burst rate B and burst
//! probability P = B/E are the multiplexed code.
//!
//! An inter-spike interval counts as "within" the window when it is at most 16 ms (up to a
//! tolerance of [`WINDOW_TOLERANCE_MS`], so that spike times on a 0.1 ms grid never flip a label
//! through rounding).

/// The burst window: a spike this soon (or sooner) after the previous one is a burst spike.
pub const BURST_WINDOW_MS: f64 = 16.0;

/// Intervals up to `window + WINDOW_TOLERANCE_MS` count as inside the window.
pub const WINDOW_TOLERANCE_MS: f64 = 1e-9;

/// What role one spike plays in the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpikeKind {
    /// Neither the previous nor the next spike is within the window: an event and no burst.
    Isolated,
    /// The first spike of a burst: an event, and the time the burst is counted at.
    BurstStart,
    /// A later spike of a burst: neither an event nor a new burst.
    InBurst,
}

impl SpikeKind {
    /// True for an isolated spike or the first spike of a burst.
    pub fn is_event(self) -> bool {
        !matches!(self, SpikeKind::InBurst)
    }

    /// True for every spike that belongs to a burst (its first one included).
    pub fn is_part_of_burst(self) -> bool {
        !matches!(self, SpikeKind::Isolated)
    }
}

fn within(interval_ms: f64, window_ms: f64) -> bool {
    interval_ms <= window_ms + WINDOW_TOLERANCE_MS
}

/// Labels the spikes of one neuron, given in increasing time order, with `window_ms` as the burst
/// window (usually [`BURST_WINDOW_MS`]). Unsorted input gives labels but not meaningful ones: a
/// negative interval counts as within the window.
pub fn label_spikes(times_ms: &[f64], window_ms: f64) -> Vec<SpikeKind> {
    let mut labels = Vec::with_capacity(times_ms.len());
    for (k, &t) in times_ms.iter().enumerate() {
        let joins_previous = k > 0 && within(t - times_ms[k - 1], window_ms);
        if joins_previous {
            // The previous spike starts a burst unless it is already inside one.
            if labels[k - 1] == SpikeKind::Isolated {
                labels[k - 1] = SpikeKind::BurstStart;
            }
            labels.push(SpikeKind::InBurst);
        } else {
            labels.push(SpikeKind::Isolated);
        }
    }
    labels
}

/// Counts per time bin, each event and each burst counted in the bin of its first spike.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BinCounts {
    /// Events (isolated spikes plus burst starts) per bin.
    pub events: Vec<u32>,
    /// Bursts per bin (counted at their first spike).
    pub bursts: Vec<u32>,
    /// All spikes per bin.
    pub spikes: Vec<u32>,
}

/// Bins spikes and their labels (from [`label_spikes`]) into `bins` bins of `bin_ms`, starting at
/// time 0. Spikes outside `[0, bins·bin_ms)` are left out.
pub fn count_per_bin(times_ms: &[f64], labels: &[SpikeKind], bin_ms: f64, bins: usize) -> BinCounts {
    let mut counts = BinCounts { events: vec![0; bins], bursts: vec![0; bins], spikes: vec![0; bins] };
    if bin_ms.is_nan() || bin_ms <= 0.0 {
        return counts;
    }
    for (&t, &kind) in times_ms.iter().zip(labels) {
        let position = t / bin_ms;
        if !(position >= 0.0 && position < bins as f64) {
            continue;
        }
        let bin = position as usize;
        counts.spikes[bin] += 1;
        if kind.is_event() {
            counts.events[bin] += 1;
        }
        if kind == SpikeKind::BurstStart {
            counts.bursts[bin] += 1;
        }
    }
    counts
}

/// What a spike is known to be at the moment it happens (a streaming detector cannot yet know
/// whether an event will turn out to start a burst).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnlineSpike {
    /// An event: an isolated spike or the first of a burst (decided by the next spike).
    Event,
    /// The second spike of a burst: the burst is recognised now, and its event was the previous spike.
    BurstDetected,
    /// A third or later spike of a burst.
    LaterInBurst,
}

/// A streaming event/burst detector for a population, one slot per neuron.
#[derive(Debug, Clone)]
pub struct OnlineBurstDetector {
    window_ms: f64,
    last_spike_ms: Vec<f64>,
    spikes_in_run: Vec<u32>,
}

impl OnlineBurstDetector {
    /// A detector for `neurons` neurons with burst window `window_ms`.
    pub fn new(neurons: usize, window_ms: f64) -> Self {
        Self { window_ms, last_spike_ms: vec![f64::NEG_INFINITY; neurons], spikes_in_run: vec![0; neurons] }
    }

    /// The time of the last spike of `neuron` (−∞ before its first).
    pub fn last_spike_ms(&self, neuron: usize) -> f64 {
        self.last_spike_ms[neuron]
    }

    /// Registers a spike of `neuron` at `t_ms` (spikes of one neuron must come in time order).
    pub fn on_spike(&mut self, neuron: usize, t_ms: f64) -> OnlineSpike {
        let joins = within(t_ms - self.last_spike_ms[neuron], self.window_ms);
        self.last_spike_ms[neuron] = t_ms;
        if joins {
            self.spikes_in_run[neuron] += 1;
            if self.spikes_in_run[neuron] == 2 {
                OnlineSpike::BurstDetected
            } else {
                OnlineSpike::LaterInBurst
            }
        } else {
            self.spikes_in_run[neuron] = 1;
            OnlineSpike::Event
        }
    }
}
