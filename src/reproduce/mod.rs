//! Headless reproductions of each chapter: run its figures' experiments over several seeds and
//! write a Markdown report with SVG figures and a table of our numbers beside the published ones.
//!
//! The CLI's `brainprop reproduce <chapter>` calls these; nothing here touches the browser. Runs
//! are spread over threads (each run is single-threaded and deterministic for its seed, so the
//! numbers do not depend on the thread count).

pub mod dendrites;
pub mod feedback;
pub mod feedback_estimates;
pub mod nudging;
pub mod segregated_dendrites;
pub mod spikes;
pub mod through_time;

use crate::charts::{LineChart, Series};
use crate::data::DataStore;
use crate::experiment::Experiment;
use crate::metrics::mean_sd;
use crate::rule::MetricTable;
use crate::Result;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// A finished report: Markdown that links its figures by file name.
#[derive(Debug, Clone)]
pub struct Report {
    /// File stem, e.g. `"feedback"` for `feedback.md`.
    pub name: String,
    pub markdown: String,
    pub figures: Vec<Figure>,
    /// Every "must show" claim and whether this run met it.
    pub checks: Vec<Check>,
}

/// One SVG file of a report.
#[derive(Debug, Clone)]
pub struct Figure {
    pub file: String,
    pub svg: String,
}

/// A claim of the chapter, tested against the numbers of this run.
#[derive(Debug, Clone)]
pub struct Check {
    pub claim: String,
    pub measured: String,
    pub passed: bool,
}

/// How much to run.
pub struct Options<'a> {
    /// One run per seed for every experiment.
    pub seeds: Vec<u64>,
    /// Overrides every run's epoch count (for quick smoke runs; the report says so).
    pub epochs: Option<u32>,
    /// Worker threads.
    pub threads: usize,
    /// Told `"<rule> <what> seed <n> done"` after each run.
    pub progress: &'a (dyn Fn(&str) + Sync),
}

/// Trains `experiment` to its last epoch and returns its metric table.
pub fn run_to_end(experiment: &Experiment, store: &DataStore) -> Result<MetricTable> {
    let mut model = experiment.build(store)?;
    loop {
        if model.step(256)?.finished {
            return Ok(model.metrics().clone());
        }
    }
}

/// A run to do: what, and a label for progress messages.
pub struct Job {
    pub label: String,
    pub experiment: Experiment,
}

/// Runs every job to its end on up to `threads` threads; results come back in job order.
///
/// Errors: the first job's error (e.g. a diverged run), in job order.
pub fn run_all(
    jobs: &[Job],
    store: &DataStore,
    threads: usize,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Vec<MetricTable>> {
    run_each(jobs, store, threads, progress).into_iter().collect()
}

/// [`run_all`], keeping each job's own outcome: a run that fails (e.g. diverges) does not stop the
/// others (for sweeps, where some settings are expected to diverge).
pub fn run_each(
    jobs: &[Job],
    store: &DataStore,
    threads: usize,
    progress: &(dyn Fn(&str) + Sync),
) -> Vec<Result<MetricTable>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<MetricTable>>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, jobs.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let result = run_to_end(&job.experiment, store);
                progress(&job.label);
                results.lock().expect("no thread panics while holding the lock")[i] = Some(result);
            });
        }
    });
    results.into_inner().expect("threads have finished").into_iter().map(|r| r.expect("every job ran")).collect()
}

/// The per-epoch mean over runs of one column, as chart points (epoch, mean).
pub fn mean_curve(tables: &[&MetricTable], column: &str) -> Vec<(f64, f64)> {
    mean_curve_against(tables, "epoch", column, |x| x)
}

/// The per-row mean over runs of column `y`, against column `x` of the first run mapped by
/// `map_x`, as chart points; rows that not every run has are left out.
pub fn mean_curve_against(tables: &[&MetricTable], x: &str, y: &str, map_x: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    let Some(first) = tables.first() else { return Vec::new() };
    let xs = first.column(x).unwrap_or_default();
    let columns: Vec<Vec<f64>> = tables.iter().map(|t| t.column(y).unwrap_or_default()).collect();
    xs.iter()
        .enumerate()
        .filter_map(|(row, &xv)| {
            let values: Vec<f64> = columns.iter().filter_map(|c| c.get(row).copied()).collect();
            (values.len() == tables.len()).then(|| (map_x(xv), mean_sd(&values).0))
        })
        .collect()
}

