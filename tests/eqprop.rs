//! Equilibrium Propagation: the relaxation descends the energy, nudging moves the output toward
//! the target, the EP update approaches the gradient of the cost as β → 0, MNIST learning, and
//! configuration errors.

use brainprop::data::{mnist, toy, DataKind};
use brainprop::rng::{rng_for, Stream};
use brainprop::rule::Rule;
use brainprop::rules::equilibrium_propagation::{EqNet, EqPropConfig, EquilibriumPropagation};
use brainprop::Error;
use ndarray::Array2;
use rand::Rng;
use std::sync::Arc;
use std::time::Instant;

#[path = "support/eqprop_reference.rs"]
mod eqprop_reference;
use eqprop_reference::{bp_gradient, cost, energy, ep_gradient, free_phase, nudged_phase, one_hot, zero_state, Phases};

fn mnist_split() -> Arc<brainprop::data::Split> {
    Arc::new(mnist::load(std::path::Path::new(mnist::DEFAULT_PATH)).expect("run scripts/setup.sh"))
}

/// A random network where about half the free units settle strictly inside (0, 1): Glorot input
/// weights, couplings between free layers at half the Glorot range (so the energy is convex on the
/// box and the fixed point unique), biases in [0, 0.5).
fn small_net(sizes: &[usize], seed: u64) -> (EqNet<f64>, Array2<f64>, Array2<f64>) {
    let mut rng = rng_for(seed, Stream::Weights);
    let mut net = EqNet::<f64>::new(sizes, &mut rng);
    for w in &mut net.w[1..] {
        w.mapv_inplace(|v| 0.5 * v);
    }
    for b in &mut net.b {
        b.mapv_inplace(|_| rng.random_range(0.0..0.5));
    }
    let n = 6;
    let x = Array2::from_shape_fn((n, sizes[0]), |_| rng.random_range(0.0..1.0));
    let classes = *sizes.last().unwrap();
    let labels: Vec<u8> = (0..n).map(|i| (i % classes) as u8).collect();
    (net, x, one_hot(&labels, classes))
}

fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    dot / (norm(a) * norm(b))
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>().sqrt()
}

#[test]
fn energy_never_increases_during_the_free_phase() {
    for (sizes, seed) in [(&[8usize, 12, 4][..], 1u64), (&[10, 16, 12, 5][..], 2), (&[6, 3][..], 3)] {
        let (net, x, _) = small_net(sizes, seed);
        // Also the f32 network the site trains, at the default ε = 0.5.
        let net32 = EqNet::<f32> {
            sizes: net.sizes.clone(),
            w: net.w.iter().map(|w| w.mapv(|v| v as f32)).collect(),
            b: net.b.iter().map(|b| b.mapv(|v| v as f32)).collect(),
        };
        let x32 = x.mapv(|v| v as f32);
        let mut state = zero_state(&net, x.nrows());
        let mut state32 = zero_state(&net32, x.nrows());
        let mut before = energy(&net, x.view(), &state);
        let start = before.clone();
        for t in 0..60 {
            free_phase(&net, x.view(), &mut state, 1, 0.5);
            free_phase(&net32, x32.view(), &mut state32, 1, 0.5);
            let after = energy(&net, x.view(), &state);
            let after32 = energy(&net32, x32.view(), &state32);
            for i in 0..x.nrows() {
                assert!(after[i] <= before[i] + 1e-12, "{sizes:?} step {t} example {i}: {} → {}", before[i], after[i]);
                assert!((after32[i] - after[i]).abs() < 1e-4, "f32 relaxation follows f64");
            }
            before = after;
        }
        assert!(before.iter().sum::<f64>() < start.iter().sum::<f64>() - 0.1, "the relaxation lowers the energy");
        // …and it settles: after more steps, a step changes (almost) nothing.
        free_phase(&net, x.view(), &mut state, 500, 0.5);
        assert!(free_phase(&net, x.view(), &mut state, 1, 0.5) < 1e-10);
    }
}

