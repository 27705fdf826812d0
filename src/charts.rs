//! Line charts with axes and a legend, drawn by plotters on any backend: a `<canvas>` on the page
//! (through `src/bin/ui.rs`) and SVG files in the CLI. One drawing function serves both.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Draw the numbers of each axis (false where the page writes its own over them, e.g. the
    /// powers of ten of a log axis).
    #[serde(default = "yes")]
    pub x_tick_labels: bool,
    #[serde(default = "yes")]
    pub y_tick_labels: bool,
}

fn yes() -> bool {
    true
}

impl Default for LineChart {
    /// No title, labels or series; fitted y range; scale 1; every tick labelled.
    fn default() -> Self {
        Self {
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            series: Vec::new(),
            y_range: None,
            scale: 1.0,
            x_tick_labels: true,
            y_tick_labels: true,
        }
    }
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

/// Tick labels per axis (about; plotters picks round values).
pub const Y_LABELS: usize = 6;
pub const X_LABELS: usize = 8;
/// The narrowest span an axis gets, relative to the magnitude of its values: a flat series
/// (say 0.693147 + k·3e-7) still gets ticks that read differently.
pub const MIN_RELATIVE_SPAN: f64 = 1e-3;

/// The axis range for `values`: their extent padded by 5 %, at least [`MIN_RELATIVE_SPAN`] of
/// their magnitude wide, and never below 0 when every value is ≥ 0 (no negative epochs).
pub fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) =
        values.filter(|v| v.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let magnitude = lo.abs().max(hi.abs());
    let min_span = if magnitude > 0.0 { MIN_RELATIVE_SPAN * magnitude } else { 1.0 };
    let flat = hi - lo < min_span;
    let (a, b) = if flat {
        let middle = (lo + hi) / 2.0;
        (middle - min_span / 2.0, middle + min_span / 2.0)
    } else {
        let pad = 0.05 * (hi - lo);
        (lo - pad, hi + pad)
    };
    match (lo >= 0.0 && a < 0.0, flat) {
        (true, true) => (0.0, b - a), // slid up, keeping its width
        (true, false) => (0.0, b),
        _ => (a, b),
    }
}

/// The text of a tick at `x` on an axis over `(lo, hi)` with about `labels` ticks: as many
/// decimals as the tick spacing needs to tell neighbours apart and no more; `1.5e14` style when
/// the values are huge (≥ 10⁵) or tiny (< 10⁻³), so that a label stays under 9 characters.
pub fn tick_label(x: f64, lo: f64, hi: f64, labels: usize) -> String {
    let step = ((hi - lo) / labels.max(1) as f64).abs().max(f64::MIN_POSITIVE);
    let magnitude = lo.abs().max(hi.abs());
    if x == 0.0 || x.abs() < step * 1e-6 {
        return "0".into();
    }
    let trim = |t: String| -> String {
        if t.contains('.') {
            t.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            t
        }
    };
    if !(1e-3..1e5).contains(&magnitude) {
        let exponent = magnitude.log10().floor() as i32;
        let scale = 10f64.powi(exponent);
        let decimals = (-(step / scale).log10()).ceil().clamp(0.0, 4.0) as usize;
        format!("{}e{exponent}", trim(format!("{:.decimals$}", x / scale)))
    } else {
        let decimals = (-step.log10()).ceil().clamp(0.0, 8.0) as usize;
        trim(format!("{x:.decimals$}"))
    }
}

/// Pixels a label area needs for the longest of `labels` at font size `size`, plus `extra`.
fn label_room(labels: &[String], size: f64, extra: f64) -> u32 {
    let chars = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1) as f64;
    (chars * 0.62 * size + extra).ceil() as u32
}

/// Where `draw` put the data: the pixels (of the backend, from its top left) of the x range's
/// ends and the y range's ends, and those ranges. The page lays its own labels, bands and log-axis
/// numbers over the chart with these.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PlotArea {
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
    pub x: (f64, f64),
    pub y: (f64, f64),
}

/// Measures `text` in `style`: its width and height in pixels.
pub type Measure<'m> = dyn Fn(&str, &TextStyle) -> Result<(u32, u32), String> + 'm;

