//! The inner loops of the relaxation and the update: the hard sigmoid `ρ`, the product that skips
//! inactive units, and the sparse index of the clamped input.

use crate::nn::{axpy, Real};
use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2};

/// `ρ(s) = clip(s, 0, 1)`, written with comparisons: they compile to SIMD min/max in wasm (where
/// `f32::max` does not vectorise) and let NaN through, so divergence shows.
#[inline]
pub(super) fn rho<F: Real>(s: F) -> F {
    let s = if s < F::zero() { F::zero() } else { s };
    if s > F::one() {
        F::one()
    } else {
        s
    }
}

/// Narrower products than this go through the blocked matrix product instead of
/// [`add_active_rows`] (adding short rows one at a time costs more than the zeros it skips).
const ACTIVE_ROWS_MIN_WIDTH: usize = 64;

/// `out += s · m`, skipping the zero entries of `s`: row `i` of `out` gains `s_ij · m[j, :]` for
/// every active unit `j` (`m`'s rows must be contiguous).
pub(super) fn add_active_rows<F: Real>(s: ArrayView2<'_, F>, m: &Array2<F>, out: &mut ndarray::ArrayViewMut2<'_, F>) {
    if m.ncols() < ACTIVE_ROWS_MIN_WIDTH {
        general_mat_mul(F::one(), &s, m, F::one(), out);
        return;
    }
    for (s_row, mut out_row) in s.rows().into_iter().zip(out.rows_mut()) {
        let out_row = out_row.as_slice_mut().expect("buffer rows are contiguous");
        for (j, &v) in s_row.iter().enumerate() {
            if v != F::zero() {
                axpy(v, m.row(j).to_slice().expect("weights are contiguous"), out_row);
            }
        }
    }
}

/// Below this fraction of nonzero inputs, the input drive and the first layer's update use only
/// the nonzero inputs.
pub(super) const SPARSE_INPUT_DENSITY: f64 = 0.4;

/// The nonzero entries of the clamped input, grouped by input unit (compressed sparse columns):
/// the input drive and the first layer's update then load each weight row `W_1[j, :]` once per
/// batch, for all the examples in which input `j` is on.
#[derive(Debug, Clone, Default)]
pub(super) struct SparseColumns<F> {
    /// Input `j`'s entries are `starts[j]..starts[j + 1]`.
    starts: Vec<usize>,
    /// Which example each entry belongs to.
    rows: Vec<usize>,
    values: Vec<F>,
}

impl<F: Real> SparseColumns<F> {
    /// An empty index (filled by [`Self::index`]).
    pub(super) fn new() -> Self {
        Self { starts: Vec::new(), rows: Vec::new(), values: Vec::new() }
    }

    /// Indexes the nonzero entries of `x`, reusing the buffers.
    pub(super) fn index(&mut self, x: ArrayView2<'_, F>) {
        let d = x.ncols();
        self.starts.clear();
        self.starts.resize(d + 1, 0);
        for row in x.rows() {
            for (j, &v) in row.iter().enumerate() {
                if v != F::zero() {
                    self.starts[j + 1] += 1;
                }
            }
        }
        for j in 0..d {
            self.starts[j + 1] += self.starts[j];
        }
        let total = self.starts[d];
        self.rows.clear();
        self.rows.resize(total, 0);
        self.values.clear();
        self.values.resize(total, F::zero());
        // Fill each column's slots in order, with starts[j] as the running cursor, then restore.
        for (i, row) in x.rows().into_iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                if v != F::zero() {
                    let k = self.starts[j];
                    self.rows[k] = i;
                    self.values[k] = v;
                    self.starts[j] += 1;
                }
            }
        }
        for j in (1..=d).rev() {
            self.starts[j] = self.starts[j - 1];
        }
        self.starts[0] = 0;
    }

    pub(super) fn entries(&self, j: usize) -> impl Iterator<Item = (usize, F)> + '_ {
        let range = self.starts[j]..self.starts[j + 1];
        self.rows[range.clone()].iter().copied().zip(self.values[range].iter().copied())
    }
}
