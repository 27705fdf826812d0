//! The Random feedback chapter: identities between the rules, and the chapter's learning results.

use brainprop::data::DataStore;
use brainprop::data::{mnist, DataKind};
use brainprop::experiment::Experiment;
use brainprop::nn::mlp::Targets;
use brainprop::nn::{Activation, Init, Loss, Mlp, Trace};
use brainprop::rng::{rng_for, Stream};
use brainprop::rules::backprop::Backprop;
use brainprop::rules::feedback_alignment::FeedbackAlignment;
use brainprop::rules::feedforward::Credit;
use brainprop::rules::sign_symmetry::SignSymmetry;
use brainprop::rules::{FeedforwardConfig, RuleId};
use ndarray::{s, Array2};
use rand::Rng;

#[test]
fn fa_with_b_set_to_w_at_every_step_gives_exactly_the_bp_update() {
    let sizes = [6, 7, 5, 3];
    let mut rng = rng_for(11, Stream::Weights);
    let make = |rng: &mut _| Mlp::<f32>::new(&sizes, Activation::Tanh, Loss::CrossEntropy, Init::Xavier, 1.0, rng);
    let mut bp_net = make(&mut rng);
    let mut fa_net = bp_net.clone();
    let config = FeedforwardConfig::default();
    let mut fa = FeedbackAlignment::new(&sizes, &config, &mut rng_for(1, Stream::Feedback));
    let (mut bp_trace, mut fa_trace) = (Trace::new(&sizes, 4), Trace::new(&sizes, 4));
    for _ in 0..20 {
        let x = Array2::from_shape_simple_fn((4, 6), || rng.random_range(-1.0f32..1.0));
        let labels: Vec<u8> = (0..4).map(|_| rng.random_range(0..3u8)).collect();
        for (l, b) in fa.b.iter_mut().enumerate() {
            b.assign(&fa_net.layers[l + 1].w); // B_l ← W_l (our W_l is the paper's W_lᵀ)
        }
        for (net, trace, credit) in
            [(&mut bp_net, &mut bp_trace, &mut Backprop as &mut dyn Credit<f32>), (&mut fa_net, &mut fa_trace, &mut fa)]
        {
            net.forward(x.view(), trace);
            net.output_error(trace, Targets::Labels(&labels));
            credit.assign(net, trace, Targets::Labels(&labels));
            net.apply_update(trace, &[0.5; 3], 0.0, 0.0);
        }
        assert_eq!(bp_trace.delta, fa_trace.delta);
    }
    for (a, b) in bp_net.layers.iter().zip(&fa_net.layers) {
        assert_eq!(a.w, b.w);
        assert_eq!(a.b, b.b);
    }
    // …and with its own random B it does differ.
    let mut fa_random = FeedbackAlignment::new(&sizes, &config, &mut rng_for(1, Stream::Feedback));
    let labels = [0u8; 4];
    fa_random.assign(&fa_net, &mut fa_trace, Targets::Labels(&labels));
    let mut bp_again = fa_trace.clone();
    Backprop.assign(&fa_net, &mut bp_again, Targets::Labels(&labels));
    assert_ne!(bp_again.delta[0], fa_trace.delta[0]);
}

#[test]
fn dfa_with_one_hidden_layer_is_fa() {
    let config =
        FeedforwardConfig { data: DataKind::Spiral, hidden: vec![16], epochs: 20, ..FeedforwardConfig::default() };
    let run = |experiment: Experiment| {
        let mut model = experiment.build(&DataStore::default()).unwrap();
        while !model.step(1000).unwrap().finished {}
        let m = model.metrics().clone();
        ["train_loss", "test_loss", "test_acc", "angle_w_b0", "angle_delta0"].map(|c| m.column(c))
    };
    assert_eq!(run(Experiment::Fa(config.clone())), run(Experiment::Dfa(config.clone())));
    assert_ne!(run(Experiment::Fa(config.clone()))[1], run(Experiment::Bp(config))[1]);
}

