// Loss and accuracy curves, drawn by plotters in the main-thread wasm (`ui`, src/charts.rs) through
// `draw_line_chart`. `drawChart` draws one chart onto a canvas and says where plotters put the
// data (for labels drawn beside the curves); `CurveCharts` makes one <canvas> per chart group of a
// metric table and keeps each canvas's text alternative current.
import { fit } from './canvas.js';

let bindings = null; // the ui wasm's exports, once loaded
let loading = null;

/**
 * Resolves with the ui wasm's exports. This module loads them itself, with no inline script (a
 * strict Content-Security-Policy refuses one): trunk writes index.html's <script> tag for this
 * module with the names of the files it built (Trunk.toml `pattern_script`: data-ui-js, the
 * wasm-bindgen module, and data-ui-wasm), and preloads both.
 */
export function chartBindings() {
  loading ??= loadBindings().then((exports) => (bindings = exports));
  return loading;
}

async function loadBindings() {
  const tag = document.querySelector('script[data-ui-js][data-ui-wasm]');
  if (!tag) throw new Error('index.html names no chart module (script[data-ui-js]): build the site with trunk');
  const url = (name) => new URL(name, document.baseURI).href;
  const exports = await import(url(tag.dataset.uiJs));
  await exports.default({ module_or_path: url(tag.dataset.uiWasm) });
  return exports;
}

// Start at once on the page (the files are preloaded); not where there is no page (unit tests).
if (typeof document !== 'undefined' && document.querySelector('script[data-ui-js]')) chartBindings();

/**
 * At most about `most` of `points` ([[x, y], …], in x order), keeping the curve's look: the points
 * are cut into runs of equal count, and each run keeps its first and last point and those of its
 * lowest and highest y, in order. A chart has no more pixels across than that, and drawing every
 * one of a long run's 4,096 rows cost a frame tens of milliseconds. Fewer points come back as
 * they are. Points whose y is not finite (gaps) are kept.
 */
export function thinPoints(points, most) {
  if (points.length <= most || most < 8) return points;
  const runs = Math.floor(most / 4);
  const out = [];
  for (let r = 0; r < runs; r += 1) {
    const from = Math.floor((r * points.length) / runs);
    const to = Math.floor(((r + 1) * points.length) / runs); // exclusive
    let lo = -1;
    let hi = -1;
    const keep = new Set([from, to - 1]);
    for (let i = from; i < to; i += 1) {
      const y = points[i][1];
      if (!Number.isFinite(y)) keep.add(i);
      else {
        if (lo < 0 || y < points[lo][1]) lo = i;
        if (hi < 0 || y > points[hi][1]) hi = i;
      }
    }
    if (lo >= 0) keep.add(lo);
    if (hi >= 0) keep.add(hi);
    for (const i of [...keep].sort((a, b) => a - b)) out.push(points[i]);
  }
  return out;
}

/**
 * Draws `chart` ({title, x_label, y_label, series: [{name, points, color}], y_range}) onto
 * `canvas` at the device's pixel density. Returns where plotters put the data, in CSS pixels from
 * the canvas's top left: {left, top, right, bottom} (the pixels of the x range's ends and the y
 * range's ends) and the ranges x: [x0, x1] and y: [y0, y1] the axes show. Returns null while the
 * wasm is not up or the canvas is not laid out.
 */
export function drawChart(canvas, chart) {
  if (!bindings) return null;
  const box = fit(canvas);
  if (!box) return null;
  box.ctx.setTransform(1, 0, 0, 1, 0, 0); // plotters draws in backing-store pixels
  // Two points per CSS pixel across are as many as can show.
  const most = Math.max(64, 2 * Math.round(box.width));
  const series = chart.series.map((s) => ({ ...s, points: thinPoints(s.points, most) }));
  const area = bindings.draw_line_chart(canvas, { ...chart, series, scale: box.dpr });
  const px = canvas.width / box.width; // backing-store pixels per CSS pixel
  return {
    left: area.left / px, top: area.top / px, right: area.right / px, bottom: area.bottom / px,
    x: area.x, y: area.y,
  };
}

function format(value, percent) {
  if (!Number.isFinite(value)) return String(value);
  return percent ? `${(100 * value).toFixed(1)}%` : value.toPrecision(3);
}

export class CurveCharts {
  /** @param {HTMLElement} container where the chart figures go */
  constructor(container) {
    this.container = container;
    this.canvases = new Map(); // group id → canvas
  }

  /**
   * Draws every chart of `table` (a MetricTable), each as a task given to `schedule(fn, key)`
   * (the page's drawing loop, www/figures/schedule.js frameTask, so that its budget falls between
   * the charts), keyed by the chart's canvas. Returns false if the wasm is not up yet.
   */
  draw(table, schedule) {
    const groups = table.groups();
    this.#ensureCanvases(groups);
    const x = table.last('epoch');
    for (const group of groups) {
      const canvas = this.canvases.get(group.id);
      const parts = group.series.map((s) => `${s.name} ${format(table.last(s.column), group.percent)}`);
      canvas.setAttribute('aria-label', `${group.title} curves: ${parts.join(', ')} after epoch ${x ?? 0}.`);
      const chart = {
        title: group.title,
        x_label: 'epoch',
        y_label: group.yLabel,
        series: group.series.map((s) => ({ name: s.name, points: table.points(s.column), color: s.color })),
        y_range: group.yRange,
      };
      schedule(() => drawChart(canvas, chart), canvas);
    }
    return Boolean(bindings);
  }

  #ensureCanvases(groups) {
    const ids = groups.map((g) => g.id);
    for (const [id, canvas] of this.canvases) {
      if (!ids.includes(id)) {
        canvas.closest('figure').remove();
        this.canvases.delete(id);
      }
    }
    for (const group of groups) {
      if (this.canvases.has(group.id)) continue;
      const figure = document.createElement('figure');
      figure.className = 'panel chart';
      const canvas = document.createElement('canvas');
      canvas.setAttribute('role', 'img');
      canvas.dataset.chart = group.id;
      canvas.setAttribute('aria-label', `${group.title} curves.`);
      const caption = document.createElement('figcaption');
      caption.textContent = group.id === 'loss' || group.id === 'acc'
        ? `${group.title} per epoch: blue on the training set, vermillion on the held-out test set.`
        : `${group.title} per epoch.`;
      figure.append(canvas, caption);
      this.container.append(figure);
      this.canvases.set(group.id, canvas);
    }
  }
}
