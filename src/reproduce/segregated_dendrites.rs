//! The segregated-dendrite part of `brainprop reproduce dendrites` (Guerguiev, Lillicrap &
//! Richards 2017): the first section of `reports/dendrites.md`; its claims join the report's list.
//!
//! 1. **Rates.** A sweep of η for each depth (784-10, 784-500-10, 784-500-100-10; 20 epochs,
//!    seed 1) on 6,000 training digits, scored on the 2,000 held out (the test set is never
//!    looked at). Each depth then runs at its chosen rate.
//! 2. **Depth helps:** the three depths over the seeds, non-spiking mode, same epochs.
//! 3. **Close to backprop?** The hidden update's angle to backprop's, and ∠(W, Y), per epoch.
//! 4. **Feedback ablation:** random, sparse, symmetric, symmetric + noise (784-500-10).
//! 5. **One digit in the spiking mode:** the shown neuron's potentials through both phases, and how
//!    often α^t − α^f has the sign the target asks for.

use super::{
    angle_chart, chart, finals, markdown_table, mean_curve, mean_pm_sd, run_each, Check, Figure, Job, Options,
};
use crate::charts::{self, Series};
use crate::data::DataStore;
use crate::experiment::Experiment;
use crate::metrics::mean_sd;
use crate::neuron::compartments as cells;
use crate::rule::MetricTable;
use crate::rules::segregated_dendrites::{DendriteFeedback, DendriteMode, DendritesConfig, SegregatedDendrites};
use crate::{Error, Result};

/// The rates swept for every depth.
pub const RATES: [f64; 5] = [0.05, 0.1, 0.21, 0.4, 0.8];
/// The sweep's one seed.
pub const SWEEP_SEED: u64 = 1;
/// Training digits held out as the sweep's validation set (the last 2,000 of the 8,000).
pub const VALIDATION: usize = 2_000;
/// The depths compared, with their names and chart colours.
const DEPTHS: [(&str, &[usize], usize); 3] =
    [("784-10", &[], 6), ("784-500-10", &[500], 0), ("784-500-100-10", &[500, 100], 1)];
/// The feedback variants of the ablation, with their chart colours.
const FEEDBACKS: [(DendriteFeedback, &str, usize); 4] = [
    (DendriteFeedback::Random, "random", 0),
    (DendriteFeedback::Sparse, "sparse", 2),
    (DendriteFeedback::Symmetric, "symmetric", 1),
    (DendriteFeedback::Noisy, "symmetric + noise", 4),
];
/// Digits the spiking-mode sign check runs through.
const SIGN_DIGITS: usize = 20;

/// The section's Markdown, its figures and its claims.
pub struct Section {
    pub markdown: String,
    pub figures: Vec<Figure>,
    pub checks: Vec<Check>,
}

