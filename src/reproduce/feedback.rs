//! `brainprop reproduce feedback`: the Random feedback chapter's figures, headless.
//!
//! First the **sweep** that sets every rule's learning rate: BP, FA, DFA, sign symmetry, shallow,
//! Kolen–Pollack, node and weight perturbation, each at every rate of one grid ([`RATES`]), on
//! the race's setup (784-500-10 sigmoid, batch 32, 20 epochs, each rule's preset otherwise), seed
//! [`SWEEP_SEED`], trained on the first 6,000 training images and scored on the last 2,000 (a
//! validation split: the test set is never looked at). Each rule's chosen rate is the one with the
//! best final validation accuracy; `FeedforwardConfig::preset_for(rule, DataKind::Mnist)` holds
//! it, and a check fails if the two drift apart. Beside it, a small check of Kolen–Pollack's
//! weight decay ([`KP_DECAYS`]) at KP's preset rate, chosen the same way.
//!
//! Then the figures, every run at its rule's preset (= tuned) rate, over the seeds:
//!
//! 1. Race: every rule on MNIST 8k/2k, 784-500-10 sigmoid, 20 epochs.
//! 2. Alignment: ∠(W₁ᵀ, B) and ∠(δ_FA, δ_BP) of the FA runs and ∠(W₁ᵀ, B) of the KP runs.
//! 3. The small network of issue 14's "Must show": 784-100-10, 10 epochs, BP, KP, NP and WP.
//! 4. Linear toy (Lillicrap et al. 2016, Fig. 2): a linear 30-20-10 network learning a random
//!    linear map; test error of BP, FA and shallow, and the FA–BP hidden-update angle.
//! 5. Deep from zero (Nøkland 2016): ten tanh layers of 100 started at zero weights; DFA learns,
//!    BP cannot break the symmetry.
//!
//! The report is a list of sections ([`Section`]) numbered in order; a new figure is one more
//! entry in [`write`].

use super::{
    accuracy_chart, angle_chart, chart, checks_markdown, epoch_chart, finals, firsts, markdown_table, mean_pm_sd,
    mean_series, run_each, Check, Figure, Job, Options, Report,
};
use crate::chapter::Chapter;
use crate::charts::{self, LineChart, Series};
use crate::data::DataStore;
use crate::data::{DataKind, DataSpec};
use crate::experiment::Experiment;
use crate::metrics::mean_sd;
use crate::rule::MetricTable;
use crate::rules::{FeedforwardConfig, RuleId};
use crate::{Error, Result};

/// The learning-rate grid of the sweep, the same for every rule: half-decades, wide enough that
/// every rule's best rate lies inside it (a check says so).
pub const RATES: [f64; 10] = [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0];
/// The one seed of the sweep (and of KP's weight-decay check).
pub const SWEEP_SEED: u64 = 1;
/// Training images held out as the sweep's validation set: the last 2,000 of the 8,000.
pub const VALIDATION: usize = 2_000;
/// Kolen–Pollack's weight decays λ tried at its preset rate; λ = 0 is shown for reference only
/// (without decay nothing pulls B toward W) and is not a candidate.
pub const KP_DECAYS: [f64; 4] = [0.0, 1e-5, 1e-4, 1e-3];

/// The race's rules, in legend order, with their chart colours (indices into `charts::PALETTE`).
/// Every rule of the sweep is in it.
const RACE: [(RuleId, usize); 8] = [
    (RuleId::Bp, 0),
    (RuleId::Fa, 1),
    (RuleId::Dfa, 2),
    (RuleId::Sign, 5),
    (RuleId::Kp, 3),
    (RuleId::Np, 4),
    (RuleId::Wp, 7),
    (RuleId::Shallow, 6),
];
/// Issue 14's small network (784-100-10, 10 epochs).
const SMALL: [(RuleId, usize); 4] = [(RuleId::Bp, 0), (RuleId::Kp, 3), (RuleId::Np, 4), (RuleId::Wp, 7)];
const LINEAR: [(RuleId, usize); 3] = [(RuleId::Bp, 0), (RuleId::Fa, 1), (RuleId::Shallow, 6)];
const DEEP: [(RuleId, usize); 2] = [(RuleId::Dfa, 2), (RuleId::Bp, 0)];

/// The settings of one sweep run: `rule`'s MNIST preset at rate `lr`, seed [`SWEEP_SEED`].
pub fn sweep_config(rule: RuleId, lr: f64) -> FeedforwardConfig {
    FeedforwardConfig { lr, seed: SWEEP_SEED, ..FeedforwardConfig::preset_for(rule, DataKind::Mnist) }
}

