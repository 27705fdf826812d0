// The Spikes chapter's spike views, plain canvas: a raster of one layer through one trial (one
// row per neuron, a tick per spike, the target behind it as grey cells or grey ticks), and one
// neuron's membrane potential with its threshold, its spikes and its target spikes above it.
// Drawing only: the chapter (www/chapters/spikes/) says what to draw.
import { blank } from './canvas.js';
import { PALETTE, css } from './colors.js';

const FONT = '12px system-ui, sans-serif';
const MUTED = '#57606a';
const GRID = '#e3e6ea';
const FRAME = '#b8bfc6';
const TARGET = 'rgba(120, 120, 120, 0.28)';
const TARGET_TICK = 'rgba(90, 90, 90, 0.55)';

/** Time ticks every `step` ms along [0, duration], labelled where they fit. */
function timeAxis(ctx, x, top, h, duration, w) {
  const step = duration <= 600 ? (w < 300 ? 200 : 100) : 500;
  ctx.font = FONT;
  ctx.fillStyle = MUTED;
  ctx.strokeStyle = GRID;
  ctx.lineWidth = 1;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let t = 0; t <= duration + 1e-9; t += step) {
    const px = Math.round(x(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, top + h);
    ctx.stroke();
    // The last tick says the unit and ends at the frame's right edge.
    const last = t + step > duration + 1e-9;
    ctx.textAlign = last ? 'right' : 'center';
    ctx.fillText(last ? `${t} ms` : `${t}`, last ? px + 0.5 : px, top + h + 4);
  }
}

/**
 * Draws a raster: `rows` neurons (or named rows: `rowNames`) over [0, duration] ms; `spikes`
 * {times, rows} in palette colour `color`; behind them the target as `cells` (rows × bins of
 * `bin` ms, grey) or as `target` spikes {times, rows} (grey ticks). `label`: the rows' name on
 * the left axis. Returns false while the canvas is not laid out.
 */