/// Who measures and lays out the caption and the legend. `draw` does both itself, through a
/// `Measure`: plotters' own caption and legend measure text with its font code, which on wasm
/// puts a `style` attribute on a span in the page (refused under a strict Content-Security-Policy).
/// `Plotters` is kept for the tests, which check that both give the same picture.
enum Layout<'m> {
    Own(&'m Measure<'m>),
    #[cfg(test)]
    Plotters,
}

/// Draws `chart` onto `area`, measuring text with the backend (the SVG output). The caller
/// presents the root area once everything is drawn (presenting a sub-area of an SVG document
/// would close the document early).
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, chart: &LineChart) -> Result<PlotArea, String> {
    let measure = |text: &str, style: &TextStyle| area.estimate_text_size(text, style).map_err(|e| e.to_string());
    draw_with(area, chart, Layout::Own(&measure))
}

/// `draw`, with text measured by `measure` (the page's canvas: measured in the page's own fonts).
pub fn draw_measured<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &LineChart,
    measure: &Measure,
) -> Result<PlotArea, String> {
    draw_with(area, chart, Layout::Own(measure))
}

fn draw_with<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &LineChart,
    layout: Layout,
) -> Result<PlotArea, String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&WHITE).map_err(err)?;
    let all = || chart.series.iter().flat_map(|s| s.points.iter());
    let (x0, x1) = range(all().map(|p| p.0));
    let (y0, y1) = chart.y_range.unwrap_or_else(|| range(all().map(|p| p.1)));
    let font = |size: f64| ("sans-serif", (size * chart.scale).round() as u32);
    // As many ticks as fit: about one per 64 px across and one per 40 px up (at most 8 and 6).
    let (width, height) = area.dim_in_pixel();
    let x_count = ((f64::from(width) / (64.0 * chart.scale)) as usize).clamp(2, X_LABELS);
    let y_count = ((f64::from(height) / (40.0 * chart.scale)) as usize).clamp(2, Y_LABELS);
    let x_label = |x: &f64| if chart.x_tick_labels { tick_label(*x, x0, x1, x_count) } else { String::new() };
    let y_label = |y: &f64| if chart.y_tick_labels { tick_label(*y, y0, y1, y_count) } else { String::new() };
    // Room for the longest tick label and, beside it, the axis title (so they never overlap).
    let widest: Vec<String> =
        [y0, y1, (y0 + y1) / 2.0, y0 + (y1 - y0) / 3.0].iter().map(|y| tick_label(*y, y0, y1, y_count)).collect();
    let y_room = label_room(&widest, 12.0, 13.0 + 16.0).max(40) as f64;
    let margin = (8.0 * chart.scale) as i32;
    let below_caption = match layout {
        Layout::Own(measure) => {
            caption(&area.margin(margin, margin, margin, margin), &chart.title, font(16.0), measure)?
        }
        #[cfg(test)]
        Layout::Plotters => area.clone(),
    };
    let mut builder = ChartBuilder::on(&below_caption);
    #[cfg(test)]
    if let Layout::Plotters = layout {
        builder.caption(&chart.title, font(16.0)).margin(margin as u32);
    }
    let mut ctx = builder
        .x_label_area_size((34.0 * chart.scale) as u32)
        .y_label_area_size((y_room * chart.scale) as u32)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    ctx.configure_mesh()
        .x_labels(x_count)
        .y_labels(y_count)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .label_style(font(12.0))
        .axis_desc_style(font(13.0))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(err)?;
    let mut legend = Vec::new();
    for s in &chart.series {
        let (r, g, b) = PALETTE[s.color % PALETTE.len()];
        let color = RGBColor(r, g, b);
        let width = (2.0 * chart.scale).round() as u32;
        let points = s.points.iter().copied().filter(|p| p.0.is_finite() && p.1.is_finite());
        let anno = ctx.draw_series(LineSeries::new(points, color.stroke_width(width))).map_err(err)?;
        #[cfg(test)]
        if let Layout::Plotters = layout {
            anno.label(s.name.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(width)));
        }
        #[cfg(not(test))]
        let _ = anno;
        legend.push((s.name.as_str(), color.stroke_width(width)));
    }
    if chart.series.iter().any(|s| !s.name.is_empty()) {
        let label_style: TextStyle = font(12.0).into_font().into();
        match layout {
            Layout::Own(measure) => {
                draw_legend(&ctx.plotting_area().strip_coord_spec(), &legend, &label_style, measure)?
            }
            #[cfg(test)]
            Layout::Plotters => ctx
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(RGBColor(200, 200, 200))
                .label_font(label_style)
                .position(SeriesLabelPosition::LowerRight)
                .draw()
                .map_err(err)?,
        }
    }
    let (left, top) = ctx.backend_coord(&(x0, y1));
    let (right, bottom) = ctx.backend_coord(&(x1, y0));
    Ok(PlotArea { left, top, right, bottom, x: (x0, x1), y: (y0, y1) })
}

