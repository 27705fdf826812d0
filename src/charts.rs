//! Line charts with axes and a legend, drawn by plotters on any backend: a `<canvas>` on the page
//! (through `src/bin/ui.rs`) and SVG files in the CLI. One drawing function serves both.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

/// One curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Index into [`PALETTE`].
    #[serde(default)]
    pub color: usize,
}

/// A chart: curves sharing axes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LineChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    /// Fixed y range; fitted to the data when absent.
    #[serde(default)]
    pub y_range: Option<(f64, f64)>,
    /// Font scale for high-density canvases (1 for SVG).
    #[serde(default = "one")]
    pub scale: f64,
}

fn one() -> f64 {
    1.0
}

/// Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
pub const PALETTE: [(u8, u8, u8); 8] = [
    (0, 114, 178),
    (213, 94, 0),
    (0, 158, 115),
    (204, 121, 167),
    (230, 159, 0),
    (86, 180, 233),
    (120, 120, 120),
    (240, 228, 66),
];

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) =
        values.filter(|v| v.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() {
        (0.0, 1.0)
    } else if hi - lo < 1e-9 {
        (lo - 0.5, hi + 0.5)
    } else {
        let pad = 0.05 * (hi - lo);
        (lo - pad, hi + pad)
    }
}

/// Axis tick text: whole numbers without a decimal point (epochs), others with up to 3 decimals.
fn tick_label(x: &f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round())
    } else {
        format!("{x:.3}").trim_end_matches('0').to_string()
    }
}

/// Draws `chart` onto `area`. The caller presents the root area once everything is drawn
/// (presenting a sub-area of an SVG document would close the document early).
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, chart: &LineChart) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&WHITE).map_err(err)?;
    let all = || chart.series.iter().flat_map(|s| s.points.iter());
    let (x0, x1) = range(all().map(|p| p.0));
    let (y0, y1) = chart.y_range.unwrap_or_else(|| range(all().map(|p| p.1)));
    let font = |size: f64| ("sans-serif", (size * chart.scale).round() as u32);
    let mut ctx = ChartBuilder::on(area)
        .caption(&chart.title, font(16.0))
        .margin((8.0 * chart.scale) as u32)
        .x_label_area_size((34.0 * chart.scale) as u32)
        .y_label_area_size((48.0 * chart.scale) as u32)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    ctx.configure_mesh()
        .x_label_formatter(&tick_label)
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .label_style(font(12.0))
        .axis_desc_style(font(13.0))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(err)?;
    for s in &chart.series {
        let (r, g, b) = PALETTE[s.color % PALETTE.len()];
        let color = RGBColor(r, g, b);
        let width = (2.0 * chart.scale).round() as u32;
        let points = s.points.iter().copied().filter(|p| p.0.is_finite() && p.1.is_finite());
        ctx.draw_series(LineSeries::new(points, color.stroke_width(width)))
            .map_err(err)?
            .label(s.name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(width)));
    }
    if chart.series.iter().any(|s| !s.name.is_empty()) {
        ctx.configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .label_font(font(12.0))
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(err)?;
    }
    Ok(())
}

/// Renders `chart` as an SVG document of `width × height` pixels.
pub fn svg(chart: &LineChart, width: u32, height: u32) -> Result<String, String> {
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw(&area, chart)?;
        area.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Renders several charts side by side in one SVG document, each `width × height` pixels.
pub fn svg_row(charts: &[LineChart], width: u32, height: u32) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width * charts.len() as u32, height)).into_drawing_area();
        for (area, chart) in root.split_evenly((1, charts.len().max(1))).iter().zip(charts) {
            draw(area, chart)?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_drop_needless_decimals() {
        assert_eq!(tick_label(&5.0), "5");
        assert_eq!(tick_label(&0.30000000000000004), "0.3");
        assert_eq!(tick_label(&2.25), "2.25");
    }

    #[test]
    fn svg_contains_every_series_name_and_axis_label() {
        let chart = LineChart {
            title: "Test accuracy".into(),
            x_label: "epoch".into(),
            y_label: "accuracy".into(),
            series: vec![
                Series { name: "bp".into(), points: vec![(0.0, 0.1), (1.0, 0.9)], color: 0 },
                Series { name: "fa".into(), points: vec![(0.0, 0.1), (1.0, f64::NAN), (2.0, 0.8)], color: 1 },
            ],
            y_range: None,
            scale: 1.0,
        };
        let svg = svg(&chart, 400, 300).unwrap();
        for text in ["Test accuracy", "epoch", "accuracy", "\nbp\n", "\nfa\n", "<polyline"] {
            assert!(svg.contains(text), "SVG lacks {text}");
        }
        let row = svg_row(&[chart.clone(), chart], 400, 300).unwrap();
        assert_eq!(row.matches("<svg").count(), 1, "one document");
        assert!(row.trim_end().ends_with("</svg>") && row.matches("</svg>").count() == 1, "closed once, at the end");
        assert_eq!(row.matches("Test accuracy").count(), 2);
    }
}