export function drawRaster(canvas, { duration, rows, spikes, color = 0, cells = null, bin = 20, target = null, label = '', rowNames = null }) {
  const box = blank(canvas);
  if (!box) return false;
  const { ctx, width, height } = box;
  const margin = { left: rowNames ? 58 : 26, right: 8, top: 6, bottom: 34 };
  const w = Math.max(1, width - margin.left - margin.right);
  const h = Math.max(1, height - margin.top - margin.bottom);
  const n = Math.max(1, rows);
  const rowH = h / n;
  const x = (t) => margin.left + (t / duration) * w;
  timeAxis(ctx, x, margin.top, h, duration, w);
  if (cells) {
    ctx.fillStyle = TARGET;
    cells.forEach((row, r) => row.forEach((on, b) => {
      if (on) ctx.fillRect(x(b * bin), margin.top + r * rowH, Math.max(1, x((b + 1) * bin) - x(b * bin) - 0.5), Math.max(1, rowH - 0.5));
    }));
  }
  const tick = Math.max(1.5, Math.min(rowH * 0.8, 40));
  const tickW = w > 500 ? 2 : 1.5;
  if (target) {
    ctx.fillStyle = TARGET_TICK;
    const tw = tickW + 3;
    target.times.forEach((t, i) => ctx.fillRect(x(t) - tw / 2, margin.top + target.rows[i] * rowH + (rowH - tick) / 2 - 2, tw, tick + 4));
  }
  ctx.fillStyle = css(PALETTE[color % PALETTE.length]);
  spikes.times.forEach((t, i) => {
    if (spikes.rows[i] < n) ctx.fillRect(x(t) - tickW / 2, margin.top + spikes.rows[i] * rowH + (rowH - tick) / 2, tickW, tick);
  });
  ctx.strokeStyle = FRAME;
  ctx.strokeRect(margin.left + 0.5, margin.top + 0.5, w - 1, h - 1);
  ctx.fillStyle = MUTED;
  ctx.font = FONT;
  if (rowNames) {
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    rowNames.forEach((name, r) => ctx.fillText(name, margin.left - 6, margin.top + (r + 0.5) * rowH));
  } else {
    ctx.save();
    ctx.translate(12, margin.top + h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(label || `${rows} neurons`, 0, 0);
    ctx.restore();
  }
  return true;
}

/**
 * Draws one neuron's membrane potential (mV, one value per step of `dt` ms) with its threshold
 * (dashed), and above it two strips: the target spikes (grey) and the neuron's spikes (palette
 * colour `color`). Returns false while the canvas is not laid out.
 */
export function drawMembrane(canvas, { membrane, dt, threshold, output, target, color = 0, duration }) {
  const box = blank(canvas);
  if (!box) return false;
  const { ctx, width, height } = box;
  const margin = { left: 48, right: 10, top: 8, bottom: 34 };
  const strip = 20;
  const w = Math.max(1, width - margin.left - margin.right);
  const top = margin.top + 2 * strip + 6;
  const h = Math.max(1, height - top - margin.bottom);
  const x = (t) => margin.left + (t / duration) * w;
  let lo = Number.isFinite(threshold) ? threshold - 12 : -70;
  let hi = Number.isFinite(threshold) ? threshold + 4 : -50;
  for (const v of membrane || []) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  lo = Math.floor(lo / 5) * 5;
  hi = Math.ceil(hi / 5) * 5;
  const y = (v) => top + h - ((v - lo) / (hi - lo)) * h;
  timeAxis(ctx, x, top, h, duration, w);
  // Potential ticks every 10 mV.
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let v = Math.ceil(lo / 10) * 10; v <= hi; v += 10) {
    ctx.fillText(`${v}`, margin.left - 5, y(v));
  }
  ctx.save();
  ctx.translate(11, top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText('U (mV)', 0, 0);
  ctx.restore();
  // Strips: target, then output.
  ctx.textAlign = 'right';
  ctx.fillText('target', margin.left - 5, margin.top + strip / 2);
  ctx.fillText('spikes', margin.left - 5, margin.top + 1.5 * strip);
  ctx.fillStyle = TARGET_TICK;
  for (const t of target || []) ctx.fillRect(x(t) - 2, margin.top + 2, 4, strip - 4);
  ctx.fillStyle = css(PALETTE[color % PALETTE.length]);
  for (const t of output || []) ctx.fillRect(x(t) - 1, margin.top + strip + 2, 2, strip - 4);
  ctx.strokeStyle = GRID;
  ctx.strokeRect(margin.left + 0.5, margin.top + 0.5, w - 1, 2 * strip - 1);
  // Target times as faint guides through the potential.
  ctx.strokeStyle = 'rgba(120,120,120,0.25)';
  for (const t of target || []) {
    ctx.beginPath();
    ctx.moveTo(Math.round(x(t)) + 0.5, top);
    ctx.lineTo(Math.round(x(t)) + 0.5, top + h);
    ctx.stroke();
  }
  if (Number.isFinite(threshold)) {
    ctx.save();
    ctx.setLineDash([5, 4]);
    ctx.strokeStyle = css(PALETTE[6]);
    ctx.beginPath();
    ctx.moveTo(margin.left, Math.round(y(threshold)) + 0.5);
    ctx.lineTo(margin.left + w, Math.round(y(threshold)) + 0.5);
    ctx.stroke();
    ctx.restore();
    ctx.fillStyle = MUTED;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.fillText('threshold ϑ', margin.left + w - 4, y(threshold) - 2);
  }
  if (membrane && membrane.length) {
    ctx.save();
    ctx.beginPath();
    ctx.rect(margin.left, top, w, h);
    ctx.clip();
    ctx.strokeStyle = css(PALETTE[color % PALETTE.length]);
    ctx.lineWidth = 1.25;
    ctx.beginPath();
    for (let i = 0; i < membrane.length; i++) {
      const px = x(i * dt);
      const py = y(membrane[i]);
      if (i) ctx.lineTo(px, py);
      else ctx.moveTo(px, py);
    }
    ctx.stroke();
    ctx.restore();
  }
  ctx.strokeStyle = FRAME;
  ctx.strokeRect(margin.left + 0.5, top + 0.5, w - 1, h - 1);
  return true;
}

/**
 * Draws the paint grid: rows × bins cells, the painted ones filled, the focused one outlined
 * (when `focused`). Returns the cell geometry {left, top, cw, ch} for hit testing, or null.
 */
export function drawPaintGrid(canvas, { cells, focus, focused }) {
  const box = blank(canvas);
  if (!box) return null;
  const { ctx, width, height } = box;
  const rows = cells.length;
  const bins = cells[0]?.length ?? 1;
  const margin = { left: 26, right: 4, top: 4, bottom: 22 };
  const cw = (width - margin.left - margin.right) / bins;
  const ch = (height - margin.top - margin.bottom) / rows;
  const ink = css(PALETTE[0]);
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b < bins; b++) {
      ctx.fillStyle = cells[r][b] ? ink : (r + b) % 2 ? '#f4f5f7' : '#fbfbfc';
      ctx.fillRect(margin.left + b * cw, margin.top + r * ch, Math.max(1, cw - 1), Math.max(1, ch - 1));
    }
  }
  ctx.font = FONT;
  ctx.fillStyle = MUTED;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const every = bins > 30 ? 10 : 5;
  for (let b = 0; b <= bins; b += every) {
    const last = b + every > bins;
    ctx.textAlign = last ? 'right' : 'center';
    ctx.fillText(last ? `${b * 20} ms` : `${b * 20}`, margin.left + b * cw + (last ? 2 : 0), height - margin.bottom + 5);
  }
  ctx.save();
  ctx.translate(10, margin.top + (rows * ch) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText('output neuron', 0, 0);
  ctx.restore();
  if (focused && focus) {
    ctx.strokeStyle = '#111';
    ctx.lineWidth = 2;
    ctx.strokeRect(margin.left + focus[1] * cw + 1, margin.top + focus[0] * ch + 1, Math.max(2, cw - 3), Math.max(2, ch - 3));
  }
  return { left: margin.left, top: margin.top, cw, ch, rows, bins };
}