#[test]
fn nudging_moves_the_output_toward_the_target_and_hidden_shift_is_linear_in_beta() {
    let (net, x, y) = small_net(&[8, 12, 10, 4], 4);
    let mut free = zero_state(&net, x.nrows());
    free_phase(&net, x.view(), &mut free, 500, 0.5);
    let c0: f64 = cost(&free, y.view()).iter().sum();
    let mut shifts = Vec::new();
    // Small enough that no unit crosses 0 or 1 between them (the fixed point is then linear in β
    // up to O(β²); from β ≈ 0.01 on, units of this net start to saturate or wake up).
    for beta in [0.0005, 0.001, 0.002, 0.004] {
        let mut nudged = free.clone();
        nudged_phase(&net, x.view(), y.view(), beta, &mut nudged, 500, 0.5);
        let c: f64 = cost(&nudged, y.view()).iter().sum();
        assert!(c < c0, "β = {beta}: cost {c0} → {c} should fall");
        // And with a small number of steps, as in training.
        let mut short = free.clone();
        nudged_phase(&net, x.view(), y.view(), beta, &mut short, 4, 0.5);
        assert!(cost(&short, y.view()).iter().sum::<f64>() < c0);
        // Each example's output moves toward its own target.
        let out = (&free[2], &nudged[2]);
        for i in 0..x.nrows() {
            let before: f64 = out.0.row(i).iter().zip(y.row(i)).map(|(o, t)| (o - t).powi(2)).sum();
            let after: f64 = out.1.row(i).iter().zip(y.row(i)).map(|(o, t)| (o - t).powi(2)).sum();
            assert!(after <= before + 1e-15, "example {i}: {before} → {after}");
        }
        let shift = |l: usize| (&nudged[l] - &free[l]).iter().map(|v| v * v).sum::<f64>().sqrt();
        shifts.push((shift(0), shift(1)));
    }
    println!("hidden shifts (layer 1, layer 2) for β = 0.0005, 0.001, 0.002, 0.004: {shifts:?}");
    for pair in shifts.windows(2) {
        for (a, b) in [(pair[0].0, pair[1].0), (pair[0].1, pair[1].1)] {
            assert!(a > 0.0, "the hidden layers move");
            let ratio = b / a;
            assert!((ratio - 2.0).abs() < 0.05, "doubling β should double the hidden shift, ratio {ratio}");
        }
    }
    // The nudge reaches the first hidden layer only through the network, so it moves less.
    assert!(shifts[0].0 < shifts[0].1 * 10.0);
}

#[test]
fn bp_gradient_matches_finite_differences() {
    let (mut net, x, y) = small_net(&[5, 6, 4, 3], 5);
    let phases = Phases { free_steps: 2000, nudged_steps: 2000, epsilon: 0.5 };
    let g = bp_gradient(&net, x.view(), y.view(), phases);
    let loss = |net: &EqNet<f64>| {
        let mut state = zero_state(net, x.nrows());
        free_phase(net, x.view(), &mut state, phases.free_steps, 0.5);
        cost(&state, y.view()).iter().sum::<f64>() / x.nrows() as f64
    };
    let h = 1e-6;
    let mut numeric = Vec::new();
    for l in 0..net.depth() {
        for k in 0..net.w[l].len() {
            let original = net.w[l].as_slice().unwrap()[k];
            net.w[l].as_slice_mut().unwrap()[k] = original + h;
            let up = loss(&net);
            net.w[l].as_slice_mut().unwrap()[k] = original - h;
            let down = loss(&net);
            net.w[l].as_slice_mut().unwrap()[k] = original;
            numeric.push((up - down) / (2.0 * h));
        }
    }
    for l in 0..net.depth() {
        for k in 0..net.b[l].len() {
            let original = net.b[l][k];
            net.b[l][k] = original + h;
            let up = loss(&net);
            net.b[l][k] = original - h;
            let down = loss(&net);
            net.b[l][k] = original;
            numeric.push((up - down) / (2.0 * h));
        }
    }
    let analytic = g.to_vec();
    for (k, (a, n)) in analytic.iter().zip(&numeric).enumerate() {
        assert!(
            (a - n).abs() < 1e-6 + 1e-4 * n.abs(),
            "parameter {k}: recurrent backprop {a:e}, finite difference {n:e}"
        );
    }
    assert!(analytic.iter().any(|v| v.abs() > 1e-3));
}

