//! The symmetric network [`EqNet`] whose energy the relaxation descends.

use crate::nn::Real;
use crate::rng::SimRng;
use ndarray::{Array1, Array2};
use rand::Rng;

/// The symmetric network: `w[l]` (`sizes[l] × sizes[l+1]`) couples layer `l` with layer `l + 1`
/// both ways; `b[l]` is the bias of free layer `l + 1`. The input has no bias.
#[derive(Debug, Clone, PartialEq)]
pub struct EqNet<F> {
    /// Layer widths, input first: `[784, 500, 10]`.
    pub sizes: Vec<usize>,
    pub w: Vec<Array2<F>>,
    pub b: Vec<Array1<F>>,
}

impl<F: Real> EqNet<F> {
    /// Glorot-uniform weights `±√(6/(n_in+n_out))`, zero biases.
    pub fn new(sizes: &[usize], rng: &mut SimRng) -> Self {
        assert!(sizes.len() >= 2, "a network needs an input and an output layer");
        let w = sizes
            .windows(2)
            .map(|p| {
                let limit = (6.0 / (p[0] + p[1]) as f64).sqrt();
                Array2::from_shape_simple_fn((p[0], p[1]), || F::of(rng.random_range(-limit..=limit)))
            })
            .collect();
        let b = sizes[1..].iter().map(|&n| Array1::zeros(n)).collect();
        Self { sizes: sizes.to_vec(), w, b }
    }

    /// Number of weight layers (= free layers).
    pub fn depth(&self) -> usize {
        self.w.len()
    }

    pub fn is_finite(&self) -> bool {
        self.w.iter().all(|w| w.iter().all(|v| v.is_finite())) && self.b.iter().all(|b| b.iter().all(|v| v.is_finite()))
    }
}
