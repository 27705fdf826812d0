//! Fuzzing the engine's decoders (issue 15): random and mutated worker messages through
//! `Command` JSON and `Session::handle` / `tick`, and random and mutated experiment JSON through
//! deserialisation, `validate` and `build`. Deterministic seeds, a few seconds. Nothing may
//! panic, and every refusal must say what it refused.
//!
//! Valid experiments are built only when `cost::estimate` says that takes a few milliseconds
//! (bigger models are covered by tests/cost.rs; the fuzz is about inputs, not sizes).

use brainprop::cost;
use brainprop::data::{mnist, DataKind, DataStore};
use brainprop::experiment::Experiment;
use brainprop::protocol::{Command, Reply};
use brainprop::rule::RuleId;
use brainprop::session::Session;
use serde_json::{json, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// How many cases each fuzz runs: `FUZZ_SCALE` (default 1) times the quick run's.
fn scale() -> usize {
    std::env::var("FUZZ_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1)
}

/// A small deterministic generator (xorshift64*).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Values that break decoders: wrong types, extremes, NaN spelled as text, deep nesting.
fn hostile(g: &mut Gen) -> Value {
    let deep = (0..g.below(300)).fold(json!(1), |v, _| json!([v]));
    let choices = [
        json!(null),
        json!(true),
        json!(-1),
        json!(0),
        json!(1e308),
        json!(-1e308),
        json!(5e-324),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(4_294_967_296u64),
        json!(0.5),
        json!("NaN"),
        json!("Infinity"),
        json!("-1"),
        json!(""),
        json!("mnist"),
        json!("\u{0}\u{ffff}é"),
        json!([]),
        json!([1, 2, 3]),
        json!([-5, 1e300]),
        json!(vec![2048; 50]),
        json!({}),
        json!({"rule": "bp"}),
        deep,
    ];
    g.pick(&choices).clone()
}

/// `value` with one random part changed: a leaf replaced, a key removed, an unknown key added,
/// or a number nudged past its range.
fn mutate(g: &mut Gen, value: &Value) -> Value {
    let mut value = value.clone();
    // Choose a random path down (as a JSON pointer), then change what it points at.
    let mut path = String::new();
    let mut here = &value;
    for _ in 0..g.below(4) {
        let step = match here {
            Value::Object(map) if !map.is_empty() => {
                let key = map.keys().nth(g.below(map.len())).unwrap();
                Some((key.replace('~', "~0").replace('/', "~1"), &map[key]))
            }
            Value::Array(items) if !items.is_empty() => {
                let i = g.below(items.len());
                Some((i.to_string(), &items[i]))
            }
            _ => None,
        };
        match step {
            Some((part, next)) if g.below(3) > 0 => {
                path = format!("{path}/{part}");
                here = next;
            }
            _ => break,
        }
    }
    let node = value.pointer_mut(&path).expect("the path just walked");
    match (g.below(6), &mut *node) {
        (0, Value::Object(map)) if !map.is_empty() => {
            let key = map.keys().nth(g.below(map.len())).cloned().unwrap();
            map.remove(&key);
        }
        (1, Value::Object(map)) => {
            map.insert(g.pick(&["zzz", "rule", "type", "experiment", "__proto__", "bytes"]).to_string(), hostile(g));
        }
        (2, Value::Number(n)) => {
            let x = n.as_f64().unwrap_or(0.0);
            *node = json!(g.pick(&[x * 1e6, -x, x + 0.5, x * 1.0001, -1e-9]));
        }
        (3, Value::String(_)) => *node = json!(g.pick(&["", "BP", "unknown", "mnist ", "0", "circles"])),
        _ => *node = hostile(g),
    }
    value
}

/// Every rule's starting experiments (cheap ones on the toy sets where the rule takes data).
fn experiments() -> Vec<Value> {
    let mut all: Vec<Value> = RuleId::ALL
        .iter()
        .flat_map(|&r| [DataKind::Circles, DataKind::Mnist].map(|d| Experiment::preset(r, d).unwrap()))
        .map(|e| serde_json::to_value(e).unwrap())
        .collect();
    all.push(json!({"rule": "bp", "data": "mnist", "hidden": vec![2048; 12], "batch": 1024}));
    all
}

/// Valid messages of every type.
fn messages() -> Vec<Value> {
    let mut all: Vec<Value> =
        experiments().into_iter().map(|e| json!({"type": "configure", "experiment": e})).collect();
    for t in ["train", "pause", "step", "reset", "snapshot"] {
        all.push(json!({ "type": t }));
    }
    all.push(json!({"type": "load_data", "dataset": "mnist"}));
    all.push(json!({"type": "adjust", "settings": {"somatic_mean": 200.0, "neurons": 10}}));
    all.push(json!({"type": "ping"}));
    all.push(json!({"type": "duty", "fraction": 0.5}));
    all.push(json!({"type": "replay", "samples": 1000}));
    all.push(json!({"type": "predict", "inputs": [[0.5, -0.5], [0.0, 1.0]]}));
    all.push(json!({"type": "predict", "inputs": [vec![0.25; 784]]}));
    all.push(json!({"type": "export_weights"}));
    let weights = json!({"format": "brainprop-weights", "version": 1, "rule": "bp", "sizes": [2, 8, 8, 2],
        "experiment": {"rule": "bp", "data": "circles"}, "arrays": [{"name": "w0", "shape": [2, 8], "data": vec![0.5; 16]}]});
    all.push(json!({"type": "import_weights", "weights": weights}));
    all.extend(experiments().into_iter().map(|e| json!({"type": "estimate", "experiment": e})));
    all
}

/// The model would be built in a few milliseconds (native estimate).
fn cheap(experiment: &Experiment) -> bool {
    let c = cost::estimate(experiment);
    c.setup_ms + 5.0 * c.unit_ms < 30.0
}

/// A fake clock, 1 ms per reading.
fn clock() -> impl FnMut() -> f64 {
    let mut t = 0.0;
    move || {
        t += 1.0;
        t
    }
}

fn check_replies(replies: &[Reply], input: &str) {
    for reply in replies {
        if let Reply::Error { message, .. } = reply {
            assert!(message.trim().len() > 3, "an empty error for {input}");
        }
    }
}

fn mnist_bytes() -> Vec<u8> {
    std::fs::read(mnist::DEFAULT_PATH).expect("run scripts/setup.sh")
}

/// Feeds `text` to a session the way the worker does: decode, or a protocol error naming why.
fn feed(session: &mut Session, text: &str, bytes: Option<&[u8]>) -> Vec<Reply> {
    match serde_json::from_str::<Command>(text) {
        Ok(command) => {
            if let Command::Configure { experiment } = &command {
                if experiment.validate().is_ok() && !cheap(experiment) {
                    return vec![];
                }
            }
            let mut replies = session.handle(command, bytes);
            let mut now = clock();
            for _ in 0..3 {
                replies.extend(session.tick(&mut now, 5.0));
            }
            replies
        }
        Err(e) => {
            let message = format!("unrecognised message: {e}");
            assert!(!e.to_string().is_empty(), "serde gave no reason for {text}");
            vec![Reply::Error { kind: brainprop::protocol::ErrorKind::Protocol, message }]
        }
    }
}

#[test]
fn random_and_mutated_messages_never_panic_a_session() {
    let bases = messages();
    let real = mnist_bytes();
    let mut g = Gen(0x9e37_79b9_7f4a_7c15 ^ scale() as u64);
    let mut decoded = 0;
    for case in 0..1500 * scale() {
        // A fresh session every 50 messages, so out-of-order sequences start from nothing too.
        let mut session = Session::new();
        for _ in 0..(if case % 50 == 0 { 1 } else { 3 }) {
            let base = g.pick(&bases).clone();
            let message = match g.below(4) {
                0 => base,
                1 => hostile(&mut g),
                _ => mutate(&mut g, &base),
            };
            let mut text = message.to_string();
            if g.below(20) == 0 {
                // Broken JSON: cut short or with a stray byte.
                let cut = g.below(text.len());
                text = format!("{}{}", &text[..text.floor_char_boundary(cut)], g.pick(&["", "}", "\u{0}", "]]]"]));
            }
            let bytes: Option<Vec<u8>> = match g.below(6) {
                0 => Some(real.clone()),
                1 => Some(real[..g.below(real.len())].to_vec()),
                2 => Some((0..g.below(5000)).map(|_| g.next() as u8).collect()),
                3 => {
                    let mut b = real[..64.min(real.len())].to_vec();
                    b.extend((0..100).map(|_| g.next() as u8));
                    Some(b)
                }
                _ => None,
            };
            decoded += usize::from(serde_json::from_str::<Command>(&text).is_ok());
            let replies = catch_unwind(AssertUnwindSafe(|| feed(&mut session, &text, bytes.as_deref())))
                .unwrap_or_else(|_| panic!("the session panicked on {text}"));
            check_replies(&replies, &text);
        }
    }
    eprintln!("{decoded} messages decoded");
    // The fuzz reaches the session, not only the decoder.
    assert!(decoded > 300, "only {decoded} messages decoded");
}

#[test]
fn out_of_order_messages_get_an_error_reply_naming_what_is_missing() {
    for t in ["train", "step", "reset", "adjust", "replay"] {
        let mut session = Session::new();
        let text = match t {
            "adjust" => json!({"type": t, "settings": {}}),
            "replay" => json!({"type": t, "samples": 10}),
            _ => json!({ "type": t }),
        }
        .to_string();
        let replies = feed(&mut session, &text, None);
        let Some(Reply::Error { message, .. }) = replies.first() else { panic!("{t} before configure: {replies:?}") };
        assert!(message.contains("configure") || message.contains("no experiment"), "{t}: {message}");
    }
    let mut session = Session::new();
    let replies = feed(&mut session, r#"{"type":"load_data","dataset":"mnist"}"#, None);
    assert!(matches!(&replies[..], [Reply::Error { message, .. }] if message.contains("bytes")), "{replies:?}");
    let replies = feed(&mut session, r#"{"type":"load_data","dataset":"mnist"}"#, Some(&[1, 2, 3]));
    assert!(matches!(&replies[..], [Reply::Error { message, .. }] if message.contains("data")), "{replies:?}");
    let replies = feed(&mut session, r#"{"type":"warp"}"#, None);
    assert!(matches!(&replies[..], [Reply::Error { message, .. }] if message.contains("warp")), "{replies:?}");
}

#[test]
fn random_and_mutated_experiments_are_refused_with_a_named_setting_or_built() {
    let store = DataStore::with_mnist(mnist::load(std::path::Path::new(mnist::DEFAULT_PATH)).unwrap());
    let bases = experiments();
    let mut g = Gen(0x5851_f42d_4c95_7f2d ^ scale() as u64);
    let (mut refused, mut built) = (0, 0);
    for _ in 0..4000 * scale() {
        let base = g.pick(&bases).clone();
        let value = if g.below(10) == 0 { hostile(&mut g) } else { mutate(&mut g, &base) };
        let text = value.to_string();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let experiment: Experiment = match serde_json::from_value(value.clone()) {
                Ok(e) => e,
                Err(e) => {
                    assert!(!e.to_string().is_empty());
                    return None;
                }
            };
            let verdict = experiment.validate();
            // A valid experiment reads back from its settings alone (the page's path). (An f32
            // setting given 1e308 decodes as infinity, which JSON writes as null: refused above.)
            if verdict.is_ok() {
                let again = Experiment::from_settings(experiment.rule(), experiment.settings());
                assert!(again.as_ref().is_ok_and(|a| a == &experiment), "{again:?}");
            }
            match verdict {
                Err(e) => {
                    let brainprop::Error::InvalidConfig { name, reason } = &e else { panic!("{e}") };
                    assert!(!name.is_empty() && !reason.is_empty(), "{e}");
                    Some(false)
                }
                Ok(()) if cheap(&experiment) => {
                    // BurstProp's sigmoid-only rule is checked at build, not by validate (left as
                    // it is: tests/schema.rs sets its activation alone); it too names the setting.
                    let mut model = match experiment.build(&store) {
                        Ok(model) => model,
                        Err(brainprop::Error::InvalidConfig { name: "activation", .. })
                            if experiment.rule() == RuleId::Burstprop =>
                        {
                            return Some(false);
                        }
                        Err(e) => panic!("valid but not built: {e}"),
                    };
                    for _ in 0..2 {
                        if model.step(1).is_err() {
                            break;
                        }
                    }
                    model.snapshot();
                    Some(true)
                }
                Ok(()) => None,
            }
        }))
        .unwrap_or_else(|_| panic!("panicked on {text}"));
        refused += usize::from(outcome == Some(false));
        built += usize::from(outcome == Some(true));
    }
    eprintln!("{refused} refused, {built} built");
    assert!(refused > 200 && built > 200, "{refused} refused, {built} built");
}
