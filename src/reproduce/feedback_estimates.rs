//! The Random feedback report's estimates section: how good each rule's hidden-layer update is
//! as an estimate of the gradient ([`crate::rules::gradient_estimates`]), over several seeds.

use super::{chart, mean_curve_against, mean_pm_sd, run_all, Check, Figure, Job, Options};
use crate::charts::{self, Series};
use crate::data::DataStore;
use crate::experiment::Experiment;
use crate::rule::MetricTable;
use crate::rules::gradient_estimates::{EstimatesConfig, RULES};
use crate::rules::RuleId;
use crate::Result;

/// The section's title and Markdown body, its figure and its claims.
pub struct Section {
    pub title: String,
    pub body: String,
    pub figure: Figure,
    pub checks: Vec<Check>,
}

/// Chart colour of each measured rule: the page's (www/chapters/feedback/figures.js RULES).
fn color(rule: RuleId) -> usize {
    match rule {
        RuleId::Bp => 0,
        RuleId::Fa => 1,
        RuleId::Sign => 3,
        RuleId::Np => 6,
        _ => 7,
    }
}

/// Runs the estimates model (its default settings) once per seed of `options`.
pub fn section(store: &DataStore, options: &Options) -> Result<Section> {
    let config = EstimatesConfig::default();
    let jobs: Vec<Job> = options
        .seeds
        .iter()
        .map(|&seed| Job {
            label: format!("estimates seed {seed}"),
            experiment: Experiment::Estimates(EstimatesConfig { seed, ..config.clone() }),
        })
        .collect();
    let tables = run_all(&jobs, store, options.threads, options.progress)?;
    Ok(write(&tables.iter().collect::<Vec<_>>(), &config))
}

/// The rows of one width of each table, as tables of their own.
fn at_width(tables: &[&MetricTable], width: usize) -> Vec<MetricTable> {
    tables
        .iter()
        .map(|t| {
            let mut rows = MetricTable { columns: t.columns.clone(), rows: Vec::new() };
            let w = t.columns.iter().position(|c| c == "width").expect("a width column");
            rows.rows = t.rows.iter().filter(|r| r[w] == width as f64).cloned().collect();
            rows
        })
        .collect()
}