/// Draws `title` centred at the top of `area`, as tall as `measure` finds it with up to 5 px above
/// and below, and returns the area under it (the layout of plotters' own chart caption). A title
/// wider than the area is broken between words and, if it still does not fit, set smaller
/// ([`title_lines`]), so that a phone-width chart shows all of it.
fn caption<'a, DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    font: impl IntoFont<'a>,
    measure: &Measure,
) -> Result<DrawingArea<DB, Shift>, String> {
    let (width, _) = area.dim_in_pixel();
    let (lines, style) = title_lines(title, width, font.into_font().into(), measure)?;
    let mut height = 0;
    for line in &lines {
        height = height.max(measure(line, &style)?.1);
    }
    let gap = (height / 5) as i32;
    let pad = (height / 2).min(5) as i32;
    let centred = style.pos(Pos::new(HPos::Center, VPos::Top));
    for (k, line) in lines.iter().enumerate() {
        let top = pad + k as i32 * (height as i32 + gap);
        area.draw_text(line, &centred, (width as i32 / 2, top)).map_err(|e| e.to_string())?;
    }
    let block = lines.len() as i32 * height as i32 + (lines.len() as i32 - 1) * gap;
    Ok(area.margin(2 * pad + block, 0, 0, 0))
}

/// The lines and the type a title is drawn in so that it fits `width` px: one line in `style` if
/// it fits, else broken between words into as few lines as fit; when that takes more than two
/// lines, or a single word is wider than `width`, the size steps down (to 3/4 at the least) until
/// two lines fit. What still does not fit at 3/4 is drawn in lines at 3/4.
fn title_lines<'a>(
    title: &str,
    width: u32,
    style: TextStyle<'a>,
    measure: &Measure,
) -> Result<(Vec<String>, TextStyle<'a>), String> {
    let size = style.font.get_size();
    let mut last = None;
    for step in 0..=4 {
        let style = TextStyle { font: style.font.resize(size * (1.0 - 0.0625 * f64::from(step))), ..style.clone() };
        let mut lines: Vec<String> = Vec::new();
        for word in title.split_whitespace() {
            let joined = match lines.last() {
                Some(line) => format!("{line} {word}"),
                None => word.to_string(),
            };
            if !lines.is_empty() && measure(&joined, &style)?.0 <= width {
                *lines.last_mut().expect("not empty") = joined;
            } else {
                lines.push(word.to_string());
            }
        }
        if lines.is_empty() {
            lines.push(String::new());
        }
        let mut fits = lines.len() <= 2;
        for line in &lines {
            fits &= measure(line, &style)?.0 <= width;
        }
        if fits {
            return Ok((lines, style));
        }
        last = Some((lines, style));
    }
    Ok(last.expect("five sizes tried"))
}

