// The spike raster of the multiplexing figure: one row per shown neuron, one tick per spike over
// the last second, single spikes in the event colour and the spikes of a burst in the burst
// colour (the caller's: the Dendrites chapter passes its STREAMS). Drawn with plain canvas from
// the engine's snapshot frames `raster.times` (s), `raster.neuron` (row), `raster.burst` (1 in a
// burst), `raster.window`.
import { blank } from './canvas.js';
import { PALETTE, css } from './colors.js';

const MARGIN = { left: 46, right: 10, top: 10, bottom: 30 };
const FONT = '12px system-ui, sans-serif';

/** Counts the spikes of a snapshot's raster: {spikes, bursts (spikes in a burst), window}. */
export function rasterCounts(frames) {
  const burst = frames.get('raster.burst')?.data || [];
  let inBursts = 0;
  for (let i = 0; i < burst.length; i++) if (burst[i] > 0.5) inBursts++;
  const window = frames.get('raster.window')?.data || [0, 0];
  return { spikes: burst.length, bursts: inBursts, start: window[0], end: window[1], rows: frames.get('raster.rows')?.data.length || 0 };
}

/**
 * Draws the raster of `frames` (a Map name → frame) onto `canvas`, over `span` seconds ending
 * at the window's end. `colors`: {events, bursts} palette indices. Returns false while the
 * canvas is not laid out.
 */
export function drawRaster(canvas, frames, { span = 1, colors }) {
  const box = blank(canvas);
  if (!box) return false;
  const { ctx, width, height } = box;
  const times = frames.get('raster.times')?.data || [];
  const rowsOf = frames.get('raster.neuron')?.data || [];
  const burst = frames.get('raster.burst')?.data || [];
  const nRows = Math.max(1, frames.get('raster.rows')?.data.length || 1);
  const end = Math.max(span, frames.get('raster.window')?.data[1] || 0);
  const start = end - span;
  const left = MARGIN.left;
  const top = MARGIN.top;
  const w = Math.max(1, width - MARGIN.left - MARGIN.right);
  const h = Math.max(1, height - MARGIN.top - MARGIN.bottom);
  const rowH = h / nRows;
  const x = (t) => left + ((t - start) / span) * w;

  // Axes and time ticks every 0.2 s.
  ctx.font = FONT;
  ctx.fillStyle = '#57606a';
  ctx.strokeStyle = '#e3e6ea';
  ctx.lineWidth = 1;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const step = span <= 1.5 ? 0.2 : 0.5;
  for (let t = Math.ceil(start / step - 1e-9) * step; t <= end + 1e-9; t += step) {
    const px = Math.round(x(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, top + h);
    ctx.stroke();
    if (px > left + 12 && px < left + w - 12) ctx.fillText(`${t.toFixed(1)} s`, px, top + h + 5);
  }
  ctx.strokeStyle = '#b8bfc6';
  ctx.strokeRect(left + 0.5, top + 0.5, w - 1, h - 1);
  ctx.save();
  ctx.translate(14, top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(`${nRows} neurons`, 0, 0);
  ctx.restore();

  // Spikes: single spikes first, burst spikes on top.
  const tick = Math.max(2, rowH * 0.8);
  const tickW = w > 500 ? 2 : 1.5;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, w, h);
  ctx.clip();
  for (const [kind, color] of [[0, colors.events], [1, colors.bursts]]) {
    ctx.fillStyle = css(PALETTE[color]);
    for (let i = 0; i < times.length; i++) {
      if ((burst[i] > 0.5 ? 1 : 0) !== kind || times[i] < start) continue;
      ctx.fillRect(x(times[i]) - tickW / 2, top + rowsOf[i] * rowH + (rowH - tick) / 2, tickW, tick);
    }
  }
  ctx.restore();
  return true;
}
