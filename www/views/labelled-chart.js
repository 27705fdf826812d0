// A line chart for comparing rules: plotters draws the axes and curves (linechart.js drawChart,
// the painter every chapter uses), while the legend and a label at the end of each curve are
// HTML beside the canvas, so they stay sharp, readable by screen readers and free to wrap.
// Charts are described as data (a chapter's chartsOf, e.g. www/chapters/feedback/figures.js):
//   {id, title, yLabel, yRange, xMax, summary, series: [{name, note, color, points, label, value}]}
// with, optionally, xLabel (default 'epoch') and xMin (default 0), `twins: false` (curves that
// coincide are simply drawn over each other, unremarked: many units at rest), `note` (a sentence
// the legend ends with, before any remark on coinciding curves), and per series
// `legend: false` (no legend entry of its own) and `band` ([[x, low, high], …]: a translucent band
// around the curve, e.g. ±1 sd). A log x axis is a transform of the description (./log-axis.js).
import { drawChart } from './linechart.js';
import { cssSize } from './canvas.js';
import { PALETTE, css } from './colors.js';

/** How opaque a curve's band is. */
const BAND_ALPHA = 0.16;
/** Tick labels of a log axis closer than this (CSS pixels) are thinned to every other one. */
const TICK_SPACING = 30;

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A short line in a curve's colour (hidden from screen readers: the text names the curve). */
export function swatch(color) {
  const s = element('span', 'swatch line');
  s.style.background = css(PALETTE[color % PALETTE.length]);
  s.setAttribute('aria-hidden', 'true');
  return s;
}

function samePoints(a, b) {
  return a.length > 1 && a.length === b.length && a.every((p, i) => p[0] === b[i][0] && p[1] === b[i][1]);
}

export class LabelledChart {
  /** Appends the chart's <figure> to `container`. */
  constructor(container, id) {
    this.figure = element('figure', 'panel fb-chart');
    const frame = element('div', 'chart-frame');
    this.canvas = element('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.dataset.chart = id;
    this.labels = element('div', 'direct-labels');
    this.labels.setAttribute('aria-hidden', 'true'); // the canvas's text alternative says the same
    this.ticks = element('div', 'x-ticks');
    this.yTicks = element('div', 'y-ticks');
    for (const t of [this.ticks, this.yTicks]) {
      t.setAttribute('aria-hidden', 'true');
      t.hidden = true;
    }
    frame.append(this.canvas, this.labels, this.ticks, this.yTicks);
    this.legend = element('figcaption', 'legend');
    this.figure.append(frame, this.legend);
    container.append(this.figure);
    this.legendKey = '';
    this.area = null; // where plotters put the data (linechart.js drawChart), once drawn
  }

  remove() {
    this.figure.remove();
  }

  draw(chart) {
    this.canvas.setAttribute('aria-label', chart.summary);
    this.#legend(chart);
    // No names: plotters draws no legend of its own. drawChart thins long curves.
    const series = [];
    chart.series.forEach((s, i) => {
      // A curve identical to an earlier one (FA and DFA with one hidden layer) is drawn on
      // every other epoch only, so both colours show along the shared line.
      const twin = chart.twins !== false && chart.series.slice(0, i).some((t) => samePoints(t.points, s.points));
      if (!twin) series.push({ name: '', points: s.points, color: s.color });
      else for (let k = 1; k + 1 < s.points.length; k += 2) series.push({ name: '', points: s.points.slice(k, k + 2), color: s.color });
    });
    // Invisible points fix the x axis to the whole run, so the curves grow into it.
    series.push({ name: '', points: [[chart.xMin ?? 0, NaN], [chart.xMax, NaN]], color: 6 });
    // A log axis gets its powers of ten from #decades: plotters leaves that axis's numbers out.
    const area = drawChart(this.canvas, {
      title: chart.title, x_label: chart.xLabel ?? 'epoch', y_label: chart.yLabel, series, y_range: chart.yRange,
      x_tick_labels: !chart.xLog, y_tick_labels: !chart.yLog,
    });
    if (!area) return;
    this.area = area;
    this.#labels(chart);
    this.#bands(chart);
    this.#decades(chart);
  }

  /** CSS-pixel x of a data x in the plotting area, as plotters placed it. */
  #x(x) {
    const { left, right, x: [x0, x1] } = this.area;
    return left + ((x - x0) / (x1 - x0)) * (right - left);
  }