/// Runs everything of the section on `store`'s MNIST split.
///
/// Errors: [`Error::Data`] when MNIST is not loaded; the first failed run of the seeded
/// comparisons (a diverged sweep run only loses its rate).
pub fn section(store: &DataStore, options: &Options) -> Result<Section> {
    let epochs = |c: DendritesConfig| DendritesConfig { epochs: options.epochs.unwrap_or(c.epochs), ..c };
    let split = store.split(&DendritesConfig::default().data_spec())?;

    // ---- 1. the sweep, on the validation split
    let held_out = DataStore::with_mnist(split.validation(VALIDATION));
    let sweep_jobs: Vec<Job> = DEPTHS
        .iter()
        .flat_map(|(name, hidden, _)| {
            RATES.iter().map(move |&lr| Job {
                label: format!("dendrites sweep {name} η {lr}"),
                experiment: Experiment::Dendrites(DendritesConfig {
                    hidden: hidden.to_vec(),
                    lr,
                    seed: SWEEP_SEED,
                    ..DendritesConfig::default()
                }),
            })
        })
        .map(|job| Job { experiment: with_epochs(job.experiment, &epochs), ..job })
        .collect();
    let sweep = run_each(&sweep_jobs, &held_out, options.threads, options.progress);
    let scores: Vec<Vec<Option<f64>>> = sweep
        .chunks(RATES.len())
        .map(|runs| runs.iter().map(|r| r.as_ref().ok().and_then(|t| t.last("test_acc"))).collect())
        .collect();
    let chosen: Vec<f64> =
        scores.iter().map(|s| super::feedback::best_rate(&RATES, s).unwrap_or(DendritesConfig::default().lr)).collect();

    // ---- 2–4. the seeded runs
    let mut jobs = Vec::new();
    for &seed in &options.seeds {
        for ((name, hidden, _), &lr) in DEPTHS.iter().zip(&chosen) {
            let config = epochs(DendritesConfig { hidden: hidden.to_vec(), lr, seed, ..DendritesConfig::default() });
            jobs.push(Job {
                label: format!("dendrites {name} seed {seed}"),
                experiment: Experiment::Dendrites(config),
            });
        }
        for (feedback, name, _) in FEEDBACKS {
            let config = epochs(DendritesConfig { feedback, lr: chosen[1], seed, ..DendritesConfig::default() });
            jobs.push(Job {
                label: format!("dendrites feedback {name} seed {seed}"),
                experiment: Experiment::Dendrites(config),
            });
        }
    }
    let tables: Vec<MetricTable> =
        run_each(&jobs, store, options.threads, options.progress).into_iter().collect::<Result<_>>()?;
    let per_seed = DEPTHS.len() + FEEDBACKS.len();
    let depth = |d: usize| -> Vec<&MetricTable> { tables.iter().skip(d).step_by(per_seed).collect() };
    let feedback = |f: usize| -> Vec<&MetricTable> { tables.iter().skip(DEPTHS.len() + f).step_by(per_seed).collect() };

    // ---- 5. one digit, spiking
    let spiking = spiking_digits(store)?;
    (options.progress)("dendrites spiking digits");

    Ok(write(options, &scores, &chosen, &depth, &feedback, &spiking))
}

fn with_epochs(experiment: Experiment, epochs: &dyn Fn(DendritesConfig) -> DendritesConfig) -> Experiment {
    match experiment {
        Experiment::Dendrites(c) => Experiment::Dendrites(epochs(c)),
        other => other,
    }
}

/// What the spiking mode did on the first [`SIGN_DIGITS`] training digits of an untrained
/// 784-500-10 network (seed 1, no learning).
struct SpikingDigits {
    /// Neurons whose α^t − α^f had the sign the target asks for, of those asked most clearly
    /// (the half with the largest |Y·(t·λ_max − λ^f)|).
    agree: usize,
    asked: usize,
    /// The first digit's trace, for the figure.
    trace: crate::rules::segregated_dendrites::DigitTrace,
}

fn spiking_digits(store: &DataStore) -> Result<SpikingDigits> {
    let config = DendritesConfig { mode: DendriteMode::Spiking, ..DendritesConfig::default() };
    let mut net = SegregatedDendrites::new(config, store.split(&DendritesConfig::default().data_spec())?)?;
    let (mut agree, mut asked, mut first) = (0, 0, None);
    for example in 0..SIGN_DIGITS {
        let s = net.signals(example, true);
        let out = s.soma.len() - 1;
        let wanted: Vec<f32> = (0..s.target_rates.len())
            .map(|k| if k == s.label { cells::RATE_MAX as f32 } else { 0.0 } - cells::rate(s.soma[out][k]))
            .collect();
        let push = net.apical(0, &wanted);
        let (a_f, a_t) = (net.apical(0, &s.heard[0]), net.apical(0, &s.heard[1]));
        let mut order: Vec<usize> = (0..push.len()).collect();
        order.sort_by(|&a, &b| push[b].abs().total_cmp(&push[a].abs()));
        for &i in &order[..push.len() / 2] {
            asked += 1;
            agree += usize::from((cells::sigmoid(a_t[i]) - cells::sigmoid(a_f[i])).signum() == push[i].signum());
        }
        if first.is_none() {
            first = net.digit_trace().cloned();
        }
    }
    let trace = first.ok_or_else(|| Error::Data("no spiking digit was recorded".into()))?;
    Ok(SpikingDigits { agree, asked, trace })
}

