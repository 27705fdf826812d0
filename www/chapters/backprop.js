// The Backprop chapter's figure: a race of one lane (backprop itself, www/figures/figure.js)
// with its own views: the decision boundary on the 2-D sets, the network diagram, receptive
// fields and the confusion matrix on the digits, and the loss and accuracy charts of every
// metric group.
//
// Pacing: on the 2-D sets an epoch takes about a millisecond, so "as fast as possible" would be
// over before the eye sees anything. At a finite speed (10, 30 or 100 epochs a second) the race
// asks for one epoch at a time (`step`), as TF Playground does; at speed "max" it sends `train`
// and the engine runs in its 10 ms slices.
import { Figure } from '../figures/figure.js';
import { FigureChapter } from '../figures/chapter.js';
import { experimentOf, isPlanar } from '../state/state.js';
import { MetricTable } from '../engine/metrics.js';
import { CurveCharts } from '../views/linechart.js';
import { drawNetwork } from '../views/network.js';
import { drawBoundary } from '../views/heatmap.js';
import { drawFields } from '../views/digits.js';
import { drawConfusion } from '../views/confusion.js';
import { framesByName } from '../views/canvas.js';
import { throttle, frameTask } from '../figures/schedule.js';
import { addDrawPad } from '../figures/drawpad.js';

/** The samples/s shown while training are measured over this window. */
const RATE_WINDOW_MS = 1500;

/** Fields that only the 2-D sets have: hidden on the digits. */
const PLANAR_ONLY = new Set(['noise', 'points']);

function epochsPerSecond(speed) {
  return speed === 'max' ? Infinity : Number(speed) || 30;
}

/** What the figure races (see www/figures/figure.js): backprop, on the chapter's settings. */
const SPEC = Object.freeze({
  FIGURES: { backprop: { title: 'Backprop', rules: () => ['bp'] } },
  RULES: { bp: { name: 'BP', long: 'backprop', color: 0 } },
  experimentsOf: (figure, state) => [experimentOf(state)],
  paceOf: (figure, state) => epochsPerSecond(state.speed),
  chartsOf: () => [],
});

const WORDS = {
  idle: 'starting the engine…', starting: 'starting the engine…', configuring: 'building the network…',
  'loading-data': 'loading digits…', training: 'training', stepping: 'training one epoch', paused: 'paused',
  finished: 'finished', diverged: 'stopped: diverged', broken: 'engine stopped',
};

const VIEWS = `
  <div class="views" data-el="views">
    <figure class="panel">
      <canvas class="wide" data-el="network" role="img" aria-label="Network diagram."></canvas>
      <figcaption>The network. <span class="swatch pos"></span> Blue links are positive weights, <span class="swatch neg"></span> orange negative; thicker is larger (within a layer).</figcaption>
    </figure>
    <figure class="panel" data-show="planar">
      <canvas class="square" data-el="boundary" role="img" aria-label="Decision boundary."></canvas>
      <figcaption>
        <span class="colorbar" aria-hidden="true"><span>class 0</span><span class="bar"></span><span>class 1</span></span>
        What the network answers at each point of the plane, with the training points.
      </figcaption>
    </figure>
    <figure class="panel" data-show="mnist">
      <canvas class="square" data-el="fields" role="img" aria-label="Receptive fields."></canvas>
      <figcaption>Receptive fields: the weights from the 28×28 pixels into first-layer hidden units, each scaled to its own largest weight (blue positive, orange negative).</figcaption>
    </figure>
    <div class="drawpad-host" data-show="mnist" data-el="drawpad"></div>
    <div class="charts" data-el="charts"></div>
    <figure class="panel" data-show="mnist">
      <canvas class="square" data-el="confusion" role="img" aria-label="Confusion matrix."></canvas>
      <figcaption>Test digits by true class (rows) and the network's answer (columns), after the last epoch.</figcaption>
    </figure>
  </div>`;

