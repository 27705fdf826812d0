//! Asking a model about inputs of one's own (`Rule::predict`, the draw-a-digit pad's engine side),
//! and saving and restoring a model's weights.

use brainprop::data::{mnist, DataKind, DataStore};
use brainprop::experiment::Experiment;
use brainprop::rule::{Rule, RuleId, Weights};
use brainprop::rules::FeedforwardConfig;
use brainprop::Error;
use ndarray::{s, Array2};

fn mnist_store() -> DataStore {
    DataStore::with_mnist(mnist::load(std::path::Path::new(mnist::DEFAULT_PATH)).expect("run scripts/setup.sh first"))
}

fn assert_probabilities(p: &Array2<f64>, rows: usize, classes: usize) {
    assert_eq!(p.dim(), (rows, classes));
    for row in p.rows() {
        assert!(row.iter().all(|&v| (0.0..=1.0).contains(&v)), "{row}");
        assert!((row.sum() - 1.0).abs() < 1e-9, "a row sums to {}", row.sum());
    }
}

/// `RuleId::has_weights` (what the schema tells the page) is what the models do: exactly those
/// rules' models save weights, and load them back.
#[test]
fn the_declared_weight_rules_are_the_models_that_save_and_load_weights() {
    let store = mnist_store();
    for rule in RuleId::ALL {
        let mut model = Experiment::preset(rule, DataKind::Circles).unwrap().build(&store).unwrap();
        match model.weights() {
            Ok(weights) => {
                assert!(rule.has_weights(), "{rule} saved weights but is not declared to");
                model.load_weights(&weights).unwrap_or_else(|e| panic!("{rule}: {e}"));
            }
            Err(e) => {
                assert!(!rule.has_weights(), "{rule} is declared to save weights: {e}");
                assert!(e.to_string().contains("no weights to save"), "{rule}: {e}");
            }
        }
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
                assert!(rule.has_weights(), "{rule} predicted");
                assert_probabilities(&p, 3, if width == 784 { 10 } else { 2 });
            }
            Err(e) => {
                assert!(!rule.has_weights(), "{rule}: {e}");
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

fn trained(experiment: &Experiment, store: &DataStore) -> Box<dyn Rule + Send> {
    let mut model = experiment.build(store).unwrap();
    while !model.step(1000).unwrap().finished {}
    model
}

fn bits(row: &[f64]) -> Vec<u64> {
    row.iter().map(|v| v.to_bits()).collect()
}

/// The saved weights of every feed-forward rule, loaded into a fresh build of the same
/// experiment, give the trained model's test loss and accuracy bit for bit, and the JSON between
/// reads back exactly, also through f64 numbers (the page's JSON.parse).
#[test]
fn loaded_weights_reproduce_the_test_accuracy_and_loss_exactly() {
    let store = DataStore::default();
    for rule in [RuleId::Bp, RuleId::Fa, RuleId::Dfa, RuleId::Kp, RuleId::Shallow, RuleId::Burstprop, RuleId::Np] {
        let experiment = Experiment::preset(rule, DataKind::Circles).unwrap();
        let Some(config) = experiment.feedforward() else { panic!("{rule} is feed-forward") };
        let experiment = Experiment::feedforward_rule(rule, FeedforwardConfig { epochs: 3, ..config.clone() }).unwrap();
        let model = trained(&experiment, &store);
        let weights = model.weights().unwrap();
        assert_eq!(
            (weights.rule, serde_json::from_value::<Experiment>(weights.experiment.clone()).unwrap()),
            (rule, experiment.clone())
        );

        let json = serde_json::to_string(&weights).unwrap();
        assert_eq!(serde_json::from_str::<brainprop::rule::Weights>(&json).unwrap(), weights, "{rule}");
        let as_f64: serde_json::Value = serde_json::from_str(&json).unwrap();
        let read = serde_json::from_value::<brainprop::rule::Weights>(as_f64).unwrap();
        assert_eq!(read, weights, "{rule}: through f64");

        let mut fresh = experiment.build(&store).unwrap();
        fresh.load_weights(&read).unwrap();
        let (test, columns) = (model.metrics().rows.last().unwrap(), &model.metrics().columns);
        let loaded = &fresh.metrics().rows;
        assert_eq!(loaded.len(), 1, "{rule}: one row, of the loaded model");
        for column in ["test_loss", "test_acc"] {
            let i = columns.iter().position(|c| c == column).unwrap();
            assert_eq!(bits(&[loaded[0][i]]), bits(&[test[i]]), "{rule} {column}");
        }
        assert_eq!(fresh.weights().unwrap(), weights, "{rule}: the loaded model saves the same weights");
    }
}

#[test]
fn weights_of_another_shape_or_rule_are_refused_with_the_setting_to_change() {
    let store = DataStore::default();
    let config = |hidden: Vec<usize>| FeedforwardConfig { hidden, epochs: 1, ..FeedforwardConfig::default() };
    let saved = trained(&Experiment::Bp(config(vec![8, 8])), &store).weights().unwrap();
    let mut other = Experiment::Bp(config(vec![16])).build(&store).unwrap();
    let before = other.weights().unwrap();
    let Err(Error::InvalidConfig { name, reason }) = other.load_weights(&saved) else { panic!("loaded") };
    assert_eq!(name, "weights");
    assert_eq!(reason, "the file is for a 2-8-8-2 network, and this figure's is 2-16-2: set hidden to 8,8");
    assert_eq!(other.weights().unwrap(), before, "a refused file changes nothing");

    let mnist = FeedforwardConfig { data: DataKind::Mnist, ..config(vec![8, 8]) };
    let mnist = Weights::new(RuleId::Bp, &mnist, vec![784, 8, 8, 10], saved.arrays.clone());
    let reason = other.load_weights(&mnist).unwrap_err().to_string();
    assert!(reason.contains("784-8-8-10") && reason.contains("set data to mnist and hidden to 8,8"), "{reason}");

    let mut fa = Experiment::Fa(config(vec![8, 8])).build(&store).unwrap();
    let reason = fa.load_weights(&saved).unwrap_err().to_string();
    assert!(reason.contains("backprop weights") && reason.contains("feedback alignment"), "{reason}");

    let mut bad = saved.clone();
    bad.arrays.iter_mut().find(|a| a.name == "b0").unwrap().data[0] = f32::INFINITY;
    let mut same = Experiment::Bp(config(vec![8, 8])).build(&store).unwrap();
    assert!(same.load_weights(&bad).unwrap_err().to_string().contains("b0"));

    let multiplex = Experiment::preset(RuleId::Multiplex, DataKind::Circles).unwrap().build(&store).unwrap();
    assert!(multiplex.weights().unwrap_err().to_string().contains("no weights to save"));
}

/// The CLI's `train --save-weights` writes the file a figure loads; `--load-weights` starts from
/// it, its first row the trained model's test loss and accuracy.
#[test]
fn the_cli_saves_and_loads_weights() {
    let dir = std::env::temp_dir().join(format!("brainprop-weights-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bp.json");
    let run = |extra: &[&std::ffi::OsStr]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_brainprop"))
            .args(["train", "--rule", "bp", "--data", "xor", "--epochs", "5", "--quiet"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<Vec<String>> = text.lines().map(|l| l.split(',').map(String::from).collect()).collect();
        lines
    };
    let trained = run(&["--save-weights".as_ref(), file.as_os_str()]);
    let weights: Weights = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!((weights.rule, weights.sizes.first()), (RuleId::Bp, Some(&2)));
    let loaded = run(&["--load-weights".as_ref(), file.as_os_str()]);
    let column = |lines: &[Vec<String>], name: &str| lines[0].iter().position(|c| c == name).unwrap();
    for name in ["test_loss", "test_acc"] {
        let (a, b) = (column(&trained, name), column(&loaded, name));
        assert_eq!(loaded[1][b], trained.last().unwrap()[a], "{name}: the loaded model's first row");
    }
    let bad = dir.join("bad.json");
    let mut other = serde_json::to_value(&weights).unwrap();
    other["sizes"] = serde_json::json!([2, 3, 2]);
    other["experiment"]["hidden"] = serde_json::json!([3]);
    std::fs::write(&bad, other.to_string()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_brainprop"))
        .args(["train", "--rule", "bp", "--data", "xor", "--quiet", "--load-weights"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("set hidden to"), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
}

/// EqProp and the segregated dendrites save and load too: EqProp's loaded network gives its
/// trained test loss and accuracy; the dendrites' weights, part-way through an epoch, load into
/// a fresh build and into the model itself alike.
#[test]
fn eqprop_and_the_segregated_dendrites_save_and_load() {
    let store = mnist_store();
    let eqprop = Experiment::preset(RuleId::Eqprop, DataKind::Circles).unwrap();
    let mut settings = eqprop.settings();
    settings["epochs"] = serde_json::json!(2);
    let eqprop = Experiment::from_settings(RuleId::Eqprop, settings).unwrap();
    let model = trained(&eqprop, &store);
    let weights = model.weights().unwrap();
    let mut fresh = eqprop.build(&store).unwrap();
    fresh.load_weights(&weights).unwrap();
    let columns = &model.metrics().columns;
    for column in ["test_loss", "test_acc"] {
        let i = columns.iter().position(|c| c == column).unwrap();
        assert_eq!(fresh.metrics().rows[0][i].to_bits(), model.metrics().rows.last().unwrap()[i].to_bits(), "{column}");
    }
    assert_eq!(fresh.weights().unwrap(), weights);

    let dendrites = Experiment::from_settings(RuleId::Dendrites, serde_json::json!({"hidden": [20]})).unwrap();
    let mut model = dendrites.build(&store).unwrap();
    model.step(300).unwrap();
    let weights = model.weights().unwrap();
    assert_ne!(weights, dendrites.build(&store).unwrap().weights().unwrap(), "it learned");
    let mut fresh = dendrites.build(&store).unwrap();
    fresh.load_weights(&weights).unwrap();
    model.load_weights(&weights).unwrap();
    let rows = |m: &dyn Rule| m.metrics().rows.iter().map(|r| bits(r)).collect::<Vec<_>>();
    assert_eq!(rows(fresh.as_ref()), rows(model.as_ref()));
    assert_eq!(fresh.metrics().rows.len(), 1);
    assert_eq!(fresh.weights().unwrap(), weights);
    let json = serde_json::to_string(&weights).unwrap();
    assert_eq!(serde_json::from_str::<Weights>(&json).unwrap(), weights);
}
