//! The engine compiled to wasm, run by wasm-bindgen-test inside a dedicated worker in headless
//! Chromium (`scripts/test.sh` sets up the runner).
#![cfg(target_arch = "wasm32")]

use brainprop::data::DataKind;
use brainprop::data::DataStore;
use brainprop::experiment::Experiment;
use brainprop::protocol::{Command, ErrorKind, Reply};
use brainprop::rules::FeedforwardConfig;
use brainprop::session::Session;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[path = "support/session_driver.rs"]
mod session_driver;
use session_driver::progress_rows;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
fn runs_inside_a_dedicated_worker() {
    assert!(js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>().is_ok());
}

#[wasm_bindgen_test]
fn a_toy_network_learns_in_the_worker() {
    let config = FeedforwardConfig { data: DataKind::Xor, epochs: 40, ..FeedforwardConfig::default() };
    let mut model = Experiment::Bp(config).build(&DataStore::default()).unwrap();
    while !model.step(500).unwrap().finished {}
    let loss = model.metrics().column("test_loss").unwrap();
    let acc = model.metrics().last("test_acc").unwrap();
    assert!(loss[loss.len() - 1] < 0.5 * loss[0], "test loss {} -> {}", loss[0], loss[loss.len() - 1]);
    assert!(acc > 0.9, "test accuracy {acc}");
}

#[wasm_bindgen_test]
fn protocol_messages_round_trip_through_js_values() {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let commands = [
        Command::Configure {
            experiment: Experiment::Bp(FeedforwardConfig { lr: 0.25, hidden: vec![3, 4], ..Default::default() }),
        },
        Command::Train,
        Command::Step,
        Command::LoadData { dataset: DataKind::Mnist },
    ];
    for command in commands {
        let value = serde::Serialize::serialize(&command, &serializer).unwrap();
        let back: Command = serde_wasm_bindgen::from_value(value).unwrap();
        assert_eq!(back, command);
    }
    let replies = [
        Reply::Ready { protocol: 1 },
        Reply::Error { kind: ErrorKind::Diverged, message: "x".into() },
        Reply::Progress {
            rows: vec![vec![1.0, 2.0]],
            samples: 3,
            epoch: 1.5,
            running: true,
            finished: false,
            samples_per_s: 10.0,
        },
    ];
    for reply in replies {
        let value = serde::Serialize::serialize(&reply, &serializer).unwrap();
        let back: Reply = serde_wasm_bindgen::from_value(value).unwrap();
        assert_eq!(back, reply);
    }
    // A message as the page writes it, with fields missing and one unknown.
    let page =
        js_sys::JSON::parse(r#"{"type":"configure","experiment":{"rule":"bp","data":"spiral","lr":0.05,"extra":1}}"#)
            .unwrap();
    let Command::Configure { experiment: Experiment::Bp(c) } = serde_wasm_bindgen::from_value(page).unwrap() else {
        panic!()
    };
    assert_eq!((c.data, c.lr), (DataKind::Spiral, 0.05));
}

#[wasm_bindgen_test]
fn a_session_trains_in_time_slices() {
    let mut session = Session::new();
    let experiment = Experiment::Bp(FeedforwardConfig { data: DataKind::Circles, epochs: 5, ..Default::default() });
    session.handle(Command::Configure { experiment }, None);
    session.handle(Command::Train, None);
    assert_eq!(progress_rows(&mut session, &mut js_sys::Date::now, 10.0).len(), 5);
}

/// The Bursts chapter's population in wasm: same model, same numbers as natively (the neuron
/// uses its own exp, so the spikes are bit-identical across targets).
#[wasm_bindgen_test]
fn the_multiplexing_population_spikes_and_bursts_in_the_worker() {
    let experiment: Experiment = serde_json::from_str(r#"{"rule":"multiplex","neurons":60,"duration_s":1.0}"#).unwrap();
    let mut model = experiment.build(&DataStore::default()).unwrap();
    while !model.step(1000).unwrap().finished {}
    let events = model.metrics().column("event_rate").unwrap();
    let bursts = model.metrics().column("burst_rate").unwrap();
    assert!(events.len() >= 95, "{} bins", events.len());
    assert!(events.iter().sum::<f64>() > 0.0 && bursts.iter().sum::<f64>() > 0.0, "no events or no bursts");
}

/// EqProp's relaxation in wasm (the clip is written so that it vectorises there) learns a toy set.
#[wasm_bindgen_test]
fn equilibrium_propagation_learns_a_toy_set_in_the_worker() {
    let experiment: Experiment = serde_json::from_str(
        r#"{"rule":"eqprop","data":"circles","hidden":[32],"batch":10,"epochs":15,"layer_lr":[0.2,0.1]}"#,
    )
    .unwrap();
    let mut model = experiment.build(&DataStore::default()).unwrap();
    while !model.step(500).unwrap().finished {}
    let acc = model.metrics().last("test_acc").unwrap();
    assert!(acc > 0.85, "test accuracy {acc}");
}
