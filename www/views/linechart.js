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
  const area = bindings.draw_line_chart(canvas, { ...chart, scale: box.dpr });
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

  /** Draws every chart of `table` (a MetricTable). Returns false if the wasm is not up yet. */
  draw(table) {
    const groups = table.groups();
    this.#ensureCanvases(groups);
    const x = table.last('epoch');
    for (const group of groups) {
      const canvas = this.canvases.get(group.id);
      const parts = group.series.map((s) => `${s.name} ${format(table.last(s.column), group.percent)}`);
      canvas.setAttribute('aria-label', `${group.title} curves: ${parts.join(', ')} after epoch ${x ?? 0}.`);
      drawChart(canvas, {
        title: group.title,
        x_label: 'epoch',
        y_label: group.yLabel,
        series: group.series.map((s) => ({ name: s.name, points: table.points(s.column), color: s.color })),
        y_range: group.yRange,
      });
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