fn mnist_store() -> DataStore {
    DataStore::with_mnist(mnist::load(std::path::Path::new(mnist::DEFAULT_PATH)).expect("run scripts/setup.sh"))
}

fn train(experiment: Experiment, store: &DataStore) -> brainprop::MetricTable {
    let mut model = experiment.build(store).unwrap();
    while !model.step(1000).unwrap().finished {}
    model.metrics().clone()
}

/// Sign symmetry's feedback is exactly the signs of the forward weights, `sign(W_l)`, times one
/// positive number per layer: `c_l = feedback_scale · mean|W_l|` (our rescaling, a per-layer
/// constant; it acts only as a learning-rate factor of the layers below). So the error sent back
/// is `sign(W)ᵀ`'s, up to that factor: `δ_{l−1} = c_l (δ_l sign(W_l)ᵀ) ⊙ σ'(u_{l−1})`. Checked
/// after every credit step of a short training run, with one weight exactly zero (sign 0).
#[test]
fn sign_symmetry_feedback_is_sign_of_w_times_one_positive_constant_per_layer() {
    let sizes = [6, 7, 5, 3];
    let feedback_scale = 1.5;
    let mut rng = rng_for(5, Stream::Weights);
    let mut net = Mlp::<f32>::new(&sizes, Activation::Sigmoid, Loss::CrossEntropy, Init::Xavier, 1.0, &mut rng);
    net.layers[1].w[[2, 3]] = 0.0;
    let mut sign = SignSymmetry::new(&sizes, feedback_scale);
    let mut trace = Trace::new(&sizes, 4);
    for _ in 0..10 {
        let x = Array2::from_shape_simple_fn((4, 6), || rng.random_range(-1.0f32..1.0));
        let labels: Vec<u8> = (0..4).map(|_| rng.random_range(0..3u8)).collect();
        net.forward(x.view(), &mut trace);
        net.output_error(&mut trace, Targets::Labels(&labels));
        sign.assign(&net, &mut trace, Targets::Labels(&labels));
        assert_eq!(sign.feedback().len(), sizes.len() - 2, "one feedback matrix per hidden layer");
        for l in 1..net.depth() {
            let (w, s) = (&net.layers[l].w, &sign.feedback()[l - 1]);
            assert_eq!(s.dim(), w.dim());
            // One positive c for the whole layer…
            let c = s.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            let mean_abs = w.iter().map(|v| v.abs()).sum::<f32>() / w.len() as f32;
            assert!(c > 0.0 && (c - feedback_scale as f32 * mean_abs).abs() <= 1e-6 * c, "layer {l}: c {c}");
            // …and elementwise s = c · sign(w), with sign(0) = 0.
            for (&s, &w) in s.iter().zip(w) {
                let sign_w = if w > 0.0 {
                    1.0
                } else if w < 0.0 {
                    -1.0
                } else {
                    0.0
                };
                assert_eq!(s, c * sign_w, "layer {l}: feedback {s} for weight {w}, c {c}");
            }
            // The hidden error: δ_{l−1} = c (δ_l sign(W_l)ᵀ) ⊙ σ'(u_{l−1}), σ' = h (1 − h).
            let signs = w.mapv(|w| {
                if w > 0.0 {
                    1.0f32
                } else if w < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            });
            let upper = trace.delta[l].slice(s![..4, ..]);
            let h = trace.h[l].slice(s![..4, ..]);
            let expected = upper.dot(&signs.t()) * c * h.mapv(|h| h * (1.0 - h));
            let got = trace.delta[l - 1].slice(s![..4, ..]);
            for (g, e) in got.iter().zip(&expected) {
                assert!((g - e).abs() <= 1e-6 * (1.0 + e.abs()), "layer {l}: delta {g} vs {e}");
            }
        }
        net.apply_update(&trace, &[0.5; 3], 0.0, 0.0);
    }
}

