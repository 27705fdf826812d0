//! `brainprop reproduce through-time` (the `time` chapter): BPTT, e-prop and RFLO, headless.
//!
//! 1. Pattern generation: BPTT, e-prop (symmetric and random feedback) and RFLO, same iterations
//!    and seeds; loss curves and the cosine of each update with BPTT's gradient.
//! 2. The memory problem: the bytes each method holds to learn from one trial, as it grows.
//! 3. The delayed cue (half the neurons ALIF): BPTT and e-prop, correct trials.

use super::{
    chart, checks_markdown, finals, firsts, markdown_table, mean_curve_against, mean_pm_sd, run_all, Check, Figure,
    Job, Options, Report,
};
use crate::charts::{self, Series};
use crate::data::DataStore;
use crate::experiment::Experiment;
use crate::metrics::mean_sd;
use crate::rule::MetricTable;
use crate::rules::through_time::{RecurrentConfig, RecurrentFeedback, RecurrentTask};
use crate::Result;

/// The report's file name (the chapter's URL id is `time`).
pub const REPORT_NAME: &str = "through-time";

/// A method of the race: its name, chart colour and experiment.
struct Method {
    name: &'static str,
    color: usize,
    experiment: fn(RecurrentConfig) -> Experiment,
}

const METHODS: [Method; 4] = [
    Method { name: "BPTT", color: 0, experiment: Experiment::Bptt },
    Method { name: "e-prop symmetric", color: 2, experiment: Experiment::Eprop },
    Method {
        name: "e-prop random",
        color: 1,
        experiment: |c| Experiment::Eprop(RecurrentConfig { feedback: RecurrentFeedback::Random, ..c }),
    },
    Method { name: "RFLO", color: 4, experiment: Experiment::Rflo },
];

/// Runs everything and writes the report.
pub fn reproduce(store: &DataStore, options: &Options) -> Result<Report> {
    let start = std::time::Instant::now();
    let cut = |c: RecurrentConfig| RecurrentConfig { iterations: options.epochs.unwrap_or(c.iterations), ..c };
    let mut jobs = Vec::new();
    for &seed in &options.seeds {
        for m in &METHODS {
            let config = cut(RecurrentConfig { seed, ..RecurrentConfig::preset(RecurrentTask::Pattern) });
            jobs.push(Job { label: format!("pattern {} seed {seed}", m.name), experiment: (m.experiment)(config) });
        }
        for m in &METHODS[..3] {
            let config = cut(RecurrentConfig { seed, ..RecurrentConfig::preset(RecurrentTask::Cue) });
            jobs.push(Job { label: format!("cue {} seed {seed}", m.name), experiment: (m.experiment)(config) });
        }
    }
    jobs.push(Job { label: "memory".into(), experiment: Experiment::Memory(RecurrentConfig::default()) });
    let tables = run_all(&jobs, store, options.threads, options.progress)?;
    let per_seed = METHODS.len() + 3;
    let pattern =
        |m: usize| -> Vec<&MetricTable> { tables.iter().skip(m).step_by(per_seed).take(options.seeds.len()).collect() };
    let cue = |m: usize| -> Vec<&MetricTable> {
        tables.iter().skip(METHODS.len() + m).step_by(per_seed).take(options.seeds.len()).collect()
    };
    let memory = tables.last().expect("the memory run");
    Ok(write(options, &pattern, &cue, memory, start.elapsed()))
}

