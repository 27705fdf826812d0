//! 2-D toy classification problems in the spirit of TensorFlow Playground: points in `[−1, 1]²`,
//! two classes, with Gaussian noise of standard deviation `noise` (in the same units).

use super::{DataKind, Dataset, Split};
use crate::rng::SimRng;
use ndarray::Array2;
use rand::Rng;
use rand_distr::{Distribution, Normal};
use std::f64::consts::PI;

/// `n_train` and `n_test` points of a toy problem; `noise` is clamped to `[0, 1]`.
pub fn generate(kind: DataKind, n_train: usize, n_test: usize, noise: f64, rng: &mut SimRng) -> Split {
    assert!(kind.is_planar(), "{kind:?} is not a toy problem");
    let noise = noise.clamp(0.0, 1.0);
    Split { train: sample(kind, n_train, noise, rng), test: sample(kind, n_test, noise, rng) }
}

fn sample(kind: DataKind, n: usize, noise: f64, rng: &mut SimRng) -> Dataset {
    let jitter = Normal::new(0.0, noise.max(1e-12)).expect("finite noise");
    let mut x = Array2::zeros((n, 2));
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        let label = (i % 2) as u8;
        let (px, py) = match kind {
            DataKind::Circles => {
                let radius = if label == 0 { rng.random_range(0.0..0.35) } else { rng.random_range(0.6..0.9) };
                let angle = rng.random_range(0.0..2.0 * PI);
                (radius * angle.cos(), radius * angle.sin())
            }
            DataKind::Xor => {
                let (mut a, mut b) = (rng.random_range(0.05..0.95), rng.random_range(0.05..0.95));
                // label 1: same signs, label 0: opposite signs
                if rng.random_bool(0.5) {
                    a = -a;
                    if label == 1 {
                        b = -b;
                    }
                } else if label == 0 {
                    b = -b;
                }
                (a, b)
            }
            DataKind::Spiral => {
                let t = rng.random_range(0.0..1.0f64);
                let radius = 0.9 * t;
                let angle = 1.25 * 2.0 * PI * t + if label == 1 { PI } else { 0.0 };
                (radius * angle.cos(), radius * angle.sin())
            }
            DataKind::Blobs => {
                let centre = if label == 0 { (-0.45, -0.45) } else { (0.45, 0.45) };
                let spread = Normal::new(0.0, 0.2).expect("finite");
                (centre.0 + spread.sample(rng), centre.1 + spread.sample(rng))
            }
            DataKind::Mnist | DataKind::Linear => unreachable!("not a planar set"),
        };
        let (dx, dy) = if noise > 0.0 { (jitter.sample(rng), jitter.sample(rng)) } else { (0.0, 0.0) };
        x[[i, 0]] = (px + dx) as f32;
        x[[i, 1]] = (py + dy) as f32;
        labels.push(label);
    }
    Dataset { x, labels, classes: 2, targets: None }
}

/// Inputs of the linear-map regression task.
pub const LINEAR_INPUTS: usize = 30;
/// Outputs of the linear-map regression task.
pub const LINEAR_OUTPUTS: usize = 10;

/// Lillicrap et al.'s first task: `x ~ N(0, I₃₀)`, targets `y* = T x + ξ` with one fixed random
/// `T ∈ R^{10×30}`, entries `N(0, 1/30)` (so `T x` has unit variance per output), and observation
/// noise `ξ ~ N(0, 0.1²)`. The noise sets a floor (`½·10·0.01 = 0.05` per example) that every
/// rule which learns the map converges to, so final errors compare meaningfully.
pub fn linear_map(n_train: usize, n_test: usize, rng: &mut SimRng) -> Split {
    let normal = Normal::new(0.0, 1.0).expect("unit normal");
    let t = Array2::from_shape_simple_fn((LINEAR_INPUTS, LINEAR_OUTPUTS), || {
        (normal.sample(rng) / (LINEAR_INPUTS as f64).sqrt()) as f32
    });
    let mut set = |n: usize| {
        let x = Array2::from_shape_simple_fn((n, LINEAR_INPUTS), || normal.sample(rng) as f32);
        let targets = x.dot(&t) + Array2::from_shape_simple_fn((n, LINEAR_OUTPUTS), || 0.1 * normal.sample(rng) as f32);
        Dataset { x, labels: vec![0; n], classes: LINEAR_OUTPUTS, targets: Some(targets) }
    };
    Split { train: set(n_train), test: set(n_test) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{rng_for, Stream};

    #[test]
    fn toy_sets_are_balanced_bounded_and_seeded() {
        for kind in DataKind::ALL.into_iter().filter(|k| k.is_planar()) {
            let a = generate(kind, 200, 100, 0.0, &mut rng_for(7, Stream::DataGeneration));
            let b = generate(kind, 200, 100, 0.0, &mut rng_for(7, Stream::DataGeneration));
            assert_eq!(a, b, "{kind:?} is not reproducible");
            assert_eq!(a.train.labels.iter().filter(|&&l| l == 1).count(), 100);
            assert!(a.train.x.iter().all(|v| v.abs() <= 1.5), "{kind:?} leaves the plane");
        }
    }

    #[test]
    fn xor_labels_follow_the_sign_of_the_product() {
        let split = generate(DataKind::Xor, 400, 0, 0.0, &mut rng_for(1, Stream::DataGeneration));
        for (row, &label) in split.train.x.rows().into_iter().zip(&split.train.labels) {
            assert_eq!(label == 1, row[0] * row[1] > 0.0);
        }
    }

    #[test]
    fn circles_separate_by_radius() {
        let split = generate(DataKind::Circles, 400, 0, 0.0, &mut rng_for(1, Stream::DataGeneration));
        for (row, &label) in split.train.x.rows().into_iter().zip(&split.train.labels) {
            let r = (row[0] * row[0] + row[1] * row[1]).sqrt();
            assert_eq!(label == 1, r > 0.5);
        }
    }
}