export class BackpropFigure extends Figure {
  constructor(id, root, hooks) {
    super(id, root, {
      ...hooks, spec: SPEC, words: WORDS, formFirst: true,
      show: (spec) => (PLANAR_ONLY.has(spec.key) ? 'planar' : undefined),
    });
    for (const name of ['views', 'network', 'boundary', 'fields', 'confusion']) this.el[name] = this.$(name);
    this.curves = new CurveCharts(this.el.charts);
    // Draw a digit (on MNIST): every answer from the one network.
    this.drawpad = addDrawPad(this, this.$('drawpad'), () => Boolean(this.state) && !isPlanar(this.state.data));
    this.frames = new Map(); // the last snapshot's arrays, kept while a new model is built
    this.rateMarks = []; // [time, samples] while training
    // The views queue themselves in the page's drawing loop (#drawViews); with reduced motion at
    // most four times a second.
    const reduced = throttle(() => this.#drawViews(), () => 250);
    this.requestViews = () => (this.motion.reduce ? reduced() : this.#drawViews());
    new ResizeObserver(() => {
      this.requestViews();
      this.requestDraw();
    }).observe(this.el.views);
  }

  get lane() {
    return this.race ? this.race.lanes.get('bp') : null;
  }

  views() {
    return VIEWS;
  }

  apply(state) {
    this.root.dataset.data = isPlanar(state.data) ? 'planar' : 'mnist';
    super.apply(state);
    this.requestViews();
    this.drawpad.refresh();
  }

  // ---- hooks -------------------------------------------------------------------------------

  raceOptions() {
    return { catchUp: 0 }; // a late epoch is not made up for: the pace is the reader's to watch
  }

  get phase() {
    const lane = this.lane;
    if (lane?.broken) return 'broken';
    if (lane?.diverged) return 'diverged';
    const phase = super.phase;
    return phase === 'idle' || phase === 'error' ? 'starting' : phase;
  }

  alertOf(lane, text = lane.error) {
    return text; // one lane: no need to say which
  }

  raceChanged() {
    this.drawpad.refresh();
    const lane = this.lane;
    if (!lane || !this.playing) {
      this.rateMarks = [];
      return;
    }
    const now = performance.now();
    this.rateMarks.push([now, lane.samples]);
    while (this.rateMarks.length > 2 && now - this.rateMarks[0][0] > RATE_WINDOW_MS) this.rateMarks.shift();
  }

  onSnapshot() {
    this.frames = framesByName(this.lane.snapshot);
    this.requestViews();
  }

  redraw() {
    super.redraw();
    this.requestViews();
  }

  progressParts([lane]) {
    const epoch = isPlanar(this.state.data) ? Math.floor(lane.epoch) : Math.floor(lane.epoch * 10) / 10;
    const parts = [`Epoch ${epoch} of ${this.state.epochs}`];
    const acc = lane.table.last('test_acc');
    if (Number.isFinite(acc)) parts.push(`test accuracy ${(100 * acc).toFixed(1)}%`);
    parts.push(...this.reachedParts([lane]));
    const rate = this.#rate();
    if (this.phase === 'training' && rate !== null) parts.push(`${Math.round(rate).toLocaleString('en-US')} samples/s`);
    return parts;
  }

  // ---- views -------------------------------------------------------------------------------

  #rate() {
    const marks = this.rateMarks;
    if (marks.length < 2) return null;
    const [t0, s0] = marks[0];
    const [t1, s1] = marks[marks.length - 1];
    return t1 - t0 >= 250 && s1 >= s0 ? ((s1 - s0) * 1000) / (t1 - t0) : null;
  }

  /** The loss and accuracy charts, one per metric group. */
  draw() {
    if (!this.state) return;
    this.curves.draw(this.lane?.table ?? new MetricTable(), frameTask);
  }

  /**
   * Each view is its own task of the page's drawing loop (www/figures/schedule.js), so that the
   * frame budget can spread them over frames; each draws the newest snapshot when its turn comes.
   */
  #drawViews() {
    if (!this.state) return;
    const label = (canvas, text) => {
      if (text && canvas.getAttribute('aria-label') !== text) canvas.setAttribute('aria-label', text);
    };
    const view = (canvas, draw) => frameTask(() => label(canvas, draw(this.frames)), canvas);
    view(this.el.network, (frames) => drawNetwork(this.el.network, frames));
    if (isPlanar(this.state.data)) {
      view(this.el.boundary, (frames) => drawBoundary(this.el.boundary, frames));
    } else {
      view(this.el.fields, (frames) => drawFields(this.el.fields, frames, frames.get('sizes')?.data[1] ?? 0));
      view(this.el.confusion, (frames) => drawConfusion(this.el.confusion, frames));
    }
  }
}

/**
 * The chapter: one figure, its links the whole state. Like every figure, it starts its worker
 * when it first comes into view and holds while out of view or hidden (an embed below the fold
 * loads nothing until it is scrolled to).
 */
export class BackpropChapter extends FigureChapter {
  /**
   * @param {HTMLElement} page the chapter's <article>
   * @param {(key: string, value: unknown) => void} onChange a setting changed (valid value)
   */
  constructor(page, onChange) {
    super(page, {
      ids: ['backprop'],
      make: (id, root, hooks) => new BackpropFigure(id, root, hooks),
      title: () => 'brainprop: Backprop',
      whole: true,
    }, onChange);
  }
}