#[test]
fn ep_update_approaches_the_gradient_as_beta_shrinks_and_symmetric_nudging_is_closer() {
    // Three nets: one with saturated outputs, one with all outputs inside (0, 1), one mostly off.
    for seed in [4, 6, 7] {
        let (net, x, y) = small_net(&[8, 12, 10, 4], seed);
        let phases = Phases { free_steps: 2000, nudged_steps: 2000, epsilon: 0.5 };
        let truth = bp_gradient(&net, x.view(), y.view(), phases).to_vec();
        let norm = truth.iter().map(|v| v * v).sum::<f64>().sqrt();
        let mut errors = Vec::new();
        for beta in [0.1, 0.05, 0.01, 0.001, 0.0001] {
            let g1 = ep_gradient(&net, x.view(), y.view(), beta, false, phases).to_vec();
            let g2 = ep_gradient(&net, x.view(), y.view(), beta, true, phases).to_vec();
            let (c1, c2) = (cosine(&g1, &truth), cosine(&g2, &truth));
            let (e1, e2) = (distance(&g1, &truth) / norm, distance(&g2, &truth) / norm);
            println!("net {seed}, β = {beta}: one-sided cosine {c1:.6} (relative error {e1:.2e}), ±β cosine {c2:.6} ({e2:.2e})");
            assert!(e2 < e1, "net {seed}, β = {beta}: ±β ({e2:e}) should be closer than one-sided ({e1:e})");
            if beta <= 0.001 {
                assert!(c1 > 0.999 && c2 > 0.999, "net {seed}, β = {beta}: cosines {c1}, {c2}");
            }
            errors.push((e1, e2));
        }
        // The one-sided bias is O(β), the symmetric one O(β²): from β = 10⁻³ to 10⁻⁴ the errors
        // shrink 10× and 100×.
        let (a, b) = (errors[3], errors[4]);
        assert!((a.0 / b.0 - 10.0).abs() < 1.0, "one-sided error ratio {}", a.0 / b.0);
        assert!((a.1 / b.1 - 100.0).abs() < 10.0, "symmetric error ratio {}", a.1 / b.1);
    }
}

