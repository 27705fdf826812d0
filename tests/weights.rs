//! Asking a model about inputs of one's own (`Rule::predict`, the draw-a-digit pad's engine side),
//! and saving and restoring a model's weights.

use brainprop::data::{mnist, DataKind, DataStore};
use brainprop::experiment::Experiment;
use brainprop::rule::{Rule, RuleId};
use brainprop::rules::FeedforwardConfig;
use brainprop::Error;
use ndarray::{s, Array2};

fn mnist_store() -> DataStore {
    DataStore::with_mnist(mnist::load(std::path::Path::new(mnist::DEFAULT_PATH)).expect("run scripts/setup.sh first"))
}

/// Every rule that classifies its inputs; the others refuse to predict.
const CLASSIFIERS: [RuleId; 11] = [
    RuleId::Bp,
    RuleId::Fa,
    RuleId::Dfa,
    RuleId::Sign,
    RuleId::Shallow,
    RuleId::Kp,
    RuleId::Np,
    RuleId::Wp,
    RuleId::Burstprop,
    RuleId::Eqprop,
    RuleId::Dendrites,
];

fn assert_probabilities(p: &Array2<f64>, rows: usize, classes: usize) {
    assert_eq!(p.dim(), (rows, classes));
    for row in p.rows() {
        assert!(row.iter().all(|&v| (0.0..=1.0).contains(&v)), "{row}");
        assert!((row.sum() - 1.0).abs() < 1e-9, "a row sums to {}", row.sum());
    }
}

#[test]
fn every_classifier_predicts_probabilities_and_the_others_refuse() {
    let store = mnist_store();
    for rule in RuleId::ALL {
        let experiment = Experiment::preset(rule, DataKind::Circles).unwrap();
        let mut model = experiment.build(&store).unwrap();
        model.step(3).unwrap();
        let width = if experiment.needs() == Some(DataKind::Mnist) { 784 } else { 2 };
        let inputs = Array2::from_shape_fn((3, width), |(i, j)| ((i * 7 + j) % 5) as f32 / 5.0);
        match model.predict(inputs.view()) {
            Ok(p) => {
                assert!(CLASSIFIERS.contains(&rule), "{rule} predicted");
                assert_probabilities(&p, 3, if width == 784 { 10 } else { 2 });
            }
            Err(e) => {
                assert!(!CLASSIFIERS.contains(&rule), "{rule}: {e}");
                assert!(e.to_string().contains("does not classify inputs"), "{rule}: {e}");
            }
        }
    }
}

#[test]
fn a_trained_mnist_network_recognises_training_digits_and_refuses_other_widths() {
    let split = mnist::load(std::path::Path::new(mnist::DEFAULT_PATH)).expect("run scripts/setup.sh first");
    let digits = split.train.x.slice(s![..300, ..]).to_owned();
    let labels = split.train.labels[..300].to_vec();
    let store = DataStore::with_mnist(split);
    let config = FeedforwardConfig { hidden: vec![30], epochs: 1, ..FeedforwardConfig::preset(DataKind::Mnist) };
    let mut model = Experiment::Bp(config).build(&store).unwrap();
    while !model.step(1000).unwrap().finished {}
    let p = model.predict(digits.view()).unwrap();
    assert_probabilities(&p, 300, 10);
    let correct = p
        .rows()
        .into_iter()
        .zip(&labels)
        .filter(|(row, &label)| brainprop::nn::mlp::argmax(row.iter().copied()) == label as usize)
        .count();
    assert!(correct >= 240, "{correct} of 300 training digits recognised (chance: 30)");

    // One digit at a time gives the same answer as a batch.
    let one = model.predict(digits.slice(s![5..6, ..])).unwrap();
    assert_eq!(one.row(0), p.row(5));

    let Err(Error::InvalidConfig { name, reason }) = model.predict(Array2::zeros((1, 28)).view()) else {
        panic!("a row of 28 values was accepted");
    };
    assert_eq!(name, "inputs");
    assert!(reason.contains("784 values per example") && reason.contains("not 28"), "{reason}");
    let mut bad = digits.slice(s![..1, ..]).to_owned();
    bad[[0, 3]] = f32::NAN;
    assert!(matches!(model.predict(bad.view()), Err(Error::InvalidConfig { name: "inputs", .. })));
}
