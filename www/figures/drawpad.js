// Draw a digit: a 28×28 pad on the figures that train on MNIST, and every network of the figure
// answering with its class probabilities for the drawing, live as it trains.
//
// The pad keeps its ink at four times MNIST's resolution (112×112, values in [0, 1]), painted by
// a soft round brush: the mouse, a pen or a finger (pointer events), or the keyboard (the pad is
// a button: arrow keys move a cursor, Space or Enter paints under it, Shift with an arrow paints
// as it moves, Delete or Backspace clears). Before the networks see it, the drawing is prepared
// as the MNIST digits were (LeCun et al.): scaled, keeping its aspect ratio, so that its ink fits
// a 20×20 box, and placed in the 28×28 image with its centre of mass at the centre
// (`prepareDigit`). The pad shows that image too: what the networks see.
//
// Asking: while the pad has ink and the figure is in view, each lane whose model changed since
// its last answer (new training, a new build) or whose drawing is newer is asked again, at most
// every ASK_MS, with at most one `predict` in flight per lane (www/figures/race.js `predict`).
import { drawGrey } from '../views/image.js';
import { fit } from '../views/canvas.js';
import { swatch } from '../views/labelled-chart.js';
import { percent } from '../views/format.js';

/** MNIST's side, in pixels. */
export const SIDE = 28;
/** Ink cells per MNIST pixel, along each side. */
export const FINE = 4;
/** The brush's radius, in MNIST pixels. */
export const BRUSH = 2;
/** The side of the box the ink is scaled to fit, as in MNIST (pixels). */
export const BOX = 20;
/** How often a lane is asked again while its model changes (ms). */
export const ASK_MS = 250;

const INK_SIDE = SIDE * FINE;

/** An empty drawing: INK_SIDE² ink values in [0, 1], row by row. */
export function emptyInk() {
  return new Float32Array(INK_SIDE * INK_SIDE);
}

/**
 * Paints one soft dab into `ink` at (x, y), in MNIST pixels (0–28, x to the right, y down):
 * full ink within half the radius, fading smoothly to none at `radius`. Ink only grows (the
 * brighter of old and new), so going over a stroke again does not thicken it.
 */
export function dab(ink, x, y, radius = BRUSH) {
  const r = radius * FINE;
  const cx = x * FINE;
  const cy = y * FINE;
  for (let row = Math.max(0, Math.floor(cy - r)); row <= Math.min(INK_SIDE - 1, Math.ceil(cy + r)); row++) {
    for (let col = Math.max(0, Math.floor(cx - r)); col <= Math.min(INK_SIDE - 1, Math.ceil(cx + r)); col++) {
      const d = Math.hypot(col + 0.5 - cx, row + 0.5 - cy) / r;
      if (d >= 1) continue;
      const t = d <= 0.5 ? 1 : 1 - (d - 0.5) / 0.5;
      const v = t * t * (3 - 2 * t); // smoothstep
      const i = row * INK_SIDE + col;
      if (v > ink[i]) ink[i] = v;
    }
  }
}

/** Paints a stroke from (x0, y0) to (x1, y1) (MNIST pixels): dabs a quarter pixel apart. */
export function stroke(ink, x0, y0, x1, y1, radius = BRUSH) {
  const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 4));
  for (let k = 0; k <= steps; k++) dab(ink, x0 + ((x1 - x0) * k) / steps, y0 + ((y1 - y0) * k) / steps, radius);
}

/** Ink value at fine coordinates (u, v), bilinear; 0 outside. */
function sample(ink, u, v) {
  const x = u - 0.5;
  const y = v - 0.5;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  let sum = 0;
  for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
    const col = x0 + dx;
    const row = y0 + dy;
    if (col < 0 || row < 0 || col >= INK_SIDE || row >= INK_SIDE) continue;
    sum += ink[row * INK_SIDE + col] * (1 - Math.abs(x - col)) * (1 - Math.abs(y - row));
  }
  return sum;
}

