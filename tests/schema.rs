//! The one declaration of every setting (src/schema.rs) reaches the page and the command line:
//! the page's generated copy is current, every field of every rule is a CLI flag that lands in
//! the experiment, and the engine's validation follows the declared limits.

use brainprop::experiment::{self, Experiment};
use brainprop::rules::RuleId;
use brainprop::schema::{Field, Kind};
use serde_json::{json, Value};
use std::process::Command;

#[test]
fn the_pages_schema_module_is_generated_from_the_engine() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(experiment::SCHEMA_MODULE_PATH);
    let committed = std::fs::read_to_string(&path).expect("www/state/schema.js exists");
    assert!(
        committed == experiment::schema_module(),
        "{} is out of date: run `cargo run --release -- schema --js > {}`",
        path.display(),
        experiment::SCHEMA_MODULE_PATH
    );
}

/// A valid value of `field` that differs from `default` (so that a flag that were ignored shows).
fn other_value(field: &Field, default: &Value) -> Value {
    match &field.kind {
        Kind::Int { min, max, .. } => {
            let v = if default.as_f64() == Some(*max) { *min } else { *max };
            json!(v as i64)
        }
        Kind::Number { min, max, min_open, max_open } => {
            let v = if *max_open { (min + max) / 2.0 } else { *max };
            let v = if default.as_f64() == Some(v) {
                if *min_open {
                    (min + max) / 4.0
                } else {
                    *min
                }
            } else {
                v
            };
            json!(v)
        }
        // A setting with one allowed value (e.g. data of a network that reads only MNIST) keeps it.
        Kind::Enum { values, .. } => json!(values.iter().find(|v| default != &json!(v)).unwrap_or(&values[0])),
        Kind::List { min, max, integer, min_open, .. } => {
            let v = if *min_open { *max } else { *min };
            if *integer {
                json!([v as i64])
            } else {
                json!([v])
            }
        }
        Kind::Bool => json!(!default.as_bool().unwrap_or(false)),
        Kind::Object => default.clone(),
    }
}