  /** CSS-pixel y of a data y in the plotting area, as plotters placed it. */
  #y(y) {
    const { top, bottom, y: [y0, y1] } = this.area;
    return bottom - ((y - y0) / (y1 - y0)) * (bottom - top);
  }

  /** Translucent bands around the curves that have one, clipped to the plotting area. */
  #bands(chart) {
    const banded = chart.series.filter((s) => s.band && s.band.length > 1);
    if (!banded.length) return;
    const ctx = this.canvas.getContext('2d');
    const { width } = cssSize(this.canvas);
    const dpr = width > 0 ? this.canvas.width / width : 1;
    const { left, top, right, bottom } = this.area;
    ctx.save();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.beginPath();
    ctx.rect(left, top, right - left, bottom - top);
    ctx.clip();
    for (const s of banded) {
      ctx.beginPath();
      s.band.forEach(([x, , hi], i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, this.#x(x), this.#y(hi)));
      for (let i = s.band.length - 1; i >= 0; i--) ctx.lineTo(this.#x(s.band[i][0]), this.#y(s.band[i][1]));
      ctx.closePath();
      ctx.fillStyle = css(PALETTE[s.color % PALETTE.length], BAND_ALPHA);
      ctx.fill();
    }
    ctx.restore();
  }

  /**
   * A log axis (./log-axis.js) gets its tick labels as powers of ten: a strip over plotters'
   * numeric labels (…, −2, −1, 0) with 10⁻², 10⁻¹, 10⁰ at the same places.
   */
  #decades(chart) {
    this.#yDecades(chart);
    let decades = chart.xLog ? chart.xDecades || [] : [];
    this.ticks.hidden = decades.length === 0;
    if (!decades.length) return;
    const { left, right, bottom } = this.area;
    // Crowded ticks (k = 1, 2, 4, … 512 on a phone): every other one, the first kept.
    const gap = decades.length > 1 ? Math.abs(this.#x(decades[1].k) - this.#x(decades[0].k)) : Infinity;
    if (gap < TICK_SPACING) decades = decades.filter((_, i) => i % 2 === 0);
    this.ticks.style.left = `${left - 14}px`;
    this.ticks.style.width = `${right - left + 28}px`;
    this.ticks.style.top = `${bottom + 1}px`;
    this.ticks.replaceChildren(...decades.map(({ k, text }) => {
      const tick = element('span', 'x-tick', text);
      tick.style.left = `${14 + this.#x(k) - left}px`;
      return tick;
    }));
  }

  /** The same for a log y axis: a strip over plotters' numbers left of the plotting area. */
  #yDecades(chart) {
    const decades = chart.yLog ? chart.yDecades || [] : [];
    this.yTicks.hidden = decades.length === 0;
    if (!decades.length) return;
    const { left, top, bottom } = this.area;
    this.yTicks.style.left = `${left - 34}px`;
    this.yTicks.style.top = `${top - 10}px`;
    this.yTicks.style.height = `${bottom - top + 20}px`;
    this.yTicks.replaceChildren(...decades.map(({ k, text }) => {
      const tick = element('span', 'y-tick', text);
      tick.style.top = `${10 + this.#y(k) - top}px`;
      return tick;
    }));
  }

  #legend(chart) {
    const twins = [];
    chart.series.forEach((s, i) => {
      const first = chart.twins !== false && chart.series.slice(0, i).find((t) => samePoints(t.points, s.points));
      if (first) twins.push(`${first.name} and ${s.name} coincide: their shared curve alternates colours each epoch.`);
    });
    // A series with `legend: false` shares an entry with another (nine grey output units).
    const listed = chart.series.filter((s) => s.legend !== false);
    const notes = [chart.note, ...twins].filter(Boolean);
    const key = `${listed.map((s) => `${s.color}:${s.name}:${s.note}`).join('|')}|${notes.join(' ')}`;
    if (key === this.legendKey) return;
    this.legendKey = key;
    const items = listed.map((s) => {
      const item = element('span', 'legend-item');
      item.append(swatch(s.color), element('strong', '', s.name));
      if (s.note) item.append(` ${s.note}`);
      return item;
    });
    if (notes.length) items.push(element('span', 'legend-item legend-note', notes.join(' ')));
    this.legend.replaceChildren(...items);
  }

  /** Labels at the height where each curve ends, in the strip right of the chart. */
  #labels(chart) {
    const { top, bottom, y: [y0, y1] } = this.area;
    const shown = chart.series
      .filter((s) => Number.isFinite(s.value))
      .map((s) => ({ s, y: this.#y(Math.min(y1, Math.max(y0, s.value))) }))
      .sort((a, b) => a.y - b.y);
    const ys = spread(shown.map((x) => x.y), top - LABEL_HEIGHT / 2, bottom + LABEL_HEIGHT / 2);
    this.labels.replaceChildren(...shown.map(({ s }, i) => {
      const label = element('span', 'direct-label');
      label.style.top = `${ys[i]}px`;
      label.append(swatch(s.color), s.label);
      return label;
    }));
  }
}

/** Vertical room one label beside a curve needs (CSS pixels). */
export const LABEL_HEIGHT = 17;

/**
 * Moves label positions (ys, sorted ascending) apart so that neighbours are at least
 * LABEL_HEIGHT apart, as little as possible, staying within [top, bottom] when they fit.
 */
export function spread(ys, top, bottom) {
  const out = ys.slice();
  for (let i = 1; i < out.length; i++) out[i] = Math.max(out[i], out[i - 1] + LABEL_HEIGHT);
  for (let i = out.length - 1; i >= 0; i--) {
    const limit = i === out.length - 1 ? bottom : out[i + 1] - LABEL_HEIGHT;
    out[i] = Math.min(out[i], limit);
  }
  // Too many to fit: stack them from the top.
  if (out.length && out[0] < top) return out.map((_, i) => top + i * LABEL_HEIGHT);
  return out;
}
