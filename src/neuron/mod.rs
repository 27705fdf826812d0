//! Spiking building blocks shared by the spiking chapters: current-based LIF neurons and their
//! filters (SuperSpike), e-prop's discrete-time LIF/ALIF neurons, the segregated-dendrite neurons of Guerguiev et al. (2017) and their PSP
//! kernel, the two-compartment burst neuron of
//! Naud & Sprekeler (2018), Tsodyks–Markram short-term plasticity, and the event/burst detector
//! that turns spike times into the two multiplexed streams.
//!
//! Units throughout: milliseconds, millivolts, picoamperes, picofarads and nanosiemens.

pub mod alif;
pub mod bursts;
pub mod compartments;
pub mod lif;
pub mod stp;
pub mod two_compartment;

pub use bursts::{
    count_per_bin, label_spikes, BinCounts, OnlineBurstDetector, OnlineSpike, SpikeKind, BURST_WINDOW_MS,
};
pub use stp::{Stp, StpPopulation, StpSynapse};
pub use two_compartment::{TwoCompartmentParams, TwoCompartmentPopulation};