/**
 * The drawing as the networks take it: 784 values in [0, 1] (0 paper, 1 ink), row by row, like
 * the MNIST digits the engine trains on. The ink's bounding box is scaled, keeping its aspect
 * ratio, so that its longer side is BOX pixels (20), and placed so that the ink's centre of mass
 * falls at the image's centre (14, 14), as MNIST was prepared; each pixel averages 4×4 samples
 * of the scaled ink. Returns null when the pad is empty.
 * @param {Float32Array} ink the pad's ink (see emptyInk)
 * @returns {Float32Array|null}
 */
export function prepareDigit(ink) {
  const { mass, mx, my, top, bottom, left, right } = extent(INK_SIDE, (i) => ink[i], 0.05);
  if (mass === 0) return null;
  const scale = BOX / Math.max(right - left, bottom - top); // output pixels per fine cell
  const out = new Float32Array(SIDE * SIDE);
  const n = 4;
  for (let row = 0; row < SIDE; row++) {
    for (let col = 0; col < SIDE; col++) {
      let sum = 0;
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          const x = col + (b + 0.5) / n;
          const y = row + (a + 0.5) / n;
          sum += sample(ink, mx + (x - SIDE / 2) / scale, my + (y - SIDE / 2) / scale);
        }
      }
      out[row * SIDE + col] = Math.min(1, sum / (n * n));
    }
  }
  return out;
}

/**
 * Where the ink of a `side`×`side` image is: over the cells whose value `at(i)` (i = row·side +
 * col) is above `floor`, their count, their summed value `mass`, its centre (mx, my, in cells
 * from the top left corner) and their bounding box (top and left the first row and column,
 * bottom and right one past the last). mass is 0 when no cell is above `floor`.
 */
function extent(side, at, floor) {
  const e = { count: 0, mass: 0, mx: 0, my: 0, top: side, bottom: 0, left: side, right: 0 };
  for (let i = 0; i < side * side; i++) {
    const v = at(i);
    if (!(v > floor)) continue;
    const row = Math.floor(i / side);
    const col = i % side;
    e.count += 1;
    e.mass += v;
    e.mx += v * (col + 0.5);
    e.my += v * (row + 0.5);
    e.top = Math.min(e.top, row);
    e.bottom = Math.max(e.bottom, row + 1);
    e.left = Math.min(e.left, col);
    e.right = Math.max(e.right, col + 1);
  }
  if (e.mass > 0) {
    e.mx /= e.mass;
    e.my /= e.mass;
  }
  return e;
}

/** The brightest ink within MNIST pixel i (row·SIDE + col) of the pad. */
function peakAt(ink, i) {
  const row = Math.floor(i / SIDE);
  const col = i % SIDE;
  let peak = 0;
  for (let a = 0; a < FINE; a++) for (let b = 0; b < FINE; b++) peak = Math.max(peak, ink[(row * FINE + a) * INK_SIDE + col * FINE + b]);
  return peak;
}

/**
 * In words, where the ink is on the pad (its text alternative): "Empty.", or how many of the
 * 28×28 pixels hold ink (at least half) and which rows and columns they span (from 1).
 */
export function describeInk(ink) {
  const { count, top, bottom, left, right } = extent(SIDE, (i) => peakAt(ink, i), 0.4999);
  if (count === 0) return 'Empty.';
  return `Ink in ${count} of ${SIDE * SIDE} pixels, rows ${top + 1}–${bottom} and columns ${left + 1}–${right}.`;
}

let padCount = 0;

/**
 * The pad: a button holding the drawing's canvas, a Clear button, and a small image of what the
 * networks see. `onChange(digit)` gets the prepared digit (prepareDigit; null once cleared) after
 * every change.
 */
