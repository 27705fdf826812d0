//! The STDP window predicted by dW_ij/dt ∝ ρ(u_j)·du_i/dt (`--rule stdp`): its shape, its zero
//! crossing, its agreement with the closed form, and the contract of its rows.

use brainprop::experiment::Experiment;
use brainprop::rule::Rule;
use brainprop::rules::stdp::{StdpConfig, StdpWindow, COLUMNS};
use brainprop::rules::RuleId;
use brainprop::Error;

fn run(config: StdpConfig) -> Vec<(f64, f64)> {
    let mut model = StdpWindow::new(config).unwrap();
    while !model.step(7).unwrap().finished {}
    let m = model.metrics();
    assert_eq!(m.columns, COLUMNS);
    m.rows.iter().map(|r| (r[0], r[1])).collect()
}

fn at(rows: &[(f64, f64)], delta_t: f64) -> f64 {
    rows.iter().find(|r| (r.0 - delta_t).abs() < 1e-9).unwrap().1
}

#[test]
fn the_window_is_hebbian_for_pre_before_post_and_crosses_zero_near_0() {
    // Defaults (seed 1, 200 trials, R = 20 Hz): Δw(+10) = 2.33, Δw(−10) = −1.79, Δw(0) = −3.38,
    // Δw(+2) = 0.10 (closed form 2.26, −1.71, −3.33; crossing at ≈ 1.8 ms).
    let rows = run(StdpConfig::default());
    assert_eq!(rows.len(), 51, "−50 … 50 ms in 2 ms steps");
    assert!(rows.windows(2).all(|w| w[1].0 > w[0].0), "ascending Δt");
    let (plus, minus) = (at(&rows, 10.0), at(&rows, -10.0));
    println!("Δw(+10) = {plus:.3}, Δw(−10) = {minus:.3}, Δw(0) = {:.3}", at(&rows, 0.0));
    assert!(plus > 1.0, "pre leads post by 10 ms: potentiation, {plus}");
    assert!(minus < -1.0, "post leads pre by 10 ms: depression, {minus}");
    // Every Δt ≤ −5 depresses, every Δt ≥ 5 potentiates: the sign changes within ±5 ms of 0.
    for &(d, w) in &rows {
        if d <= -5.0 {
            assert!(w < 0.0, "Δt {d}: {w}");
        }
        if d >= 5.0 {
            assert!(w > 0.0, "Δt {d}: {w}");
        }
    }
    let crossing = rows
        .windows(2)
        .find(|w| w[0].1 < 0.0 && w[1].1 >= 0.0)
        .map(|w| w[0].0 + (w[1].0 - w[0].0) * (-w[0].1) / (w[1].1 - w[0].1));
    let crossing = crossing.expect("a zero crossing");
    println!("zero crossing at {crossing:.2} ms");
    assert!(crossing.abs() <= 5.0, "{crossing}");
    // It fades at the edges of the window.
    assert!(at(&rows, 50.0).abs() < 0.2 * plus && at(&rows, -50.0).abs() < 0.2 * minus.abs());
}

#[test]
fn the_simulation_matches_the_closed_form_and_the_knob_scales_it() {
    // Without background spikes every trial is the same, so one trial and a fine step give the
    // integral of the module doc up to the discretization.
    let config = StdpConfig { pre_rate_hz: 0.0, trials: 1, dt_ms: 0.01, delta_step_ms: 5.0, ..StdpConfig::default() };
    let rows = run(config.clone());
    for &(d, w) in &rows {
        let e = StdpWindow::expected(&config, d);
        assert!((w - e).abs() < 0.08, "Δt {d}: simulated {w}, closed form {e}");
    }
    // With background Poisson spikes the mean stays the closed form (within the trial noise).
    let noisy = StdpConfig { trials: 2000, delta_step_ms: 10.0, ..StdpConfig::default() };
    for (d, w) in run(noisy.clone()) {
        let e = StdpWindow::expected(&noisy, d);
        assert!((w - e).abs() < 0.3, "Δt {d}: mean {w}, closed form {e}");
    }
    // The knob: the window is linear in the postsynaptic rate change, and flips with its sign.
    let double = run(StdpConfig { post_rate_change: 40.0, ..config.clone() });
    let flipped = run(StdpConfig { post_rate_change: -20.0, ..config.clone() });
    for ((a, b), c) in rows.iter().zip(&double).zip(&flipped) {
        assert!((b.1 - 2.0 * a.1).abs() < 1e-9 && (c.1 + a.1).abs() < 1e-9);
    }
}

#[test]
fn it_is_a_rule_like_the_others() {
    let e: Experiment = serde_json::from_str(r#"{"rule": "stdp", "window_ms": 20}"#).unwrap();
    assert_eq!(e.rule(), RuleId::Stdp);
    let mut model = e.build(&Default::default()).unwrap();
    let o = model.step(1000).unwrap();
    assert!(o.finished && o.new_rows == 21);
    assert_eq!(model.progress().epoch, 1.0);
    let snap = model.snapshot();
    assert_eq!(snap.get("expected").unwrap().shape, vec![21, 2]);
    let bad = StdpConfig { delta_step_ms: 0.1, window_ms: 500.0, ..StdpConfig::default() };
    assert!(matches!(bad.validate(), Err(Error::InvalidConfig { name: "delta_step_ms", .. })));
}
