//! The worker protocol, driven natively through the same `Session` the wasm worker wraps.

use brainprop::data::DataKind;
use brainprop::experiment::Experiment;
use brainprop::protocol::{Command, ErrorKind, Reply};
use brainprop::rules::FeedforwardConfig;
use brainprop::rules::RuleId;
use brainprop::session::Session;

#[path = "support/session_driver.rs"]
mod session_driver;
use session_driver::progress_rows;

fn configure(data: DataKind) -> Command {
    Command::Configure {
        experiment: Experiment::Bp(FeedforwardConfig { data, epochs: 3, ..FeedforwardConfig::default() }),
    }
}

/// A fake clock that advances 1 ms per reading.
fn clock() -> impl FnMut() -> f64 {
    let mut t = 0.0;
    move || {
        t += 1.0;
        t
    }
}

#[test]
fn commands_and_replies_round_trip_through_json() {
    let commands = vec![
        configure(DataKind::Xor),
        Command::Train,
        Command::Pause,
        Command::Step,
        Command::Reset,
        Command::Snapshot,
        Command::LoadData { dataset: DataKind::Mnist },
    ];
    for command in commands {
        let json = serde_json::to_string(&command).unwrap();
        assert_eq!(serde_json::from_str::<Command>(&json).unwrap(), command, "{json}");
    }
    let partial: Command = serde_json::from_str(r#"{"type":"configure","experiment":{"rule":"bp","lr":0.3}}"#).unwrap();
    let Command::Configure { experiment: Experiment::Bp(c) } = partial else { panic!("wrong variant") };
    assert_eq!((c.lr, c.hidden.clone()), (0.3, FeedforwardConfig::default().hidden));
}

/// The throughput is read over 1 s windows of the clock, but a run's first reading comes after
/// 200 ms, so that a short run shows its speed too.
#[test]
fn throughput_is_measured_over_the_clock_and_first_read_early() {
    let mut session = Session::new();
    session.handle(configure(DataKind::Circles), None);
    session.handle(Command::Train, None);
    let mut t = 0.0;
    // Every reading of the clock advances it 10 ms: one slice per tick (slice 5 ms).
    let mut now = move || {
        t += 10.0;
        t
    };
    let mut readings = Vec::new();
    for tick in 0..60 {
        for reply in session.tick(&mut now, 5.0) {
            if let Reply::Progress { samples_per_s, .. } = reply {
                readings.push((tick, samples_per_s));
            }
        }
    }
    let first = readings.iter().find(|(_, rate)| *rate > 0.0).expect("a throughput reading");
    // Each tick reads the clock three times (30 ms); the first reading needs 200 ms of it.
    assert!((6..=8).contains(&first.0), "first reading at tick {}", first.0);
    assert!(readings.iter().all(|(_, rate)| rate.is_finite() && *rate >= 0.0));
}

#[test]
fn configure_train_and_finish() {
    let mut session = Session::new();
    let replies = session.handle(configure(DataKind::Circles), None);
    assert!(matches!(&replies[0], Reply::Configured { rows, .. } if rows.len() == 1));
    assert!(matches!(&replies[1], Reply::Snapshot { snapshot } if snapshot.get("boundary").is_some()));
    session.handle(Command::Train, None);
    let mut now = clock();
    let mut rows = 0;
    let mut finished = false;
    for _ in 0..1000 {
        for reply in session.tick(&mut now, 10.0) {
            if let Reply::Progress { rows: new, finished: f, .. } = reply {
                rows += new.len();
                finished |= f;
            }
        }
        if !session.is_busy() {
            break;
        }
    }
    assert_eq!(rows, 3, "one progress row per epoch");
    assert!(finished && !session.is_busy());
}

#[test]
fn step_trains_exactly_one_epoch_and_pause_stops() {
    let mut session = Session::new();
    session.handle(configure(DataKind::Xor), None);
    session.handle(Command::Step, None);
    let mut now = clock();
    while session.is_busy() {
        session.tick(&mut now, 5.0);
    }
    assert_eq!(session.model().unwrap().metrics().rows.len(), 2);
    session.handle(Command::Train, None);
    session.handle(Command::Pause, None);
    assert!(!session.is_busy());
}

/// A pause can fall between an epoch's last minibatch and its test evaluation (the evaluation is
/// sliced, so the longer it takes the likelier this is). A step from there still trains one whole
/// epoch: the row owed for the finished epoch does not count as the step. (It used to stop the
/// step at once, and the page's → key then seemed to do nothing.)
#[test]
fn a_step_from_a_pending_evaluation_trains_a_whole_epoch() {
    let experiments = [
        Experiment::Bp(FeedforwardConfig { data: DataKind::Circles, epochs: 5, ..FeedforwardConfig::default() }),
        serde_json::from_value(serde_json::json!({"rule": "eqprop", "data": "circles", "epochs": 5})).unwrap(),
    ];
    for experiment in experiments {
        let rule = experiment.rule();
        let mut session = Session::new();
        session.handle(Command::Configure { experiment }, None);
        session.handle(Command::Train, None);
        // A slice of 0 ms is one unit of work per tick: stop as soon as epoch 1's last
        // minibatch is in and its row is not yet.
        let mut now = clock();
        let model = |s: &Session| (s.model().unwrap().progress().epoch, s.model().unwrap().metrics().rows.len());
        while model(&session) != (1.0, 1) {
            session.tick(&mut now, 0.0);
            assert!(model(&session).0 <= 1.0, "{rule:?}: passed the end of epoch 1 without stopping before its row");
        }
        session.handle(Command::Pause, None);
        session.handle(Command::Step, None);
        while session.is_busy() {
            session.tick(&mut now, 0.0);
        }
        assert_eq!(model(&session), (2.0, 3), "{rule:?}: a step ends with the next epoch's row");
        // A step from mid-epoch ends at that epoch's row.
        session.handle(Command::Train, None);
        while model(&session).0 < 2.5 {
            session.tick(&mut now, 0.0);
        }
        session.handle(Command::Pause, None);
        session.handle(Command::Step, None);
        while session.is_busy() {
            session.tick(&mut now, 0.0);
        }
        assert_eq!(model(&session), (3.0, 4), "{rule:?}");
    }
}

#[test]
fn bad_input_gives_a_message_and_keeps_the_model() {
    let mut session = Session::new();
    session.handle(configure(DataKind::Xor), None);
    let bad = Experiment::Bp(FeedforwardConfig { lr: -1.0, ..FeedforwardConfig::default() });
    let replies = session.handle(Command::Configure { experiment: bad }, None);
    assert!(matches!(&replies[..], [Reply::Error { kind: ErrorKind::Config, message }] if message.contains("lr")));
    assert!(session.model().is_some(), "the previous model survives a bad configure");
    let replies = session.handle(Command::LoadData { dataset: DataKind::Mnist }, Some(b"garbage"));
    assert!(matches!(&replies[..], [Reply::Error { kind: ErrorKind::Data, .. }]));
}

#[test]
fn mnist_waits_for_its_data() {
    let mut session = Session::new();
    let replies = session.handle(configure(DataKind::Mnist), None);
    assert_eq!(replies, vec![Reply::NeedsData { dataset: DataKind::Mnist }]);
    let bytes = std::fs::read(brainprop::data::mnist::DEFAULT_PATH).expect("run scripts/setup.sh");
    let replies = session.handle(Command::LoadData { dataset: DataKind::Mnist }, Some(&bytes));
    assert!(matches!(&replies[0], Reply::Configured { .. }), "{:?}", replies[0]);
    let Reply::Snapshot { snapshot } = &replies[1] else { panic!("expected a snapshot") };
    assert_eq!(snapshot.get("receptive_fields").unwrap().shape, vec![8, 784]);
}

/// A model over the limits is refused at once, before its data is asked for (issue 15: the link
/// with twelve 2048-wide layers sat at "Loading digits…").
#[test]
fn an_oversized_model_is_refused_before_its_data_is_loaded() {
    let mut session = Session::new();
    let huge = Experiment::Bp(FeedforwardConfig {
        data: DataKind::Mnist,
        hidden: vec![2048; 12],
        batch: 1024,
        ..FeedforwardConfig::default()
    });
    match session.handle(Command::Configure { experiment: huge }, None).as_slice() {
        [Reply::Error { kind: ErrorKind::Config, message }] => {
            assert!(message.contains("hidden") && message.contains("limit"), "{message}")
        }
        other => panic!("a config error, not {other:?}"),
    }
    assert!(!session.is_busy() && session.model().is_none());
}

#[test]
fn a_diverging_run_reports_and_reset_recovers() {
    let mut session = Session::new();
    let experiment = Experiment::Bp(FeedforwardConfig {
        data: DataKind::Spiral,
        activation: brainprop::nn::Activation::Relu,
        loss: brainprop::nn::Loss::Mse,
        hidden: vec![64, 64],
        lr: 10.0,
        ..FeedforwardConfig::default()
    });
    session.handle(Command::Configure { experiment }, None);
    session.handle(Command::Train, None);
    let mut now = clock();
    let mut diverged = false;
    for _ in 0..10_000 {
        diverged |=
            session.tick(&mut now, 10.0).iter().any(|r| matches!(r, Reply::Error { kind: ErrorKind::Diverged, .. }));
        if !session.is_busy() {
            break;
        }
    }
    assert!(diverged && !session.is_busy());
    let replies = session.handle(Command::Reset, None);
    assert!(matches!(&replies[0], Reply::Configured { rows, .. } if rows.len() == 1));
}

#[test]
fn the_engine_library_has_no_browser_code() {
    fn visit(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.ends_with("bin") {
                continue;
            }
            if path.is_dir() {
                visit(&path, found);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                for needle in ["wasm_bindgen", "web_sys", "js_sys"] {
                    if text.contains(needle) {
                        found.push(format!("{} names {needle}", path.display()));
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    visit(std::path::Path::new("src"), &mut found);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn adjust_is_refused_by_models_without_live_settings_and_changes_nothing() {
    let mut session = Session::new();
    let before = session.handle(Command::Adjust { settings: serde_json::json!({"lr": 5.0}) }, None);
    assert!(matches!(&before[0], Reply::Error { kind: ErrorKind::Protocol, .. }), "{before:?}");
    session.handle(configure(DataKind::Xor), None);
    let replies = session.handle(Command::Adjust { settings: serde_json::json!({"lr": 5.0}) }, None);
    assert!(
        matches!(&replies[0], Reply::Error { kind: ErrorKind::Config, message } if message.contains("no live settings")),
        "{replies:?}"
    );
    // Reset still rebuilds the experiment as configured.
    let replies = session.handle(Command::Reset, None);
    assert!(matches!(&replies[0], Reply::Configured { experiment: Experiment::Bp(c), .. } if c.lr == 0.1));
}

/// The Bursts chapter's models run through the same protocol: the multiplexing population takes
/// live input changes, and the plasticity curve grows one frequency per row.
#[test]
fn multiplexing_takes_live_inputs_and_the_plasticity_curve_fills_in() {
    let mut session = Session::new();
    let experiment: Experiment =
        serde_json::from_str(r#"{"rule":"multiplex","neurons":40,"duration_s":0.5}"#).expect("valid JSON");
    let replies = session.handle(Command::Configure { experiment }, None);
    assert!(matches!(&replies[0], Reply::Configured { rule: RuleId::Multiplex, .. }), "{replies:?}");
    let ok = session.handle(Command::Adjust { settings: serde_json::json!({"dendritic_mean": 60.0}) }, None);
    assert!(ok.is_empty(), "{ok:?}");
    let bad = session.handle(Command::Adjust { settings: serde_json::json!({"dendritic_mean": "high"}) }, None);
    assert!(matches!(&bad[0], Reply::Error { kind: ErrorKind::Config, .. }), "{bad:?}");
    // Reset rebuilds with the adjusted input.
    let replies = session.handle(Command::Reset, None);
    assert!(
        matches!(&replies[0], Reply::Configured { experiment: Experiment::Multiplex(c), .. } if c.dendritic_mean == 60.0),
        "{replies:?}"
    );
    session.handle(Command::Train, None);
    let mut now = clock();
    let rows = progress_rows(&mut session, &mut now, 10.0).len();
    assert!(rows >= 45, "0.5 s in 10 ms bins gives about 48 rows, got {rows}");

    let experiment: Experiment =
        serde_json::from_str(r#"{"rule":"plasticity","frequencies_hz":[0.1,50],"trains":2,"neurons":4}"#).unwrap();
    session.handle(Command::Configure { experiment }, None);
    session.handle(Command::Train, None);
    let frequencies: Vec<f64> = progress_rows(&mut session, &mut now, 10.0).iter().map(|r| r[0]).collect();
    assert_eq!(frequencies, vec![0.1, 50.0]);
}

#[test]
fn eqprop_runs_through_the_protocol_and_waits_for_mnist() {
    let mut session = Session::new();
    let experiment: Experiment = serde_json::from_str(r#"{"rule":"eqprop","data":"mnist"}"#).unwrap();
    let replies = session.handle(Command::Configure { experiment }, None);
    assert!(matches!(&replies[0], Reply::NeedsData { dataset: DataKind::Mnist }), "{replies:?}");
    let experiment: Experiment = serde_json::from_str(
        r#"{"rule":"eqprop","data":"circles","hidden":[16],"epochs":2,"batch":10,"layer_lr":[0.2,0.1]}"#,
    )
    .unwrap();
    let replies = session.handle(Command::Configure { experiment }, None);
    assert!(
        matches!(&replies[0], Reply::Configured { rule: RuleId::Eqprop, rows, .. } if rows.len() == 1),
        "{replies:?}"
    );
    session.handle(Command::Train, None);
    assert_eq!(progress_rows(&mut session, &mut clock(), 10.0).len(), 2);
}

/// A restarted worker catches up with a crashed one by replaying: the same experiment trained to
/// the same sample count gives the same metric rows, bit for bit, however the slices fell.
#[test]
fn replay_reaches_the_crashed_workers_model_bit_for_bit() {
    let experiment =
        Experiment::Bp(FeedforwardConfig { data: DataKind::Spiral, epochs: 50, ..FeedforwardConfig::default() });
    // The worker that "crashes": trained in 3 ms slices, stopped part-way through epoch 7.
    let mut first = Session::new();
    first.handle(Command::Configure { experiment: experiment.clone() }, None);
    first.handle(Command::Train, None);
    let mut now = clock();
    let mut rows = Vec::new();
    let mut samples = 0;
    while samples < 7 * 400 + 96 {
        for reply in first.tick(&mut now, 3.0) {
            if let Reply::Progress { rows: new, samples: s, .. } = reply {
                rows.extend(new);
                samples = s;
            }
        }
    }
    first.handle(Command::Pause, None);
    assert!(rows.len() >= 7, "{} rows", rows.len());

    // The new worker: built from the same experiment, replayed in 50 ms slices.
    let mut second = Session::new();
    second.handle(Command::Configure { experiment }, None);
    assert!(second.handle(Command::Replay { samples }, None).is_empty());
    let mut now = clock();
    let mut replayed = Vec::new();
    let mut snapshots = 0;
    let mut last = None;
    while second.is_busy() {
        for reply in second.tick(&mut now, 50.0) {
            match reply {
                Reply::Progress { rows: new, samples, running, .. } => {
                    replayed.extend(new);
                    last = Some((samples, running));
                }
                Reply::Snapshot { .. } => snapshots += 1,
                _ => {}
            }
        }
    }
    assert_eq!(last, Some((samples, false)), "stops, paused, at exactly the crashed worker's sample count");
    assert_eq!(snapshots, 1, "one snapshot when the replay is done, none on the way");
    assert_eq!(replayed.len(), rows.len());
    for (a, b) in replayed.iter().zip(&rows) {
        let (a, b): (Vec<u64>, Vec<u64>) =
            (a.iter().map(|x| x.to_bits()).collect(), b.iter().map(|x| x.to_bits()).collect());
        assert_eq!(a, b);
    }
    // A replay to where the model already is answers at once; one with no model is refused.
    assert!(matches!(
        second.handle(Command::Replay { samples: 10 }, None).as_slice(),
        [Reply::Progress { running: false, .. }]
    ));
    assert!(matches!(
        Session::new().handle(Command::Replay { samples: 10 }, None).as_slice(),
        [Reply::Error { kind: ErrorKind::Protocol, .. }]
    ));
}

#[test]
fn ping_estimate_and_the_pages_protocol_version() {
    let mut session = Session::new();
    assert_eq!(session.handle(Command::Ping, None), vec![Reply::Pong]);
    let big = Experiment::Bp(FeedforwardConfig {
        data: DataKind::Mnist,
        hidden: vec![1000, 1000],
        ..FeedforwardConfig::default()
    });
    let estimate =
        |session: &mut Session, experiment| match session.handle(Command::Estimate { experiment }, None).as_slice() {
            [Reply::Estimate { memory_bytes, knob, .. }] => (*memory_bytes, knob.clone()),
            other => panic!("an estimate, not {other:?}"),
        };
    let (memory_bytes, knob) = estimate(&mut session, big);
    let small =
        Experiment::Bp(FeedforwardConfig { data: DataKind::Mnist, hidden: vec![100], ..FeedforwardConfig::default() });
    let (less, _) = estimate(&mut session, small);
    assert!(memory_bytes > 5.0 * less, "{memory_bytes} vs {less}");
    assert_eq!(knob, "hidden");
    assert!(session.model().is_none(), "an estimate builds nothing");

    // The page refuses a worker of another protocol version: its constant must follow this one.
    let client = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/engine/client.js")).unwrap();
    let expected = format!("export const PROTOCOL = {};", brainprop::protocol::PROTOCOL_VERSION);
    assert!(client.contains(&expected), "www/engine/client.js must say `{expected}`");
}

/// `predict` answers at once, between training slices too, and leaves the run exactly as it
/// was: the metric rows of a run asked for predictions after every slice are bit for bit those
/// of a run left alone.
#[test]
fn predictions_between_slices_do_not_change_training() {
    let experiment =
        Experiment::Bp(FeedforwardConfig { data: DataKind::Spiral, epochs: 6, ..FeedforwardConfig::default() });
    let run = |experiment: &Experiment, ask: bool| {
        let mut session = Session::new();
        session.handle(Command::Configure { experiment: experiment.clone() }, None);
        let before = session.handle(Command::Predict { inputs: vec![vec![0.5, -0.25]] }, None);
        session.handle(Command::Train, None);
        let mut now = clock();
        let (mut rows, mut answers) = (Vec::new(), Vec::new());
        while session.is_busy() {
            for reply in session.tick(&mut now, 2.0) {
                if let Reply::Progress { rows: new, .. } = reply {
                    rows.extend(new);
                }
            }
            if ask {
                let inputs = vec![vec![0.5, -0.25], vec![-1.0, 1.0]];
                match session.handle(Command::Predict { inputs }, None).as_slice() {
                    [Reply::Prediction { probabilities }] => answers.push(probabilities.clone()),
                    other => panic!("a prediction, not {other:?}"),
                }
            }
        }
        let bits: Vec<Vec<u64>> = rows.iter().map(|r| r.iter().map(|x| x.to_bits()).collect()).collect();
        (before, bits, answers)
    };
    let (before, alone, _) = run(&experiment, false);
    let (_, asked, answers) = run(&experiment, true);
    assert!(matches!(before.as_slice(), [Reply::Prediction { probabilities }] if probabilities.len() == 1));
    assert_eq!(alone.len(), 6, "6 epochs (the untrained row came with configured)");
    assert_eq!(asked, alone);
    assert!(answers.len() > 6, "{} predictions", answers.len());
    assert!(answers.windows(2).any(|w| w[0] != w[1]), "the predictions follow the training");
    // EqProp relaxes each prediction in its evaluation buffers: its run is untouched too.
    let mut eqprop = Experiment::preset(RuleId::Eqprop, DataKind::Circles).unwrap().settings();
    eqprop["epochs"] = serde_json::json!(2);
    let eqprop = Experiment::from_settings(RuleId::Eqprop, eqprop).unwrap();
    let (_, alone, _) = run(&eqprop, false);
    let (_, asked, answers) = run(&eqprop, true);
    assert_eq!((asked.len(), &asked), (2, &alone));
    assert!(answers.len() > 2, "{} predictions", answers.len());

    // Refusals: no model, rows of unequal width, rows of the wrong width.
    let refused = |session: &mut Session, inputs: Vec<Vec<f32>>| match session
        .handle(Command::Predict { inputs }, None)
        .as_slice()
    {
        [Reply::Error { message, .. }] => message.clone(),
        other => panic!("an error, not {other:?}"),
    };
    let mut session = Session::new();
    assert!(refused(&mut session, vec![vec![0.0; 2]]).contains("configure"));
    session.handle(Command::Configure { experiment }, None);
    assert!(refused(&mut session, vec![vec![0.0; 2], vec![0.0; 3]]).contains("row 1"));
    let message = refused(&mut session, vec![vec![0.0; 784]]);
    assert!(message.contains("inputs") && message.contains("takes 2 values"), "{message}");
}

/// `export_weights` then `import_weights` after a Reset: the session answers like `configure`,
/// with one row whose test accuracy and loss are the trained model's, bit for bit; a file of
/// another shape is refused with the setting to change, and the model stays as it was.
#[test]
fn weights_export_and_import_through_the_protocol() {
    let experiment =
        Experiment::Bp(FeedforwardConfig { data: DataKind::Xor, epochs: 4, ..FeedforwardConfig::default() });
    let mut session = Session::new();
    session.handle(Command::Configure { experiment: experiment.clone() }, None);
    session.handle(Command::Train, None);
    let rows = progress_rows(&mut session, &mut clock(), 5.0);
    let last = rows.last().unwrap().clone();
    let weights = match session.handle(Command::ExportWeights, None).as_slice() {
        [Reply::Weights { weights }] => weights.clone(),
        other => panic!("weights, not {other:?}"),
    };
    let file = serde_json::to_value(&weights).unwrap();

    session.handle(Command::Reset, None);
    match session.handle(Command::ImportWeights { weights: file.clone() }, None).as_slice() {
        [Reply::Configured { rows, columns, .. }, Reply::Snapshot { .. }] => {
            assert_eq!(rows.len(), 1);
            for column in ["test_loss", "test_acc"] {
                let i = columns.iter().position(|c| c == column).unwrap();
                assert_eq!(rows[0][i].to_bits(), last[i].to_bits(), "{column}");
            }
        }
        other => panic!("configured, not {other:?}"),
    }
    // The loaded model trains on.
    session.handle(Command::Step, None);
    assert_eq!(progress_rows(&mut session, &mut clock(), 5.0).len(), 1);

    let wider = Experiment::Bp(FeedforwardConfig { hidden: vec![5], ..experiment.feedforward().unwrap().clone() });
    session.handle(Command::Configure { experiment: wider }, None);
    match session.handle(Command::ImportWeights { weights: file }, None).as_slice() {
        [Reply::WeightsRefused { message }] => assert!(message.ends_with("set hidden to 8,8"), "{message}"),
        other => panic!("refused, not {other:?}"),
    }
    match session.handle(Command::ImportWeights { weights: serde_json::json!({"a": 1}) }, None).as_slice() {
        [Reply::WeightsRefused { message }] => assert!(message.contains("not a brainprop weights file"), "{message}"),
        other => panic!("refused, not {other:?}"),
    }
    assert!(session.model().is_some_and(|m| m.metrics().rows.len() == 1), "the model was kept");
}
