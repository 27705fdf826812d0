//! Measurements shared by the chapters: angles between vectors, accuracy, confusion matrices.

use crate::nn::Real;

/// The angle in degrees between two vectors of equal length, `acos(a·b / (‖a‖‖b‖))`.
/// Returns `None` when either vector is zero.
pub fn angle_degrees<'a>(a: impl IntoIterator<Item = &'a f32>, b: impl IntoIterator<Item = &'a f32>) -> Option<f64> {
    cosine(a, b).map(|c| c.clamp(-1.0, 1.0).acos().to_degrees())
}

/// The cosine `a·b / (‖a‖‖b‖)` of two vectors of equal length, summed in f64. Returns `None`
/// when either vector is zero.
///
/// # Panics
/// When the lengths differ.
pub fn cosine<'a, F: Real>(a: impl IntoIterator<Item = &'a F>, b: impl IntoIterator<Item = &'a F>) -> Option<f64> {
    let (mut dot, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    let mut b = b.into_iter();
    for &x in a {
        let y = b.next().expect("cosine: vectors differ in length").to_f64().unwrap_or(f64::NAN);
        let x = x.to_f64().unwrap_or(f64::NAN);
        dot += x * y;
        aa += x * x;
        bb += y * y;
    }
    assert!(b.next().is_none(), "cosine: vectors differ in length");
    if aa == 0.0 || bb == 0.0 {
        return None;
    }
    Some(dot / (aa.sqrt() * bb.sqrt()))
}

/// A `classes × classes` count table: row = true class, column = predicted class.
#[derive(Debug, Clone, PartialEq)]
pub struct Confusion {
    pub classes: usize,
    pub counts: Vec<u32>,
}

impl Confusion {
    pub fn new(classes: usize) -> Self {
        Self { classes, counts: vec![0; classes * classes] }
    }

    pub fn record(&mut self, truth: usize, predicted: usize) {
        self.counts[truth * self.classes + predicted] += 1;
    }

    pub fn accuracy(&self) -> f64 {
        let total: u32 = self.counts.iter().sum();
        let right: u32 = (0..self.classes).map(|c| self.counts[c * self.classes + c]).sum();
        if total == 0 {
            0.0
        } else {
            right as f64 / total as f64
        }
    }
}

/// Mean and sample standard deviation.
pub fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = if values.len() > 1 { values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
    (mean, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn angles_of_known_vectors() {
        assert!((angle_degrees(&[1.0, 0.0], &[0.0, 1.0]).unwrap() - 90.0).abs() < 1e-9);
        assert!(angle_degrees(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]).unwrap().abs() < 1e-3);
        assert!((angle_degrees(&[1.0, 0.0], &[-3.0, 0.0]).unwrap() - 180.0).abs() < 1e-9);
        assert!((angle_degrees(&[1.0, 0.0], &[1.0, 1.0]).unwrap() - 45.0).abs() < 1e-5);
        assert_eq!(angle_degrees(&[0.0, 0.0], &[1.0, 1.0]), None);
    }

    #[test]
    fn confusion_accuracy_counts_the_diagonal() {
        let mut c = Confusion::new(3);
        for (t, p) in [(0, 0), (1, 1), (2, 1), (2, 2)] {
            c.record(t, p);
        }
        assert_eq!(c.accuracy(), 0.75);
        assert_eq!(c.counts[2 * 3 + 1], 1);
    }

    #[test]
    fn mean_sd_of_known_values() {
        let (m, s) = mean_sd(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(m, 5.0);
        assert!((s - 2.138089935).abs() < 1e-6);
    }
}
