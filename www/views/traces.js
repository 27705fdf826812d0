// Traces over time: panels stacked on one time axis, each with a title, a legend and a few
// series. `drawPanels` is the general view: each panel's series either scaled each to its own
// range (shapes compared whatever their units) or sharing one y axis, with shaded time bands
// and labelled horizontal marks. `drawTraces` is the multiplexing figure's scrolling traces
// (columns of metric rows, own-range scaling, a 1-s grid). Plain canvas.
import { blank } from './canvas.js';
import { PALETTE, css } from './colors.js';

const MARGIN = { right: 12, top: 4, bottom: 26 };
const LINE = 20; // one line of title or legend above each panel
const GAP = 8;
const FONT = '12px system-ui, sans-serif';
const TITLE_FONT = '600 12px system-ui, sans-serif';
const MUTED = '#57606a';

/**
 * Draws `panels` over the time range [start, end]. A panel is {title, series, scale, yRange,
 * marks}: series [{name, points: [[t, v]], color, dash, width, legend}] (legend: false leaves a
 * series out of the legend); scale 'own' (each series to its own range, no y axis) or 'shared'
 * (one y axis, over `yRange` or the series' span); marks [{from, to, value, label, color}]:
 * dashed horizontal segments on a shared axis, labelled above. Options: `tick` (time between
 * grid lines), `unit` (on the last time label, or on every one with `everyLabel`), `bands` [{from, to, fill, label}] shaded behind
 * every panel, their labels on a line of their own above the first panel. Returns false while
 * the canvas is not laid out.
 */