/// Issue 14's small network: `rule`'s MNIST preset (its tuned rate) on 784-100-10 for 10 epochs.
pub fn small_config(rule: RuleId) -> FeedforwardConfig {
    FeedforwardConfig { hidden: vec![100], epochs: 10, ..FeedforwardConfig::preset_for(rule, DataKind::Mnist) }
}

/// The rate with the best final validation accuracy among `scores` (one per rate of `rates`,
/// `None` for a run that diverged); ties go to the smaller rate.
pub fn best_rate(rates: &[f64], scores: &[Option<f64>]) -> Option<f64> {
    let mut best: Option<(f64, f64)> = None;
    for (&rate, score) in rates.iter().zip(scores) {
        if let Some(s) = score.filter(|s| s.is_finite()) {
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((rate, s));
            }
        }
    }
    best.map(|(rate, _)| rate)
}

/// A figure's runs: which rules, from which settings (`None`: the rule's MNIST preset).
struct Plan {
    figure: &'static str,
    rules: &'static [(RuleId, usize)],
    config: fn(RuleId) -> FeedforwardConfig,
}

struct Runs {
    figure: &'static str,
    rule: RuleId,
    tables: Vec<MetricTable>,
}

/// The final validation accuracy of each swept setting, in grid order (`None`: diverged).
struct Sweep {
    /// Images trained on and held out.
    train: usize,
    validation: usize,
    /// Inputs and classes of the data.
    dims: usize,
    classes: usize,
    /// Per rule of [`RACE`]: one score per rate of [`RATES`].
    rates: Vec<(RuleId, Vec<Option<f64>>)>,
    /// Per weight decay of [`KP_DECAYS`]: KP's final validation accuracy and ∠(W₁ᵀ, B).
    kp_decay: Vec<Option<(f64, f64)>>,
}

impl Sweep {
    fn scores(&self, rule: RuleId) -> &[Option<f64>] {
        self.rates.iter().find(|(r, _)| *r == rule).map(|(_, s)| s.as_slice()).unwrap_or(&[])
    }

    fn chosen(&self, rule: RuleId) -> Option<f64> {
        best_rate(&RATES, self.scores(rule))
    }

    /// KP's chosen weight decay: the best final validation accuracy among λ > 0, ties to the
    /// smaller λ.
    fn chosen_decay(&self) -> Option<f64> {
        let (decays, scores): (Vec<f64>, Vec<Option<f64>>) = KP_DECAYS
            .iter()
            .zip(&self.kp_decay)
            .filter(|(d, _)| **d > 0.0)
            .map(|(d, s)| (*d, s.map(|(acc, _)| acc)))
            .unzip();
        best_rate(&decays, &scores)
    }
}

/// The final value of `column`, or `None` if the run diverged.
fn outcome(result: Result<MetricTable>, columns: &[&str]) -> Result<Option<Vec<f64>>> {
    match result {
        Ok(table) => Ok(Some(columns.iter().map(|c| table.last(c).unwrap_or(f64::NAN)).collect())),
        Err(Error::Diverged { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Rough cost of a run relative to backprop's (perturbation rules run a second forward pass, WP
/// on a copy of every weight), so the slow runs start first and the threads finish together.
fn cost(rule: RuleId) -> u32 {
    match rule {
        RuleId::Wp => 3,
        RuleId::Np => 2,
        _ => 1,
    }
}

/// Runs `jobs` longest first; results come back in the order given.
fn run_longest_first(jobs: Vec<(u32, Job)>, store: &DataStore, options: &Options) -> Vec<Result<MetricTable>> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].0));
    let mut jobs: Vec<Option<Job>> = jobs.into_iter().map(|(_, j)| Some(j)).collect();
    let sorted: Vec<Job> = order.iter().map(|&i| jobs[i].take().expect("each job once")).collect();
    let results = run_each(&sorted, store, options.threads, options.progress);
    let mut back: Vec<Option<Result<MetricTable>>> = (0..order.len()).map(|_| None).collect();
    for (&i, result) in order.iter().zip(results) {
        back[i] = Some(result);
    }
    back.into_iter().map(|r| r.expect("every job ran")).collect()
}