fn write<'a>(
    options: &Options,
    scores: &[Vec<Option<f64>>],
    chosen: &[f64],
    depth: &dyn Fn(usize) -> Vec<&'a MetricTable>,
    feedback: &dyn Fn(usize) -> Vec<&'a MetricTable>,
    spiking: &SpikingDigits,
) -> Section {
    let epochs = options.epochs.unwrap_or(DendritesConfig::default().epochs);
    let error_curve = |tables: &[&MetricTable]| -> Vec<(f64, f64)> {
        mean_curve(tables, "test_acc").into_iter().map(|(x, a)| (x, 100.0 * (1.0 - a))).collect()
    };
    let error_chart =
        |title: &str, series: Vec<Series>| chart(title, "epoch", "test error (%)", series, Some((0.0, 20.0)));
    let depth_series = DEPTHS
        .iter()
        .enumerate()
        .map(|(d, (name, _, color))| Series { name: (*name).into(), points: error_curve(&depth(d)), color: *color })
        .collect();
    let feedback_series = FEEDBACKS
        .iter()
        .enumerate()
        .map(|(f, (_, name, color))| Series { name: (*name).into(), points: error_curve(&feedback(f)), color: *color })
        .collect();
    let one = depth(1);
    let angles = angle_chart(
        "784-500-10: the hidden update against backprop's, and ∠(W, Y)",
        vec![
            Series { name: "∠(ΔW₀, ΔW₀ᴮᴾ)".into(), points: mean_curve(&one, "angle_bp"), color: 5 },
            Series { name: "∠(W₁, Y)".into(), points: mean_curve(&one, "angle_feedback"), color: 1 },
        ],
        epochs as f64,
    );
    let trace = &spiking.trace;
    let ms = |v: &[f32]| -> Vec<(f64, f64)> { v.iter().enumerate().map(|(t, &y)| (t as f64, f64::from(y))).collect() };
    let classes = trace.rates[0].len();
    let steps = trace.apical.len();
    let label_soma: Vec<f32> = (0..steps).map(|t| trace.outputs[t * classes + trace.label]).collect();
    let other_soma: Vec<f32> = (0..steps)
        .map(|t| {
            (0..classes).filter(|&k| k != trace.label).map(|k| trace.outputs[t * classes + k]).sum::<f32>()
                / (classes - 1) as f32
        })
        .collect();
    let [forward_end, end] = trace.phase_ends;
    let phase = |name: &str, at: usize| Series {
        name: name.into(),
        points: vec![(at as f64, -8.0), (at as f64, 8.0)],
        color: 6,
    };
    let potentials = chart(
        &format!("Hidden neuron {} through both phases (digit {})", 0, trace.label),
        "time (ms)",
        "potential",
        vec![
            Series { name: "basal B".into(), points: ms(&trace.basal), color: 0 },
            Series { name: "apical A".into(), points: ms(&trace.apical), color: 1 },
            Series { name: "soma C".into(), points: ms(&trace.soma), color: 2 },
            phase("phase ends", forward_end),
        ],
        None,
    );
    let outputs = chart(
        "Output somas: the label's unit and the mean of the others",
        "time (ms)",
        "potential",
        vec![
            Series { name: format!("unit {}", trace.label), points: ms(&label_soma), color: 1 },
            Series { name: "other units".into(), points: ms(&other_soma), color: 0 },
            phase("phase ends", forward_end),
        ],
        Some((-8.0, 8.0)),
    );
    let svg = |charts: &[crate::charts::LineChart]| {
        charts::svg_row(charts, 480, 340).unwrap_or_else(|e| format!("<!-- {e} -->"))
    };
    let figures = vec![
        Figure {
            file: "dendrites-depth.svg".into(),
            svg: svg(&[error_chart("Depth helps (non-spiking, test error)", depth_series), angles]),
        },
        Figure {
            file: "dendrites-feedback.svg".into(),
            svg: svg(&[error_chart("Feedback ablation (784-500-10)", feedback_series)]),
        },
        Figure { file: "dendrites-digit.svg".into(), svg: svg(&[potentials, outputs]) },
    ];

    // ---- numbers and claims
    let acc = |tables: &[&MetricTable]| finals(tables, "test_acc");
    let (none, one_acc, two) = (acc(&depth(0)), acc(&depth(1)), acc(&depth(2)));
    let mean = |v: &[f64]| mean_sd(v).0;
    let one_sd = mean_sd(&one_acc).1;
    let after_first: Vec<f64> =
        one.iter().flat_map(|t| t.column("angle_bp").unwrap_or_default().into_iter().skip(1)).collect();
    let worst_angle = after_first.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let checks = vec![
        Check {
            claim: "non-spiking, MNIST 8k/2k: one hidden layer beats none by ≥ 3 points of test accuracy".into(),
            measured: format!(
                "784-500-10 {} % against 784-10 {} %",
                mean_pm_sd(&one_acc, 100.0, 2),
                mean_pm_sd(&none, 100.0, 2)
            ),
            passed: mean(&one_acc) - mean(&none) >= 0.03,
        },
        Check {
            claim: "two hidden layers are at least as good as one, within one standard deviation".into(),
            measured: format!("784-500-100-10 {} % against {} %", mean_pm_sd(&two, 100.0, 2), mean_pm_sd(&one_acc, 100.0, 2)),
            passed: mean(&two) >= mean(&one_acc) - one_sd,
        },
        Check {
            claim: "the hidden update's angle to backprop's is below 90° after the first epoch and stays there (every seed)".into(),
            measured: format!("largest per-epoch mean angle from epoch 1 on: {worst_angle:.1}°"),
            passed: !after_first.is_empty() && worst_angle < 90.0,
        },
        Check {
            claim: "spiking mode: α^t − α^f has the sign the target asks for (≥ 90 % of the neurons asked most clearly)".into(),
            measured: format!(
                "{} of {} ({:.1} %) over {SIGN_DIGITS} digits",
                spiking.agree,
                spiking.asked,
                100.0 * spiking.agree as f64 / spiking.asked.max(1) as f64
            ),
            passed: spiking.agree as f64 >= 0.9 * spiking.asked as f64,
        },
    ];
    let sweep_rows: Vec<Vec<String>> = DEPTHS
        .iter()
        .zip(scores)
        .zip(chosen)
        .map(|(((name, _, _), s), c)| {
            let mut row = vec![(*name).to_string()];
            row.extend(s.iter().map(|v| v.map_or("diverged".into(), |a| format!("{:.2}", 100.0 * a))));
            row.push(format!("{c}"));
            row
        })
        .collect();
    let mut header = vec!["network".to_string()];
    header.extend(RATES.iter().map(|r| format!("η {r}")));
    header.push("chosen η".into());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let depth_rows: Vec<Vec<String>> = DEPTHS
        .iter()
        .enumerate()
        .zip([("≈ 8 %", ""), ("≈ 2–3 %", ""), ("≈ 2 %", "")])
        .map(|((d, (name, _, _)), (paper, _))| {
            let errors: Vec<f64> = acc(&depth(d)).iter().map(|a| 1.0 - a).collect();
            vec![(*name).into(), format!("{} %", mean_pm_sd(&errors, 100.0, 2)), format!("{paper} [U]")]
        })
        .collect();
    let feedback_rows: Vec<Vec<String>> = FEEDBACKS
        .iter()
        .enumerate()
        .map(|(f, (_, name, _))| {
            let t = feedback(f);
            let errors: Vec<f64> = acc(&t).iter().map(|a| 1.0 - a).collect();
            vec![
                (*name).into(),
                format!("{} %", mean_pm_sd(&errors, 100.0, 2)),
                format!("{}°", mean_pm_sd(&finals(&t, "angle_bp"), 1.0, 1)),
                format!("{}°", mean_pm_sd(&finals(&t, "angle_feedback"), 1.0, 1)),
            ]
        })
        .collect();
    let error_of = |f: usize| mean(&acc(&feedback(f)).iter().map(|a| 1.0 - a).collect::<Vec<_>>());
    // Variant `f`'s final test error against variant `than`'s.
    let relation = |f: usize, than: usize, paper: &str| {
        let (ours, other) = (error_of(f), error_of(than));
        let verdict = if ours < other { "lower" } else { "higher" };
        format!(
            "{paper}; here its test error is {verdict} than {} feedback's ({:.2} % against {:.2} %)",
            FEEDBACKS[than].1,
            100.0 * ours,
            100.0 * other
        )
    };
    let markdown = format!(
        r#"## Segregated dendrites (Guerguiev, Lillicrap & Richards 2017)

Hidden neurons with a basal, an apical and a somatic compartment learn from the difference of
their apical plateau potentials between a forward and a target phase, α^t − α^f
(`src/rules/segregated_dendrites/`, `--rule dendrites`). MNIST, 8,000 training and 2,000 test
digits, one digit per update, the non-spiking mode (each phase at its steady state) unless said,
random feedback unless said, {epochs} epochs for every network; mean ± sample sd over seeds
{seeds}. Paper values marked [U] are read off its figures, not yet checked against its source data
(they used 60,000 digits and 60 epochs).

### Rates

Each depth's η was chosen on 6,000 training digits scored on the 2,000 held out (seed
{SWEEP_SEED}, {epochs} epochs; the test set is never looked at). Final validation accuracy (%):

{sweep_table}
The page's depth race runs all three networks at the default η = {default_lr} (validation accuracy
at that rate: {at_default}).