export function drawPanels(canvas, panels, { start, end, tick = 1, unit = 's', everyLabel = false, bands = [] }) {
  const box = blank(canvas);
  if (!box) return false;
  const { ctx, width, height } = box;
  const shared = panels.some((p) => p.scale === 'shared');
  const left = shared ? 46 : 12;
  const w = Math.max(1, width - left - MARGIN.right);
  const n = panels.length;
  // Title and legend share a line when every panel's fit; otherwise the legends go below.
  const legendWidth = (panel) => {
    ctx.font = FONT;
    return panel.series.filter((s) => s.legend !== false).reduce((sum, s) => sum + ctx.measureText(s.name).width + 38, 0);
  };
  const titleWidth = (panel) => {
    ctx.font = TITLE_FONT;
    return ctx.measureText(panel.title).width + 16;
  };
  const oneLine = panels.every((p) => titleWidth(p) + legendWidth(p) <= w);
  const HEADER = oneLine ? LINE : 2 * LINE;
  const bandLine = bands.some((b) => b.label) ? LINE : 0;
  const top0 = MARGIN.top + bandLine;
  const panelH = Math.max(10, (height - top0 - MARGIN.bottom - n * HEADER - (n - 1) * GAP) / n);
  const span = Math.max(1e-9, end - start);
  const x = (t) => left + ((t - start) / span) * w;

  ctx.textBaseline = 'middle';
  ctx.font = FONT;
  for (const band of bands) {
    if (!band.label) continue;
    const x0 = Math.max(left, x(band.from));
    const x1 = Math.min(left + w, x(band.to));
    ctx.fillStyle = MUTED;
    ctx.textAlign = 'center';
    const text = fitText(ctx, band.label, x1 - x0 - 4);
    if (text) ctx.fillText(text, (x0 + x1) / 2, MARGIN.top + LINE / 2);
  }
  panels.forEach((panel, p) => {
    const top = top0 + p * (HEADER + panelH + GAP);
    const plotTop = top + HEADER;
    // Title, then the legend: a line sample and the name of each series.
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    ctx.font = TITLE_FONT;
    ctx.fillStyle = '#1f2328';
    ctx.fillText(panel.title, left, top + LINE / 2);
    ctx.font = FONT;
    const ly = top + HEADER - LINE / 2;
    let lx = oneLine ? width - MARGIN.right - legendWidth(panel) + 14 : left;
    for (const s of panel.series) {
      if (s.legend === false) continue;
      line(ctx, s, [[lx, ly], [lx + 18, ly]]);
      lx += 24;
      ctx.fillStyle = MUTED;
      ctx.fillText(s.name, lx, ly);
      lx += ctx.measureText(s.name).width + 14;
    }
    for (const band of bands) {
      ctx.fillStyle = band.fill;
      ctx.fillRect(x(band.from), plotTop, x(band.to) - x(band.from), panelH);
    }
    // The frame and faint grid lines.
    ctx.strokeStyle = '#e3e6ea';
    ctx.lineWidth = 1;
    for (let t = Math.ceil(start / tick) * tick; t <= end; t += tick) {
      const px = Math.round(x(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(px, plotTop);
      ctx.lineTo(px, plotTop + panelH);
      ctx.stroke();
    }
    ctx.strokeStyle = '#d5d9de';
    ctx.strokeRect(left + 0.5, plotTop + 0.5, w - 1, panelH - 1);
    const pad = 0.08 * panelH;
    let y = null; // a shared axis: value → pixel
    if (panel.scale === 'shared') {
      const [lo, hi] = panel.yRange ?? span2(panel.series.flatMap((s) => s.points.map((q) => q[1])).concat((panel.marks || []).map((m) => m.value)));
      y = (v) => plotTop + pad + (1 - (v - lo) / (hi - lo)) * (panelH - 2 * pad);
      yTicks(ctx, y, lo, hi, left);
    }
    // The series in order (context first, the highlighted one last, on top).
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, plotTop, w, panelH);
    ctx.clip();
    for (const s of panel.series) {
      const inRange = s.points.filter(([t]) => t >= start && t <= end);
      let ys;
      if (y) {
        ys = inRange.map(([, v]) => y(v));
      } else {
        const scaled = normalise(inRange.map(([, v]) => v));
        ys = scaled.map((v) => plotTop + pad + (1 - v) * (panelH - 2 * pad));
      }
      line(ctx, s, inRange.map(([t], i) => [x(t), ys[i]]));
    }
    ctx.restore();
    if (y) {
      for (const m of panel.marks || []) mark(ctx, m, x, y(m.value), plotTop);
    }
  });

  // The time axis under the last panel: the last label says the unit.
  const axisTop = height - MARGIN.bottom;
  ctx.fillStyle = MUTED;
  ctx.font = FONT;
  ctx.textBaseline = 'top';
  const every = w / (span / tick) < 36 ? 2 : 1; // thin the labels where they would touch
  const shown = [];
  for (let k = Math.ceil(start / tick); k * tick <= end + 1e-9; k++) {
    const px = x(k * tick);
    if (k % every === 0 && px >= left + 10 && px <= left + w - 10) shown.push([k * tick, px]);
  }
  shown.forEach(([t, px], i) => {
    const last = i === shown.length - 1;
    ctx.textAlign = last && !everyLabel ? 'right' : 'center';
    ctx.fillText(everyLabel || last ? `${t} ${unit}` : `${t}`, last && !everyLabel ? Math.min(px + 8, left + w) : px, axisTop + 6);
  });
  return true;
}

/**
 * Draws the multiplexing figure's `panels` ([{title, series: [{name, column, color, dash}]}])
 * from `data` (columns of the visible rows, {time_s: [...], …}) over the time range [start, end]
 * (s), every series scaled to its own range. Rows before `from` (the start-up transient) are
 * left out. Returns false while the canvas is not laid out.
 */
export function drawTraces(canvas, panels, data, { start, end, from = 0 }) {
  const times = data.time_s || [];
  const columns = (column) => (data[column] || []).map((v, i) => [times[i], v]).filter(([t]) => t > from);
  return drawPanels(canvas, panels.map((p) => ({
    title: p.title, scale: 'own', series: p.series.map((s) => ({ ...s, points: columns(s.column) })),
  })), { start, end, tick: 1, unit: 's', everyLabel: true });
}

/** `text`, or as much of it as fits `width` with an ellipsis ('' if nothing does). */
function fitText(ctx, text, width) {
  if (ctx.measureText(text).width <= width) return text;
  for (let n = text.length - 1; n > 0; n--) {
    const cut = `${text.slice(0, n).trimEnd()}…`;
    if (ctx.measureText(cut).width <= width) return cut;
  }
  return '';
}

/** The finite span of `values`, widened a little if flat; [0, 1] if there is none. */
function span2(values) {
  const [lo, hi] = finiteRange(values);
  if (!(hi >= lo)) return [0, 1];
  if (hi - lo < 1e-6) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/** [smallest, largest] finite value ([Infinity, -Infinity] if there is none). */
function finiteRange(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Three labelled ticks on a shared y axis: its ends and its middle (or 0, when it is well inside). */
function yTicks(ctx, y, lo, hi, left) {
  const inside = (v) => v > lo + 0.2 * (hi - lo) && v < hi - 0.2 * (hi - lo);
  const mid = inside(0) ? 0 : (lo + hi) / 2;
  ctx.font = FONT;
  ctx.fillStyle = MUTED;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of [lo, mid, hi]) ctx.fillText(tickText(v, hi - lo), left - 5, y(v));
}

function tickText(v, range) {
  const digits = range >= 10 ? 0 : range >= 1 ? 1 : 2;
  const text = Math.abs(v) < 10 ** -digits / 2 ? '0' : v.toFixed(digits);
  return text.replace('-', '−');
}

/** A labelled dashed segment at pixel height `py` over [from, to]. */
function mark(ctx, m, x, py, plotTop) {
  const color = css(PALETTE[m.color % PALETTE.length]);
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = 2.5;
  ctx.setLineDash([5, 3]);
  ctx.beginPath();
  ctx.moveTo(x(m.from), py);
  ctx.lineTo(x(m.to), py);
  ctx.stroke();
  ctx.restore();
  if (!m.label) return;
  ctx.font = TITLE_FONT;
  ctx.fillStyle = '#1f2328';
  ctx.textBaseline = 'bottom';
  ctx.textAlign = 'right';
  ctx.fillText(m.label, x(m.to), Math.max(plotTop + 14, py - 4));
}

/** A polyline in a series' colour and style (inputs thinner, read-outs dashed). */
function line(ctx, s, points) {
  ctx.strokeStyle = css(PALETTE[s.color % PALETTE.length]);
  ctx.lineWidth = s.width ?? (s.column && /_input$/.test(s.column) ? 1.5 : 2);
  ctx.setLineDash(s.dash ? [6, 4] : []);
  ctx.lineJoin = 'round';
  ctx.beginPath();
  let open = false;
  for (const [px, py] of points) {
    if (!Number.isFinite(py)) {
      open = false;
      continue;
    }
    if (open) ctx.lineTo(px, py);
    else ctx.moveTo(px, py);
    open = true;
  }
  ctx.stroke();
  ctx.setLineDash([]);
}

/** Scales values to [0, 1] by their own range (a constant series sits at 0.5). */
export function normalise(values) {
  const [lo, hi] = finiteRange(values);
  if (!(hi > lo)) return values.map((v) => (Number.isFinite(v) ? 0.5 : NaN));
  return values.map((v) => (v - lo) / (hi - lo));
}