export class DrawPad {
  /**
   * @param {HTMLElement} container where the pad goes (appended)
   * @param {(digit: Float32Array|null) => void} onChange
   */
  constructor(container, onChange) {
    const id = `drawpad-${++padCount}`;
    this.onChange = onChange;
    this.ink = emptyInk();
    this.cursor = { x: SIDE / 2, y: SIDE / 2 }; // the keyboard's, in MNIST pixels
    this.showCursor = false;
    this.digit = null;
    const root = document.createElement('div');
    root.className = 'drawpad';
    root.innerHTML = `
      <button type="button" class="drawpad-pad" data-el="pad" aria-label="Drawing pad, ${SIDE} by ${SIDE} pixels" aria-describedby="${id}-ink ${id}-help">
        <canvas class="drawpad-canvas" data-el="pad-canvas" role="img" aria-label="Drawing pad: empty."></canvas>
      </button>
      <div class="drawpad-side">
        <button type="button" data-el="pad-clear">Clear</button>
        <figure class="drawpad-seen">
          <canvas class="drawpad-preview" data-el="pad-preview" role="img" aria-label="What the networks see: nothing yet."></canvas>
          <figcaption>What the networks see: centred and scaled like the MNIST digits.</figcaption>
        </figure>
      </div>
      <p class="drawpad-help" id="${id}-help">Draw a digit with the mouse, a pen or a finger. Or, with the pad focused: arrow keys move the cursor, <kbd>Space</kbd> paints, <kbd>Shift</kbd>+arrow paints as it moves, <kbd>Delete</kbd> clears.</p>
      <p class="visually-hidden" id="${id}-ink" data-el="pad-ink">Empty.</p>`;
    container.append(root);
    this.root = root;
    this.pad = root.querySelector('[data-el="pad"]');
    this.canvas = root.querySelector('[data-el="pad-canvas"]');
    this.preview = root.querySelector('[data-el="pad-preview"]');
    this.inkText = root.querySelector('[data-el="pad-ink"]');
    root.querySelector('[data-el="pad-clear"]').addEventListener('click', () => this.clear());
    this.#bindPointer();
    this.#bindKeys();
    // The first picture comes with the first size the observer reports, after the page's own
    // layout: drawing here would lay the page out in the middle of building it (20–25 ms).
    new ResizeObserver(() => this.draw()).observe(this.pad);
  }

  /** True while there is ink on the pad. */
  get hasInk() {
    return this.digit !== null;
  }

  clear() {
    this.ink.fill(0);
    this.changed();
  }

  /** Pad coordinates (MNIST pixels) of a pointer event. */
  #at(event) {
    const box = this.canvas.getBoundingClientRect();
    return { x: ((event.clientX - box.left) / box.width) * SIDE, y: ((event.clientY - box.top) / box.height) * SIDE };
  }

  #bindPointer() {
    let last = null;
    const end = () => {
      if (last) this.changed();
      last = null;
    };
    this.canvas.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      event.preventDefault(); // no text selection, no focus ring from a mouse drag
      try {
        this.canvas.setPointerCapture(event.pointerId); // the stroke goes on outside the pad
      } catch { /* a pointer the browser does not track (a synthetic event): no capture */ }
      this.showCursor = false;
      last = this.#at(event);
      dab(this.ink, last.x, last.y);
      this.draw();
    });
    this.canvas.addEventListener('pointermove', (event) => {
      if (!last) return;
      for (const e of event.getCoalescedEvents?.() ?? [event]) {
        const p = this.#at(e);
        stroke(this.ink, last.x, last.y, p.x, p.y);
        last = p;
      }
      this.draw();
      this.changed(false);
    });
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
  }

  #bindKeys() {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    this.pad.addEventListener('keydown', (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const move = moves[event.key];
      if (move) {
        const { x, y } = this.cursor;
        const nx = Math.min(SIDE - 0.5, Math.max(0.5, x + move[0]));
        const ny = Math.min(SIDE - 0.5, Math.max(0.5, y + move[1]));
        if (event.shiftKey) stroke(this.ink, x, y, nx, ny);
        this.cursor = { x: nx, y: ny };
        this.showCursor = true;
        if (event.shiftKey) this.changed();
        else this.draw();
      } else if (event.key === ' ' || event.key === 'Enter') {
        dab(this.ink, this.cursor.x, this.cursor.y);
        this.showCursor = true;
        this.changed();
      } else if (event.key === 'Delete' || event.key === 'Backspace') {
        this.clear();
      } else {
        return;
      }
      event.preventDefault(); // neither the button's click nor the page's shortcuts
    });
    this.pad.addEventListener('focus', () => {
      this.showCursor = this.pad.matches(':focus-visible');
      this.draw();
    });
    this.pad.addEventListener('blur', () => {
      this.showCursor = false;
      this.draw();
    });
  }

  /**
   * The ink changed: redraws, and (when `final`, or at most once a frame while a stroke goes on)
   * prepares the digit and tells `onChange`.
   */
  changed(final = true) {
    this.draw();
    if (!final) {
      if (this.pending) return;
      this.pending = requestAnimationFrame(() => {
        this.pending = 0;
        this.#prepare();
      });
      return;
    }
    if (this.pending) cancelAnimationFrame(this.pending);
    this.pending = 0;
    this.#prepare();
  }

  #prepare() {
    this.digit = prepareDigit(this.ink);
    const words = describeInk(this.ink);
    if (this.inkText.textContent !== words) this.inkText.textContent = words;
    this.canvas.setAttribute('aria-label', `Drawing pad: ${words.charAt(0).toLowerCase()}${words.slice(1)}`);
    this.preview.setAttribute('aria-label', this.digit ? 'What the networks see: the drawing, centred and scaled to 20 by 20 pixels in 28 by 28.' : 'What the networks see: nothing yet.');
    drawGrey(this.preview, { shape: [SIDE, SIDE], data: this.digit ?? new Float32Array(SIDE * SIDE) });
    this.onChange(this.digit);
  }

  /** Paints the ink (dark on white) and, while the keyboard draws, the cursor. */
  draw() {
    if (!drawGrey(this.canvas, { shape: [INK_SIDE, INK_SIDE], data: this.ink })) return;
    if (!this.showCursor) return;
    const box = fit(this.canvas);
    if (!box) return;
    const { ctx, width, height } = box;
    const cell = Math.min(width, height) / SIDE;
    const x0 = (width - cell * SIDE) / 2;
    const y0 = (height - cell * SIDE) / 2;
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#d55e00';
    const r = BRUSH * cell;
    ctx.beginPath();
    ctx.arc(x0 + this.cursor.x * cell, y0 + this.cursor.y * cell, r, 0, 2 * Math.PI);
    ctx.stroke();
  }
}