### Depth helps, and the updates point like backprop's

![depth](dendrites-depth.svg)

{depth_table}
The angle between the first hidden layer's update and the one backprop would make from the same
output error, averaged over each epoch's digits, falls to {angle_last} by the last epoch; the
forward weights to the output turn towards the feedback (∠(W₁, Y) from {feedback_first} to
{feedback_last}): the feedback alignment effect the talk shows.

### Feedback ablation (784-500-10)

![feedback](dendrites-feedback.svg)

{feedback_table}
- Sparse feedback: {sparse}.
- Symmetric feedback: {symmetric}.
- Symmetric + noise: {noisy}.

### One digit in the spiking mode

![digit](dendrites-digit.svg)

An untrained 784-500-10 network at dt = 1 ms with Poisson spikes; the digit's label is
{label}. The forward phase ends at {forward_end} ms and the target phase at {end} ms (50 ms each
plus a Wald(2, 1) extra). For hidden neuron 0 the plateau potentials are α^f = {alpha_f:.4} and
α^t = {alpha_t:.4}, so α^t − α^f = {alpha_diff:+.4}. The teacher drives the label's output unit up
and the others down; across {SIGN_DIGITS} digits, in the half of the hidden neurons that the target
asks most clearly to move (largest |Y·(t·λ_max − λ^f)|), α^t − α^f had the sign asked for in
{agree} of {asked}.
"#,
        seeds = options.seeds.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", "),
        sweep_table = markdown_table(&header, &sweep_rows),
        default_lr = DendritesConfig::default().lr,
        at_default = DEPTHS
            .iter()
            .zip(scores)
            .map(|((name, _, _), s)| {
                let at = RATES.iter().position(|&r| r == DendritesConfig::default().lr).and_then(|i| s[i]);
                format!("{name} {}", at.map_or("—".into(), |a| format!("{:.2} %", 100.0 * a)))
            })
            .collect::<Vec<_>>()
            .join(", "),
        depth_table = markdown_table(&["network", "test error (ours)", "test error (paper, Fig. 5)"], &depth_rows),
        angle_last = mean_pm_sd(&finals(&one, "angle_bp"), 1.0, 1) + "°",
        feedback_first = mean_pm_sd(&super::firsts(&one, "angle_feedback"), 1.0, 1) + "°",
        feedback_last = mean_pm_sd(&finals(&one, "angle_feedback"), 1.0, 1) + "°",
        feedback_table = markdown_table(
            &["feedback Y", "test error", "∠ to backprop (last epoch)", "∠(W₁, Y) (last epoch)"],
            &feedback_rows
        ),
        sparse = relation(1, 0, "the paper finds it improves learning (Fig. 8)"),
        symmetric = relation(2, 0, "the paper finds it improves learning"),
        noisy = relation(3, 2, "the paper finds that noise added to symmetric feedback impairs learning"),
        label = trace.label,
        forward_end = forward_end,
        end = end,
        alpha_f = trace.plateaus[0],
        alpha_t = trace.plateaus[1],
        alpha_diff = trace.plateaus[1] - trace.plateaus[0],
        agree = spiking.agree,
        asked = spiking.asked,
    );
    Section { markdown, figures, checks }
}
