//! The "Bursts" chapter: short-term plasticity against its closed form, the event/burst detector
//! on hand-made spike trains, the burst-dependent plasticity rule's sign, the Naud–Sprekeler
//! multiplexing thresholds on 300 neurons, the Sjöström-like frequency curve, and bad settings.

use brainprop::bursts::figures::{multiplexing_svg, plasticity_svg};
use brainprop::bursts::multiplexing::pearson;
use brainprop::bursts::{
    sjostrom_protocol, BurstPlasticity, BurstPlasticityParams, MultiplexConfig, MultiplexCorrelations, MultiplexInputs,
    Multiplexing, PairingProtocol,
};
use brainprop::neuron::two_compartment::exp_approx;
use brainprop::neuron::{
    count_per_bin, label_spikes, OnlineBurstDetector, OnlineSpike, SpikeKind, Stp, StpSynapse, TwoCompartmentParams,
    TwoCompartmentPopulation, BURST_WINDOW_MS,
};
use brainprop::rule::Rule;
use brainprop::Error;

// ---------------------------------------------------------------------------------------------
// Short-term plasticity

#[test]
fn stp_efficacy_settles_at_the_analytic_steady_state() {
    for (name, params) in [("depressing", Stp::DEPRESSING), ("facilitating", Stp::FACILITATING)] {
        for rate_hz in [1.0, 5.0, 10.0, 20.0, 50.0, 100.0] {
            let mut synapse = StpSynapse::new(&params);
            let interval_ms = 1000.0 / rate_hz;
            let mut efficacy = 0.0;
            for k in 0..2000 {
                efficacy = synapse.on_spike(&params, k as f64 * interval_ms);
            }
            let expected = params.steady_state_efficacy(rate_hz);
            assert!(
                (efficacy - expected).abs() <= 1e-12 * expected.max(1e-3),
                "{name} at {rate_hz} Hz: simulated {efficacy}, analytic {expected}"
            );
            // The pre-spike state matches too, not only the product.
            let (x, u) = params.steady_state(rate_hz);
            let (sim_x, sim_u) = synapse.state_at(&params, 2000.0 * interval_ms);
            assert!((sim_x - x).abs() < 1e-12 && (sim_u - u).abs() < 1e-12, "{name} at {rate_hz} Hz: state");
        }
    }
}

#[test]
fn stp_first_spike_transmits_u_and_the_two_sets_filter_oppositely() {
    for params in [Stp::DEPRESSING, Stp::FACILITATING] {
        assert_eq!(StpSynapse::new(&params).on_spike(&params, 0.0), params.baseline_release);
        assert_eq!(params.steady_state_efficacy(0.0), params.baseline_release);
    }
    // A 3-spike burst at 200 Hz: the depressing synapse passes mostly its first spike, the
    // facilitating one mostly the later ones.
    let burst = |params: Stp| {
        let mut synapse = StpSynapse::new(&params);
        [0.0, 5.0, 10.0].map(|t| synapse.on_spike(&params, t))
    };
    let depressing = burst(Stp::DEPRESSING);
    let facilitating = burst(Stp::FACILITATING);
    assert!(depressing[1] < 0.5 * depressing[0] && depressing[2] < depressing[0]);
    assert!(facilitating[1] > 3.0 * facilitating[0] && facilitating[2] > facilitating[1]);
    // Steady-state efficacy falls with rate for depression and rises (at first) for facilitation.
    assert!(Stp::DEPRESSING.steady_state_efficacy(50.0) < Stp::DEPRESSING.steady_state_efficacy(5.0));
    assert!(Stp::FACILITATING.steady_state_efficacy(20.0) > Stp::FACILITATING.steady_state_efficacy(1.0));
}

// ---------------------------------------------------------------------------------------------
// Event and burst detection

use SpikeKind::{BurstStart as S, InBurst as B, Isolated as I};

#[test]
fn burst_detector_is_exact_on_hand_made_trains() {
    let label = |times: &[f64]| label_spikes(times, BURST_WINDOW_MS);
    assert_eq!(label(&[]), vec![]);
    // The first spike of a train is an event whatever its time.
    assert_eq!(label(&[0.0]), vec![I]);
    assert_eq!(label(&[-3.0, 100.0]), vec![I, I]);
    // Exactly 16 ms is within the window; just over is not.
    assert_eq!(label(&[10.0, 26.0]), vec![S, B]);
    assert_eq!(label(&[10.0, 26.001]), vec![I, I]);
    // Times on the 0.1 ms grid that sum with rounding error still give 16 ms.
    assert_eq!(label(&[0.1 * 7.0, 0.1 * 7.0 + 16.0]), vec![S, B]);
    // A burst of 3, then an isolated spike.
    assert_eq!(label(&[0.0, 5.0, 10.0, 100.0]), vec![S, B, B, I]);
    // A chain where each interval is within the window is one burst, however long.
    assert_eq!(label(&[0.0, 10.0, 26.0, 42.0]), vec![S, B, B, B]);
    // Two bursts separated by more than the window.
    assert_eq!(label(&[0.0, 10.0, 30.0, 40.0]), vec![S, B, S, B]);
    // Isolated, burst, isolated.
    assert_eq!(label(&[0.0, 50.0, 52.0, 90.0]), vec![I, S, B, I]);
}