/// `rule` at its MNIST preset (its tuned rate) with `seed`, changed by `edit`.
fn preset_run(
    rule: RuleId,
    seed: u64,
    edit: impl Fn(&mut FeedforwardConfig),
    store: &DataStore,
) -> brainprop::MetricTable {
    let mut config = FeedforwardConfig { seed, ..FeedforwardConfig::preset_for(rule, DataKind::Mnist) };
    edit(&mut config);
    train(Experiment::feedforward_rule(rule, config).unwrap(), store)
}

/// Issue 14's small network: 784-100-10 sigmoid, batch 32, 10 epochs.
fn small(config: &mut FeedforwardConfig) {
    config.hidden = vec![100];
    config.epochs = 10;
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The final values of `column` of `rule` on the small network over seeds 1–3.
fn small_finals(rule: RuleId, column: &str, store: &DataStore) -> Vec<f64> {
    (1..=3).map(|seed| preset_run(rule, seed, small, store).last(column).unwrap()).collect()
}

/// The race on MNIST 8k/2k, 784-500-10 sigmoid, 20 epochs, seed 1, every rule at its preset
/// (= the rate `brainprop reproduce feedback`'s sweep chose on validation data; the shallow
/// control tuned like the rest). Reference run when this test was written: BP 0.954 (η 1),
/// FA = DFA 0.9525 (η 3), tuned shallow 0.792 (η 0.3; at the old shared η 1 it was 0.736);
/// FA's ∠(W₁ᵀ, B) starts at 89.7°.
#[test]
fn mnist_race_fa_and_dfa_near_bp_and_above_the_tuned_shallow_control() {
    let store = mnist_store();
    let acc = |rule| preset_run(rule, 1, |_| {}, &store).last("test_acc").unwrap();
    let bp = acc(RuleId::Bp);
    let fa_table = preset_run(RuleId::Fa, 1, |_| {}, &store);
    let fa = fa_table.last("test_acc").unwrap();
    let dfa = acc(RuleId::Dfa);
    let shallow = acc(RuleId::Shallow);
    assert!(bp >= 0.945, "bp {bp}");
    assert!(bp - fa <= 0.03 && bp - dfa <= 0.03, "bp {bp} fa {fa} dfa {dfa}");
    assert!(fa - shallow >= 0.02, "fa {fa} tuned shallow {shallow}");
    let angles = fa_table.column("angle_w_b0").unwrap();
    assert!((80.0..=100.0).contains(&angles[0]), "initial angle {}", angles[0]);
}

/// FA's forward weights come to agree with its fixed feedback: ∠(W₁ᵀ, B) falls below 60°, mean
/// over seeds 1–3 (the report's claim), on the race's setup at FA's preset. Reference run: 60.3°,
/// 59.3°, 59.4° (mean 59.7°) at η 3; at the old shared η 1 it was 52°.
#[test]
fn fa_forward_weights_align_with_b_below_60_degrees_mean_over_seeds() {
    let store = mnist_store();
    let finals: Vec<f64> =
        (1..=3).map(|seed| preset_run(RuleId::Fa, seed, |_| {}, &store).last("angle_w_b0").unwrap()).collect();
    assert!(mean(&finals) < 60.0, "final angles {finals:?}");
}

/// Kolen–Pollack on issue 14's small network (784-100-10, batch 32, 10 epochs, each rule at its
/// preset rate, KP with its preset weight decay), mean over seeds 1–3: within 1 point of BP, and
/// its feedback aligned with the forward weights, ∠(W₁ᵀ, B) < 30°. Reference run (seeds 1/2/3,
/// KP η 1, λ 1e-5, feedback at the init's spread): BP 0.946 / 0.9425 / 0.944, KP 0.9485 /
/// 0.9525 / 0.9505, ∠ 13.4° / 14.2° / 13.6°.
#[test]
fn kolen_pollack_within_one_point_of_bp_and_b_aligned_below_30_degrees() {
    let store = mnist_store();
    let bp = small_finals(RuleId::Bp, "test_acc", &store);
    let kp_runs: Vec<_> = (1..=3).map(|seed| preset_run(RuleId::Kp, seed, small, &store)).collect();
    let kp: Vec<f64> = kp_runs.iter().map(|t| t.last("test_acc").unwrap()).collect();
    let angle: Vec<f64> = kp_runs.iter().map(|t| t.last("angle_w_b0").unwrap()).collect();
    assert!(mean(&bp) - mean(&kp) <= 0.01, "bp {bp:?} kp {kp:?}");
    assert!(mean(&angle) < 30.0, "∠(W₁ᵀ, B) {angle:?}");
}

/// Node and weight perturbation on issue 14's small network (784-100-10, batch 32, 10 epochs,
/// presets: NP η 0.03, WP η 0.001, σ 0.01), mean over seeds 1–3: NP ≥ 75 %, WP ≥ 35 %, and
/// BP > NP > WP. Reference run (seeds 1/2/3): BP 0.946 / 0.9425 / 0.944, NP 0.8345 / 0.8065 /
/// 0.8415, WP 0.5015 / 0.4995 / 0.509.
#[test]
fn node_perturbation_and_weight_perturbation_learn_in_order_bp_np_wp() {
    let store = mnist_store();
    let bp = mean(&small_finals(RuleId::Bp, "test_acc", &store));
    let np = mean(&small_finals(RuleId::Np, "test_acc", &store));
    let wp = mean(&small_finals(RuleId::Wp, "test_acc", &store));
    assert!(np >= 0.75, "np {np}");
    assert!(wp >= 0.35, "wp {wp}");
    assert!(bp > np && np > wp, "bp {bp} np {np} wp {wp}");
}

/// Sign symmetry learns MNIST close to BP: ≥ 92 % on 784-500-10, 20 epochs, seed 1, at its
/// preset (η 1, feedback at the init's spread). Reference run: 0.952 (BP 0.954).
#[test]
fn sign_symmetry_reaches_92_percent_on_784_500_10() {
    let store = mnist_store();
    let sign = preset_run(RuleId::Sign, 1, |_| {}, &store).last("test_acc").unwrap();
    assert!(sign >= 0.92, "sign {sign}");
}

/// A 10-hidden-layer tanh stack started at zero: DFA learns, BP cannot move its hidden layers.
/// Reference run (100 units per layer, lr 0.1, 10 epochs, seed 1): DFA 0.926, BP 0.110.
#[test]
fn deep_tanh_stack_from_zero_learns_with_dfa_and_not_with_bp() {
    let store = mnist_store();
    let config = FeedforwardConfig { seed: 1, ..FeedforwardConfig::deep_from_zero() };
    let dfa = train(Experiment::Dfa(config.clone()), &store).last("test_acc").unwrap();
    let bp = train(Experiment::Bp(config), &store).last("test_acc").unwrap();
    assert!(dfa >= 0.85, "dfa from zero {dfa}");
    assert!(bp <= 0.15, "bp from zero {bp}");
}

/// Lillicrap's linear toy: a linear 30-20-10 network learns a random linear map T (online, MSE).
/// Reference run (preset, seed 1): the FA–BP hidden-update angle is 79° after epoch 1 and stays
/// between 50° and 70°; final test error BP 0.051, FA 0.061 (noise floor 0.05), shallow ≫ both.
#[test]
fn linear_toy_fa_updates_within_90_degrees_of_bp_and_error_within_2x() {
    let config = FeedforwardConfig { seed: 1, ..FeedforwardConfig::preset(DataKind::Linear) };
    let store = DataStore::default();
    let bp = train(Experiment::Bp(config.clone()), &store);
    let fa = train(Experiment::Fa(config.clone()), &store);
    let shallow = train(Experiment::Shallow(config), &store);
    let angles = fa.column("angle_update0").unwrap();
    assert!(angles[1..].iter().all(|&a| a < 90.0), "update angles {angles:?}");
    let (bp_err, fa_err, shallow_err) =
        (bp.last("test_loss").unwrap(), fa.last("test_loss").unwrap(), shallow.last("test_loss").unwrap());
    assert!(fa_err <= 2.0 * bp_err, "fa {fa_err} bp {bp_err}");
    assert!(shallow_err > 4.0 * fa_err, "shallow {shallow_err} fa {fa_err}");
}
