//! `brainprop reproduce bursts`: the Bursts chapter headless.
//!
//! 1. Multiplexing (Naud & Sprekeler 2018): 300 two-compartment neurons driven by independent slow
//!    somatic and dendritic signals; event rate against the somatic input, burst probability
//!    against the dendritic input, and the depressing / facilitating read-outs.
//! 2. Burst-dependent plasticity (Payeur et al. 2021): weight change against pairing frequency.
//! 3. BurstProp (rate model) against BP on MNIST 8k/2k, 784-500-10, 20 epochs, learned feedback,
//!    and the W–Y angle over training.

use super::{checks_markdown, finals, markdown_table, mean_pm_sd, mean_series, run_all, Check, Figure, Job, Options};
use crate::charts::{self, LineChart, Series};
use crate::data::DataKind;
use crate::experiment::{DataStore, Experiment, FeedforwardConfig};
use crate::metrics::mean_sd;
use crate::rule::MetricTable;
use crate::Result;

/// BurstProp against BP: the runs, the figures and the claims.
pub struct LearningPart {
    pub figures: Vec<Figure>,
    pub checks: Vec<Check>,
    pub markdown: String,
}

/// Trains BP (the race's settings) and BurstProp (its preset) on MNIST for every seed.
pub fn learning(store: &DataStore, options: &Options) -> Result<LearningPart> {
    let mut jobs = Vec::new();
    for rule in ["bp", "burstprop"] {
        for &seed in &options.seeds {
            let mut config = FeedforwardConfig { seed, ..FeedforwardConfig::preset_for(rule, DataKind::Mnist) };
            if let Some(epochs) = options.epochs {
                config.epochs = epochs;
            }
            jobs.push(Job {
                label: format!("{rule} seed {seed}"),
                experiment: Experiment::feedforward_rule(rule, config)?,
            });
        }
    }
    let tables = run_all(&jobs, store, options.threads, options.progress)?;
    let n = options.seeds.len();
    let bp: Vec<&MetricTable> = tables[..n].iter().collect();
    let burst: Vec<&MetricTable> = tables[n..].iter().collect();

    let accuracy = LineChart {
        title: "MNIST 784-500-10: test accuracy".into(),
        x_label: "epoch".into(),
        y_label: "test accuracy".into(),
        series: vec![mean_series("bp", 0, &bp, "test_acc"), mean_series("burstprop", 3, &burst, "test_acc")],
        y_range: Some((0.0, 1.0)),
        scale: 1.0,
    };
    let epochs = burst.first().and_then(|t| t.last("epoch")).unwrap_or(0.0);
    let angle = LineChart {
        title: "BurstProp: feedback and forward weights".into(),
        x_label: "epoch".into(),
        y_label: "angle (degrees)".into(),
        series: vec![
            mean_series("∠(W₂, Y)", 3, &burst, "angle_w_y0"),
            mean_series("∠(δ_burst, δ_BP)", 5, &burst, "angle_delta0"),
            Series { name: "90°".into(), points: vec![(0.0, 90.0), (epochs, 90.0)], color: 6 },
        ],
        y_range: Some((0.0, 100.0)),
        scale: 1.0,
    };
    let svg = charts::svg_row(&[accuracy, angle], 480, 340).unwrap_or_else(|e| format!("<!-- {e} -->"));
    let figures = vec![Figure { file: "bursts-burstprop.svg".into(), svg }];

    let (bp_acc, burst_acc) = (finals(&bp, "test_acc"), finals(&burst, "test_acc"));
    let first_angle: Vec<f64> =
        burst.iter().map(|t| t.column("angle_w_y0").unwrap_or_default().first().copied().unwrap_or(f64::NAN)).collect();
    let last_angle = finals(&burst, "angle_w_y0");
    let delta_angle = finals(&burst, "angle_delta0");
    let mean = |v: &[f64]| mean_sd(v).0;
    let pct = |v: &[f64]| format!("{} %", mean_pm_sd(v, 100.0, 2));
    let checks = vec![
        Check {
            claim: "BurstProp reaches ≥ 90 % test accuracy".into(),
            measured: pct(&burst_acc),
            passed: mean(&burst_acc) >= 0.90,
        },
        Check {
            claim: "BurstProp ends within 4 points of BP on the same split".into(),
            measured: format!(
                "BP {} − BurstProp = {:.2} points",
                pct(&bp_acc),
                100.0 * (mean(&bp_acc) - mean(&burst_acc))
            ),
            passed: mean(&bp_acc) - mean(&burst_acc) <= 0.04,
        },
        Check {
            claim: "∠(W, Y) starts near 90° and falls below 60°".into(),
            measured: format!("{}° → {}°", mean_pm_sd(&first_angle, 1.0, 1), mean_pm_sd(&last_angle, 1.0, 1)),
            passed: (80.0..=100.0).contains(&mean(&first_angle)) && mean(&last_angle) < 60.0,
        },
    ];
    let per_seed = |v: &[f64]| v.iter().map(|a| format!("{:.2}", 100.0 * a)).collect::<Vec<_>>().join(" / ");
    let table = markdown_table(
        &["rule", "test accuracy (mean ± sd)", "per seed", "published"],
        &[
            vec!["BP (softmax CE, lr 1.0)".into(), pct(&bp_acc), per_seed(&bp_acc), "—".into()],
            vec![
                "BurstProp, learned Y".into(),
                pct(&burst_acc),
                per_seed(&burst_acc),
                "89.55 % after 10 epochs on 50k/10k, 1×500 (reference notebook; ∠ 89.9° → 42.2°)".into(),
            ],
        ],
    );
    let b = FeedforwardConfig::preset_for("burstprop", DataKind::Mnist);
    let markdown = format!(
        r#"## 3. BurstProp against backprop: MNIST 8k/2k, 784-500-10, {epochs} epochs

BurstProp: sigmoid units, sigmoid–MSE output, p_b = {p_b}, learned feedback Y (Kolen–Pollack
style: Y receives W's increments), hidden rate {lr}, output rate {out}, momentum {mom}, weight
decay {wd}, batch {batch}. BP: the Random feedback chapter's race settings (softmax
cross-entropy, lr 1.0, batch 32). Same seeds ({n} of them), same data order.

![BurstProp](bursts-burstprop.svg)

{table}
At the end ∠(δ_burst, δ_BP) on a fixed batch is {delta}°.

{checks}"#,
        epochs = epochs as u32,
        p_b = b.p_baseline,
        lr = b.lr,
        out = b.output_lr.unwrap_or(b.lr),
        mom = b.momentum,
        wd = b.weight_decay,
        batch = b.batch,
        delta = mean_pm_sd(&delta_angle, 1.0, 1),
        checks = checks_markdown(&checks),
    );
    Ok(LearningPart { figures, checks, markdown })
}