/// The series legend in the lower right corner of the plotting area `area`: a translucent white
/// box with a grey border, one line per series (a short stroke in its colour, then its name),
/// lines 1.25 font sizes apart, 10 px inside the box, the box 5 px from the corner (the layout
/// of plotters' own series labels).
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(&str, ShapeStyle)],
    style: &TextStyle,
    measure: &Measure,
) -> Result<(), String> {
    const INSIDE: i32 = 10; // from the box's edge to its content
    const KEY: i32 = 30; // room for the stroke, left of the names
    const STROKE: i32 = 18;
    const OUTSIDE: i32 = 5; // from the plotting area's edge to the box
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let line_height = style.font.get_size() * 1.25;
    // Each line's top (from the first line's) and size.
    let mut lines = Vec::with_capacity(entries.len());
    for (k, (name, _)) in entries.iter().enumerate() {
        let (w, h) = measure(name, style)?;
        lines.push(((k as f64 * line_height).round() as i32, w as i32, h as i32));
    }
    let text_width = lines.iter().map(|&(_, w, _)| w).max().unwrap_or(0);
    let text_height = lines.iter().map(|&(y, _, h)| y + h).max().unwrap_or(0);
    let (box_w, box_h) = (text_width + KEY + 2 * INSIDE, text_height + 2 * INSIDE);
    let (area_w, area_h) = area.dim_in_pixel();
    let (bx, by) = (area_w as i32 - box_w - OUTSIDE, area_h as i32 - box_h - OUTSIDE);
    let corners = [(bx, by), (bx + box_w, by + box_h)];
    area.draw(&Rectangle::new(corners, ShapeStyle::from(WHITE.mix(0.85)).filled())).map_err(err)?;
    area.draw(&Rectangle::new(corners, ShapeStyle::from(RGBColor(200, 200, 200)))).map_err(err)?;
    for ((name, _), &(y, _, _)) in entries.iter().zip(&lines) {
        area.draw_text(name, style, (bx + KEY + INSIDE, by + INSIDE + y)).map_err(err)?;
    }
    for ((_, stroke), &(y, _, h)) in entries.iter().zip(&lines) {
        let top = by + INSIDE + y;
        let middle = (top + top + h) / 2;
        area.draw(&PathElement::new(vec![(bx + INSIDE, middle), (bx + INSIDE + STROKE, middle)], *stroke))
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

    use plotters::coord::ranged1d::{BoldPoints, Ranged};
    use plotters::coord::types::RangedCoordf64;

    /// The labels plotters would draw on an axis fitted to `values` (its own tick positions, our
    /// range and formatter).
    fn labels_for(values: &[f64], count: usize) -> (f64, f64, Vec<String>) {
        let (lo, hi) = range(values.iter().copied());
        let coord: RangedCoordf64 = (lo..hi).into();
        let labels = coord.key_points(BoldPoints(count)).into_iter().map(|x| tick_label(x, lo, hi, count)).collect();
        (lo, hi, labels)
    }

    #[test]
    fn tick_labels_drop_needless_decimals() {
        assert_eq!(tick_label(5.0, 0.0, 10.0, 5), "5");
        assert_eq!(tick_label(0.30000000000000004, 0.0, 1.0, 5), "0.3");
        assert_eq!(tick_label(2.25, 2.0, 2.5, 10), "2.25");
        assert_eq!(tick_label(-0.0, -1.0, 1.0, 5), "0");
    }

    #[test]
    fn tick_labels_are_distinct_and_short_for_any_range() {
        let flat: Vec<f64> = (0..50).map(|k| std::f64::consts::LN_2 + k as f64 * 3e-7).collect(); // loss 0.693147 + k·3e-7
        let huge: Vec<f64> = (0..20).map(|k| k as f64 * 5e12).collect();
        let tiny: Vec<f64> = (0..20).map(|k| 1e-6 + k as f64 * 1e-7).collect();
        let negative: Vec<f64> = (0..20).map(|k| -300.0 + k as f64 * 7.3).collect();
        let cases: [(&str, Vec<f64>); 7] = [
            ("flat", flat),
            ("huge", huge),
            ("tiny", tiny),
            ("negative", negative),
            ("one point", vec![0.42]),
            ("one zero", vec![0.0]),
            ("wide", vec![-1e6, 3e6]),
        ];
        for (name, values) in cases {
            for count in [X_LABELS, Y_LABELS] {
                let (lo, hi, labels) = labels_for(&values, count);
                assert!(labels.len() >= 2, "{name}: {labels:?} on ({lo}, {hi})");
                let mut unique = labels.clone();
                unique.dedup();
                assert_eq!(unique.len(), labels.len(), "{name}: repeated tick labels {labels:?} on ({lo}, {hi})");
                assert!(labels.iter().all(|l| l.chars().count() <= 9), "{name}: long tick labels {labels:?}");
                for v in &values {
                    assert!((lo..=hi).contains(v), "{name}: {v} outside the axis ({lo}, {hi})");
                }
            }
        }
    }

    #[test]
    fn an_axis_of_non_negative_values_never_goes_below_zero() {
        // A chart of the untrained row only: epoch 0.
        let (lo, hi) = range([0.0].into_iter());
        assert!(lo == 0.0 && hi > 0.0, "({lo}, {hi})");
        let (lo, _) = range([0.0, 1.0, 2.0].into_iter());
        assert_eq!(lo, 0.0);
        let (lo, _) = range([-1.0, 1.0].into_iter());
        assert!(lo < -1.0, "negative data keep their padding");
    }

    #[test]
    fn the_y_axis_title_has_room_beside_the_widest_tick_label() {
        let labels = vec!["0.69315".to_string(), "1.5e14".to_string()];
        let room = label_room(&labels, 12.0, 13.0 + 16.0);
        // 7 characters at about 0.62 em, then the rotated 13 px title and its padding.
        assert!(room as f64 >= 7.0 * 0.62 * 12.0 + 13.0, "{room} px");
    }

    /// `draw` lays out its caption and legend itself (plotters' own measure text through a
    /// `style` attribute on wasm): the picture is the one plotters' caption and legend give.
    #[test]
    fn own_caption_and_legend_match_plotters() {
        let series = |name: &str, color| Series { name: name.into(), points: vec![(0.0, 0.7), (3.0, 0.2)], color };
        let mut chart = LineChart {
            title: "Loss".into(),
            x_label: "epoch".into(),
            y_label: "loss".into(),
            series: vec![series("train", 0), series("held-out test", 1)],
            ..LineChart::default()
        };
        let render = |chart: &LineChart, own: bool| {
            let mut out = String::new();
            let area = {
                let root = SVGBackend::with_string(&mut out, (480, 340)).into_drawing_area();
                let area = if own { draw(&root, chart) } else { draw_with(&root, chart, Layout::Plotters) };
                root.present().unwrap();
                area.unwrap()
            };
            (out, area)
        };
        for scale in [1.0, 2.0] {
            chart.scale = scale;
            let (own, own_area) = render(&chart, true);
            let (theirs, their_area) = render(&chart, false);
            assert_eq!(own, theirs, "scale {scale}");
            assert_eq!(own_area, their_area);
            assert!(own.contains("\nheld-out test\n") && own.contains("\nLoss\n"), "{own}");
        }
        // The plotting area: the data's ends, inside the margins and label areas.
        let (_, area) = render(&chart, true);
        assert_eq!(area.x.0, 0.0, "no negative epochs");
        assert!(area.left > 40 && area.right < 480 - 8 && area.left < area.right, "{area:?}");
        assert!(area.top > 8 + 16 && area.bottom < 340 - 34 && area.top < area.bottom, "{area:?}");
    }

    /// A title wider than a phone-width chart is broken between words (or set smaller), never cut.
    #[test]
    fn a_long_title_fits_a_narrow_chart() {
        let chart = |title: &str| LineChart {
            title: title.into(),
            x_label: "epoch".into(),
            y_label: "test accuracy".into(),
            series: vec![Series { name: "bp".into(), points: vec![(0.0, 0.1), (1.0, 0.9)], color: 0 }],
            ..LineChart::default()
        };
        for (title, width) in [
            ("BurstProp against backprop", 150),
            ("Test accuracy of every rule on the digits, against backprop", 180),
            ("Loss", 120),
            ("Supercalifragilisticexpialidocious", 150),
        ] {
            let mut out = String::new();
            {
                let root = SVGBackend::with_string(&mut out, (width, 220)).into_drawing_area();
                draw(&root, &chart(title)).unwrap();
                root.present().unwrap();
            }
            let mut scratch = String::new();
            let root = SVGBackend::with_string(&mut scratch, (width, 220)).into_drawing_area();
            let measure =
                |text: &str, style: &TextStyle| root.estimate_text_size(text, style).map_err(|e| e.to_string());
            let inner = width - 16; // the chart's margins
            let (lines, style) = title_lines(title, inner, font16(), &measure).unwrap();
            assert_eq!(lines.join(" "), title, "every word, in order");
            let tall = title.split_whitespace().all(|w| measure(w, &font16()).unwrap().0 <= inner);
            for line in &lines {
                assert!(out.contains(&format!("\n{line}\n")), "{title}: line {line:?} not drawn in {out}");
                if tall {
                    assert!(measure(line, &style).unwrap().0 <= inner, "{title}: {line:?} wider than {inner}");
                }
            }
            let wide = measure(title, &font16()).unwrap().0 > inner;
            assert_eq!(lines.len() > 1 || style.font.get_size() < 16.0, wide, "{title}: broken only when too wide");
        }
    }

    fn font16() -> TextStyle<'static> {
        ("sans-serif", 16).into_font().into()
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
            x_tick_labels: true,
            y_tick_labels: true,
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
