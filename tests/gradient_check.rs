//! The `gradient_check` model: EqProp's update against the true gradient of the cost, β by β.

use brainprop::experiment::Experiment;
use brainprop::rule::Rule;
use brainprop::rules::gradient_check::{GradientCheck, GradientCheckConfig, COLUMNS};
use brainprop::rules::RuleId;

#[test]
fn small_beta_is_the_gradient_and_the_symmetric_estimate_is_closer() {
    // Defaults (2-12-10-2 on 8 circle points, seed 1), measured: at β = 0.001 cosines 0.999998 /
    // 1.000000 and relative norms 0.0031 / 0.000012 (one-sided / symmetric); at β = 1 the
    // hard sigmoid's kinks dominate and both are far off (relative norms 1.26, 1.16).
    let config = GradientCheckConfig::default();
    let mut model = GradientCheck::new(config.clone()).unwrap();
    while !model.step(3).unwrap().finished {}
    let m = model.metrics().clone();
    assert_eq!(m.columns, COLUMNS);
    assert_eq!(m.column("beta").unwrap(), config.betas);
    for row in &m.rows {
        println!("{row:?}");
    }
    let first = &m.rows[0];
    assert!(first[1] > 0.99 && first[3] > 0.99, "cosines at β = 0.001: {first:?}");
    // At the small βs (≤ 0.01), the symmetric bias is smaller, and the one-sided bias grows with β.
    for row in m.rows.iter().filter(|r| r[0] <= 0.0101) {
        assert!(row[4] < row[2], "β = {}: symmetric {} vs one-sided {}", row[0], row[4], row[2]);
    }
    let one = m.column("rel_norm_one_sided").unwrap();
    assert!(one[3] > 5.0 * one[0], "one-sided bias grows with β: {one:?}");
}

#[test]
fn it_is_a_rule_like_the_others() {
    let e: Experiment =
        serde_json::from_str(r#"{"rule": "gradient_check", "betas": [0.01, 0.1], "steps": 500}"#).unwrap();
    assert_eq!(e.rule(), RuleId::GradientCheck);
    assert_eq!(RuleId::GradientCheck.name(), "gradient_check");
    assert_eq!(serde_json::to_value(RuleId::GradientCheck).unwrap(), "gradient_check");
    let mut model = e.build(&Default::default()).unwrap();
    assert!(model.step(10).unwrap().finished);
    assert_eq!(model.metrics().rows.len(), 2);
    assert!(model.snapshot().get("sizes").is_some());
}