/**
 * The predictions of every lane of a figure: per lane its name, its top class and a bar per
 * class. `lanes` are [{rule, name, color}] in display order; `set(rule, probabilities)` shows a
 * lane's answer (10 numbers summing to 1; null: none yet).
 */
export class PredictionList {
  constructor(container) {
    this.list = document.createElement('ol');
    this.list.className = 'predictions';
    this.list.setAttribute('aria-label', 'What each network answers for the drawing');
    container.append(this.list);
    this.rows = new Map(); // rule → {item, top, bars}
  }

  /** Shows one row per lane (kept by rule, in this order). */
  setLanes(lanes) {
    const keep = new Set(lanes.map((l) => l.rule));
    for (const [rule, row] of this.rows) {
      if (!keep.has(rule)) {
        row.item.remove();
        this.rows.delete(rule);
      }
    }
    lanes.forEach((lane, i) => {
      let row = this.rows.get(lane.rule);
      if (!row) {
        row = this.#row(lane);
        this.rows.set(lane.rule, row);
      }
      if (this.list.children[i] !== row.item) this.list.insertBefore(row.item, this.list.children[i] ?? null); // in order, moved only when not
    });
  }

  #row({ rule, name, color }) {
    const item = document.createElement('li');
    item.className = 'prediction';
    item.dataset.rule = rule;
    const head = document.createElement('p');
    head.className = 'prediction-head';
    const top = document.createElement('span');
    top.className = 'prediction-top';
    top.textContent = 'no answer yet';
    head.append(swatch(color), `${name}: `, top);
    const bars = document.createElement('ol');
    bars.className = 'prediction-bars';
    bars.setAttribute('aria-label', `${name}: probability of each digit`);
    const cells = [];
    for (let d = 0; d < 10; d++) {
      const li = document.createElement('li');
      const track = document.createElement('span');
      track.className = 'prediction-track';
      const bar = document.createElement('span');
      bar.className = 'prediction-bar';
      track.append(bar);
      const label = document.createElement('span');
      label.className = 'prediction-digit';
      label.textContent = String(d);
      const value = document.createElement('span');
      value.className = 'visually-hidden';
      value.dataset.el = 'probability';
      li.append(track, label, value);
      cells.push({ li, bar, value });
    }
    bars.append(...cells.map((c) => c.li));
    item.append(head, bars);
    return { item, top, cells };
  }

  /** Says why a lane gives no answer (the engine's reason). */
  fail(rule, reason) {
    const row = this.rows.get(rule);
    if (!row) return;
    this.set(rule, null);
    row.top.textContent = `no answer (${reason})`;
  }

  set(rule, probabilities) {
    const row = this.rows.get(rule);
    if (!row) return;
    const p = probabilities ?? [];
    let best = -1;
    for (let d = 0; d < 10; d++) if (Number.isFinite(p[d]) && (best < 0 || p[d] > p[best])) best = d;
    row.item.dataset.top = best < 0 ? '' : String(best);
    row.top.textContent = best < 0 ? 'no answer yet' : `${best} (${percent(p[best])})`;
    row.cells.forEach(({ li, bar, value }, d) => {
      const v = Number.isFinite(p[d]) ? p[d] : 0;
      bar.style.height = `${(100 * v).toFixed(1)}%`; // CSSOM, allowed by the site's CSP (no style attribute in markup)
      li.classList.toggle('top', d === best);
      li.dataset.p = String(v);
      value.textContent = `: ${percent(v)}`;
    });
  }
}

