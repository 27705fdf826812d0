// The scrolling traces of the multiplexing figure: panels stacked on one time axis, each with a
// few series, every series scaled to its own range over the visible window (so that shapes can
// be compared whatever their units). Plain canvas, redrawn as rows arrive.
import { blank } from './canvas.js';
import { PALETTE, css } from './colors.js';

const MARGIN = { left: 12, right: 12, top: 4, bottom: 26 };
const LINE = 20; // one line of title or legend above each panel
const GAP = 8;
const FONT = '12px system-ui, sans-serif';
const TITLE_FONT = '600 12px system-ui, sans-serif';

/**
 * Draws `panels` ([{title, series: [{name, column, color, dash}]}]) from `data` (columns of the
 * visible rows, {time_s: [...], …}) over the time range [start, end] (s). Rows before `from`
 * (the start-up transient) are left out. Returns false while the canvas is not laid out.
 */
export function drawTraces(canvas, panels, data, { start, end, from = 0 }) {
  const box = blank(canvas);
  if (!box) return false;
  const { ctx, width, height } = box;
  const left = MARGIN.left;
  const w = Math.max(1, width - MARGIN.left - MARGIN.right);
  const n = panels.length;
  // Title and legend share a line when every panel's fit; otherwise the legends go below.
  const legendWidth = (panel) => {
    ctx.font = FONT;
    return panel.series.reduce((sum, s) => sum + ctx.measureText(s.name).width + 38, 0);
  };
  const titleWidth = (panel) => {
    ctx.font = TITLE_FONT;
    return ctx.measureText(panel.title).width + 16;
  };
  const oneLine = panels.every((p) => titleWidth(p) + legendWidth(p) <= w);
  const HEADER = oneLine ? LINE : 2 * LINE;
  const panelH = Math.max(10, (height - MARGIN.top - MARGIN.bottom - n * HEADER - (n - 1) * GAP) / n);
  const span = Math.max(1e-9, end - start);
  const x = (t) => left + ((t - start) / span) * w;
  const times = data.time_s || [];
  const keep = times.map((t) => t > from && t >= start);

  ctx.font = FONT;
  panels.forEach((panel, p) => {
    const top = MARGIN.top + p * (HEADER + panelH + GAP);
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
    ctx.font = FONT;
    for (const s of panel.series) {
      line(ctx, s, [[lx, ly], [lx + 18, ly]]);
      lx += 24;
      ctx.fillStyle = '#57606a';
      ctx.fillText(s.name, lx, ly);
      lx += ctx.measureText(s.name).width + 14;
    }
    // The frame and faint 1-s grid lines.
    ctx.strokeStyle = '#e3e6ea';
    ctx.lineWidth = 1;
    for (let t = Math.ceil(start); t <= end; t += 1) {
      const px = Math.round(x(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(px, plotTop);
      ctx.lineTo(px, plotTop + panelH);
      ctx.stroke();
    }
    ctx.strokeStyle = '#d5d9de';
    ctx.strokeRect(left + 0.5, plotTop + 0.5, w - 1, panelH - 1);
    // The series, inputs (drawn first) under the responses.
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, plotTop, w, panelH);
    ctx.clip();
    for (const s of panel.series) {
      const values = (data[s.column] || []).filter((_, i) => keep[i]);
      const ts = times.filter((_, i) => keep[i]);
      const scaled = normalise(values);
      const pad = 0.08 * panelH;
      const points = scaled.map((v, i) => [x(ts[i]), plotTop + pad + (1 - v) * (panelH - 2 * pad)]);
      line(ctx, s, points);
    }
    ctx.restore();
  });

  // The time axis under the last panel.
  const axisTop = height - MARGIN.bottom;
  ctx.fillStyle = '#57606a';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let t = Math.ceil(start); t <= end; t += 1) {
    const px = x(t);
    if (px < left + 10 || px > left + w - 10) continue;
    ctx.fillText(`${t} s`, px, axisTop + 6);
  }
  return true;
}

/** A polyline in a series' colour and style (inputs thinner, read-outs dashed). */
function line(ctx, s, points) {
  ctx.strokeStyle = css(PALETTE[s.color % PALETTE.length]);
  ctx.lineWidth = s.column && /_input$/.test(s.column) ? 1.5 : 2;
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
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return values.map((v) => (Number.isFinite(v) ? 0.5 : NaN));
  return values.map((v) => (v - lo) / (hi - lo));
}