fn write(tables: &[&MetricTable], config: &EstimatesConfig) -> Section {
    let ks = config.ks();
    let widths = &config.widths;
    let middle = widths[widths.len() / 2];
    let by_width: Vec<Vec<MetricTable>> = widths.iter().map(|&w| at_width(tables, w)).collect();
    let middle_tables: Vec<&MetricTable> = by_width[widths.len() / 2].iter().collect();
    let per_k = chart(
        &format!("784-{middle}-10: cosine with the true gradient"),
        "log₂ k (minibatch estimates averaged)",
        "cosine",
        RULES
            .iter()
            .map(|&r| Series {
                name: r.name().to_uppercase(),
                points: mean_curve_against(&middle_tables, "k", r.name(), f64::log2),
                color: color(r),
            })
            .collect(),
        Some((-0.1, 1.0)),
    );
    // Each seed's cosine for `rule` at width index `width` and row `row` (k = 2^row), and the
    // mean over seeds against the width.
    let values = |rule: RuleId, width: usize, row: usize| -> Vec<f64> {
        by_width[width].iter().map(|t| t.column(rule.name()).unwrap_or_default()[row]).collect()
    };
    let mean = |v: &[f64]| crate::metrics::mean_sd(v).0;
    let at = |rule: RuleId, row: usize| -> Vec<(f64, f64)> {
        widths.iter().enumerate().map(|(i, &w)| (w as f64, mean(&values(rule, i, row)))).collect()
    };
    let last = ks.len() - 1;
    let per_width = |row: usize| {
        chart(
            &format!("Against width, k = {}", ks[row]),
            "hidden units",
            "cosine",
            RULES
                .iter()
                .map(|&r| Series { name: r.name().to_uppercase(), points: at(r, row), color: color(r) })
                .collect(),
            Some((-0.1, 1.0)),
        )
    };
    let svg =
        charts::svg_row(&[per_k, per_width(0), per_width(last)], 420, 340).unwrap_or_else(|e| format!("<!-- {e} -->"));
    let figure = Figure { file: "feedback-estimates.svg".into(), svg };

    // ---- numbers: mean over seeds at each width, k = 1 and the largest k.
    let mut rows = Vec::new();
    for (i, &w) in widths.iter().enumerate() {
        let mut row = vec![w.to_string()];
        for &r in &RULES {
            row.push(format!("{} → {}", mean_pm_sd(&values(r, i, 0), 1.0, 2), mean_pm_sd(&values(r, i, last), 1.0, 2)));
        }
        rows.push(row);
    }
    let mut header = vec!["width".to_string()];
    header.extend(RULES.iter().map(|r| format!("{}: k = 1 → {}", r.name().to_uppercase(), ks[last])));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let table = super::markdown_table(&header, &rows);

    // An unbiased estimate with noise far larger than its signal has a cosine that grows like √k
    // while it is small: 512 estimates should multiply it by about 20; ask for 5.
    let climbs = |rule: RuleId| {
        (0..widths.len()).all(|i| {
            let (first, end) = (mean(&values(rule, i, 0)), mean(&values(rule, i, last)));
            end > 0.0 && end > 5.0 * first.max(0.0)
        })
    };
    // A biased estimate levels off: the last doubling of k changes its cosine by little, while
    // the unbiased node perturbation keeps climbing.
    let last_doubling = |rule: RuleId, i: usize| mean(&values(rule, i, last)) - mean(&values(rule, i, last - 1));
    let levels_off = |rule: RuleId| (0..widths.len()).all(|i| last_doubling(rule, i).abs() < 0.02);
    let describe = |rule: RuleId| {
        (0..widths.len()).map(|i| format!("{:+.3}", last_doubling(rule, i))).collect::<Vec<_>>().join(" / ")
    };
    let checks = vec![
        Check {
            claim: format!("NP and WP, unbiased, climb with k at every width (k = {} at least 5× k = 1)", ks[last]),
            measured: format!(
                "NP {}; WP {}",
                (0..widths.len())
                    .map(|i| format!("{:.2}→{:.2}", mean(&values(RuleId::Np, i, 0)), mean(&values(RuleId::Np, i, last))))
                    .collect::<Vec<_>>()
                    .join(", "),
                (0..widths.len())
                    .map(|i| format!("{:.3}→{:.3}", mean(&values(RuleId::Wp, i, 0)), mean(&values(RuleId::Wp, i, last))))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            passed: climbs(RuleId::Np) && climbs(RuleId::Wp),
        },
        Check {
            claim: "FA and sign symmetry level off: the last doubling of k moves their cosine by < 0.02, while NP's still climbs".into(),
            measured: format!(
                "last doubling, per width: FA {}; sign {}; NP {}",
                describe(RuleId::Fa),
                describe(RuleId::Sign),
                describe(RuleId::Np)
            ),
            passed: levels_off(RuleId::Fa)
                && levels_off(RuleId::Sign)
                && (0..widths.len()).all(|i| last_doubling(RuleId::Np, i) > 0.05),
        },
    ];
    let widths_text = widths.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(", ");
    let markdown = format!(
        r#"![estimates](feedback-estimates.svg)

For one network state (784-w-10 sigmoid, w = {widths_text}, after {warmup} epoch(s) of feedback
alignment at its preset, so FA's forward weights have begun to align with B), {m} minibatches of
{batch}: each rule's estimate of the hidden layer's gradient ∂L/∂W₀ on each minibatch, compared by
its cosine with the true gradient on all 8,000 training digits, and the cosine of the average of
k = 1, 2, 4, … {kmax} consecutive estimates (mean ± sd over seeds; perturbation σ = {sigma}).
Backprop's estimate is exact for its minibatch, so its only noise is the choice of minibatch and
it climbs to 1. Node and weight perturbation are unbiased too, and climb, but slowly: their noise
grows with the number of perturbed units (NP) or weights (WP, tens of thousands). Feedback
alignment and sign symmetry level off at the cosine of their mean: their bias. DFA is FA here (one hidden layer). Kolen–Pollack is not shown: at a fixed state
it is FA with its current B.

{table}"#,
        warmup = config.warmup,
        m = config.estimates,
        batch = config.batch,
        kmax = ks[last],
        sigma = config.perturbation,
    );
    let title = format!("How good is each estimate? Cosine with the true gradient, 784-w-10, w = {widths_text}");
    Section { title, body: markdown, figure, checks }
}
