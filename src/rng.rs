//! One named, seeded generator for every random draw, so a URL or a CLI seed replays a run exactly.
//!
//! `Pcg64Mcg` is pinned by name (rand's `SmallRng` may change algorithm between releases).

use rand::SeedableRng;

/// The engine's random number generator.
pub type SimRng = rand_pcg::Pcg64Mcg;

/// Independent streams derived from one user seed, one per purpose, so that changing how many
/// numbers one part draws (say, a feedback matrix) does not shift another (say, the data order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Weights = 1,
    Feedback = 2,
    DataOrder = 3,
    DataGeneration = 4,
    Simulation = 5,
    /// The noise of perturbation learning (node and weight perturbation).
    Perturbation = 6,
}

/// A generator for `stream` of the run seeded with `seed`.
pub fn rng_for(seed: u64, stream: Stream) -> SimRng {
    // splitmix64 of (seed, stream) gives well-separated seeds for the streams.
    let mut z = seed ^ (stream as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    SimRng::seed_from_u64(z)
}