/// The sweep and KP's weight-decay check, on the validation split of `store`'s MNIST.
fn sweep(store: &DataStore, options: &Options) -> Result<Sweep> {
    let mnist = store.split(&DataSpec::new(DataKind::Mnist, 0, 0.0, SWEEP_SEED))?;
    let validation = DataStore::with_mnist(mnist.validation(VALIDATION));
    let cut = |mut c: FeedforwardConfig| {
        if let Some(epochs) = options.epochs {
            c.epochs = epochs;
        }
        c
    };
    let mut jobs = Vec::new();
    for (rule, _) in RACE {
        for lr in RATES {
            jobs.push((
                cost(rule),
                Job {
                    label: format!("sweep: {rule} lr {lr}"),
                    experiment: Experiment::feedforward_rule(rule, cut(sweep_config(rule, lr)))?,
                },
            ));
        }
    }
    let kp = FeedforwardConfig::preset_for(RuleId::Kp, DataKind::Mnist);
    for weight_decay in KP_DECAYS {
        let c = FeedforwardConfig { weight_decay, seed: SWEEP_SEED, ..kp.clone() };
        jobs.push((
            cost(RuleId::Kp),
            Job {
                label: format!("sweep: kp λ {weight_decay}"),
                experiment: Experiment::feedforward_rule(RuleId::Kp, cut(c))?,
            },
        ));
    }
    let mut results = run_longest_first(jobs, &validation, options).into_iter();
    let mut rates = Vec::new();
    for (rule, _) in RACE {
        let scores = (&mut results)
            .take(RATES.len())
            .map(|r| Ok(outcome(r, &["test_acc"])?.map(|v| v[0])))
            .collect::<Result<Vec<_>>>()?;
        rates.push((rule, scores));
    }
    let kp_decay = results
        .map(|r| Ok(outcome(r, &["test_acc", "angle_w_b0"])?.map(|v| (v[0], v[1]))))
        .collect::<Result<Vec<_>>>()?;
    Ok(Sweep {
        train: mnist.train.len() - VALIDATION,
        validation: VALIDATION,
        dims: mnist.train.dims(),
        classes: mnist.train.classes,
        rates,
        kp_decay,
    })
}

/// Runs everything and writes the report. `store` must hold MNIST.
pub fn reproduce(store: &DataStore, options: &Options) -> Result<Report> {
    let start = std::time::Instant::now();
    let sweep = sweep(store, options)?;
    let sweep_time = start.elapsed();
    let mnist = |rule| FeedforwardConfig::preset_for(rule, DataKind::Mnist);
    let plans = [
        Plan { figure: "race", rules: &RACE, config: mnist },
        Plan { figure: "small", rules: &SMALL, config: small_config },
        Plan { figure: "deep", rules: &DEEP, config: |_| FeedforwardConfig::deep_from_zero() },
        Plan { figure: "linear", rules: &LINEAR, config: |_| FeedforwardConfig::preset(DataKind::Linear) },
    ];
    let mut jobs = Vec::new();
    let mut keys = Vec::new();
    for Plan { figure, rules, config } in &plans {
        for (rule, _) in rules.iter() {
            for &seed in &options.seeds {
                let mut c = FeedforwardConfig { seed, ..config(*rule) };
                if let Some(epochs) = options.epochs {
                    c.epochs = epochs;
                }
                // A figure's size scales its cost: the race's 784-500-10 for 20 epochs first.
                let size = (c.hidden.iter().sum::<usize>() as u32 / 100).max(1) * c.epochs;
                jobs.push((
                    cost(*rule) * size,
                    Job {
                        label: format!("{figure}: {rule} seed {seed}"),
                        experiment: Experiment::feedforward_rule(*rule, c)?,
                    },
                ));
                keys.push((*figure, *rule));
            }
        }
    }
    let tables: Vec<MetricTable> = run_longest_first(jobs, store, options).into_iter().collect::<Result<_>>()?;
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
    let estimates = super::feedback_estimates::section(store, options)?;
    let times = Times { sweep: sweep_time, total: start.elapsed() };
    Ok(write(&get, &sweep, &times, options, estimates))
}

/// How long the sweep and the whole reproduction took (wall time).
struct Times {
    sweep: std::time::Duration,
    total: std::time::Duration,
}

/// `m min s s`.
fn minutes(d: std::time::Duration) -> String {
    let s = d.as_secs();
    format!("{} min {:02} s", s / 60, s % 60)
}

/// A count with thousands separators (8,000).
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

type Get<'a> = dyn Fn(&str, RuleId) -> Vec<&'a MetricTable> + 'a;

/// One numbered section of the report.
struct Section {
    title: String,
    body: String,
}

/// A rate as the grid writes it (0.0003, 0.03, 1, 3).
fn rate(lr: f64) -> String {
    format!("{lr}")
}

