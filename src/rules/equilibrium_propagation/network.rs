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

    /// The spectral norm `‖A‖` of the symmetric couplings between free layers (`W_2 … W_L` both
    /// ways; the input's `W_1` is a constant drive, not a coupling), by 100 power iterations on
    /// `A` from a fixed start (0 for a single free layer). The relaxation's steps descend the
    /// energy for `ε < 2 / (1 + ‖A‖)`.
    pub fn coupling_norm(&self) -> f64 {
        let free = &self.sizes[1..];
        if free.len() < 2 {
            return 0.0;
        }
        let w: Vec<Array2<f64>> = self.w[1..].iter().map(|w| w.mapv(|v| v.to_f64().unwrap_or(f64::NAN))).collect();
        let apply = |v: &[Array1<f64>]| -> Vec<Array1<f64>> {
            (0..free.len())
                .map(|l| {
                    let mut out = Array1::zeros(free[l]);
                    if l > 0 {
                        out += &v[l - 1].dot(&w[l - 1]);
                    }
                    if l + 1 < free.len() {
                        out += &w[l].dot(&v[l + 1]);
                    }
                    out
                })
                .collect()
        };
        let norm = |v: &[Array1<f64>]| v.iter().map(|x| x.dot(x)).sum::<f64>().sqrt();
        let mut v: Vec<Array1<f64>> =
            free.iter().map(|&n| Array1::from_shape_fn(n, |i| 1.0 + ((i * 7919) % 13) as f64 / 13.0)).collect();
        let mut estimate = 0.0;
        for _ in 0..100 {
            let n = norm(&v);
            if n == 0.0 || !n.is_finite() {
                return n;
            }
            v.iter_mut().for_each(|x| *x /= n);
            let av = apply(&v);
            estimate = norm(&av);
            v = av;
        }
        estimate
    }
}
