//! SVG figures of the Bursts chapter, drawn with the same plotters chart code as the page
//! ([`crate::charts`]): the multiplexing traces and the plasticity rule's frequency curve.

use super::plasticity::FrequencyPoint;
use crate::charts::{self, LineChart, Series};
use crate::rule::MetricTable;
use plotters::prelude::{IntoDrawingArea, SVGBackend};

/// `(time, value)` pairs of one column of a multiplexing metric table, z-scored so that streams in
/// different units can share an axis. Empty if the column is missing.
fn standardized(table: &MetricTable, column: &str) -> Vec<(f64, f64)> {
    let (Some(time), Some(values)) = (table.column("time_s"), table.column(column)) else {
        return Vec::new();
    };
    let (mean, sd) = crate::metrics::mean_sd(&values);
    let sd = if sd > 0.0 && sd.is_finite() { sd } else { 1.0 };
    time.into_iter().zip(values).map(|(t, v)| (t, (v - mean) / sd)).collect()
}

fn series(table: &MetricTable, column: &str, name: &str, color: usize) -> Series {
    Series { name: name.into(), points: standardized(table, column), color }
}

/// Three charts of a [`super::Multiplexing`] run, every stream z-scored: the event rate and
/// the depressing read-out against the somatic input; the burst probability against the
/// dendritic input; the burst rate and the facilitating read-out.
pub fn multiplexing_charts(table: &MetricTable) -> Vec<LineChart> {
    let chart = |title: &str, series: Vec<Series>| LineChart {
        title: title.into(),
        x_label: "time (s)".into(),
        y_label: "z-score".into(),
        series,
        y_range: None,
        ..LineChart::default()
    };
    vec![
        chart(
            "Event rate follows the somatic input",
            vec![
                series(table, "somatic_input", "somatic input", 6),
                series(table, "event_rate", "event rate", 0),
                series(table, "depressing_readout", "depressing synapses", 5),
            ],
        ),
        chart(
            "Burst probability follows the dendritic input",
            vec![
                series(table, "dendritic_input", "dendritic input", 6),
                series(table, "burst_prob", "burst probability", 1),
            ],
        ),
        chart(
            "Facilitating synapses pass the burst rate",
            vec![
                series(table, "burst_rate", "burst rate", 2),
                series(table, "facilitating_readout", "facilitating synapses", 3),
            ],
        ),
    ]
}

/// The multiplexing charts stacked in one SVG document, each `width × height` pixels.
pub fn multiplexing_svg(table: &MetricTable, width: u32, height: u32) -> Result<String, String> {
    let charts = multiplexing_charts(table);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height * charts.len() as u32)).into_drawing_area();
        for (area, chart) in root.split_evenly((charts.len(), 1)).iter().zip(&charts) {
            charts::draw(area, chart)?;
        }
    }
    Ok(out)
}

/// The weight change (in percent of the initial weight) against pairing frequency, with a line
/// at zero.
pub fn plasticity_chart(curve: &[FrequencyPoint]) -> LineChart {
    let points: Vec<(f64, f64)> = curve.iter().map(|p| (p.frequency_hz, p.relative_change * 100.0)).collect();
    let span = points.iter().map(|p| p.0).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    let zero = if span.0.is_finite() { vec![(span.0, 0.0), (span.1, 0.0)] } else { Vec::new() };
    LineChart {
        title: "Burst-dependent plasticity: pairing frequency".into(),
        x_label: "pairing frequency (Hz)".into(),
        y_label: "weight change (%)".into(),
        series: vec![
            Series { name: "no change".into(), points: zero, color: 6 },
            Series { name: "burst-dependent rule".into(), points, color: 1 },
        ],
        y_range: None,
        ..LineChart::default()
    }
}

/// [`plasticity_chart`] as an SVG document of `width × height` pixels.
pub fn plasticity_svg(curve: &[FrequencyPoint], width: u32, height: u32) -> Result<String, String> {
    charts::svg(&plasticity_chart(curve), width, height)
}
