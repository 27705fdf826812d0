//! The converted MNIST file: checksum, split and contents.

use brainprop::data::mnist;
use sha2::{Digest, Sha256};

fn bytes() -> Vec<u8> {
    std::fs::read(mnist::DEFAULT_PATH).expect("run scripts/setup.sh to create data/mnist.bin")
}

#[test]
fn mnist_file_has_the_pinned_checksum() {
    let digest = Sha256::digest(bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, mnist::SHA256, "data/mnist.bin differs from what scripts/convert-mnist.mjs writes");
}

#[test]
fn mnist_split_is_8000_by_2000_with_every_digit_in_both() {
    let split = mnist::parse(&bytes()).unwrap();
    assert_eq!((split.train.len(), split.test.len(), split.train.dims()), (8000, 2000, 784));
    for set in [&split.train, &split.test] {
        let mut counts = [0usize; 10];
        set.labels.iter().for_each(|&l| counts[l as usize] += 1);
        let min = set.len() / 10 * 7 / 10;
        assert!(counts.iter().all(|&c| c > min), "unbalanced digits {counts:?}");
        assert!(set.x.iter().all(|&v| (0.0..=1.0).contains(&v)));
        let mean: f32 = set.x.iter().sum::<f32>() / set.x.len() as f32;
        assert!((0.1..0.2).contains(&mean), "mean grey level {mean} is not MNIST-like");
    }
}

#[test]
fn malformed_files_are_rejected_with_a_message() {
    let good = bytes();
    for (what, bad) in [
        ("truncated", good[..good.len() - 1].to_vec()),
        ("wrong magic", [b"NOTMNIST".as_slice(), &good[8..]].concat()),
        ("empty", Vec::new()),
    ] {
        let err = mnist::parse(&bad).expect_err(what);
        assert!(err.to_string().contains("mnist.bin"), "{what}: {err}");
    }
}