fn flag_text(value: &Value) -> String {
    match value {
        Value::Array(items) => items.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(","),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn every_field_of_every_rule_is_a_command_line_flag() {
    for rule in RuleId::ALL {
        let preset = Experiment::preset(rule, brainprop::data::DataKind::Circles).unwrap().settings();
        for field in experiment::fields_of(rule) {
            let value = other_value(&field, &preset[field.name]);
            let flag = format!("--{}", field.name.replace('_', "-"));
            let mut args = vec!["train".to_string(), "--rule".into(), rule.name().into()];
            let takes_circles = experiment::fields_of(rule).iter().any(|f| {
                f.name == "data" && matches!(&f.kind, Kind::Enum { values, .. } if values.contains(&"circles"))
            });
            if takes_circles && field.name != "data" {
                args.extend(["--data".into(), "circles".into()]);
            }
            // Lists of per-layer rates must match the depth: give one hidden layer for them.
            if field.name == "layer_lr" {
                args.extend(["--hidden".into(), "8".into()]);
            }
            // A painted target has one row per output neuron: give one output for it.
            if field.name == "target" {
                args.extend(["--outputs".into(), "1".into()]);
            }
            args.extend([flag.clone(), flag_text(&value), "--print-config".into()]);
            if field.name == "layer_lr" {
                *args.iter_mut().rev().nth(1).unwrap() = "0.5,0.25".into();
            }
            let out = Command::new(env!("CARGO_BIN_EXE_brainprop")).args(&args).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{rule} {flag}: {stderr}");
            let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
            let expected = if field.name == "layer_lr" { json!([0.5, 0.25]) } else { value.clone() };
            let got = &printed[field.name];
            let same = match (got.as_f64(), expected.as_f64()) {
                (Some(a), Some(b)) => (a - b).abs() <= 1e-6 * b.abs().max(1.0),
                _ => got == &expected,
            };
            assert!(same, "{rule} {flag} {}: the experiment has {got}, expected {expected}", flag_text(&value));
        }
    }
}

#[test]
fn a_flag_outside_its_limits_is_refused_with_the_range_and_a_flag_of_another_rule_is_named() {
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_brainprop")).args(args).output().unwrap();
    let out = run(&["train", "--rule", "bp", "--lr", "-1", "--print-config"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("--lr") && stderr.contains("(0, 10]"), "{stderr}");
    let out = run(&["train", "--rule", "multiplex", "--lr", "1", "--print-config"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("not a setting of multiplex"), "{stderr}");
}

#[test]
fn a_typed_flag_overrides_the_config_file_and_an_untyped_one_never_does() {
    let dir = std::env::temp_dir().join(format!("brainprop-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("experiment.json");
    std::fs::write(&file, r#"{"rule":"fa","data":"xor","lr":0.3,"epochs":7}"#).unwrap();
    let run = |extra: &[&str]| -> Value {
        let mut args = vec!["train", "--config", file.to_str().unwrap(), "--print-config"];
        args.extend(extra);
        let out = Command::new(env!("CARGO_BIN_EXE_brainprop")).args(&args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let kept = run(&[]);
    assert_eq!(
        (kept["rule"].clone(), kept["data"].clone(), kept["lr"].clone(), kept["epochs"].clone()),
        (json!("fa"), json!("xor"), json!(0.3), json!(7))
    );
    let overridden = run(&["--epochs", "3"]);
    assert_eq!((overridden["epochs"].clone(), overridden["lr"].clone()), (json!(3), json!(0.3)));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn validation_follows_the_declared_limits_at_both_ends() {
    for rule in RuleId::ALL {
        let preset = Experiment::preset(rule, brainprop::data::DataKind::Circles).unwrap();
        assert!(preset.validate().is_ok(), "{rule}'s preset is valid");
        for field in experiment::fields_of(rule) {
            let (inside, outside): (Vec<Value>, Vec<Value>) = match &field.kind {
                Kind::Int { min, max, .. } => {
                    (vec![json!(*min as i64), json!(*max as i64)], vec![json!(max + 1.0), json!(min - 1.0)])
                }
                Kind::Number { min, max, min_open, max_open } => {
                    let mut outside = vec![json!(max + 1.0), json!(min - 1.0)];
                    if *min_open {
                        outside.push(json!(min));
                    }
                    if *max_open {
                        outside.push(json!(max));
                    }
                    let inside = [(!min_open).then(|| json!(min)), (!max_open).then(|| json!(max))]
                        .into_iter()
                        .flatten()
                        .collect();
                    (inside, outside)
                }
                _ => continue,
            };
            let with = |v: &Value| {
                let mut s = preset.settings();
                s[field.name] = v.clone();
                Experiment::from_settings(rule, s).map(|e| e.validate())
            };
            for v in &inside {
                // Cross-field rules may still refuse an extreme value; the single-field limit must not.
                if let Ok(Err(e)) = with(v) {
                    assert!(!e.to_string().contains(&field.range()), "{rule} {} = {v}: {e}", field.name);
                }
            }
            for v in &outside {
                // Values that do not even fit the Rust type (a negative count) are refused by serde.
                if let Ok(result) = with(v) {
                    let e = result.expect_err(&format!("{rule} {} = {v} must be refused", field.name));
                    assert!(e.to_string().contains(field.name), "{e}");
                }
            }
        }
    }
}

/// `RuleId::is_feedforward` names the rules whose schema config is the feed-forward one, and
/// `RuleId::has_weights` is each rule's `weights` in the schema.
#[test]
fn the_rule_capabilities_agree_with_the_schema() {
    let schema = experiment::schema();
    for rule in RuleId::ALL {
        let entry = &schema["rules"][rule.name()];
        assert_eq!(entry["config"] == "feedforward", rule.is_feedforward(), "{rule}");
        assert_eq!(entry["weights"], json!(rule.has_weights()), "{rule}");
    }
}