#[test]
fn bin_counts_put_events_and_bursts_at_their_first_spike() {
    let times = [1.0, 5.0, 12.0, 30.0, 50.0, 58.0, 75.0];
    let labels = label_spikes(&times, BURST_WINDOW_MS);
    assert_eq!(labels, vec![S, B, B, I, S, B, I]);
    let counts = count_per_bin(&times, &labels, 10.0, 8);
    assert_eq!(counts.events, vec![1, 0, 0, 1, 0, 1, 0, 1]);
    assert_eq!(counts.bursts, vec![1, 0, 0, 0, 0, 1, 0, 0]);
    assert_eq!(counts.spikes, vec![2, 1, 0, 1, 0, 2, 0, 1]);
    // Spikes outside the binned range are left out.
    let counts = count_per_bin(&times, &labels, 10.0, 3);
    assert_eq!((counts.events, counts.bursts, counts.spikes), (vec![1, 0, 0], vec![1, 0, 0], vec![2, 1, 0]));
}

#[test]
fn online_detector_agrees_with_the_offline_labels() {
    // A deterministic irregular train: intervals cycle through values on both sides of 16 ms.
    let intervals = [3.0, 40.0, 16.0, 7.0, 25.0, 16.5, 2.0, 2.0, 80.0, 15.9, 30.0];
    let mut times = vec![0.0];
    for k in 0..200 {
        times.push(times.last().unwrap() + intervals[k % intervals.len()]);
    }
    let labels = label_spikes(&times, BURST_WINDOW_MS);
    let mut detector = OnlineBurstDetector::new(1, BURST_WINDOW_MS);
    let online: Vec<OnlineSpike> = times.iter().map(|&t| detector.on_spike(0, t)).collect();
    for k in 0..times.len() {
        assert_eq!(online[k] == OnlineSpike::Event, labels[k].is_event(), "spike {k}");
        // The second spike of a burst recognises it; the previous spike is its start.
        if online[k] == OnlineSpike::BurstDetected {
            assert_eq!(labels[k - 1], S, "spike {k}");
        }
    }
    let bursts_online = online.iter().filter(|&&s| s == OnlineSpike::BurstDetected).count();
    assert_eq!(bursts_online, labels.iter().filter(|&&l| l == S).count());
}

// ---------------------------------------------------------------------------------------------
// The two-compartment neuron

/// Spike times (ms) of one neuron under constant currents for `ms`.
fn spike_times(soma_pa: f32, dend_pa: f32, ms: usize) -> Vec<f64> {
    let mut neuron = TwoCompartmentPopulation::new(1, TwoCompartmentParams::default());
    let mut spiked = Vec::new();
    let mut times = Vec::new();
    for step in 0..ms * 10 {
        spiked.clear();
        neuron.step(&[soma_pa], &[dend_pa], &mut spiked);
        if !spiked.is_empty() {
            times.push((step + 1) as f64 * 0.1);
        }
    }
    assert!(neuron.is_finite());
    times
}

#[test]
fn dendritic_input_turns_single_spikes_into_bursts() {
    // Somatic drive alone: regular isolated spikes.
    let alone = spike_times(600.0, 0.0, 5000);
    let labels = label_spikes(&alone, BURST_WINDOW_MS);
    assert!(alone.len() > 20, "somatic drive should make the cell fire, got {} spikes", alone.len());
    assert!(labels.iter().all(|&l| l == I), "somatic drive alone should not burst: {labels:?}");
    // The same somatic drive with a sub-threshold dendritic input: the bAPs now trigger plateaus.
    let with_dendrite = spike_times(600.0, 250.0, 5000);
    let labels = label_spikes(&with_dendrite, BURST_WINDOW_MS);
    let bursts = labels.iter().filter(|&&l| l == S).count();
    let events = labels.iter().filter(|l| l.is_event()).count();
    assert!(bursts * 2 > events, "dendritic input should make most events bursts: {bursts} of {events}");
    // That dendritic input is below the plateau threshold: alone it makes no spike at all.
    assert!(spike_times(0.0, 250.0, 2000).is_empty());
}