/**
 * Adds the pad and the per-lane predictions to a figure (www/figures/figure.js) whose networks
 * train on MNIST, into `container`; `active()` says whether the figure's data is MNIST now (the
 * Backprop figure's data can change). Asks only while the pad is in view. Returns {root, pad,
 * predictions, refresh}: refresh() shows or hides the panel and its lanes after the figure's
 * state or race changed (the asking itself runs on its own timer and on the pad's changes).
 * @param {import('./figure.js').Figure} figure
 * @param {HTMLElement} container
 * @param {() => boolean} active
 */
export function addDrawPad(figure, container, active = () => true) {
  const root = document.createElement('section');
  root.className = 'drawpad-panel';
  root.setAttribute('aria-label', 'Draw a digit');
  root.innerHTML = '<h3 class="drawpad-title">Draw a digit</h3><p class="drawpad-note">Every network of the figure answers, and answers again as it trains.</p>';
  container.append(root);
  const body = document.createElement('div');
  body.className = 'drawpad-body';
  root.append(body);
  const predictions = new PredictionList(body);
  let version = 0; // the drawing's, +1 per change
  let digit = null;
  const asked = new Map(); // rule → the {version, samples, built} last answered for
  const pad = new DrawPad(body, (d) => {
    digit = d;
    version += 1;
    if (!d) for (const rule of predictions.rows.keys()) predictions.set(rule, null);
    tick();
  });
  // Placed first: the pad, then the answers.
  body.prepend(pad.root);

  let visible = false;
  new IntersectionObserver((entries) => {
    visible = entries.some((e) => e.isIntersecting);
    if (visible) tick();
  }).observe(root);

  function lanes() {
    return figure.race ? figure.race.list : [];
  }

  /** Shows the panel when the figure's data is MNIST, one row per lane; with `ask`, asks. */
  function tick(ask = true) {
    const on = active();
    if (root.hidden === on) root.hidden = !on;
    const list = lanes();
    predictions.setLanes(list.map((l) => ({ rule: l.rule, name: figure.spec.RULES[l.rule]?.name ?? l.rule, color: figure.spec.RULES[l.rule]?.color ?? 0 })));
    if (!ask || !visible || !digit || !on || !figure.race) return;
    for (const lane of list) {
      const last = asked.get(lane.rule);
      if (last && last.version === version && last.samples === lane.samples && last.built === lane.built) continue;
      const mark = { version, samples: lane.samples, built: lane.built };
      const sent = figure.race.predict(lane.rule, [Array.from(digit)]);
      if (!sent) continue; // not ready, or an answer is on its way
      sent.then((answer) => {
        if (!answer) return; // the worker was replaced: the next tick asks its successor
        asked.set(lane.rule, mark);
        if (mark.version !== version) return; // the drawing changed meanwhile: asked again
        if (answer.error) predictions.fail(lane.rule, answer.error);
        else predictions.set(lane.rule, answer.probabilities[0]);
      });
    }
  }
  setInterval(() => {
    if (visible) tick();
  }, ASK_MS);
  tick(false);
  return { root, pad, predictions, refresh: () => tick(false) };
}