#[test]
fn mnist_784_500_10_learns() {
    // Reference runs (the default settings = the reference code's 784-500-10 hyper-parameters:
    // batch 20, 20 free + 4 nudged steps, ε 0.5, β 0.5 with random sign, α 0.1 / 0.05; our 8k/2k
    // split; no persistent particles). Seed 1, test accuracy after epochs 1–5: 0.9105, 0.9335,
    // 0.9365, 0.9430, 0.9435; after 25 epochs 0.9495 (seeds 2 and 3: 0.9485, 0.9495), training
    // accuracy 0.9999. This test trains 5 epochs (about 3 s) and asks for 0.92 at the end.
    let data = mnist_split();
    let config = EqPropConfig { epochs: 5, ..EqPropConfig::default() };
    let mut model = EquilibriumPropagation::new(config, Arc::clone(&data)).unwrap();
    let m = model.metrics();
    assert_eq!(m.rows.len(), 1, "row 0 is the untrained network");
    assert!(m.last("test_acc").unwrap() < 0.2, "untrained ≈ chance");
    let start = Instant::now();
    while !model.step(50).unwrap().finished {}
    let elapsed = start.elapsed().as_secs_f64();
    let m = model.metrics().clone();
    println!("{}", m.columns.join(","));
    for row in &m.rows {
        println!("{}", row.iter().map(|v| format!("{v:.4}")).collect::<Vec<_>>().join(","));
    }
    println!("5 epochs in {elapsed:.1} s");
    assert_eq!(m.rows.len(), 6);
    assert_eq!(
        m.columns,
        ["epoch", "samples", "train_loss", "train_acc", "test_loss", "test_acc", "free_energy", "relaxation_residual"]
    );
    let acc = m.last("test_acc").unwrap();
    assert!(acc >= 0.92, "test accuracy {acc}");
    let loss = m.column("test_loss").unwrap();
    assert!(loss[5] < loss[0] / 10.0, "test cost falls: {loss:?}");
    assert!(m.last("relaxation_residual").unwrap() < 1e-3, "20 free steps settle");

    let snap = model.snapshot();
    let frame = |name: &str| snap.get(name).unwrap_or_else(|| panic!("frame {name}"));
    assert_eq!(frame("sizes").data, vec![784.0, 500.0, 10.0]);
    let steps = 20 + 4 + 1;
    assert_eq!(frame("relaxation.energy").shape, vec![steps]);
    assert_eq!(frame("relaxation.free_steps").data, vec![20.0]);
    assert_eq!(frame("relaxation.output").shape, vec![steps, 10]);
    assert_eq!(frame("relaxation.hidden").shape, vec![steps, 64]);
    assert_eq!(frame("relaxation.input").shape, vec![784]);
    assert_eq!(frame("receptive_fields").shape, vec![36, 784]);
    assert_eq!(frame("confusion").shape, vec![10, 10]);
    let e = &frame("relaxation.energy").data;
    assert!(e[..=20].windows(2).all(|p| p[1] <= p[0] + 1e-4), "free-phase energy falls: {e:?}");
    // The recorded relaxation is a later minibatch's once a snapshot has been taken.

    // On the trained 784-500-10 net (in f64, a batch of 20 digits), the EP estimate with small β
    // and converged phases matches recurrent backprop (0.9998 in the reference run); the training
    // setting (20 + 4 steps, β = 0.5) is a rougher estimate (0.974 one-sided, 0.957 with ±β here;
    // on nets trained 1–2 epochs we measured 0.63–0.76 one-sided and 0.89–0.90 with ±β).
    let n32 = model.net();
    let net = EqNet::<f64> {
        sizes: n32.sizes.clone(),
        w: n32.w.iter().map(|w| w.mapv(|v| v as f64)).collect(),
        b: n32.b.iter().map(|b| b.mapv(|v| v as f64)).collect(),
    };
    let x = data.train.rows(100, 120).mapv(|v| v as f64);
    let y = one_hot::<f64>(&data.train.labels[100..120], 10);
    let long = Phases { free_steps: 200, nudged_steps: 200, epsilon: 0.5 };
    let truth = bp_gradient(&net, x.view(), y.view(), long).to_vec();
    let small = cosine(&ep_gradient(&net, x.view(), y.view(), 0.01, true, long).to_vec(), &truth);
    let short = Phases { free_steps: 20, nudged_steps: 4, epsilon: 0.5 };
    let truth20 = bp_gradient(&net, x.view(), y.view(), short).to_vec();
    let one = cosine(&ep_gradient(&net, x.view(), y.view(), 0.5, false, short).to_vec(), &truth20);
    let sym = cosine(&ep_gradient(&net, x.view(), y.view(), 0.5, true, short).to_vec(), &truth20);
    println!("MNIST net: cosine(EP, recurrent BP) at ±0.01 converged {small:.4}; training setting one-sided {one:.3}, ±β {sym:.3}");
    assert!(small > 0.99, "{small}");
    assert!(one > 0.5 && sym > 0.5, "{one}, {sym}");
}