#[test]
fn shortest_interval_under_a_huge_input_is_the_refractory_period_at_every_dt() {
    // The engine's convention (neuron::lif::refractory_steps): t_ref = 2 ms lasts round(t_ref/dt)
    // steps counting the spike's own step, so an overwhelming input fires the soma every n steps.
    for (dt_ms, expected_steps) in [(0.1f32, 20u64), (0.05, 40), (0.2, 10)] {
        let params = TwoCompartmentParams { dt_ms, ..TwoCompartmentParams::default() };
        assert_eq!(params.refractory_ms, 2.0);
        let mut neuron = TwoCompartmentPopulation::new(1, params);
        let mut spiked = Vec::new();
        let mut spike_steps = Vec::new();
        for step in 0..(200.0 / dt_ms).round() as u64 {
            spiked.clear();
            neuron.step(&[1e6], &[0.0], &mut spiked);
            if !spiked.is_empty() {
                spike_steps.push(step);
            }
        }
        assert!(neuron.is_finite());
        let intervals: Vec<u64> = spike_steps.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(intervals.len() > 50, "dt {dt_ms} ms: only {} spikes", spike_steps.len());
        assert_eq!(intervals.iter().min(), Some(&expected_steps), "dt {dt_ms} ms: {intervals:?}");
        // With an input this large nothing but the refractory period limits the rate.
        assert!(intervals.iter().all(|&k| k == expected_steps), "dt {dt_ms} ms: {intervals:?}");
    }
}

#[test]
fn exp_approx_is_accurate() {
    let mut worst = 0.0f64;
    let mut x = -80.0f32;
    while x < 80.0 {
        let exact = (x as f64).exp();
        worst = worst.max(((exp_approx(x) as f64 - exact) / exact).abs());
        x += 0.0137;
    }
    assert!(worst < 1e-6, "worst relative error {worst:e}");
    assert_eq!(exp_approx(0.0), 1.0);
    assert_eq!(exp_approx(-1000.0), (-87.0f32).exp().min(exp_approx(-87.0)));
    assert!(exp_approx(f32::NAN).is_nan());
}

// ---------------------------------------------------------------------------------------------
// Burst-dependent plasticity

/// Net weight change of one synapse whose presynaptic neuron fires regular events at 20 Hz while
/// the postsynaptic neuron fires one event every 100 ms, each a 2-spike burst when `burst(k)`.
fn net_change(running_burst_probability: f64, burst: impl Fn(usize) -> bool) -> f64 {
    let params = BurstPlasticityParams {
        background_burst_probability: running_burst_probability,
        // A running average much slower than the test, so P̄ stays at its background value.
        average_tau_ms: 1e9,
        ..BurstPlasticityParams::default()
    };
    let mut rule = BurstPlasticity::new(params, vec![0.0]).unwrap();
    let mut pre = 0.0;
    for k in 0..100 {
        let t = 1000.0 + 100.0 * k as f64;
        while pre <= t {
            rule.on_pre_spike(0, pre);
            pre += 50.0;
        }
        rule.on_post_spike(t + 3.0);
        if burst(k) {
            rule.on_post_spike(t + 9.0);
        }
    }
    rule.weights[0]
}

#[test]
fn bursting_above_the_running_burst_probability_potentiates_below_depresses() {
    // P̄ = 0.5: always bursting (P = 1) potentiates, never bursting (P = 0) depresses.
    assert!(net_change(0.5, |_| true) > 0.0);
    assert!(net_change(0.5, |_| false) < 0.0);
    // The same half-bursting pattern potentiates when P̄ is lower and depresses when higher.
    assert!(net_change(0.2, |k| k % 2 == 0) > 0.0);
    assert!(net_change(0.8, |k| k % 2 == 0) < 0.0);
}

#[test]
fn plasticity_updates_have_the_rule_s_exact_size() {
    let params = BurstPlasticityParams { lr: 0.1, pre_trace_tau_ms: 20.0, ..Default::default() };
    let p_bar = params.background_burst_probability;
    let mut rule = BurstPlasticity::new(params, vec![1.0, 2.0]).unwrap();
    rule.on_pre_spike(0, 0.0);
    // Only synapse 0 has seen a presynaptic event, so only it changes.
    assert_eq!(rule.on_post_spike(10.0), OnlineSpike::Event);
    let after_event = 1.0 - 0.1 * p_bar * (-10.0f64 / 20.0).exp();
    assert!((rule.weights[0] - after_event).abs() < 1e-12);
    assert_eq!(rule.weights[1], 2.0);
    // The second spike 6 ms later recognises a burst: +η Ẽ.
    assert_eq!(rule.on_post_spike(16.0), OnlineSpike::BurstDetected);
    assert!((rule.weights[0] - (after_event + 0.1 * (-16.0f64 / 20.0).exp())).abs() < 1e-12);
    // A third spike of the burst changes nothing.
    let before = rule.weights[0];
    assert_eq!(rule.on_post_spike(20.0), OnlineSpike::LaterInBurst);
    assert_eq!(rule.weights[0], before);
}

