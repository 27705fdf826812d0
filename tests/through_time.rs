//! Learning through time (issue 13): BPTT's gradient against finite differences, e-prop against
//! BPTT, the three methods on pattern generation, and what each stores as the trial grows.

use brainprop::metrics::cosine;
use brainprop::neuron::alif::{AlifParams, SpikeFunction};
use brainprop::rng::{rng_for, Stream};
use brainprop::rule::Rule;
use brainprop::rules::through_time::rate::{RateRnn, RfloTraces};
use brainprop::rules::through_time::spiking::{History, SpikingRnn, Traces, Trial};
use brainprop::rules::through_time::{
    Method, RecurrentConfig, RecurrentFeedback, ThroughTime, TrialMemory, MEMORY_DURATIONS,
};
use rand::Rng;

/// A small network with random weights (recurrent ones `recurrent` strong), half its neurons
/// adaptive, and a random trial of `steps` steps with random targets.
fn small(neurons: usize, recurrent: f64, steps: usize, seed: u64) -> (SpikingRnn, Trial) {
    let rng = &mut rng_for(seed, Stream::Weights);
    let (inputs, outputs) = (5, 2);
    let mut gauss =
        |n: usize, sd: f64| -> Vec<f64> { (0..n).map(|_| sd * (rng.random::<f64>() * 2.0 - 1.0)).collect() };
    let mut w_rec = gauss(neurons * neurons, recurrent);
    for j in 0..neurons {
        w_rec[j * neurons + j] = 0.0;
    }
    let params = AlifParams::new(20.0, 200.0, 1.0, 0.0);
    let net = SpikingRnn {
        inputs,
        neurons,
        outputs,
        w_in: gauss(neurons * inputs, 30.0),
        w_rec,
        w_out: gauss(outputs * neurons, 0.3),
        beta: (0..neurons).map(|j| if j % 2 == 1 { 0.2 } else { 0.0 }).collect(),
        params,
        kappa: 0.9,
    };
    let rng = &mut rng_for(seed, Stream::DataGeneration);
    let trial = Trial {
        inputs: (0..steps).map(|_| (0..inputs).filter(|_| rng.random::<f64>() < 0.2).collect()).collect(),
        targets: (0..steps * outputs).map(|_| rng.random::<f64>()).collect(),
        mask: vec![1.0 / steps as f64; steps],
    };
    (net, trial)
}

/// `net` with weight `i` of matrix `which` (0 input, 1 recurrent, 2 readout) moved by `delta`.
fn nudged(net: &SpikingRnn, which: usize, i: usize, delta: f64) -> SpikingRnn {
    let mut copy = net.clone();
    [&mut copy.w_in, &mut copy.w_rec, &mut copy.w_out][which][i] += delta;
    copy
}

#[test]
fn bptt_matches_finite_differences_with_a_smooth_spike() {
    let (mut net, trial) = small(4, 3.0, 40, 7);
    net.params.spike = SpikeFunction::Smooth(0.3);
    let (_, g) = net.bptt(&trial, &mut History::default());
    let h = 1e-6;
    let mut worst = 0.0f64;
    let mut compared = 0;
    for (which, len) in [(0, net.w_in.len()), (1, net.w_rec.len()), (2, net.w_out.len())] {
        for i in 0..len {
            if which == 1 && i % (net.neurons + 1) == 0 {
                continue; // no autapses
            }
            let (plus, minus) = (nudged(&net, which, i, h), nudged(&net, which, i, -h));
            let numeric = (plus.run(&trial, None).loss - minus.run(&trial, None).loss) / (2.0 * h);
            let analytic = [&g.w_in, &g.w_rec, &g.w_out][which][i];
            let error = (numeric - analytic).abs() / numeric.abs().max(analytic.abs()).max(1e-6);
            worst = worst.max(error);
            compared += 1;
        }
    }
    assert!(compared >= 40);
    assert!(worst < 1e-4, "largest relative error of BPTT against finite differences: {worst:e}");
}

#[test]
fn without_recurrence_eprop_is_bptt() {
    for neurons in [1, 6] {
        let (mut net, trial) = small(neurons, 0.0, 200, 3);
        net.w_rec.fill(0.0);
        let (bptt_out, bptt) = net.bptt(&trial, &mut History::default());
        let (eprop_out, eprop) = net.eprop(&trial, None, &mut Traces::default());
        assert!(!bptt_out.spikes.is_empty(), "the neurons spike");
        assert_eq!(bptt_out.loss, eprop_out.loss);
        for (name, a, b) in [("w_in", &bptt.w_in, &eprop.w_in), ("w_out", &bptt.w_out, &eprop.w_out)] {
            let scale = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let worst = a.iter().zip(b).fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
            assert!(
                scale > 0.0 && worst <= 1e-9 * scale,
                "{neurons} neurons, {name}: differs by {worst:e} (scale {scale:e})"
            );
        }
    }
}