/// A chart series of the mean curve.
pub fn mean_series(name: &str, color: usize, tables: &[&MetricTable], column: &str) -> Series {
    Series { name: name.into(), points: mean_curve(tables, column), color }
}

/// A chart of curves against the epoch: `series` on a `y_label` axis over `y_range` (`None`:
/// fitted to the data).
pub fn epoch_chart(title: &str, y_label: &str, series: Vec<Series>, y_range: Option<(f64, f64)>) -> LineChart {
    chart(title, "epoch", y_label, series, y_range)
}

/// A chart of `series` against `x_label` on a `y_label` axis over `y_range` (`None`: fitted).
pub fn chart(title: &str, x_label: &str, y_label: &str, series: Vec<Series>, y_range: Option<(f64, f64)>) -> LineChart {
    LineChart {
        title: title.into(),
        x_label: x_label.into(),
        y_label: y_label.into(),
        series,
        y_range,
        ..LineChart::default()
    }
}

/// Test accuracy against the epoch, on `[0, 1]`.
pub fn accuracy_chart(title: &str, series: Vec<Series>) -> LineChart {
    epoch_chart(title, "test accuracy", series, Some((0.0, 1.0)))
}

/// Angles (degrees) against the epoch, on `[0, 100]`, with a grey 90° line (no alignment) up to
/// `epochs` after `series`.
pub fn angle_chart(title: &str, mut series: Vec<Series>, epochs: f64) -> LineChart {
    series.push(Series { name: "90°".into(), points: vec![(0.0, 90.0), (epochs, 90.0)], color: 6 });
    epoch_chart(title, "angle (degrees)", series, Some((0.0, 100.0)))
}

/// The final value of `column` in each run.
pub fn finals(tables: &[&MetricTable], column: &str) -> Vec<f64> {
    tables.iter().map(|t| t.last(column).unwrap_or(f64::NAN)).collect()
}

/// The first value of `column` in each run (row 0: the untrained network).
pub fn firsts(tables: &[&MetricTable], column: &str) -> Vec<f64> {
    tables.iter().map(|t| t.column(column).and_then(|c| c.first().copied()).unwrap_or(f64::NAN)).collect()
}

/// `mean ± sd` of `values × scale` with `decimals` digits.
pub fn mean_pm_sd(values: &[f64], scale: f64, decimals: usize) -> String {
    let scaled: Vec<f64> = values.iter().map(|v| v * scale).collect();
    let (mean, sd) = mean_sd(&scaled);
    format!("{mean:.decimals$} ± {sd:.decimals$}")
}

/// A Markdown table.
pub fn markdown_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("| {} |\n|{}\n", header.join(" | "), "---|".repeat(header.len()));
    for row in rows {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

/// The report's warning that `--epochs` cut every run of `what` short (empty for a full run).
pub fn smoke_note(options: &Options, what: &str) -> String {
    match options.epochs {
        Some(e) => format!(
            "\n> **Smoke run:** {what} cut to {e} epoch(s) with `--epochs`; these are not the chapter's numbers.\n"
        ),
        None => String::new(),
    }
}

/// The checks as a Markdown list with ✅/❌.
pub fn checks_markdown(checks: &[Check]) -> String {
    checks
        .iter()
        .map(|c| format!("- {} {} — measured: {}\n", if c.passed { "✅" } else { "❌" }, c.claim, c.measured))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[[f64; 2]]) -> MetricTable {
        let mut t = MetricTable::new(&["epoch", "acc"]);
        for r in rows {
            t.push(r.to_vec());
        }
        t
    }

    #[test]
    fn mean_curve_averages_runs_epoch_by_epoch() {
        let a = table(&[[0.0, 0.1], [1.0, 0.5]]);
        let b = table(&[[0.0, 0.3], [1.0, 0.9]]);
        let curve = mean_curve(&[&a, &b], "acc");
        assert_eq!(curve.len(), 2);
        assert!((curve[0].1 - 0.2).abs() < 1e-12 && (curve[1].1 - 0.7).abs() < 1e-12);
    }

    #[test]
    fn mean_pm_sd_formats_scaled_values() {
        assert_eq!(mean_pm_sd(&[0.9, 0.92], 100.0, 1), "91.0 ± 1.4");
    }
}
