//! `brainprop reproduce feedback`: the Random feedback chapter's four figures, headless.
//!
//! 1. Race: BP, FA, DFA and shallow on MNIST 8k/2k, 784-500-10 sigmoid, 20 epochs.
//! 2. Alignment: ∠(W₁ᵀ, B₀) and ∠(δ_FA, δ_BP) of the FA runs over training.
//! 3. Linear toy (Lillicrap et al. 2016, Fig. 2): a linear 30-20-10 network learning a random
//!    linear map; test error of BP, FA and shallow, and the FA–BP hidden-update angle.
//! 4. Deep from zero (Nøkland 2016): ten tanh layers of 100 started at zero weights; DFA learns,
//!    BP cannot break the symmetry.

use super::{
    accuracy_chart, angle_chart, checks_markdown, epoch_chart, finals, firsts, markdown_table, mean_pm_sd, mean_series,
    run_all, Check, Figure, Job, Options, Report,
};
use crate::chapter::Chapter;
use crate::charts::{self, LineChart};
use crate::data::DataKind;
use crate::data::DataStore;
use crate::experiment::Experiment;
use crate::metrics::mean_sd;
use crate::rule::MetricTable;
use crate::rules::{FeedforwardConfig, RuleId};
use crate::Result;

/// The race's rules, in legend order, with their chart colours.
const RACE: [(RuleId, usize); 4] = [(RuleId::Bp, 0), (RuleId::Fa, 1), (RuleId::Dfa, 2), (RuleId::Shallow, 6)];
const LINEAR: [(RuleId, usize); 3] = [(RuleId::Bp, 0), (RuleId::Fa, 1), (RuleId::Shallow, 6)];
const DEEP: [(RuleId, usize); 2] = [(RuleId::Dfa, 2), (RuleId::Bp, 0)];

/// A figure's runs: which rules, from which settings.
struct Plan {
    figure: &'static str,
    rules: &'static [(RuleId, usize)],
    config: FeedforwardConfig,
}

struct Runs {
    figure: &'static str,
    rule: RuleId,
    tables: Vec<MetricTable>,
}

/// Runs everything and writes the report. `store` must hold MNIST.
pub fn reproduce(store: &DataStore, options: &Options) -> Result<Report> {
    let plans = [
        Plan { figure: "race", rules: &RACE, config: FeedforwardConfig::preset(DataKind::Mnist) },
        Plan { figure: "deep", rules: &DEEP, config: FeedforwardConfig::deep_from_zero() },
        Plan { figure: "linear", rules: &LINEAR, config: FeedforwardConfig::preset(DataKind::Linear) },
    ];
    let mut jobs = Vec::new();
    let mut keys = Vec::new();
    for Plan { figure, rules, config } in &plans {
        for (rule, _) in rules.iter() {
            for &seed in &options.seeds {
                let mut c = FeedforwardConfig { seed, ..config.clone() };
                if let Some(epochs) = options.epochs {
                    c.epochs = epochs;
                }
                jobs.push(Job {
                    label: format!("{figure}: {rule} seed {seed}"),
                    experiment: Experiment::feedforward_rule(*rule, c)?,
                });
                keys.push((*figure, *rule));
            }
        }
    }
    let tables = run_all(&jobs, store, options.threads, options.progress)?;
    let mut runs: Vec<Runs> = Vec::new();
    for ((figure, rule), table) in keys.into_iter().zip(tables) {
        match runs.iter_mut().find(|r| r.figure == figure && r.rule == rule) {
            Some(r) => r.tables.push(table),
            None => runs.push(Runs { figure, rule, tables: vec![table] }),
        }
    }
    let get = |figure: &str, rule: RuleId| -> Vec<&MetricTable> {
        runs.iter().filter(|r| r.figure == figure && r.rule == rule).flat_map(|r| r.tables.iter()).collect()
    };
    Ok(write(&get, options, &plans))
}

type Get<'a> = dyn Fn(&str, RuleId) -> Vec<&'a MetricTable> + 'a;

