// Loss and accuracy curves, drawn by plotters in the main-thread wasm (`ui`, src/charts.rs) through
// `draw_line_chart`. This module makes one <canvas> per chart group of the metric table and keeps
// each canvas's text alternative current.
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
      if (!bindings) continue;
      const box = fit(canvas);
      if (!box) continue;
      box.ctx.setTransform(1, 0, 0, 1, 0, 0); // plotters draws in backing-store pixels
      bindings.draw_line_chart(canvas, {
        title: group.title,
        x_label: 'epoch',
        y_label: group.yLabel,
        series: group.series.map((s) => ({ name: s.name, points: table.points(s.column), color: s.color })),
        y_range: group.yRange,
        scale: box.dpr,
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
