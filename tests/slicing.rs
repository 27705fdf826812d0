//! Every model's work is split into short `step(1)` units: driven one unit at a time, each rule
//! and model gives exactly the metric rows, progress and snapshots of a run driven with large
//! budgets, and no unit does more than a bounded amount of work.
//!
//! `BRAINPROP_SLICING_DUMP=FILE cargo test --release --test slicing -- --ignored dump` writes, for
//! every case, the progress and a hash of the snapshot at each row boundary and the rows' bits:
//! the record compared before and after the units were split.

use brainprop::data::{mnist, DataKind, DataStore};
use brainprop::experiment::Experiment;
use brainprop::rule::{Rule, RuleId, Snapshot};
use serde_json::{json, Value};
use std::fmt::Write;

fn store() -> DataStore {
    DataStore::with_mnist(mnist::load(std::path::Path::new(mnist::DEFAULT_PATH)).expect("run scripts/setup.sh"))
}

/// `rule`'s preset on `data` with `settings` changed.
fn experiment(rule: RuleId, data: DataKind, settings: Value) -> Experiment {
    let mut base = Experiment::preset(rule, data).unwrap().settings();
    for (k, v) in settings.as_object().unwrap() {
        base[k] = v.clone();
    }
    Experiment::from_settings(rule, base).unwrap()
}

/// Small configurations of every rule and model (each rule id at least once).
fn cases() -> Vec<Experiment> {
    use RuleId::*;
    let mut all = Vec::new();
    for rule in [Bp, Fa, Dfa, Sign, Shallow, Kp, Np, Wp, Burstprop] {
        all.push(experiment(rule, DataKind::Mnist, json!({"hidden": [40], "epochs": 2, "batch": 64})));
        all.push(experiment(
            rule,
            DataKind::Circles,
            json!({"hidden": [8, 8], "epochs": 3, "points": 300, "batch": 16}),
        ));
    }
    all.push(experiment(Bp, DataKind::Linear, json!({"hidden": [20], "epochs": 3, "batch": 16})));
    all.push(experiment(Bp, DataKind::Mnist, json!({"hidden": [30], "epochs": 2, "batch": 1024})));
    all.push(experiment(Eqprop, DataKind::Mnist, json!({"hidden": [40], "epochs": 2, "batch": 50})));
    all.push(experiment(
        Eqprop,
        DataKind::Circles,
        json!({"hidden": [10], "epochs": 3, "symmetric": true, "persistent": true}),
    ));
    all.push(experiment(Estimates, DataKind::Mnist, json!({"widths": [10, 30], "estimates": 64, "batch": 16})));
    all.push(experiment(Superspike, DataKind::Mnist, json!({"epochs": 5})));
    all.push(experiment(Superspike, DataKind::Mnist, json!({"epochs": 5, "task": "xor"})));
    all.push(experiment(Dendrites, DataKind::Mnist, json!({"hidden": [30], "epochs": 2})));
    all.push(experiment(Dendrites, DataKind::Mnist, json!({"hidden": [30], "epochs": 1, "mode": "spiking"})));
    all.push(experiment(Multiplex, DataKind::Mnist, json!({"duration_s": 2.0, "neurons": 50})));
    all.push(experiment(Plasticity, DataKind::Mnist, json!({"trains": 3, "neurons": 5, "train_gap_ms": 2000.0})));
    all.push(experiment(Settling, DataKind::Mnist, json!({})));
    all.push(experiment(GradientCheck, DataKind::Mnist, json!({"steps": 300, "betas": [0.01, 0.1, 1.0]})));
    all.push(experiment(Stdp, DataKind::Mnist, json!({"trials": 20, "window_ms": 20.0})));
    for rule in [Bptt, Eprop, Rflo] {
        all.push(experiment(rule, DataKind::Mnist, json!({"iterations": 12, "neurons": 30, "duration": 300.0})));
        all.push(experiment(
            rule,
            DataKind::Mnist,
            json!({"iterations": 12, "neurons": 30, "task": "cue", "adaptive": 0.5, "feedback": "random"}),
        ));
    }
    // Trials of several units each (chunk_steps: about 120 steps of a 100-100 network).
    for rule in [Bptt, Eprop, Rflo] {
        all.push(experiment(rule, DataKind::Mnist, json!({"iterations": 11, "neurons": 100, "duration": 1000.0})));
        all.push(experiment(rule, DataKind::Mnist, json!({"iterations": 10, "neurons": 150, "task": "cue"})));
    }
    // Curve points of several units each.
    all.push(experiment(Plasticity, DataKind::Mnist, json!({"trains": 3, "frequencies_hz": [0.1, 50.0]})));
    all.push(experiment(Stdp, DataKind::Mnist, json!({"trials": 2000, "window_ms": 20.0})));
    all.push(experiment(GradientCheck, DataKind::Mnist, json!({"betas": [0.1, 1.0], "hidden": [64, 64]})));
    all.push(experiment(Memory, DataKind::Mnist, json!({"neurons": 20, "inputs": 20})));
    all.push(experiment(Memory, DataKind::Mnist, json!({"neurons": 100, "task": "cue"})));
    all
}

