//! The segregated-dendrite network (Guerguiev, Lillicrap & Richards 2017): its neurons' steady
//! states, the sign of its plateau potentials, its agreement with backprop, and what depth buys
//! on MNIST (issue 11's "must show").

use brainprop::data::{mnist, DataStore};
use brainprop::experiment::Experiment;
use brainprop::metrics::{cosine, mean_sd};
use brainprop::neuron::compartments::{self as cells, PspKernel, PspTraces};
use brainprop::reproduce::{run_all, Job};
use brainprop::rules::segregated_dendrites::{DendriteFeedback, DendriteMode, DendritesConfig, SegregatedDendrites};
use std::sync::Arc;

fn mnist_split() -> Arc<brainprop::data::Split> {
    let store =
        DataStore::with_mnist(mnist::load(std::path::Path::new(mnist::DEFAULT_PATH)).expect("run scripts/setup.sh"));
    store.split(&DendritesConfig::default().data_spec()).expect("MNIST is loaded")
}

#[test]
fn a_soma_fed_a_constant_input_settles_where_the_nonspiking_mode_puts_it() {
    for basal in [-4.0f32, -0.5, 0.0, 1.3, 6.0] {
        // Hidden soma: C → k_B·B.
        let mut c = 0.0;
        for _ in 0..60 {
            c = cells::hidden_step(c, basal, 1.0);
        }
        let expected = cells::k_basal() as f32 * basal;
        assert!((c - expected).abs() < 1e-5, "hidden soma {c} against k_B·B = {expected}");
        assert!((cells::hidden_steady(basal) - expected).abs() < 1e-6);
        // Output soma, untaught and taught either way.
        for (g_e, g_i) in [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)] {
            let mut c = 0.0;
            for _ in 0..60 {
                c = cells::output_step(c, basal, g_e, g_i, 1.0);
            }
            let steady = cells::output_steady(basal, g_e, g_i);
            assert!((c - steady).abs() < 1e-5, "output soma {c} against its steady state {steady}");
        }
        let untaught = cells::output_steady(basal, 0.0, 0.0);
        assert!((untaught - cells::k_dendrite() as f32 * basal).abs() < 1e-5, "untaught output is k_D·B");
    }
    // The teacher pulls towards E_E or E_I: a taught unit ends above, an untaught one below.
    assert!(cells::output_steady(0.0, 1.0, 0.0) > 4.0 && cells::output_steady(0.0, 0.0, 1.0) < -4.0);
    // The reference constants: k_B = k_D = 0.6/0.7.
    assert!((cells::k_basal() - 0.857_142_857).abs() < 1e-6);
}

#[test]
fn the_psp_kernel_sums_to_one_so_a_spike_train_of_rate_r_has_mean_psp_r() {
    let kernel = PspKernel::new(1.0);
    let sum: f64 = (0..400).map(|k| f64::from(kernel.at(k))).sum();
    assert!((sum - 1.0).abs() < 1e-4, "Σκ = {sum}");
    assert_eq!(kernel.at(0), 0.0, "a spike's PSP starts at zero");
    let peak = (1..30).max_by(|&a, &b| kernel.at(a).total_cmp(&kernel.at(b))).unwrap();
    assert!((3..=7).contains(&peak), "κ peaks between τ_s and τ_L, at step {peak}");
    // A regular train, one spike every 5 steps (r = 0.2), after it has settled.
    let mut traces = PspTraces::new(1);
    let (mut total, mut psp) = (0.0f64, [0f32]);
    for t in 0..2_000 {
        traces.decay(&kernel);
        if t % 5 == 0 {
            traces.spike(0);
        }
        traces.potentials(&kernel, &mut psp);
        if t >= 1_000 {
            total += f64::from(psp[0]);
        }
    }
    assert!((total / 1_000.0 - 0.2).abs() < 1e-3, "mean PSP {} against the rate 0.2", total / 1_000.0);
}

#[test]
fn the_spiking_mode_averages_to_the_nonspiking_somas() {
    let data = mnist_split();
    let config = DendritesConfig { hidden: vec![50], ..DendritesConfig::default() };
    let mut steady = SegregatedDendrites::new(config.clone(), Arc::clone(&data)).unwrap();
    let mut spiking =
        SegregatedDendrites::new(DendritesConfig { mode: DendriteMode::Spiking, ..config }, Arc::clone(&data)).unwrap();
    let expected = steady.signals(0, false);
    let runs = 200;
    let mut mean = vec![0f64; 50];
    for _ in 0..runs {
        let s = spiking.signals(0, false);
        for (m, &c) in mean.iter_mut().zip(&s.soma[0]) {
            *m += f64::from(c) / runs as f64;
        }
    }
    let expected: Vec<f64> = expected.soma[0].iter().map(|&c| f64::from(c)).collect();
    // Spiking against non-spiking, unit by unit: a straight line through the origin of slope
    // just under 1. The window (the last 20 ms of a phase of ≥ 50 ms that starts from rest) sees
    // the PSPs a few per cent short of their steady state (Σ_{k>30} κ[k] ≈ 3 %); Poisson noise
    // averages out over the runs.
    let slope =
        mean.iter().zip(&expected).map(|(m, e)| m * e).sum::<f64>() / expected.iter().map(|e| e * e).sum::<f64>();
    let residual = mean.iter().zip(&expected).map(|(m, e)| (m - slope * e).abs()).fold(0.0, f64::max);
    let spread = mean_sd(&expected).1;
    eprintln!("spiking = {slope:.4} × non-spiking, largest residual {residual:.3}, spread {spread:.3}");
    assert!((0.93..=1.0).contains(&slope), "spiking somas are {slope:.3}× the non-spiking ones");
    assert!(residual < 0.1 * spread, "largest departure from the line {residual:.3} (somas spread {spread:.3})");
}