fn write<'a>(get: &Get<'a>, options: &Options, plans: &[Plan; 3]) -> Report {
    let n = options.seeds.len();
    let seeds = options.seeds.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ");
    let race_epochs = options.epochs.unwrap_or(plans[0].config.epochs);
    let deep_epochs = options.epochs.unwrap_or(plans[1].config.epochs);
    let linear_epochs = options.epochs.unwrap_or(plans[2].config.epochs);
    let acc = |rule: RuleId| finals(&get("race", rule), "test_acc");
    let mean = |v: &[f64]| mean_sd(v).0;

    // ---- figures
    let accuracy = |figure: &str, rules: &[(RuleId, usize)], title: &str| {
        accuracy_chart(
            title,
            rules.iter().map(|(r, c)| mean_series(r.name(), *c, &get(figure, *r), "test_acc")).collect(),
        )
    };
    let race = accuracy("race", &RACE, "MNIST 784-500-10: test accuracy");
    let fa = get("race", RuleId::Fa);
    let alignment = angle_chart(
        "FA alignment (hidden layer)",
        vec![mean_series("∠(W₁ᵀ, B)", 1, &fa, "angle_w_b0"), mean_series("∠(δ_FA, δ_BP)", 5, &fa, "angle_delta0")],
        race_epochs as f64,
    );
    let linear_error = epoch_chart(
        "Linear toy: test error",
        "mean squared error",
        LINEAR.iter().map(|(r, c)| mean_series(r.name(), *c, &get("linear", *r), "test_loss")).collect(),
        None,
    );
    let linear_angle = angle_chart(
        "Linear toy: ∠(Δh_FA, Δh_BP)",
        vec![mean_series("FA vs BP update", 1, &get("linear", RuleId::Fa), "angle_update0")],
        linear_epochs as f64,
    );
    let deep = accuracy("deep", &DEEP, "10 × 100 tanh from zero weights");
    let svg = |charts: &[LineChart]| charts::svg_row(charts, 480, 340).unwrap_or_else(|e| format!("<!-- {e} -->"));
    let figures_out = vec![
        Figure { file: "feedback-race.svg".into(), svg: svg(&[race]) },
        Figure { file: "feedback-alignment.svg".into(), svg: svg(&[alignment]) },
        Figure { file: "feedback-linear.svg".into(), svg: svg(&[linear_error, linear_angle]) },
        Figure { file: "feedback-deep.svg".into(), svg: svg(&[deep]) },
    ];

    // ---- numbers
    let (bp, fa_acc, dfa, shallow) = (acc(RuleId::Bp), acc(RuleId::Fa), acc(RuleId::Dfa), acc(RuleId::Shallow));
    let angle_start = firsts(&fa, "angle_w_b0");
    let angle_end = finals(&fa, "angle_w_b0");
    let delta_end = finals(&fa, "angle_delta0");
    let linear_fa = get("linear", RuleId::Fa);
    let update_angle_epoch1: Vec<f64> = linear_fa
        .iter()
        .map(|t| t.column("angle_update0").unwrap_or_default().get(1).copied().unwrap_or(f64::NAN))
        .collect();
    let update_angle_max: Vec<f64> = linear_fa
        .iter()
        .map(|t| {
            t.column("angle_update0").unwrap_or_default().iter().skip(1).copied().fold(f64::NEG_INFINITY, f64::max)
        })
        .collect();
    let linear_err = |rule: RuleId| finals(&get("linear", rule), "test_loss");
    let (lin_bp, lin_fa, lin_shallow) = (linear_err(RuleId::Bp), linear_err(RuleId::Fa), linear_err(RuleId::Shallow));
    let deep_dfa = finals(&get("deep", RuleId::Dfa), "test_acc");
    let deep_bp = finals(&get("deep", RuleId::Bp), "test_acc");

    let pct = |v: &[f64]| format!("{} %", mean_pm_sd(v, 100.0, 2));
    let err = |v: &[f64]| {
        let e: Vec<f64> = v.iter().map(|a| 1.0 - a).collect();
        format!("{} %", mean_pm_sd(&e, 100.0, 2))
    };
    let per_seed = |v: &[f64]| v.iter().map(|a| format!("{:.2}", 100.0 * a)).collect::<Vec<_>>().join(" / ");
    let checks = vec![
        Check { claim: "BP reaches ≥ 94.5 % test accuracy".into(), measured: pct(&bp), passed: mean(&bp) >= 0.945 },
        Check {
            claim: "FA and DFA end within 3 points of BP".into(),
            measured: format!(
                "BP − FA = {:.2}, BP − DFA = {:.2} points",
                100.0 * (mean(&bp) - mean(&fa_acc)),
                100.0 * (mean(&bp) - mean(&dfa))
            ),
            passed: mean(&bp) - mean(&fa_acc) <= 0.03 && mean(&bp) - mean(&dfa) <= 0.03,
        },
        Check {
            claim: "shallow ends at least 3 points below FA".into(),
            measured: format!("FA − shallow = {:.2} points", 100.0 * (mean(&fa_acc) - mean(&shallow))),
            passed: mean(&fa_acc) - mean(&shallow) >= 0.03,
        },
        Check {
            claim: "∠(W₁ᵀ, B) starts near 90° and falls below 60°".into(),
            measured: format!("{}° → {}°", mean_pm_sd(&angle_start, 1.0, 1), mean_pm_sd(&angle_end, 1.0, 1)),
            passed: (80.0..=100.0).contains(&mean(&angle_start)) && mean(&angle_end) < 60.0,
        },
        Check {
            claim: "linear toy: the FA–BP update angle is below 90° after the first epoch and stays there".into(),
            measured: format!(
                "{}° after epoch 1, largest afterwards {}°",
                mean_pm_sd(&update_angle_epoch1, 1.0, 1),
                mean_pm_sd(&update_angle_max, 1.0, 1)
            ),
            passed: update_angle_max.iter().all(|a| *a < 90.0),
        },
        Check {
            claim: "linear toy: FA's final error is within 2× BP's".into(),
            measured: format!("FA {} vs BP {}", mean_pm_sd(&lin_fa, 1.0, 4), mean_pm_sd(&lin_bp, 1.0, 4)),
            passed: mean(&lin_fa) <= 2.0 * mean(&lin_bp),
        },
        Check {
            claim: "deep from zero: DFA ≥ 85 %, BP ≤ 15 %".into(),
            measured: format!("DFA {}, BP {}", pct(&deep_dfa), pct(&deep_bp)),
            passed: mean(&deep_dfa) >= 0.85 && mean(&deep_bp) <= 0.15,
        },
    ];

    let comparison = markdown_table(
        &[
            "rule",
            "ours: test error (accuracy per seed)",
            "Lillicrap 2016, 784-1000-10, 60k",
            "BioTorch 2021, LeNet, 60k",
        ],
        &[
            vec![
                "BP".into(),
                format!("{} ({})", err(&bp), per_seed(&bp)),
                "≈ 2.4 % [unverified]".into(),
                "0.91 %".into(),
            ],
            vec!["FA".into(), format!("{} ({})", err(&fa_acc), per_seed(&fa_acc)), "2.1 %".into(), "1.70 %".into()],
            vec!["DFA".into(), format!("{} ({})", err(&dfa), per_seed(&dfa)), "—".into(), "1.61 %".into()],
            vec![
                "shallow".into(),
                format!("{} ({})", err(&shallow), per_seed(&shallow)),
                "≈ 2.9 % [unverified]".into(),
                "—".into(),
            ],
        ],
    );
    let linear_table = markdown_table(
        &["rule", "final test MSE", "FA–BP update angle after epoch 1"],
        &[
            vec!["BP".into(), mean_pm_sd(&lin_bp, 1.0, 4), "—".into()],
            vec!["FA".into(), mean_pm_sd(&lin_fa, 1.0, 4), format!("{}°", mean_pm_sd(&update_angle_epoch1, 1.0, 1))],
            vec!["shallow".into(), mean_pm_sd(&lin_shallow, 1.0, 4), "—".into()],
        ],
    );
    let smoke = match options.epochs {
        Some(e) => format!(
            "\n> **Smoke run:** every run was cut to {e} epoch(s) with `--epochs`; these are not the chapter's numbers.\n"
        ),
        None => String::new(),
    };
    let passed = checks.iter().filter(|c| c.passed).count();
    let markdown = format!(
        r#"# Random feedback: reproduction report

Made by `brainprop reproduce feedback` (seeds {seeds}; {n} runs per rule and figure). Every number is
the mean ± sample standard deviation over the seeds; each seed fixes the initial weights, the
feedback matrices and the data order, and is shared by all rules.
{smoke}
**Data:** our MNIST is the site's 8,000-image training / 2,000-image test subset (`data/mnist.bin`),
not the full 60k/10k, so our errors are higher than the published ones and are not directly
comparable with them. The published numbers come from larger networks (Lillicrap: 784-1000-10) or
convolutional ones (BioTorch: LeNet, 100 epochs, momentum, weight decay).

## Claims ({passed} of {total} met)

{checks}
## 1. The race: MNIST 784-500-10, sigmoid, softmax cross-entropy, SGD lr 1.0, batch 32, {race_epochs} epochs

![race](feedback-race.svg)

{comparison}
## 2. Alignment: the forward weights come to agree with the fixed feedback

![alignment](feedback-alignment.svg)

∠(vec W₁ᵀ, vec B) goes from {angle_start}° to {angle_end}°; the angle between the FA and BP hidden
errors on a batch ends at {delta_end}°. Curves are means over seeds; the grey line is 90°.

## 3. Linear toy: 30-20-10 linear network, random linear map, MSE, SGD lr 0.0005, batch 1, {linear_epochs} epochs

![linear](feedback-linear.svg)

{linear_table}
## 4. Deep from zero: 10 × 100 tanh, zero initial weights, lr 0.1, {deep_epochs} epochs

![deep](feedback-deep.svg)

DFA reaches {deep_dfa}; BP stays at {deep_bp} (with zero weights every hidden unit gets zero error
from the layer above, so BP can train only the output layer's bias).
"#,
        total = checks.len(),
        checks = checks_markdown(&checks),
        angle_start = mean_pm_sd(&angle_start, 1.0, 1),
        angle_end = mean_pm_sd(&angle_end, 1.0, 1),
        delta_end = mean_pm_sd(&delta_end, 1.0, 1),
        deep_dfa = pct(&deep_dfa),
        deep_bp = pct(&deep_bp),
    );
    Report { name: Chapter::Feedback.name().into(), markdown, figures: figures_out, checks }
}