/// A hash of every frame's name, shape and bits.
fn snapshot_hash(snapshot: &Snapshot) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in &snapshot.frames {
        f.name.hash(&mut h);
        f.shape.hash(&mut h);
        for v in &f.data {
            v.to_bits().hash(&mut h);
        }
    }
    h.finish()
}

/// What a run shows at its row boundaries and at its end, driven by `step(budget)`: for each call
/// that appended rows, the row count, progress and snapshot hash (only for `budget` 1, where
/// every call appends at most one row), then every row's bits and the samples reported.
fn record(model: &mut Box<dyn Rule + Send>, budget: u32, boundaries: bool) -> String {
    let mut text = String::new();
    let mut samples = 0;
    let mut calls = 0u64;
    loop {
        let outcome = model.step(budget).unwrap();
        calls += 1;
        samples += outcome.samples;
        if boundaries && outcome.new_rows > 0 {
            let p = model.progress();
            let hash = snapshot_hash(&model.snapshot());
            writeln!(
                text,
                "rows {} samples {} epoch {:?} snapshot {hash:x}",
                model.metrics().rows.len(),
                p.samples,
                p.epoch
            )
            .unwrap();
        }
        if outcome.finished {
            break;
        }
        assert!(calls < 10_000_000, "{} never finishes", model.id());
    }
    let p = model.progress();
    writeln!(text, "end samples {samples} progress {} {:?}", p.samples, p.epoch).unwrap();
    writeln!(text, "columns {:?}", model.metrics().columns).unwrap();
    for row in &model.metrics().rows {
        let bits: Vec<String> = row.iter().map(|v| format!("{:x}", v.to_bits())).collect();
        writeln!(text, "{}", bits.join(" ")).unwrap();
    }
    text
}

#[test]
#[ignore = "writes the record compared before and after the split (BRAINPROP_SLICING_DUMP)"]
fn dump() {
    let path = std::env::var("BRAINPROP_SLICING_DUMP").expect("BRAINPROP_SLICING_DUMP=FILE");
    let store = store();
    let mut text = String::new();
    for e in cases() {
        writeln!(text, "== {} {}", e.rule(), e.settings()).unwrap();
        let mut model = e.build(&store).unwrap();
        text += &record(&mut model, 1, true);
    }
    std::fs::write(path, text).unwrap();
}

/// Driven one unit at a time, every case records exactly what a run driven with large budgets
/// records: the rows (bit for bit), the samples reported, the final progress and snapshot.
#[test]
fn one_unit_at_a_time_records_what_large_budgets_record() {
    let store = store();
    for e in cases() {
        let name = format!("{} {}", e.rule(), e.settings());
        let one = record(&mut e.build(&store).unwrap(), 1, false);
        let large = record(&mut e.build(&store).unwrap(), 1_000_000, false);
        assert_eq!(one, large, "{name}");
        let mut a = e.build(&store).unwrap();
        let mut b = e.build(&store).unwrap();
        record(&mut a, 1, false);
        record(&mut b, 37, false);
        assert_eq!(snapshot_hash(&a.snapshot()), snapshot_hash(&b.snapshot()), "{name}: the final snapshot");
    }
}

/// No `step(1)` does more work than the cost estimate's bound on one unit
/// ([`brainprop::cost::Cost::unit_work`], in the count the model reports), and every unit but a
/// finished run's reports some work.
#[test]
fn no_unit_does_more_than_the_estimate_allows() {
    let store = store();
    for e in cases() {
        let name = format!("{} {}", e.rule(), e.settings());
        let bound = brainprop::cost::estimate(&e).unit_work;
        let mut model = e.build(&store).unwrap();
        let (mut units, mut most) = (0u64, 0u64);
        loop {
            let outcome = model.step(1).unwrap();
            assert!(outcome.units == 1 || outcome.finished, "{name}: {outcome:?}");
            assert!(outcome.work > 0, "{name}: a unit without work: {outcome:?}");
            most = most.max(outcome.work);
            units += 1;
            if outcome.finished {
                break;
            }
        }
        assert!(most as f64 <= bound, "{name}: a unit did {most} of work, the estimate's bound is {bound}");
        eprintln!("{name}: {units} units, the largest {most} (bound {bound})");
    }
}