#[test]
fn running_burst_probability_tracks_the_neuron_s_own_bursting() {
    let params = BurstPlasticityParams { average_tau_ms: 500.0, ..Default::default() };
    let mut rule = BurstPlasticity::new(params, vec![0.0]).unwrap();
    assert!((rule.running_burst_probability(0.0) - 0.2).abs() < 1e-12);
    // Ten seconds of a burst at every event (10 Hz) on top of the background (5 Hz, P = 0.2):
    // P̄ climbs toward (1 + 10) / (5 + 10) ≈ 0.73.
    for k in 0..100 {
        let t = 100.0 * k as f64;
        rule.on_post_spike(t);
        rule.on_post_spike(t + 5.0);
    }
    let p = rule.running_burst_probability(10_000.0);
    assert!((0.65..0.8).contains(&p), "P̄ after constant bursting: {p}");
    // Long silence: it relaxes back to the background.
    assert!((rule.running_burst_probability(100_000.0) - 0.2).abs() < 1e-6);
}

#[test]
fn sjostrom_curve_shape_and_what_sets_it() {
    let protocol = PairingProtocol::default();
    let curve = sjostrom_protocol(&protocol).unwrap();
    for point in &curve {
        println!(
            "{:5.1} Hz: Δw {:+.4} ({:+.1} %), per pairing: {:.2} spikes, {:.2} events, {:.2} bursts, B/E {:.3}, \
             P̄ {:.3}, Ẽ at events {:.3}, at bursts {:.3}; burst term {:+.4}, event term {:+.4}",
            point.frequency_hz,
            point.weight_change,
            100.0 * point.relative_change,
            point.spikes_per_pairing,
            point.events_per_pairing,
            point.bursts_per_pairing,
            point.bursts_per_pairing / point.events_per_pairing,
            point.running_burst_probability,
            point.trace_at_events,
            point.trace_at_bursts,
            point.burst_term,
            point.event_term
        );
    }
    // Reference run (default protocol, seeds 1–6): 0.1 Hz −6.0 to −6.7 %, 10 Hz +0.9 to +2.1 %,
    // 20 Hz +1.1 to +2.2 %, 40 Hz +11.7 to +13.3 %, 50 Hz +15.4 to +16.7 %.
    let frequencies: Vec<f64> = curve.iter().map(|p| p.frequency_hz).collect();
    assert_eq!(frequencies, vec![0.1, 10.0, 20.0, 40.0, 50.0]);
    let pct: Vec<f64> = curve.iter().map(|p| 100.0 * p.relative_change).collect();
    // The sign at each frequency: depression at 0.1 Hz, potentiation from 10 Hz on, so the zero
    // crossing lies between 0.1 and 10 Hz.
    assert!(pct[0] < -3.0, "0.1 Hz should depress clearly: {pct:?}");
    assert!(pct[1..].iter().all(|&p| p > 0.0), "10–50 Hz should potentiate: {pct:?}");
    // The shape: a low plateau of weak potentiation at 10–20 Hz (their order varies with the
    // seed), then a steep rise: 40 Hz at least 3× the plateau, 50 Hz above 40 Hz by ≥ 10 %.
    assert!(pct[1] < 5.0 && pct[2] < 5.0, "10–20 Hz potentiation should stay weak: {pct:?}");
    assert!(pct[3] > 3.0 * pct[1].max(pct[2]), "40 Hz should rise well above 10–20 Hz: {pct:?}");
    assert!(pct[4] > 1.1 * pct[3], "50 Hz should potentiate more than 40 Hz: {pct:?}");
    // Never falls by more than a point from one frequency to the next.
    assert!(pct.windows(2).all(|w| w[1] > w[0] - 1.0), "{pct:?}");

    // What sets the sign: the burst fraction B/E against the running burst probability P̄. P̄
    // stays near its background (0.2, held by the 2 s average): 0.20–0.23 at every frequency.
    for p in &curve {
        assert!((p.burst_term + p.event_term - p.weight_change).abs() < 1e-9, "the terms add up: {p:?}");
        assert!((0.15..0.3).contains(&p.running_burst_probability), "P̄ {p:?}");
        let fraction = p.bursts_per_pairing / p.events_per_pairing;
        let should_potentiate = p.weight_change > 0.0;
        assert_eq!(fraction > p.running_burst_probability, should_potentiate, "B/E against P̄: {p:?}");
    }
    // Few bursts at 0.1 Hz (B/E 0.12), a quarter to a third of the events burst from 10 Hz on.
    assert!(curve[0].bursts_per_pairing / curve[0].events_per_pairing < 0.17);
    assert!(curve[1..].iter().all(|p| p.bursts_per_pairing / p.events_per_pairing > 0.24));
    // What sets the size: not more bursts (bursts per pairing fall from 20 to 50 Hz, 0.28 →
    // 0.22), but the presynaptic trace, which sums over pairings (τ_pre = 50 ms) and is largest
    // when the bursts are recognised (0.90 at 20 Hz, 1.91 at 50 Hz, where the next presynaptic
    // spike comes before the burst's second spike). So the burst term grows (×1.7 from 20 to
    // 50 Hz) while the event term stays flat (fewer events, 1.00 → 0.63 per pairing, as pairings
    // merge into long bursts, against a larger trace).
    let (f20, f50) = (&curve[2], &curve[4]);
    assert!(f50.bursts_per_pairing < f20.bursts_per_pairing, "{f20:?} {f50:?}");
    assert!(curve.windows(2).all(|w| w[1].trace_at_bursts > w[0].trace_at_bursts), "Ẽ at bursts rises");
    assert!(f50.trace_at_bursts > 1.6 * f20.trace_at_bursts, "{f20:?} {f50:?}");
    assert!(f50.burst_term > 1.4 * f20.burst_term, "{f20:?} {f50:?}");
    assert!((f50.event_term / f20.event_term - 1.0).abs() < 0.25, "{f20:?} {f50:?}");
    assert!(f50.events_per_pairing < 0.8, "{f50:?}");
    let svg = plasticity_svg(&curve, 500, 320).unwrap();
    assert!(svg.contains("pairing frequency (Hz)"));
}