#[test]
fn a_toy_set_learns_and_draws_its_boundary() {
    let config = EqPropConfig { epochs: 20, ..EqPropConfig::preset(DataKind::Circles) };
    let data = Arc::new(toy::generate(
        DataKind::Circles,
        config.points,
        config.points,
        config.noise,
        &mut rng_for(config.seed, Stream::DataGeneration),
    ));
    let mut model = EquilibriumPropagation::new(config, data).unwrap();
    while !model.step(1000).unwrap().finished {}
    let acc = model.metrics().last("test_acc").unwrap();
    assert!(acc > 0.95, "circles test accuracy {acc}");
    let snap = model.snapshot();
    assert_eq!(snap.get("boundary").unwrap().shape, vec![64, 64]);
    assert_eq!(snap.get("points").unwrap().shape, vec![400, 3]);
    assert!(snap.get("receptive_fields").is_none());
}

#[test]
fn bad_configs_are_named_errors() {
    let data = Arc::new(toy::generate(DataKind::Circles, 50, 50, 0.05, &mut rng_for(1, Stream::DataGeneration)));
    let base = EqPropConfig::preset(DataKind::Circles);
    let cases: Vec<(&str, EqPropConfig)> = vec![
        ("batch", EqPropConfig { batch: 0, ..base.clone() }),
        ("epochs", EqPropConfig { epochs: 0, ..base.clone() }),
        ("hidden", EqPropConfig { hidden: vec![0], layer_lr: vec![0.1, 0.1], ..base.clone() }),
        ("hidden", EqPropConfig { hidden: vec![100_000], ..base.clone() }),
        ("free_steps", EqPropConfig { free_steps: 0, ..base.clone() }),
        ("nudged_steps", EqPropConfig { nudged_steps: 0, ..base.clone() }),
        ("step_size", EqPropConfig { step_size: 0.0, ..base.clone() }),
        ("step_size", EqPropConfig { step_size: f64::NAN, ..base.clone() }),
        ("step_size", EqPropConfig { step_size: 1.5, ..base.clone() }),
        ("beta", EqPropConfig { beta: 0.0, ..base.clone() }),
        ("beta", EqPropConfig { beta: -0.5, ..base.clone() }),
        ("beta", EqPropConfig { beta: f64::INFINITY, ..base.clone() }),
        ("layer_lr", EqPropConfig { layer_lr: vec![0.1], ..base.clone() }),
        ("layer_lr", EqPropConfig { layer_lr: vec![0.1, -1.0], ..base.clone() }),
        ("layer_lr", EqPropConfig { layer_lr: vec![0.1, f64::NAN], ..base.clone() }),
        ("data", EqPropConfig { data: DataKind::Linear, ..base.clone() }),
        ("noise", EqPropConfig { noise: 2.0, ..base.clone() }),
        ("points", EqPropConfig { points: 1, ..base.clone() }),
    ];
    for (field, config) in cases {
        let error = config.validate().unwrap_err();
        assert!(matches!(&error, Error::InvalidConfig { name, .. } if *name == field), "{field}: {error}");
        let built = EquilibriumPropagation::new(config, Arc::clone(&data));
        assert_eq!(built.err(), Some(error.clone()), "new() reports the same error");
        assert!(error.to_string().contains(field), "{error}");
    }
    // JSON with missing fields takes the defaults; a wrong type is a parse error, not a panic.
    let parsed: EqPropConfig = serde_json::from_str(r#"{"beta": 0.25}"#).unwrap();
    assert_eq!(parsed, EqPropConfig { beta: 0.25, ..EqPropConfig::default() });
    assert!(serde_json::from_str::<EqPropConfig>(r#"{"hidden": "lots"}"#).is_err());
    // A regression set is refused.
    let linear = Arc::new(toy::linear_map(20, 20, &mut rng_for(1, Stream::DataGeneration)));
    let config = EqPropConfig { data: DataKind::Circles, ..base.clone() };
    assert!(matches!(EquilibriumPropagation::new(config, linear), Err(Error::InvalidConfig { name: "data", .. })));
}

#[test]
fn divergence_stops_the_model() {
    let data = Arc::new(toy::generate(DataKind::Xor, 100, 100, 0.05, &mut rng_for(1, Stream::DataGeneration)));
    // States are clipped to [0, 1], so only the weights can overflow: α/β beyond f32's range.
    let config = EqPropConfig { layer_lr: vec![10.0, 10.0], beta: 1e-40, ..EqPropConfig::preset(DataKind::Xor) };
    let mut model = EquilibriumPropagation::new(config, data).unwrap();
    let error = loop {
        match model.step(100) {
            Ok(o) if o.finished => panic!("α = 10 with β = 1e-40 should diverge"),
            Ok(_) => {}
            Err(e) => break e,
        }
    };
    assert!(matches!(error, Error::Diverged { .. }), "{error}");
    let again = model.step(1).unwrap_err();
    assert_eq!(again.to_string(), error.to_string(), "a diverged model stays stopped");
}

#[test]
fn same_seed_same_run() {
    let data = Arc::new(toy::generate(DataKind::Circles, 200, 200, 0.05, &mut rng_for(1, Stream::DataGeneration)));
    let run = || {
        let config = EqPropConfig { epochs: 3, ..EqPropConfig::preset(DataKind::Circles) };
        let mut model = EquilibriumPropagation::new(config, Arc::clone(&data)).unwrap();
        while !model.step(1000).unwrap().finished {}
        model.metrics().clone()
    };
    assert_eq!(run(), run());
}

/// Throughput of 784-500-10 training natively (release): `cargo test --release --test eqprop --
/// --ignored --nocapture throughput`.
#[test]
#[ignore]
fn throughput() {
    let data = mnist_split();
    for (persistent, symmetric) in [(false, false), (true, false), (false, true)] {
        let config = EqPropConfig { epochs: 1000, persistent, symmetric, ..EqPropConfig::default() };
        let mut model = EquilibriumPropagation::new(config, Arc::clone(&data)).unwrap();
        model.step(20).unwrap(); // warm-up
        let mut rates = Vec::new();
        for _ in 0..5 {
            let start = Instant::now();
            let o = model.step(100).unwrap();
            rates.push(o.samples as f64 / start.elapsed().as_secs_f64());
        }
        rates.sort_by(f64::total_cmp);
        println!("persistent {persistent}, symmetric {symmetric}: 100 minibatches of 20: median {:.0} samples/s, runs {rates:.0?}", rates[2]);
    }
}

/// The reference run: `cargo test --release --test eqprop -- --ignored --nocapture reference`
/// (environment: `EQPROP_SEED`, `EQPROP_EPOCHS`, `EQPROP_PERSISTENT`).
#[test]
#[ignore]
fn reference_run() {
    let data = mnist_split();
    let persistent = std::env::var("EQPROP_PERSISTENT").is_ok();
    let epochs = std::env::var("EQPROP_EPOCHS").ok().and_then(|v| v.parse().ok()).unwrap_or(25);
    let seed = std::env::var("EQPROP_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let config = EqPropConfig { persistent, epochs, seed, ..EqPropConfig::default() };
    println!("{config:?}");
    let mut model = EquilibriumPropagation::new(config, data).unwrap();
    let start = Instant::now();
    println!("{}", model.metrics().columns.join(","));
    let mut printed = 0;
    loop {
        let o = model.step(100).unwrap();
        for row in &model.metrics().rows[printed..] {
            println!(
                "{} ({:.0} s)",
                row.iter().map(|v| format!("{v:.4}")).collect::<Vec<_>>().join(","),
                start.elapsed().as_secs_f64()
            );
        }
        printed = model.metrics().rows.len();
        if o.finished {
            break;
        }
    }
}

/// A two-unit net (one hidden, one output... plus a second output) whose couplings are strongly
/// negative: at ε = 1 a step sets every state to ρ(drive), so from zero both units jump to 1, then
/// both to 0, and so on forever (a period-2 oscillation; each step changes every state by 1).
fn oscillating_net() -> EqNet<f32> {
    let mut net = EqNet::<f32>::new(&[2, 1, 2], &mut rng_for(1, Stream::Weights));
    net.w[0].fill(0.0);
    net.b[0].fill(1.0);
    net.w[1].fill(-2.0);
    net.b[1].fill(1.0);
    net
}

#[test]
fn an_oscillating_step_size_stops_the_run() {
    let data = Arc::new(toy::generate(DataKind::Xor, 20, 20, 0.05, &mut rng_for(1, Stream::DataGeneration)));
    let config = EqPropConfig { hidden: vec![1], step_size: 1.0, ..EqPropConfig::preset(DataKind::Xor) };
    // The relaxation itself: the states flip between all-0 and all-1.
    let net = oscillating_net();
    let x = data.train.rows(0, 4).to_owned();
    let mut state = zero_state(&net, 4);
    let residual = free_phase(&net, x.view(), &mut state, 20, 1.0);
    assert!((residual - 1.0).abs() < 1e-6, "every state moves by 1 each step: {residual}");
    // ‖A‖ = √8 (the output's two couplings of −2 to the one hidden unit), so the bound is 2/(1+√8).
    assert!((net.coupling_norm() - 8f64.sqrt()).abs() < 1e-6, "{}", net.coupling_norm());
    let mut model = EquilibriumPropagation::with_net(config, data, Some(net)).unwrap();
    let error = model.step(1).unwrap_err();
    println!("{error}");
    assert!(matches!(&error, Error::InvalidConfig { name: "step_size", .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains("2/(1 + ‖A‖) = 0.522") && message.contains("0.5"), "{message}");
    assert_eq!(model.step(1).unwrap_err(), error, "the run stays stopped");
    // On 784-500-10 MNIST, ε = 1 (the largest allowed) does not oscillate here: most units sit at
    // 0 or 1, where the clip holds them, and the measured residuals stayed ≤ 0.0037 over 3 epochs
    // (test accuracy 0.935 after 3). So the check must let it train: one epoch, no error.
    let config = EqPropConfig { step_size: 1.0, epochs: 1, ..EqPropConfig::default() };
    let mut model = EquilibriumPropagation::new(config, mnist_split()).unwrap();
    while !model.step(100).unwrap().finished {}
    assert!(model.metrics().last("test_acc").unwrap() > 0.85);
}

#[test]
fn a_training_step_applies_minus_rate_times_the_estimate() {
    // One minibatch holding the whole (10-point) training set, so its mean does not depend on the
    // shuffled order: the weights after the step are the weights before minus α_l times
    // ep_gradient (the test's own estimator, from the engine's relaxation only), one-sided (+β,
    // fixed sign) and symmetric (±β).
    let data = Arc::new(toy::generate(DataKind::Circles, 10, 10, 0.05, &mut rng_for(3, Stream::DataGeneration)));
    for symmetric in [false, true] {
        let config = EqPropConfig {
            batch: 10,
            points: 10,
            beta: 0.3,
            random_beta_sign: false,
            symmetric,
            hidden: vec![16],
            layer_lr: vec![0.2, 0.1],
            ..EqPropConfig::preset(DataKind::Circles)
        };
        let mut model = EquilibriumPropagation::new(config.clone(), Arc::clone(&data)).unwrap();
        let before = model.net().clone();
        model.step(1).unwrap();
        let after = model.net().clone();
        let x = data.train.rows(0, 10).to_owned();
        let y = one_hot::<f32>(&data.train.labels, 2);
        let phases =
            Phases { free_steps: config.free_steps, nudged_steps: config.nudged_steps, epsilon: config.step_size };
        let g = ep_gradient(&before, x.view(), y.view(), 0.3, symmetric, phases);
        let mut largest = 0f32;
        for l in 0..2 {
            let rate = config.layer_lr[l] as f32;
            let expected_w = &before.w[l] - &g.w[l].mapv(|v| rate * v);
            let expected_b = &before.b[l] - &g.b[l].mapv(|v| rate * v);
            for (a, e) in after.w[l].iter().zip(&expected_w).chain(after.b[l].iter().zip(&expected_b)) {
                assert!((a - e).abs() < 1e-5, "symmetric {symmetric}, layer {l}: {a} vs {e}");
            }
            largest = largest.max(g.w[l].iter().fold(0f32, |m, v| m.max(v.abs())));
        }
        assert!(largest > 1e-3, "the step is not trivially zero: {largest}");
    }
}

/// Trains `config` to the end and returns its metric table.
fn train_to_end(config: EqPropConfig, data: &Arc<brainprop::data::Split>) -> brainprop::rule::MetricTable {
    let mut model = EquilibriumPropagation::new(config, Arc::clone(data)).unwrap();
    while !model.step(100).unwrap().finished {}
    model.metrics().clone()
}

#[test]
fn mnist_reference_settings_25_epochs_match_backprop() {
    // The reference settings (the defaults) for 25 epochs on our 8k/2k split, seed 1, beside BP's
    // MNIST preset (784-500-10 sigmoid, softmax, lr 1, batch 32) for its 20 epochs, trained here
    // on the same split and seed. Measured: EqProp train 0.9999, test 0.9495 (seeds 2, 3: test
    // 0.9485, 0.9495); BP test 0.9540. About 15 s on one core.
    let data = mnist_split();
    let eq = train_to_end(EqPropConfig::default(), &data);
    let bp_config = brainprop::rules::FeedforwardConfig::preset_for(brainprop::rules::RuleId::Bp, DataKind::Mnist);
    let store = brainprop::data::DataStore::with_mnist((*data).clone());
    let mut bp = brainprop::experiment::Experiment::Bp(bp_config).build(&store).unwrap();
    while !bp.step(100).unwrap().finished {}
    let (train, test, bp_test) =
        (eq.last("train_acc").unwrap(), eq.last("test_acc").unwrap(), bp.metrics().last("test_acc").unwrap());
    println!("EqProp 25 epochs: train {train:.4}, test {test:.4}; BP 20 epochs: test {bp_test:.4}");
    assert_eq!(eq.rows.len(), 26);
    assert!(train >= 0.99, "training accuracy {train}");
    assert!(test >= bp_test - 0.015, "EqProp {test} vs BP {bp_test}");
}

#[test]
fn symmetric_nudging_at_beta_1_trains_at_least_as_well_as_one_sided() {
    // β = 1, 3 epochs of MNIST, seeds 1 and 2 (about 8 s). Measured test accuracy / test cost:
    // symmetric 0.9320 / 0.1114, 0.9245 / 0.1242; one-sided with random sign 0.9330 / 0.1141,
    // 0.9130 / 0.1418; one-sided with +β only 0.9225 / 0.1412, 0.9140 / 0.1493. The symmetric
    // run has the lowest test cost on both seeds and the best mean accuracy.
    let data = mnist_split();
    let mut mean = [0.0; 3];
    for seed in [1, 2] {
        let base = EqPropConfig { beta: 1.0, epochs: 3, seed, ..EqPropConfig::default() };
        let runs = [
            EqPropConfig { symmetric: true, ..base.clone() },
            base.clone(),
            EqPropConfig { random_beta_sign: false, ..base.clone() },
        ]
        .map(|c| train_to_end(c, &data));
        let cost = runs.each_ref().map(|m| m.last("test_loss").unwrap());
        let acc = runs.each_ref().map(|m| m.last("test_acc").unwrap());
        println!("seed {seed}: symmetric, one-sided random sign, one-sided +β: accuracy {acc:?}, cost {cost:?}");
        assert!(cost[0] <= cost[1] && cost[0] <= cost[2], "seed {seed}: test costs {cost:?}");
        for k in 0..3 {
            mean[k] += acc[k] / 2.0;
        }
    }
    assert!(mean[0] >= mean[1] && mean[0] >= mean[2], "mean test accuracies {mean:?}");
}