fn write<'a>(
    options: &Options,
    pattern: &dyn Fn(usize) -> Vec<&'a MetricTable>,
    cue: &dyn Fn(usize) -> Vec<&'a MetricTable>,
    memory: &MetricTable,
    time: std::time::Duration,
) -> Report {
    let seeds = options.seeds.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ");
    let mean = |v: &[f64]| mean_sd(v).0;
    let curves = |column: &str, of: &dyn Fn(usize) -> Vec<&'a MetricTable>, count: usize| -> Vec<Series> {
        METHODS[..count]
            .iter()
            .enumerate()
            .map(|(i, m)| Series {
                name: m.name.into(),
                points: mean_curve_against(&of(i), "iteration", column, |x| x)
                    .into_iter()
                    .filter(|(_, y)| y.is_finite())
                    .collect(),
                color: m.color,
            })
            .collect()
    };
    let log_loss: Vec<Series> = curves("loss", pattern, METHODS.len())
        .into_iter()
        .map(|s| Series { points: s.points.into_iter().map(|(x, y)| (x, y.max(1e-12).log10())).collect(), ..s })
        .collect();
    let loss_chart = chart("Pattern generation: loss", "iteration", "log₁₀ loss", log_loss, None);
    let mut cosine_series = curves("cosine_bptt", pattern, METHODS.len());
    cosine_series.remove(0); // BPTT's own cosine is 1
    let cosine_chart =
        chart("Cosine of each update with BPTT's gradient", "iteration", "cosine", cosine_series, Some((-0.2, 1.0)));
    let column = |name: &str| memory.column(name).unwrap_or_default();
    let durations = column("duration_ms");
    let kilobytes =
        |name: &str| -> Vec<(f64, f64)> { durations.iter().zip(column(name)).map(|(&d, b)| (d, b / 1000.0)).collect() };
    let memory_chart = chart(
        "What each method stores to learn from one trial",
        "trial length (ms)",
        "kB",
        vec![
            Series { name: "BPTT".into(), points: kilobytes("bptt_bytes"), color: 0 },
            Series { name: "e-prop".into(), points: kilobytes("eprop_bytes"), color: 2 },
            Series { name: "RFLO".into(), points: kilobytes("rflo_bytes"), color: 4 },
        ],
        None,
    );
    let cue_chart = chart(
        "Delayed cue: correct trials",
        "iteration",
        "fraction correct",
        curves("accuracy", cue, 3),
        Some((0.0, 1.0)),
    );
    let svg = |charts: &[crate::charts::LineChart]| {
        charts::svg_row(charts, 480, 340).unwrap_or_else(|e| format!("<!-- {e} -->"))
    };
    let figures = vec![
        Figure { file: "through-time-pattern.svg".into(), svg: svg(&[loss_chart, cosine_chart]) },
        Figure { file: "through-time-memory.svg".into(), svg: svg(&[memory_chart, cue_chart]) },
    ];

    // ---- numbers
    let first = |m: usize| firsts(&pattern(m), "loss");
    let last = |m: usize| finals(&pattern(m), "loss");
    let drop = |m: usize| -> Vec<f64> { first(m).iter().zip(last(m)).map(|(a, b)| 1.0 - b / a).collect() };
    let bytes_per_ms: Vec<f64> = column("bptt_bytes").iter().zip(&durations).map(|(b, d)| b / d).collect();
    let eprop_bytes = column("eprop_bytes");
    let linear = bytes_per_ms.iter().all(|&r| (r - bytes_per_ms[0]).abs() <= 1e-9 * bytes_per_ms[0]);
    let flat = eprop_bytes.iter().all(|&b| b == eprop_bytes[0]);
    let checks = vec![
        Check {
            claim: "pattern generation: e-prop (symmetric) ends within 2× of BPTT's final loss".into(),
            measured: format!("e-prop {} against BPTT {}", mean_pm_sd(&last(1), 1.0, 5), mean_pm_sd(&last(0), 1.0, 5)),
            passed: mean(&last(1)) <= 2.0 * mean(&last(0)),
        },
        Check {
            claim: "random e-prop learns: its loss falls by ≥ 80 % (every seed)".into(),
            measured: format!("a fall of {} %", mean_pm_sd(&drop(2), 100.0, 1)),
            passed: drop(2).iter().all(|&d| d >= 0.8),
        },
        Check {
            claim: "RFLO learns on its rate network: its loss falls by ≥ 50 % (every seed)".into(),
            measured: format!("a fall of {} %", mean_pm_sd(&drop(3), 100.0, 1)),
            passed: drop(3).iter().all(|&d| d >= 0.5),
        },
        Check {
            claim: "memory: BPTT's stored bytes grow linearly with the trial, e-prop's stay flat (live buffers)".into(),
            measured: format!(
                "BPTT {:.0} bytes per ms ({:.0} kB at {:.0} ms); e-prop {:.0} kB at every length",
                bytes_per_ms.first().copied().unwrap_or(f64::NAN),
                column("bptt_bytes").last().copied().unwrap_or(f64::NAN) / 1000.0,
                durations.last().copied().unwrap_or(f64::NAN),
                eprop_bytes.first().copied().unwrap_or(f64::NAN) / 1000.0
            ),
            passed: linear && flat && !durations.is_empty(),
        },
    ];
    let pattern_rows: Vec<Vec<String>> = METHODS
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let cos = finals(&pattern(i), "cosine_bptt");
            vec![
                m.name.into(),
                mean_pm_sd(&first(i), 1.0, 4),
                mean_pm_sd(&last(i), 1.0, 5),
                format!("{} %", mean_pm_sd(&drop(i), 100.0, 1)),
                if i == 0 { "1".into() } else { mean_pm_sd(&cos, 1.0, 3) },
                if m.name == "RFLO" {
                    "— (rates)".into()
                } else {
                    mean_pm_sd(&finals(&pattern(i), "rate_hz"), 1.0, 1)
                },
            ]
        })
        .collect();
    let cue_rows: Vec<Vec<String>> = METHODS[..3]
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let t = cue(i);
            vec![
                m.name.into(),
                format!("{} %", mean_pm_sd(&finals(&t, "accuracy"), 100.0, 0)),
                mean_pm_sd(&finals(&t, "loss"), 1.0, 4),
            ]
        })
        .collect();
    let memory_rows: Vec<Vec<String>> = durations
        .iter()
        .enumerate()
        .map(|(i, d)| {
            vec![
                format!("{d:.0}"),
                format!("{:.1}", column("bptt_bytes")[i] / 1000.0),
                format!("{:.1}", column("eprop_bytes")[i] / 1000.0),
                format!("{:.1}", column("rflo_bytes")[i] / 1000.0),
            ]
        })
        .collect();
    let passed = checks.iter().filter(|c| c.passed).count();
    let pattern_config = RecurrentConfig::preset(RecurrentTask::Pattern);
    let cue_config = RecurrentConfig::preset(RecurrentTask::Cue);
    let smoke = super::smoke_note(options, "every run was");
    let markdown = format!(
        r#"# Through time: reproduction report

Made by `brainprop reproduce through-time` (seeds {seeds}; {time:.0} s of wall time on {threads}
threads). Every number is the mean ± sample standard deviation over the seeds. Networks: {inputs}
Poisson inputs at {rate} Hz, {neurons} recurrent LIF neurons (τ_m 30 ms, threshold 1, reset by
subtraction) or, for RFLO, {neurons} tanh rate units (τ 30 ms), a leaky readout (τ 30 ms), dt = 1 ms,
Adam; the gradient of BPTT and e-prop uses the pseudo-derivative ψ = 0.3·max(0, 1 − |v − A|).
{smoke}
## Claims ({passed} of {total} met)

{checks}
## 1. Pattern generation ({duration:.0} ms, {iterations} iterations at lr {lr})

![pattern](through-time-pattern.svg)

{pattern_table}
The cosine is taken over the input and recurrent weights on the trial of the last metric row
(every method's readout gradient is exact). e-prop leaves out the paths through other neurons;
with these weak initial recurrent weights those paths matter little, so symmetric e-prop's
update is close to BPTT's. RFLO's network is a different (rate) network: its cosine is with the
BPTT gradient of that network.

## 2. The memory problem

![memory](through-time-memory.svg)

Bytes each method holds to learn from one trial ({neurons} neurons, {inputs} inputs), read from
its live buffers after the trial:

{memory_table}
BPTT keeps v, a, z and ψ of every neuron and the readout at every step; e-prop keeps two
eligibility components and one filtered trace per synapse, whatever the trial's length; RFLO one
trace per synapse.

## 3. Delayed cue ({cue_duration:.0} ms, half the neurons ALIF, {cue_iterations} iterations at lr {cue_lr})

A cue from one of two input groups in the first 100 ms, silence, then a go signal in the last
150 ms, when the readout must say which cue it was; each iteration is a fresh trial. Correct
trials in the last 10 iterations:

{cue_table}
"#,
        threads = options.threads,
        time = time.as_secs_f64(),
        inputs = pattern_config.inputs,
        rate = pattern_config.input_rate,
        neurons = pattern_config.neurons,
        total = checks.len(),
        checks = checks_markdown(&checks),
        duration = pattern_config.duration,
        iterations = options.epochs.unwrap_or(pattern_config.iterations),
        lr = pattern_config.lr,
        pattern_table = markdown_table(
            &["method", "first loss", "final loss", "fall", "cosine with BPTT (last row)", "rate (Hz)"],
            &pattern_rows
        ),
        memory_table = markdown_table(&["trial (ms)", "BPTT (kB)", "e-prop (kB)", "RFLO (kB)"], &memory_rows),
        cue_duration = cue_config.duration,
        cue_iterations = options.epochs.unwrap_or(cue_config.iterations),
        cue_lr = cue_config.lr,
        cue_table = markdown_table(&["method", "correct", "final loss"], &cue_rows),
    );
    Report { name: REPORT_NAME.into(), markdown, figures, checks }
}
