//! Data sets that come from files (MNIST), loaded once and shared by every model built from them,
//! and the seeded 2-D toy sets, generated on demand.

use super::{mnist, toy, DataKind, Split};
use crate::rng::{rng_for, Stream};
use crate::{Error, Result};
use std::sync::Arc;

/// Which split a model trains on: the data set, and for the generated sets their size, noise
/// and seed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DataSpec {
    pub data: DataKind,
    /// Training and test points of a generated set (each).
    pub points: usize,
    /// Gaussian noise (standard deviation) added to the 2-D sets.
    pub noise: f64,
    /// Seed of the generated set ([`Stream::DataGeneration`]).
    pub seed: u64,
}

impl DataSpec {
    pub fn new(data: DataKind, points: usize, noise: f64, seed: u64) -> Self {
        Self { data, points, noise, seed }
    }
}

/// The loaded data files.
#[derive(Debug, Default, Clone)]
pub struct DataStore {
    mnist: Option<Arc<Split>>,
}

impl DataStore {
    /// Parses and keeps the bytes of `data/mnist.bin`.
    ///
    /// Errors: [`Error::Data`] when the bytes are not the expected file.
    pub fn load_mnist_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        self.mnist = Some(Arc::new(mnist::parse(bytes)?));
        Ok(())
    }

    pub fn has_mnist(&self) -> bool {
        self.mnist.is_some()
    }

    pub fn with_mnist(split: Split) -> Self {
        Self { mnist: Some(Arc::new(split)) }
    }

    /// The split a model trains on: MNIST from the store, the other sets generated from the
    /// spec's seed.
    ///
    /// Errors: [`Error::Data`] when MNIST is asked for and not loaded.
    pub fn split(&self, spec: &DataSpec) -> Result<Arc<Split>> {
        let rng = &mut rng_for(spec.seed, Stream::DataGeneration);
        match spec.data {
            DataKind::Mnist => self.mnist.clone().ok_or_else(|| Error::Data("MNIST is not loaded yet".into())),
            DataKind::Linear => Ok(Arc::new(toy::linear_map(spec.points, spec.points, rng))),
            kind => Ok(Arc::new(toy::generate(kind, spec.points, spec.points, spec.noise, rng))),
        }
    }
}