// ---------------------------------------------------------------------------------------------
// Multiplexing

#[test]
fn multiplexing_separates_the_two_streams_on_300_neurons() {
    let config = MultiplexConfig::default();
    assert_eq!(config.neurons, 300);
    let mut model = Multiplexing::new(config.clone()).unwrap();
    let mut outcome = model.step(1).unwrap();
    assert_eq!((outcome.units, outcome.samples), (1, 1));
    while !outcome.finished {
        outcome = model.step(1000).unwrap();
    }
    let bins = (config.duration_s * 1000.0 / f64::from(config.bin_ms)).round() as usize;
    assert_eq!(model.metrics().rows.len(), bins);
    assert_eq!(model.progress().samples, (config.duration_s * 1000.0) as u64);
    let c = model.correlations();
    println!("{c:#?}");
    assert!(c.event_rate_vs_somatic >= 0.85, "corr(E, soma) = {:.3}", c.event_rate_vs_somatic);
    assert!(c.burst_prob_vs_dendritic >= 0.85, "corr(P, dend) = {:.3}", c.burst_prob_vs_dendritic);
    assert!(c.event_rate_vs_dendritic.abs() <= 0.25, "corr(E, dend) = {:.3}", c.event_rate_vs_dendritic);
    assert!(c.burst_prob_vs_somatic.abs() <= 0.25, "corr(P, soma) = {:.3}", c.burst_prob_vs_somatic);
    let failed = readout_failures(&c);
    assert!(failed.is_empty(), "read-out criteria failed: {failed:?}");
    // Sensible magnitudes: a few Hz of events, a burst probability well inside (0, 1).
    let mean = |name: &str| {
        let v = model.metrics().column(name).unwrap();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!((2.0..20.0).contains(&mean("event_rate")), "mean event rate {}", mean("event_rate"));
    assert!((0.1..0.6).contains(&mean("burst_prob")), "mean burst probability {}", mean("burst_prob"));
    // Finished: more steps do nothing.
    let after = model.step(10).unwrap();
    assert_eq!((after.units, after.finished), (0, true));
    let svg = multiplexing_svg(model.metrics(), 600, 220).unwrap();
    assert!(svg.contains("Burst probability follows the dendritic input"));
}

/// The read-out criteria the multiplexing run must meet, as the list of those it fails.
///
/// Tracking its own stream (corr ≥ 0.8) is not enough: a plain spike counter comes close to that
/// for both read-outs. What tells the read-outs apart is the second stream. The depressing
/// read-out must ignore the dendritic input, |corr| ≤ 0.25, and the facilitating one must follow
/// it, corr ≥ 0.35 (reference run, seeds 1–8 with τ_D = 100 ms: depressing +0.02 to +0.21,
/// facilitating +0.45 to +0.62; seed 1: +0.08 and +0.52). As 0.35 > 0.25, no single read-out can
/// pass both, so a spike counter used for both fails by construction.
///
/// Why against the dendritic input current and not the burst probability P: Naud & Sprekeler's
/// claim is about the two *input signals*, the somatic and the dendritic currents, which are
/// independent by construction and are what a downstream cell should recover. P is only the
/// neuron's code for the dendritic input, and an imperfect one: P = B/E shares the event rate in
/// its denominator, and it carries some somatic cross-talk of its own (corr(P, soma) up to 0.19 on
/// seeds 1–8). Testing against the current tests the whole path, input → spikes → synapse, and
/// does not let the encoder's cross-talk stand in for the synapse's. Why the facilitating read-out
/// only reaches ≈ 0.5 with it: it follows the burst rate B = P·E, whose event-rate factor is
/// independent of the dendritic input.
fn readout_failures(c: &MultiplexCorrelations) -> Vec<String> {
    let mut failed = Vec::new();
    if c.depressing_vs_event_rate < 0.8 {
        failed.push(format!("corr(D, E) = {:.3} < 0.8", c.depressing_vs_event_rate));
    }
    if c.facilitating_vs_burst_rate < 0.8 {
        failed.push(format!("corr(F, B) = {:.3} < 0.8", c.facilitating_vs_burst_rate));
    }
    if c.depressing_vs_dendritic.abs() > 0.25 || c.depressing_vs_dendritic.is_nan() {
        failed.push(format!("|corr(D, dendritic input)| = {:.3} > 0.25", c.depressing_vs_dendritic.abs()));
    }
    if c.facilitating_vs_dendritic < 0.35 || c.facilitating_vs_dendritic.is_nan() {
        failed.push(format!("corr(F, dendritic input) = {:.3} < 0.35", c.facilitating_vs_dendritic));
    }
    failed
}

#[test]
fn a_plain_spike_counter_fails_the_read_out_criteria() {
    // The same run with static synapses (every spike transmits 1) in place of both read-outs.
    let mut model = Multiplexing::with_synapses(MultiplexConfig::default(), Stp::STATIC, Stp::STATIC).unwrap();
    while !model.step(1000).unwrap().finished {}
    let c = model.correlations();
    println!("spike counter: {c:#?}");
    // Both read-outs are the spike rate.
    assert_eq!(c.depressing_vs_dendritic, c.facilitating_vs_dendritic);
    let failed = readout_failures(&c);
    println!("fails: {failed:?}");
    // The count carries the bursts' extra spikes, hence the dendritic input (seeds 1–8: +0.35 to
    // +0.54), so as a depressing read-out it fails.
    assert!(c.depressing_vs_dendritic > 0.3, "corr(spike count, dendritic input) = {:.3}", c.depressing_vs_dendritic);
    assert!(failed.iter().any(|f| f.starts_with("|corr(D, dendritic input)|")), "{failed:?}");
    // Refusing unusable synapses.
    let bad = Stp { baseline_release: 2.0, ..Stp::DEPRESSING };
    assert!(Multiplexing::with_synapses(MultiplexConfig::default(), bad, Stp::FACILITATING).is_err());
}

#[test]
fn multiplexing_is_deterministic_and_snapshots_are_consistent() {
    let config = MultiplexConfig { neurons: 80, shown_neurons: 20, duration_s: 1.5, ..Default::default() };
    let run = || {
        let mut model = Multiplexing::new(config.clone()).unwrap();
        while !model.step(100).unwrap().finished {}
        model
    };
    let mut a = run();
    let b = run();
    assert_eq!(a.metrics(), b.metrics());
    let snap = a.snapshot();
    let frame = |name: &str| snap.get(name).unwrap_or_else(|| panic!("missing frame {name}")).data.clone();
    let (times, rows, flags) = (frame("raster.times"), frame("raster.neuron"), frame("raster.burst"));
    assert!(!times.is_empty());
    assert_eq!((times.len(), rows.len()), (flags.len(), flags.len()));
    let window = frame("raster.window");
    assert!((window[1] - 1.5).abs() < 1e-6 && (window[0] - 0.5).abs() < 1e-6);
    assert!(times.iter().all(|&t| t >= window[0] && t <= window[1] + 1e-3));
    assert!(rows.iter().all(|&r| (0.0..20.0).contains(&r) && r.fract() == 0.0));
    assert!(flags.iter().all(|&f| f == 0.0 || f == 1.0) && flags.contains(&1.0) && flags.contains(&0.0));
    assert_eq!(frame("raster.rows").len(), 20);
    assert_eq!(frame("shown.soma_v").len(), 20);
    assert_eq!(frame("inputs").len(), 4);
    // Raster burst flags agree with the offline detector for every shown neuron (spikes in the
    // window whose predecessor fell before it are left out of the comparison).
    for row in 0..20 {
        let spikes: Vec<f64> =
            times.iter().zip(&rows).filter(|(_, &r)| r == row as f32).map(|(&t, _)| f64::from(t) * 1000.0).collect();
        let labels = label_spikes(&spikes, BURST_WINDOW_MS);
        let shown: Vec<f32> = flags.iter().zip(&rows).filter(|(_, &r)| r == row as f32).map(|(&f, _)| f).collect();
        for k in 1..spikes.len() {
            assert_eq!(shown[k] == 1.0, labels[k].is_part_of_burst(), "row {row} spike {k}");
        }
    }
    let trace_len = frame("trace.event_rate").len();
    assert!(trace_len > 0 && trace_len == frame("trace.time_s").len());
}

#[test]
fn set_inputs_moves_only_its_own_stream() {
    let config = MultiplexConfig { neurons: 100, duration_s: 2.0, ..Default::default() };
    let run = |inputs: Option<MultiplexInputs>| {
        let mut model = Multiplexing::new(config.clone()).unwrap();
        model.step(1000).unwrap();
        if let Some(inputs) = inputs {
            model.set_inputs(inputs).unwrap();
        }
        while !model.step(1000).unwrap().finished {}
        (model.metrics().column("somatic_input").unwrap(), model.metrics().column("dendritic_input").unwrap())
    };
    let (soma, dend) = run(None);
    let stronger = MultiplexInputs { dendritic_mean: config.dendritic_mean + 100.0, ..config.inputs() };
    let (soma2, dend2) = run(Some(stronger));
    // The somatic input is untouched; the dendritic input is shifted by 100 pA once smoothed in.
    assert_eq!(soma, soma2);
    let last = dend.len() - 1;
    assert!((dend2[last] - dend[last] - 100.0).abs() < 1e-6, "{} vs {}", dend2[last], dend[last]);
    assert_eq!(dend[..90], dend2[..90]);
}

#[test]
fn extreme_valid_inputs_run_and_nan_state_reports_divergence() {
    let config = MultiplexConfig {
        neurons: 20,
        duration_s: 0.3,
        somatic_mean: 5000.0,
        somatic_amplitude: 5000.0,
        dendritic_mean: -5000.0,
        dendritic_amplitude: 5000.0,
        somatic_noise: 5000.0,
        dendritic_noise: 5000.0,
        ..Default::default()
    };
    let mut model = Multiplexing::new(config).unwrap();
    while !model.step(50).unwrap().finished {}
    assert!(model.metrics().rows.iter().flatten().all(|v| v.is_finite()));

    let mut model = Multiplexing::new(MultiplexConfig { neurons: 10, ..Default::default() }).unwrap();
    model.step(5).unwrap();
    model.neurons_mut().soma_v[3] = f32::NAN;
    let error = model.step(100).unwrap_err();
    assert!(matches!(error, Error::Diverged { .. }), "{error}");
    assert!(matches!(model.step(1), Err(Error::Diverged { .. })));
}

#[test]
fn bad_settings_give_clear_errors_not_panics() {
    let bad = |config: MultiplexConfig, name: &str| {
        let error = Multiplexing::new(config).err().expect("should be refused");
        match &error {
            Error::InvalidConfig { name: got, .. } => assert_eq!(*got, name, "{error}"),
            other => panic!("expected InvalidConfig for {name}, got {other}"),
        }
        assert!(error.to_string().contains(name));
    };
    let base = MultiplexConfig::default();
    bad(MultiplexConfig { neurons: 0, ..base.clone() }, "neurons");
    bad(MultiplexConfig { neurons: 1_000_000, ..base.clone() }, "neurons");
    bad(MultiplexConfig { duration_s: -1.0, ..base.clone() }, "duration_s");
    bad(MultiplexConfig { duration_s: f64::INFINITY, ..base.clone() }, "duration_s");
    bad(MultiplexConfig { somatic_mean: f64::NAN, ..base.clone() }, "somatic_mean");
    bad(MultiplexConfig { dendritic_amplitude: -5.0, ..base.clone() }, "dendritic_amplitude");
    bad(MultiplexConfig { input_tau_ms: 0.0, ..base.clone() }, "input_tau_ms");
    bad(MultiplexConfig { bin_ms: 0, ..base.clone() }, "bin_ms");
    bad(MultiplexConfig { smoothing_ms: f64::NAN, ..base.clone() }, "smoothing_ms");
    bad(MultiplexConfig { somatic_noise: 1e9, ..base.clone() }, "somatic_noise");

    // set_inputs refuses non-finite values and keeps the old inputs.
    let mut model = Multiplexing::new(MultiplexConfig { neurons: 10, ..base.clone() }).unwrap();
    let before = model.config().inputs();
    let error = model.set_inputs(MultiplexInputs { somatic_amplitude: f64::INFINITY, ..before }).unwrap_err();
    assert!(error.to_string().contains("somatic_amplitude"), "{error}");
    assert_eq!(model.config().inputs(), before);
    model.step(20).unwrap();

    // Live adjustment from the page: known input keys only, numbers only, all or nothing.
    let adjusted = model.adjust(&serde_json::json!({"dendritic_mean": 120.0, "somatic_amplitude": 90}));
    adjusted.unwrap();
    assert_eq!((model.config().dendritic_mean, model.config().somatic_amplitude), (120.0, 90.0));
    let error = model.adjust(&serde_json::json!({"dendritic_mean": 0.0, "neurons": 5})).unwrap_err();
    assert!(error.to_string().contains("not neurons"), "{error}");
    assert_eq!(model.config().dendritic_mean, 120.0);
    let error = model.adjust(&serde_json::json!({"somatic_mean": "loud"})).unwrap_err();
    assert!(matches!(error, Error::InvalidConfig { name: "somatic_mean", .. }), "{error}");
    assert!(model.adjust(&serde_json::json!([1, 2])).is_err());
    assert!(model.adjust(&serde_json::json!({"somatic_mean": 1e12})).is_err());
    model.step(20).unwrap();

    // JSON with missing fields takes the defaults.
    let parsed: MultiplexConfig = serde_json::from_str(r#"{"neurons": 50, "seed": 7}"#).unwrap();
    assert_eq!(parsed, MultiplexConfig { neurons: 50, seed: 7, ..MultiplexConfig::default() });

    // The plasticity protocol and rule check their settings too.
    let protocol = PairingProtocol { frequencies_hz: vec![10.0, -1.0], ..Default::default() };
    assert!(matches!(sjostrom_protocol(&protocol), Err(Error::InvalidConfig { name: "frequencies_hz", .. })));
    let protocol = PairingProtocol { neurons: 0, ..Default::default() };
    assert!(matches!(sjostrom_protocol(&protocol), Err(Error::InvalidConfig { name: "neurons", .. })));
    let params = BurstPlasticityParams { background_burst_probability: 1.5, ..Default::default() };
    assert!(BurstPlasticity::new(params, vec![0.0]).is_err());
}

#[test]
fn pearson_of_known_series() {
    assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.5]).unwrap() - 0.997_95).abs() < 1e-4);
    assert!((pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
    assert_eq!(pearson(&[1.0, 1.0], &[1.0, 2.0]), None);
    assert_eq!(pearson(&[1.0], &[1.0]), None);
}

// ---------------------------------------------------------------------------------------------
// Measurements for the report (run with `-- --ignored --nocapture`)

/// Native speed of the default multiplexing run.
#[test]
#[ignore]
fn multiplexing_speed() {
    let mut model = Multiplexing::new(MultiplexConfig::default()).unwrap();
    let start = std::time::Instant::now();
    while !model.step(1000).unwrap().finished {}
    let wall = start.elapsed().as_secs_f64();
    println!(
        "{} neurons: {} s simulated in {wall:.3} s, {:.1}× real time",
        300,
        model.elapsed_s(),
        model.elapsed_s() / wall
    );
}

/// Correlations of the default multiplexing run for several seeds, with the paper's read-out
/// synapses and with static ones (plain spike counters) in their place.
#[test]
#[ignore]
fn multiplexing_seeds() {
    for (name, depressing, facilitating) in
        [("STD/STF", Stp::DEPRESSING, Stp::FACILITATING), ("static", Stp::STATIC, Stp::STATIC)]
    {
        for seed in 1..=8 {
            let config = MultiplexConfig { seed, ..Default::default() };
            let mut model = Multiplexing::with_synapses(config, depressing, facilitating).unwrap();
            while !model.step(1000).unwrap().finished {}
            let c = model.correlations();
            println!(
                "{name} seed {seed}: E~soma {:.3}  P~dend {:.3}  E~dend {:+.3}  P~soma {:+.3}  D~E {:.3}  F~B {:.3}  \
                 D~dend {:+.3}  F~dend {:+.3}",
                c.event_rate_vs_somatic,
                c.burst_prob_vs_dendritic,
                c.event_rate_vs_dendritic,
                c.burst_prob_vs_somatic,
                c.depressing_vs_event_rate,
                c.facilitating_vs_burst_rate,
                c.depressing_vs_dendritic,
                c.facilitating_vs_dendritic
            );
        }
    }
}

#[test]
fn dendritic_input_alone_rarely_fires_the_cells() {
    // The hint of the feasibility study: the dendritic drive must stay below the dendrite's plateau
    // threshold unless a bAP arrives. With the default dendritic input and no somatic input, only
    // the rare noise excursions past the threshold make events.
    let config = MultiplexConfig {
        duration_s: 10.0,
        somatic_mean: 0.0,
        somatic_amplitude: 0.0,
        somatic_noise: 0.0,
        ..Default::default()
    };
    let mut model = Multiplexing::new(config).unwrap();
    while !model.step(1000).unwrap().finished {}
    let rates = model.metrics().column("event_rate").unwrap();
    let mean = rates.iter().sum::<f64>() / rates.len() as f64;
    println!("dendrite-only event rate {mean:.3} Hz");
    assert!(mean < 0.5, "dendrite-only event rate {mean} Hz");
}

#[test]
fn the_model_id_is_the_experiment_tag() {
    let model = Multiplexing::new(MultiplexConfig { neurons: 5, ..Default::default() }).unwrap();
    assert_eq!(model.id(), brainprop::rules::RuleId::Multiplex);
}

/// The pairing curve and its decomposition for several seeds.
#[test]
#[ignore]
fn pairing_seeds() {
    for seed in 1..=6 {
        let curve = sjostrom_protocol(&PairingProtocol { seed, ..Default::default() }).unwrap();
        let row: Vec<String> = curve
            .iter()
            .map(|p| {
                format!(
                    "{} Hz {:+.1} % (B/E {:.2} P̄ {:.2} ẼB {:.2})",
                    p.frequency_hz,
                    100.0 * p.relative_change,
                    p.bursts_per_pairing / p.events_per_pairing,
                    p.running_burst_probability,
                    p.trace_at_bursts
                )
            })
            .collect();
        println!("seed {seed}: {}", row.join(" | "));
    }
}