#[test]
fn with_recurrence_symmetric_eprop_points_like_bptt() {
    let mut cosines = Vec::new();
    for seed in 1..=5 {
        let (net, trial) = small(20, 4.0, 300, seed);
        let (_, bptt) = net.bptt(&trial, &mut History::default());
        let (_, eprop) = net.eprop(&trial, None, &mut Traces::default());
        let differ = bptt.w_rec.iter().zip(&eprop.w_rec).any(|(a, b)| (a - b).abs() > 1e-9 * a.abs().max(1e-12));
        assert!(differ, "with recurrence e-prop leaves something out");
        cosines.push(cosine(eprop.hidden(), bptt.hidden()).unwrap());
    }
    assert!(cosines.iter().all(|&c| c > 0.3), "cosines with BPTT: {cosines:?}");
}

#[test]
fn rflo_readout_gradient_is_exact_and_its_recurrent_one_is_local() {
    let config = RecurrentConfig { neurons: 12, inputs: 8, duration: 200.0, ..RecurrentConfig::default() };
    let net: RateRnn = brainprop::rules::through_time::rate_network(&config);
    let trial = brainprop::rules::through_time::Tasks::new(&config).trial();
    let b: Vec<f64> = net.w_out.clone(); // one output: B = W_outᵀ has the same layout
    let (_, exact) = net.bptt(&trial);
    let (_, rflo) = net.rflo(&trial, &b, &mut RfloTraces::default());
    let worst = exact.w_out.iter().zip(&rflo.w_out).fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    assert!(worst < 1e-12, "RFLO's readout gradient differs from BPTT's by {worst:e}");
    let c = cosine(rflo.hidden(), exact.hidden()).unwrap();
    assert!(c > 0.0 && c < 0.999, "with B = W_outᵀ RFLO's recurrent update approximates BPTT's: cosine {c:.3}");
}

/// Trains `method` on the default pattern for `iterations`; first and final loss.
fn train(method: Method, config: RecurrentConfig) -> (f64, f64) {
    let mut model = ThroughTime::new(config, method).unwrap();
    while !model.step(50).unwrap().finished {}
    let loss = model.metrics().column("loss").unwrap();
    (loss[0], *loss.last().unwrap())
}

#[test]
fn pattern_generation_eprop_keeps_up_with_bptt_random_eprop_and_rflo_learn() {
    let iterations = 200;
    for seed in [1, 2, 3] {
        let config = RecurrentConfig { iterations, seed, ..RecurrentConfig::default() };
        let (b0, bptt) = train(Method::Bptt, config.clone());
        let (_, symmetric) = train(Method::Eprop, config.clone());
        let (r0, random) =
            train(Method::Eprop, RecurrentConfig { feedback: RecurrentFeedback::Random, ..config.clone() });
        let (f0, rflo) = train(Method::Rflo, config);
        eprintln!("seed {seed}: BPTT {b0:.4} → {bptt:.5}; e-prop symmetric {symmetric:.5}; random {r0:.4} → {random:.5}; RFLO {f0:.4} → {rflo:.5}");
        assert!(symmetric <= 2.0 * bptt, "seed {seed}: e-prop {symmetric} against BPTT {bptt}");
        assert!(random <= 0.2 * r0, "seed {seed}: random e-prop fell from {r0} to {random}");
        assert!(rflo <= 0.5 * f0, "seed {seed}: RFLO fell from {f0} to {rflo}");
    }
}

#[test]
fn bptt_stores_the_trial_and_eprop_does_not() {
    let mut memory = TrialMemory::new(RecurrentConfig { neurons: 50, ..RecurrentConfig::default() }).unwrap();
    while !memory.step(10).unwrap().finished {}
    let table = memory.metrics();
    let (durations, bptt, eprop) = (
        table.column("duration_ms").unwrap(),
        table.column("bptt_bytes").unwrap(),
        table.column("eprop_bytes").unwrap(),
    );
    assert_eq!(durations.len(), MEMORY_DURATIONS.len());
    // BPTT: bytes per ms constant (a straight line through the origin), 4 states × 50 neurons + 1 output, 8 bytes each.
    let per_ms: Vec<f64> = bptt.iter().zip(&durations).map(|(b, d)| b / d).collect();
    assert!(per_ms.iter().all(|&r| (r - per_ms[0]).abs() < 1e-9 * per_ms[0]), "BPTT bytes per ms: {per_ms:?}");
    assert!(per_ms[0] >= (4 * 50 * 8) as f64);
    assert!(eprop.iter().all(|&b| b == eprop[0]) && eprop[0] > 0.0, "e-prop bytes: {eprop:?}");
}
