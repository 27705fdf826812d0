// Loss and accuracy curves, drawn by plotters in the main-thread wasm (`ui`, src/charts.rs) through
// `draw_line_chart`. `drawChart` draws one chart onto a canvas; `CurveCharts` makes one <canvas>
// per chart group of a metric table and keeps each canvas's text alternative current;
// `plotArea` says where plotters put the plotting area, for labels drawn beside the curves.
import { fit } from './canvas.js';

let bindings = null; // the ui wasm's exports, once trunk has started it

/** Resolves with the ui wasm's exports (trunk sets window.wasmBindings, then fires an event). */
export function chartBindings() {
  if (bindings) return Promise.resolve(bindings);
  return new Promise((resolve) => {
    const done = () => {
      bindings = window.wasmBindings;
      resolve(bindings);
    };
    if (window.wasmBindings) done();
    else window.addEventListener('TrunkApplicationStarted', done, { once: true });
  });
}

/**
 * Draws `chart` ({title, x_label, y_label, series: [{name, points, color}], y_range}) onto
 * `canvas` at the device's pixel density. Returns false while the wasm is not up or the canvas
 * is not laid out.
 */
export function drawChart(canvas, chart) {
  if (!bindings) return false;
  const box = fit(canvas);
  if (!box) return false;
  box.ctx.setTransform(1, 0, 0, 1, 0, 0); // plotters draws in backing-store pixels
  bindings.draw_line_chart(canvas, { ...chart, scale: box.dpr });
  return true;
}

// The layout constants of src/charts.rs `draw` (in CSS pixels; plotters truncates them).
const MARGIN = 8;
const X_LABEL_AREA = 34;
const Y_LABEL_AREA = 48;
const CAPTION_SIZE = 16;

/**
 * The plotting area of a chart drawn by `drawChart` on `canvas` with caption `title`, in CSS
 * pixels from the canvas's top left: {left, top, right, bottom}. It repeats what plotters does:
 * margins and label areas from src/charts.rs, and a caption as tall as plotters measures it (the
 * offsetHeight of a span in the page, plotters' web font code) plus padding.
 */
export function plotArea(canvas, title) {
  const dpr = canvas.clientWidth > 0 ? canvas.width / canvas.clientWidth : 1;
  const margin = Math.trunc(MARGIN * dpr);
  const span = document.createElement('span');
  span.textContent = title;
  span.setAttribute('style', `display: inline-block; font-family:sans-serif; font-style:normal; font-size: ${Math.round(CAPTION_SIZE * dpr)}px; position: fixed; top: 100%`);
  document.body.append(span);
  const textHeight = span.offsetHeight;
  span.remove();
  const top = margin + 2 * Math.min(Math.trunc(textHeight / 2), 5) + textHeight;
  return {
    left: (margin + Math.trunc(Y_LABEL_AREA * dpr)) / dpr,
    top: top / dpr,
    right: (canvas.width - margin) / dpr,
    bottom: (canvas.height - margin - Math.trunc(X_LABEL_AREA * dpr)) / dpr,
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
