//! The "Bursts" chapter: burst multiplexing (Naud & Sprekeler 2018, PNAS 115(27):E6329) and
//! burst-dependent plasticity (Payeur et al. 2021, Nat. Neurosci. 24:1010).
//!
//! - [`multiplexing`]: a population of two-compartment neurons carries its somatic input in its
//!   event rate and its dendritic input in its burst probability; depressing and facilitating
//!   synapses read the two streams apart. A [`crate::Rule`] model ([`Multiplexing`]).
//! - [`plasticity`]: the burst-dependent rule dW/dt = η [B − P̄ E] Ẽ_pre and the frequency
//!   dependence it gives in a Sjöström-style pairing protocol.
//! - [`figures`]: SVG figures of both.

pub mod figures;
pub mod multiplexing;
pub mod plasticity;

pub use multiplexing::{MultiplexConfig, MultiplexCorrelations, MultiplexInputs, Multiplexing};
pub use plasticity::{sjostrom_protocol, BurstPlasticity, BurstPlasticityParams, FrequencyPoint, PairingProtocol};