fn write<'a>(
    get: &Get<'a>,
    sweep: &Sweep,
    times: &Times,
    options: &Options,
    estimates: super::feedback_estimates::Section,
) -> Report {
    let n = options.seeds.len();
    let seeds = options.seeds.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ");
    let epochs_of = |c: FeedforwardConfig| options.epochs.unwrap_or(c.epochs);
    let race_epochs = epochs_of(FeedforwardConfig::preset(DataKind::Mnist));
    let small_epochs = epochs_of(small_config(RuleId::Bp));
    let deep_epochs = epochs_of(FeedforwardConfig::deep_from_zero());
    let linear_epochs = epochs_of(FeedforwardConfig::preset(DataKind::Linear));
    let acc = |rule: RuleId| finals(&get("race", rule), "test_acc");
    let small_acc = |rule: RuleId| finals(&get("small", rule), "test_acc");
    let mean = |v: &[f64]| mean_sd(v).0;
    let preset = |rule: RuleId| FeedforwardConfig::preset_for(rule, DataKind::Mnist);

    // ---- figures
    let accuracy = |figure: &str, rules: &[(RuleId, usize)], title: &str| {
        accuracy_chart(
            title,
            rules.iter().map(|(r, c)| mean_series(r.name(), *c, &get(figure, *r), "test_acc")).collect(),
        )
    };
    let sweep_chart = chart(
        "Sweep: validation accuracy (seed 1)",
        "log10 learning rate",
        "validation accuracy",
        RACE.iter()
            .map(|&(rule, color)| Series {
                name: rule.name().into(),
                points: RATES.iter().zip(sweep.scores(rule)).filter_map(|(lr, s)| s.map(|s| (lr.log10(), s))).collect(),
                color,
            })
            .collect(),
        Some((0.0, 1.0)),
    );
    let race = accuracy("race", &RACE, "MNIST 784-500-10: test accuracy");
    let fa = get("race", RuleId::Fa);
    let kp = get("race", RuleId::Kp);
    let alignment = angle_chart(
        "Alignment (hidden layer), 784-500-10",
        vec![
            mean_series("FA ∠(W₁ᵀ, B)", 1, &fa, "angle_w_b0"),
            mean_series("FA ∠(δ_FA, δ_BP)", 5, &fa, "angle_delta0"),
            mean_series("KP ∠(W₁ᵀ, B)", 3, &kp, "angle_w_b0"),
        ],
        race_epochs as f64,
    );
    let small = accuracy("small", &SMALL, "MNIST 784-100-10: test accuracy");
    let small_kp = get("small", RuleId::Kp);
    let small_angle = angle_chart(
        "784-100-10: KP ∠(W₁ᵀ, B)",
        vec![mean_series("KP ∠(W₁ᵀ, B)", 3, &small_kp, "angle_w_b0")],
        small_epochs as f64,
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
    let mut figures_out = vec![
        Figure { file: "feedback-sweep.svg".into(), svg: svg(&[sweep_chart]) },
        Figure { file: "feedback-race.svg".into(), svg: svg(&[race]) },
        Figure { file: "feedback-alignment.svg".into(), svg: svg(&[alignment]) },
        Figure { file: "feedback-small.svg".into(), svg: svg(&[small, small_angle]) },
        Figure { file: "feedback-linear.svg".into(), svg: svg(&[linear_error, linear_angle]) },
        Figure { file: "feedback-deep.svg".into(), svg: svg(&[deep]) },
    ];

    // ---- numbers
    let (bp, fa_acc, dfa, sign, shallow) =
        (acc(RuleId::Bp), acc(RuleId::Fa), acc(RuleId::Dfa), acc(RuleId::Sign), acc(RuleId::Shallow));
    let angle_start = firsts(&fa, "angle_w_b0");
    let angle_end = finals(&fa, "angle_w_b0");
    let delta_end = finals(&fa, "angle_delta0");
    let kp_angle_end = finals(&kp, "angle_w_b0");
    let (small_bp, small_kp_acc, small_np, small_wp) =
        (small_acc(RuleId::Bp), small_acc(RuleId::Kp), small_acc(RuleId::Np), small_acc(RuleId::Wp));
    let small_kp_angle = finals(&small_kp, "angle_w_b0");
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
    let points = |a: &[f64], b: &[f64]| 100.0 * (mean(a) - mean(b));

    // The presets against the sweep's choices.
    let drift: Vec<String> = RACE
        .iter()
        .filter_map(|&(rule, _)| {
            let (want, have) = (sweep.chosen(rule), preset(rule).lr);
            (want != Some(have))
                .then(|| format!("{rule}: preset {}, sweep {}", rate(have), want.map_or("none".into(), rate)))
        })
        .chain({
            let (want, have) = (sweep.chosen_decay(), preset(RuleId::Kp).weight_decay);
            (want != Some(have))
                .then(|| format!("kp λ: preset {have:e}, check {}", want.map_or("none".into(), |w| format!("{w:e}"))))
        })
        .collect();
    let chosen_list = RACE
        .iter()
        .map(|&(rule, _)| format!("{rule} {}", sweep.chosen(rule).map_or("none".into(), rate)))
        .collect::<Vec<_>>()
        .join(", ");
    let at_edge: Vec<String> = RACE
        .iter()
        .filter(|&&(rule, _)| sweep.chosen(rule).is_none_or(|lr| lr == RATES[0] || lr == RATES[RATES.len() - 1]))
        .map(|(rule, _)| rule.name().to_string())
        .collect();
    let mut checks = vec![
        Check {
            claim: "the MNIST presets are the sweep's choices (every rule's rate, KP's weight decay)".into(),
            measured: if drift.is_empty() {
                format!("{chosen_list}; KP λ {}", sweep.chosen_decay().map_or("none".into(), |w| format!("{w:e}")))
            } else {
                format!("drifted: {}", drift.join("; "))
            },
            passed: drift.is_empty(),
        },
        Check {
            claim: "every rule's best rate lies inside the grid, not at an end".into(),
            measured: if at_edge.is_empty() {
                format!("grid {} … {}", rate(RATES[0]), rate(RATES[RATES.len() - 1]))
            } else {
                format!("at an end (or none): {}", at_edge.join(", "))
            },
            passed: at_edge.is_empty(),
        },
        Check { claim: "BP reaches ≥ 94.5 % test accuracy".into(), measured: pct(&bp), passed: mean(&bp) >= 0.945 },
        Check {
            claim: "FA and DFA end within 3 points of BP".into(),
            measured: format!("BP − FA = {:.2}, BP − DFA = {:.2} points", points(&bp, &fa_acc), points(&bp, &dfa)),
            passed: mean(&bp) - mean(&fa_acc) <= 0.03 && mean(&bp) - mean(&dfa) <= 0.03,
        },
        Check {
            claim: "FA ends at least 2 points above the tuned shallow control".into(),
            measured: format!("FA − shallow = {:.2} points", points(&fa_acc, &shallow)),
            passed: mean(&fa_acc) - mean(&shallow) >= 0.02,
        },
        Check {
            claim: "sign symmetry reaches ≥ 92 % on 784-500-10".into(),
            measured: pct(&sign),
            passed: mean(&sign) >= 0.92,
        },
        Check {
            claim: "∠(W₁ᵀ, B) of FA starts near 90° and falls below 60°".into(),
            measured: format!("{}° → {}°", mean_pm_sd(&angle_start, 1.0, 1), mean_pm_sd(&angle_end, 1.0, 1)),
            passed: (80.0..=100.0).contains(&mean(&angle_start)) && mean(&angle_end) < 60.0,
        },
        Check {
            claim: "784-100-10, 10 epochs: Kolen–Pollack ends within 1 point of BP and its ∠(W₁ᵀ, B) below 30°".into(),
            measured: format!(
                "BP − KP = {:.2} points, ∠ {}°",
                points(&small_bp, &small_kp_acc),
                mean_pm_sd(&small_kp_angle, 1.0, 1)
            ),
            passed: mean(&small_bp) - mean(&small_kp_acc) <= 0.01 && mean(&small_kp_angle) < 30.0,
        },
        Check {
            claim: "784-100-10, 10 epochs: node perturbation ≥ 75 %, weight perturbation ≥ 35 %".into(),
            measured: format!("NP {}, WP {}", pct(&small_np), pct(&small_wp)),
            passed: mean(&small_np) >= 0.75 && mean(&small_wp) >= 0.35,
        },
        Check {
            claim: "784-100-10, 10 epochs: BP > NP > WP (means over the seeds)".into(),
            measured: format!(
                "{:.2} > {:.2} > {:.2} %",
                100.0 * mean(&small_bp),
                100.0 * mean(&small_np),
                100.0 * mean(&small_wp)
            ),
            passed: mean(&small_bp) > mean(&small_np) && mean(&small_np) > mean(&small_wp),
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

    // ---- tables
    let sweep_table = {
        let mut header = vec!["rule".to_string()];
        header.extend(RATES.iter().map(|&lr| format!("η = {}", rate(lr))));
        header.push("chosen η".into());
        let rows: Vec<Vec<String>> = RACE
            .iter()
            .map(|&(rule, _)| {
                let chosen = sweep.chosen(rule);
                let mut row = vec![rule.name().to_string()];
                row.extend(RATES.iter().zip(sweep.scores(rule)).map(|(&lr, s)| match s {
                    Some(a) if Some(lr) == chosen => format!("**{:.2}**", 100.0 * a),
                    Some(a) => format!("{:.2}", 100.0 * a),
                    None => "diverged".into(),
                }));
                row.push(chosen.map_or("—".into(), rate));
                row
            })
            .collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        markdown_table(&header, &rows)
    };
    let decay_table = markdown_table(
        &["KP weight decay λ", "validation accuracy", "final ∠(W₁ᵀ, B)"],
        &KP_DECAYS
            .iter()
            .zip(&sweep.kp_decay)
            .map(|(&d, s)| {
                let chosen = sweep.chosen_decay() == Some(d);
                let mark = |text: String| if chosen { format!("**{text}**") } else { text };
                let label = if d == 0.0 { "0 (reference, not a candidate)".to_string() } else { format!("{d:e}") };
                match s {
                    Some((a, angle)) => vec![mark(label), mark(format!("{:.2} %", 100.0 * a)), format!("{angle:.1}°")],
                    None => vec![label, "diverged".into(), "—".into()],
                }
            })
            .collect::<Vec<_>>(),
    );
    let kp_preset = preset(RuleId::Kp);
    let comparison = markdown_table(
        &[
            "rule",
            "tuned η",
            "ours: test error (accuracy per seed)",
            "Lillicrap 2016, 784-1000-10, 60k",
            "BioTorch 2021, LeNet, 60k",
        ],
        &RACE
            .iter()
            .map(|&(rule, _)| {
                let a = acc(rule);
                let (lillicrap, biotorch) = match rule {
                    RuleId::Bp => ("≈ 2.4 % [unverified]", "0.91 %"),
                    RuleId::Fa => ("2.1 %", "1.70 %"),
                    RuleId::Dfa => ("—", "1.61 %"),
                    RuleId::Sign => ("—", "0.94 % (uSF: B = sign(W))"),
                    RuleId::Shallow => ("≈ 2.9 % [unverified]", "—"),
                    _ => ("—", "—"),
                };
                vec![
                    rule.name().into(),
                    rate(preset(rule).lr),
                    format!("{} ({})", err(&a), per_seed(&a)),
                    lillicrap.into(),
                    biotorch.into(),
                ]
            })
            .collect::<Vec<_>>(),
    );
    let small_table = markdown_table(
        &[
            "rule",
            "tuned η",
            "ours: test accuracy (per seed)",
            "reference implementation quoted in issue 14 (same setup)",
            "published",
        ],
        &[
            (RuleId::Bp, &small_bp, "93.9 %", "Akrout et al.'s code, 784-500-10, full MNIST, 20 epochs: 96.23 %"),
            (
                RuleId::Kp,
                &small_kp_acc,
                "94.0 %, ∠ 16°",
                "Akrout et al.'s code, 784-500-10, full MNIST, 20 epochs: 97.0 %",
            ),
            (RuleId::Np, &small_np, "82 %", "none comparable (Werfel et al.: theory, linear networks)"),
            (RuleId::Wp, &small_wp, "55 %", "none comparable (Werfel et al.: theory, linear networks)"),
        ]
        .iter()
        .map(|(rule, a, reference, published)| {
            let ours = if *rule == RuleId::Kp {
                format!("{} ({}), ∠(W₁ᵀ, B) {}°", pct(a), per_seed(a), mean_pm_sd(&small_kp_angle, 1.0, 1))
            } else {
                format!("{} ({})", pct(a), per_seed(a))
            };
            vec![rule.name().into(), rate(preset(*rule).lr), ours, (*reference).into(), (*published).into()]
        })
        .collect::<Vec<_>>(),
    );
    let linear_table = markdown_table(
        &["rule", "final test MSE", "FA–BP update angle after epoch 1"],
        &[
            vec!["BP".into(), mean_pm_sd(&lin_bp, 1.0, 4), "—".into()],
            vec!["FA".into(), mean_pm_sd(&lin_fa, 1.0, 4), format!("{}°", mean_pm_sd(&update_angle_epoch1, 1.0, 1))],
            vec!["shallow".into(), mean_pm_sd(&lin_shallow, 1.0, 4), "—".into()],
        ],
    );

    // Perturbation: how many noise sources, and how the sweep's rates and the small network's
    // accuracies compare.
    let big = preset(RuleId::Bp).sizes(sweep.dims, sweep.classes);
    let small_net = small_config(RuleId::Bp).sizes(sweep.dims, sweep.classes);
    let units = |sizes: &[usize]| sizes[1..].iter().sum::<usize>();
    let parameters = |sizes: &[usize]| sizes.windows(2).map(|w| w[0] * w[1] + w[1]).sum::<usize>();
    let chosen_ratio = |rule: RuleId| match (sweep.chosen(RuleId::Bp), sweep.chosen(rule)) {
        (Some(bp), Some(r)) => Some(bp / r),
        _ => None,
    };
    let ratio = |rule: RuleId| chosen_ratio(rule).map_or("—".into(), |x| format!("{x:.0}"));
    let mut order = [(RuleId::Bp, mean(&small_bp)), (RuleId::Np, mean(&small_np)), (RuleId::Wp, mean(&small_wp))];
    order.sort_by(|a, b| b.1.total_cmp(&a.1));
    let agrees = chosen_ratio(RuleId::Np).is_some_and(|x| x > 1.0)
        && chosen_ratio(RuleId::Wp).zip(chosen_ratio(RuleId::Np)).is_some_and(|(w, n)| w > n)
        && order.map(|(r, _)| r) == [RuleId::Bp, RuleId::Np, RuleId::Wp];
    let score_at = |rule: RuleId, lr: f64| {
        RATES
            .iter()
            .zip(sweep.scores(rule))
            .find(|(r, _)| **r == lr)
            .and_then(|(_, s)| *s)
            .map_or("—".into(), |a| format!("{:.2} %", 100.0 * a))
    };

    // ---- sections, numbered in this order
    let sweep_epochs = epochs_of(sweep_config(RuleId::Bp, 1.0));
    figures_out.push(estimates.figure);
    checks.extend(estimates.checks);
    let sections = [
        Section {
            title: format!(
                "Learning rates: one grid, one criterion, validation data (784-500-10, {sweep_epochs} epochs, seed {SWEEP_SEED})"
            ),
            body: format!(
                r#"![sweep](feedback-sweep.svg)

Every rule is trained at every rate of the same half-decade grid, on the race's setup (784-500-10
sigmoid, softmax cross-entropy, SGD, batch 32, {sweep_epochs} epochs, each rule's MNIST preset otherwise),
seed {SWEEP_SEED}. It trains on the first {train} of the {all} training images and is scored on the last
{validation} (a validation split; the test set plays no part in the choice). The chosen rate (bold) is the one
with the best **final** validation accuracy, ties to the smaller rate; a run whose loss became
infinite or NaN is marked diverged. Each rule's chosen rate is its MNIST preset
(`FeedforwardConfig::preset_for`), which every figure below uses, and the first check above fails if
the two drift apart. Validation accuracy, %:

{sweep_table}
Kolen–Pollack's weight decay λ (on W and B alike) comes from a small check at KP's preset rate
(η = {kp_lr}, feedback at the init's spread), same seed, split and criterion (ties to the smaller λ),
over λ > 0. Every step shrinks W − B by the factor 1 − ηλ, so a larger λ pulls B to W faster (the
angle column) and also shrinks the forward weights more:

{decay_table}
With one hidden layer DFA's random matrix reaches the same hidden layer as FA's, from the same
output error: the two rules are the same rule here (`tests/feedback.rs` checks they give identical
runs), so their rows, choices and curves coincide.
"#,
                kp_lr = rate(kp_preset.lr),
                train = thousands(sweep.train),
                validation = thousands(sweep.validation),
                all = thousands(sweep.train + sweep.validation),
            ),
        },
        Section {
            title: format!(
                "The race: MNIST 784-500-10, sigmoid, softmax cross-entropy, SGD at each rule's tuned rate, batch 32, {race_epochs} epochs"
            ),
            body: format!(
                r#"![race](feedback-race.svg)

{comparison}
The shallow control trains only the output layer on the fixed random hidden layer; it is tuned
like every other rule (it used to run at the race's shared rate 1, where its validation accuracy in
the sweep is {shallow_at_1}, against {shallow_best} at its chosen η {shallow_lr}). Sign symmetry sends the error back
through `feedback_scale · mean|W| · sign(W)`: the signs of the forward weights times one positive
number per layer (`tests/feedback.rs` checks this step by step on a small network). Akrout et al. 2019
report Kolen–Pollack on ImageNet only (ResNet-18 and ResNet-50), which nothing here can be compared
with; their public code's MNIST logs are quoted in the small-network section below.
"#,
                shallow_at_1 = score_at(RuleId::Shallow, 1.0),
                shallow_best = sweep.chosen(RuleId::Shallow).map_or("—".into(), |lr| score_at(RuleId::Shallow, lr)),
                shallow_lr = sweep.chosen(RuleId::Shallow).map_or("—".into(), rate),
            ),
        },
        Section {
            title: "Alignment: the forward weights come to agree with the feedback".into(),
            body: format!(
                r#"![alignment](feedback-alignment.svg)

FA: ∠(vec W₁ᵀ, vec B) goes from {angle_start}° to {angle_end}°; the angle between the FA and BP hidden
errors on a batch ends at {delta_end}°. Kolen–Pollack's B learns: its ∠(W₁ᵀ, B) ends at {kp_angle}°
(λ = {kp_decay:e}). Curves are means over seeds; the grey line is 90°.
"#,
                angle_start = mean_pm_sd(&angle_start, 1.0, 1),
                angle_end = mean_pm_sd(&angle_end, 1.0, 1),
                delta_end = mean_pm_sd(&delta_end, 1.0, 1),
                kp_angle = mean_pm_sd(&kp_angle_end, 1.0, 1),
                kp_decay = kp_preset.weight_decay,
            ),
        },
        Section {
            title: format!(
                "Issue 14's small network: 784-100-10 sigmoid, batch 32, {small_epochs} epochs, each rule at its tuned rate"
            ),
            body: format!(
                r#"![small](feedback-small.svg)

{small_table}
The rates are the sweep's (tuned on 784-500-10, 20 epochs), not tuned again for this network.
"Akrout et al.'s code" is the MNIST log committed with the paper's public code
(github.com/makrout/Deep-Learning-without-Weight-Transport, `experiments/mnist/*/log.txt`: 784-500-10
sigmoid, full 60k/10k MNIST, batch 128, BP η 0.2, KP η 0.3; accuracy after the 20th epoch); the
paper itself reports ImageNet only.

Node and weight perturbation have no published number on this task. Werfel, Xie & Seung
("Learning curves for stochastic gradient descent in linear feedforward networks", NIPS 16, 2003;
Neural Computation 17, 2005) work out why they are slow, for a linear perceptron: the largest usable
rate falls as one over the number of noise sources, and with the rate tuned for speed node
perturbation learns slower than gradient descent by a factor of the number of output units, weight
perturbation slower again by a factor of the number of inputs. Here NP jitters every unit
({np_units} on 784-500-10, {np_units_small} on 784-100-10) and WP every weight and bias
({wp_weights} and {wp_weights_small}). In the sweep BP's best rate is {np_ratio}× NP's and
{wp_ratio}× WP's, and on the small network the order at equal epochs is {order}: {agrees}. The
factors are not the theory's (a nonlinear network, a finite run, rates on a half-decade grid), so
this is no quantitative test of it.
"#,
                np_units = thousands(units(&big)),
                np_units_small = thousands(units(&small_net)),
                wp_weights = thousands(parameters(&big)),
                wp_weights_small = thousands(parameters(&small_net)),
                np_ratio = ratio(RuleId::Np),
                wp_ratio = ratio(RuleId::Wp),
                order = order.iter().map(|(r, _)| r.name().to_uppercase()).collect::<Vec<_>>().join(" > "),
                agrees = if agrees {
                    "the direction the theory predicts"
                } else {
                    "not the direction the theory predicts"
                },
            ),
        },
        Section {
            title: format!(
                "Linear toy: 30-20-10 linear network, random linear map, MSE, SGD lr 0.0005, batch 1, {linear_epochs} epochs"
            ),
            body: format!("![linear](feedback-linear.svg)\n\n{linear_table}"),
        },
        Section {
            title: format!("Deep from zero: 10 × 100 tanh, zero initial weights, lr 0.1, {deep_epochs} epochs"),
            body: format!(
                r#"![deep](feedback-deep.svg)

DFA reaches {deep_dfa}; BP stays at {deep_bp} (with zero weights every hidden unit gets zero error
from the layer above, so BP can train only the output layer's bias).
"#,
                deep_dfa = pct(&deep_dfa),
                deep_bp = pct(&deep_bp),
            ),
        },
        Section { title: estimates.title, body: estimates.body },
    ];

    let smoke = super::smoke_note(options, "every run was");
    let passed = checks.iter().filter(|c| c.passed).count();
    let sections_markdown: String = sections
        .iter()
        .enumerate()
        .map(|(i, s)| format!("## {}. {}\n\n{}", i + 1, s.title, s.body.trim_end()))
        .collect::<Vec<_>>()
        .join("\n\n");
    let markdown = format!(
        r#"# Random feedback: reproduction report

Made by `brainprop reproduce feedback` (seeds {seeds}; {n} runs per rule and figure). Every number is
the mean ± sample standard deviation over the seeds; each seed fixes the initial weights, the
feedback matrices, the perturbation noise and the data order, and is shared by all rules. Every
rule runs at its own learning rate, chosen on validation data by the sweep of the first section.
This run took {total_time} of wall time on {threads} threads ({sweep_time} of it the sweep).
{smoke}
**Data:** our MNIST is the site's 8,000-image training / 2,000-image test subset (`data/mnist.bin`),
not the full 60k/10k, so our errors are higher than the published ones and are not directly
comparable with them. The published numbers come from larger networks (Lillicrap: 784-1000-10) or
convolutional ones (BioTorch: LeNet, 100 epochs, momentum, weight decay).

## Claims ({passed} of {total} met)

{checks}
{sections_markdown}
"#,
        total = checks.len(),
        checks = checks_markdown(&checks),
        total_time = minutes(times.total),
        sweep_time = minutes(times.sweep),
        threads = options.threads,
    );
    Report { name: Chapter::Feedback.name().into(), markdown, figures: figures_out, checks }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_rate_takes_the_best_score_ties_to_the_smaller_rate_and_skips_diverged_runs() {
        let rates = [0.1, 0.3, 1.0, 3.0];
        assert_eq!(best_rate(&rates, &[Some(0.5), Some(0.9), Some(0.9), None]), Some(0.3));
        assert_eq!(best_rate(&rates, &[Some(0.5), None, Some(f64::NAN), Some(0.6)]), Some(3.0));
        assert_eq!(best_rate(&rates, &[None, None, None, None]), None);
    }
}