#[test]
fn in_the_spiking_mode_each_plateau_moves_the_way_the_target_asks() {
    let data = mnist_split();
    let config = DendritesConfig { mode: DendriteMode::Spiking, hidden: vec![100], ..DendritesConfig::default() };
    let mut net = SegregatedDendrites::new(config, Arc::clone(&data)).unwrap();
    let classes = 10;
    let (mut agree, mut asked) = (0, 0);
    for example in 0..5 {
        let s = net.signals(example, true);
        // What the target asks of each output unit: up for the label, down for the others,
        // from where the forward phase left it; heard through this neuron's feedback weights.
        let wanted: Vec<f32> = (0..classes)
            .map(|k| if k == s.label { cells::RATE_MAX as f32 } else { 0.0 } - cells::rate(s.soma[1][k]))
            .collect();
        let push = net.apical(0, &wanted);
        let (a_f, a_t) = (net.apical(0, &s.heard[0]), net.apical(0, &s.heard[1]));
        let mut by_size: Vec<usize> = (0..push.len()).collect();
        by_size.sort_by(|&a, &b| push[b].abs().total_cmp(&push[a].abs()));
        for &i in &by_size[..50] {
            asked += 1;
            let change = cells::sigmoid(a_t[i]) - cells::sigmoid(a_f[i]);
            agree += usize::from(change.signum() == push[i].signum());
        }
        let trace = net.digit_trace().expect("a spiking example was recorded");
        assert_eq!(trace.phase_ends[1], trace.apical.len());
        assert!(trace.phase_ends[0] >= 50 && trace.phase_ends[1] >= trace.phase_ends[0] + 50);
    }
    let share = agree as f64 / asked as f64;
    assert!(share >= 0.9, "α^t − α^f had the sign the target asks for in {agree} of {asked} neurons");
}

#[test]
fn with_symmetric_feedback_the_hidden_update_points_like_backprops() {
    let data = mnist_split();
    for feedback in [DendriteFeedback::Symmetric, DendriteFeedback::Random] {
        let config = DendritesConfig { hidden: vec![30], feedback, ..DendritesConfig::default() };
        let mut net = SegregatedDendrites::new(config, Arc::clone(&data)).unwrap();
        let cosines: Vec<f64> = (0..200)
            .map(|example| {
                let s = net.signals(example, false);
                let errors = net.errors(&s);
                let bp = net.backprop_errors(&s, &errors[1]);
                cosine(errors[0].iter(), bp[0].iter()).unwrap()
            })
            .collect();
        let (mean, _) = mean_sd(&cosines);
        let positive = cosines.iter().filter(|&&c| c > 0.0).count();
        if feedback == DendriteFeedback::Symmetric {
            assert!(mean > 0.6 && positive == cosines.len(), "symmetric: mean cosine {mean:.3}, {positive} of 200 > 0");
        } else {
            // Random feedback before learning: no systematic agreement (alignment comes with training).
            assert!(mean.abs() < 0.3, "random, untrained: mean cosine {mean:.3}");
        }
    }
}

#[test]
fn on_mnist_a_hidden_layer_helps_a_second_keeps_up_and_the_update_stays_within_90_degrees_of_backprop() {
    let store =
        DataStore::with_mnist(mnist::load(std::path::Path::new(mnist::DEFAULT_PATH)).expect("run scripts/setup.sh"));
    let seeds = [1, 2, 3];
    // Every depth at the default rate, 20 epochs, seeds 1–3 (two threads; each run is deterministic).
    let run = |hidden: Vec<usize>| -> (Vec<f64>, Vec<Vec<f64>>) {
        let jobs: Vec<Job> = seeds
            .iter()
            .map(|&seed| Job {
                label: format!("{hidden:?} seed {seed}"),
                experiment: Experiment::Dendrites(DendritesConfig {
                    hidden: hidden.clone(),
                    seed,
                    ..DendritesConfig::default()
                }),
            })
            .collect();
        let tables = run_all(&jobs, &store, 2, &|_| {}).unwrap();
        tables.iter().map(|t| (t.last("test_acc").unwrap(), t.column("angle_bp").unwrap())).unzip()
    };
    let (none, _) = run(vec![]);
    let (one, angles) = run(vec![500]);
    let (two, _) = run(vec![500, 100]);
    let ((none_m, _), (one_m, one_sd), (two_m, _)) = (mean_sd(&none), mean_sd(&one), mean_sd(&two));
    eprintln!("test accuracy: 784-10 {none:?}, 784-500-10 {one:?}, 784-500-100-10 {two:?}");
    assert!(one_m - none_m >= 0.03, "one hidden layer {one_m:.4} against none {none_m:.4}");
    assert!(two_m >= one_m - one_sd, "two hidden layers {two_m:.4} against one {one_m:.4} ± {one_sd:.4}");
    for (seed, curve) in seeds.iter().zip(&angles) {
        // Row 0 is the untrained network (no update yet: NaN).
        assert!(curve[1..].iter().all(|&a| a < 90.0), "seed {seed}: angle to backprop by epoch {curve:?}");
    }
}
