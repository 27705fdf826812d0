// One figure that races engine workers (www/race.js) on the page: its buttons and status line,
// its charts (www/labelled-chart.js: plotters, with a label beside the end of each curve), and a
// table of per-rule readouts. What the figure races and draws is data: a `spec` (the Random
// feedback chapter's is www/feedback-figures.js, the default; Dendrites & Bursts passes
// www/dendrites-figures.js) with {FIGURES, RULES, experimentsOf, paceOf, chartsOf} and
// optionally readout(id) → {column, format} and progressText(id, state, lanes) → string.
//
// A figure that draws something else (www/multiplex-figure.js) extends this class and overrides
// its hooks: raceOptions(), configureRace(state), raceChanged(detail), onSnapshot(rule), draw(),
// readouts(), progressParts(lanes) and the words it uses (`this.words`, `this.playWord`).
import { Race } from './race.js';
import { MetricTable } from '../engine/metrics.js';
import * as FEEDBACK_SPEC from '../chapters/feedback/figures.js';
import { percent } from '../chapters/feedback/figures.js';
import { chartBindings } from '../views/linechart.js';
import { LabelledChart, swatch } from '../views/labelled-chart.js';
import { throttle, reducedMotion } from './schedule.js';

const PHASE_WORDS = {
  idle: 'press Train to start', starting: 'starting the engines…', 'loading-data': 'loading digits…',
  configuring: 'building the networks…', training: 'training', stepping: 'training one epoch',
  paused: 'paused', finished: 'finished', error: 'stopped',
};

function epochText(epoch) {
  return String(Math.floor(epoch * 10) / 10);
}

function rate(value) {
  return value > 0 ? Math.round(value).toLocaleString('en-US') : '–';
}

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class FeedbackFigure {
  /**
   * @param {string} id figure id (race, align, linear, deep)
   * @param {HTMLElement} root the figure's <section>
   * @param {{onPlay: (figure: FeedbackFigure) => void, spec?: object, playWord?: string, words?: object}} hooks
   *   onPlay: this figure starts training; spec: what it races and draws (see above); playWord:
   *   the play button's label (Train); words: the status line's word for each race phase
   */
  constructor(id, root, { onPlay, spec = FEEDBACK_SPEC, playWord = 'Train', words = {} }) {
    const $ = (name) => root.querySelector(`[data-el="${name}"]`);
    this.id = id;
    this.root = root;
    this.spec = spec;
    this.number = spec.FIGURES[id].number;
    this.onPlay = onPlay;
    this.el = {
      train: $('train'), step: $('step'), reset: $('reset'), status: $('status'), alert: $('alert'),
      loading: $('loading'), loadingText: $('loading-text'), loadingBar: $('loading-bar'),
      charts: $('charts'), readouts: $('readouts'),
    };
    this.race = null; // made when the figure first comes into view, or on Train
    this.state = null;
    this.playWhenReady = false;
    this.alertText = '';
    this.holds = new Set(); // why training is held: 'offscreen', 'hidden'
    this.views = new Map(); // chart id → LabelledChart
    this.words = { ...PHASE_WORDS, ...words };
    this.playWord = playWord;
    this.motion = reducedMotion();
    this.requestDraw = throttle(() => this.draw(), () => (this.motion.reduce ? 1000 : 150), { frame: true });
    this.requestSync = throttle(() => this.#sync(), () => 0, { frame: true });
    this.requestReadouts = throttle(() => this.readouts(), () => (this.motion.reduce ? 1000 : 400), { frame: true });
    this.requestStatus = throttle(() => this.#writeStatus(), () => 1000);

    this.el.train.setAttribute('aria-label', `${this.playWord} (figure ${this.number})`);
    this.el.train.addEventListener('click', () => this.toggle());
    this.el.step.addEventListener('click', () => this.step());
    this.el.reset.addEventListener('click', () => this.reset());
    if (this.el.charts) new ResizeObserver(() => this.requestDraw()).observe(this.el.charts);
    chartBindings().then(() => this.requestDraw());
  }

  /** Takes a new page state: rebuilds the lanes whose experiment changed. */
  apply(state) {
    this.state = state;
    if (this.race) this.configureRace(state);
    this.requestDraw();
    this.#sync();
  }

  /** Starts the workers and builds the models (paused). */
  start() {
    if (this.race || !this.state) return;
    this.race = new Race({ pace: this.spec.paceOf(this.id, this.state), ...this.raceOptions() });
    this.race.addEventListener('change', (event) => {
      if (this.playWhenReady && this.race.canTrain) {
        this.playWhenReady = false;
        this.play();
      }
      this.raceChanged(event.detail);
      // Curves change only when rows arrive; buttons and readouts follow every message, at most
      // once a frame (four workers post about 400 progress messages a second between them).
      if (event.detail.rows || !this.race.playing) this.requestDraw();
      this.requestSync();
      this.requestReadouts();
    });
    this.race.addEventListener('snapshot', (event) => this.onSnapshot(event.detail.rule));
    this.race.addEventListener('loading', (event) => this.#loading(event.detail));
    this.race.configure(this.spec.experimentsOf(this.id, this.state));
  }

  // ---- hooks for figures that extend this one ------------------------------------------------

  /** Extra options of the Race (www/race.js): repeat, keepRows. */
  raceOptions() {
    return {};
  }

  /** Hands a new state to the race: its pace, and the lanes' experiments (changed ones rebuild). */
  configureRace(state) {
    this.race.pace = this.spec.paceOf(this.id, state);
    this.race.configure(this.spec.experimentsOf(this.id, state));
  }

  /** Called after anything in the race changed (detail.rows: new metric rows arrived). */
  raceChanged() {}

  /** A lane's engine sent arrays to draw (`lane.snapshot`). */
  onSnapshot() {}

  get playing() {
    return Boolean(this.race && this.race.playing);
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  play() {
    this.holds.clear();
    if (!this.race || !this.race.canTrain) {
      // Not built yet: train as soon as it is.
      this.playWhenReady = !this.race || ['starting', 'loading-data', 'configuring'].includes(this.race.phase);
      this.start();
      this.#sync();
      return;
    }
    this.onPlay(this);
    this.race.play();
  }

  pause() {
    this.holds.clear();
    this.playWhenReady = false;
    this.race?.pause();
  }

  step() {
    if (!this.race || !this.race.canTrain) return;
    this.holds.clear();
    this.onPlay(this);
    this.race.step();
  }

  reset() {
    this.holds.clear();
    this.playWhenReady = false;
    this.race?.reset();
  }

  /** Holds training for `reason` (off-screen, page hidden); `resume(reason)` lets it go on. */
  suspend(reason) {
    if (this.playing) {
      this.holds.add(reason);
      this.race.pause();
    } else if (this.holds.size) {
      this.holds.add(reason);
    }
    this.#sync();
  }

  resume(reason) {
    if (!this.holds.delete(reason)) return;
    if (this.holds.size === 0 && this.race) {
      this.onPlay(this);
      this.race.play();
    }
    this.#sync();
  }

  /** The reader left the chapter: stop training. */
  leave() {
    this.pause();
  }

  // ---- what the reader sees ----------------------------------------------------------------

  #phase() {
    return this.race ? this.race.phase : 'idle';
  }

  #sync() {
    const phase = this.#phase();
    this.root.dataset.engine = phase;
    const can = this.race ? this.race.canTrain : true;
    const word = this.playing ? 'Pause' : this.playWord;
    if (this.el.train.textContent !== word) {
      this.el.train.textContent = word;
      this.el.train.setAttribute('aria-label', `${word} (figure ${this.number})`);
    }
    this.el.train.disabled = !can;
    this.el.step.disabled = !this.race || !this.race.canTrain;
    this.el.reset.disabled = !this.race || !this.race.canReset;
    this.el.loading.hidden = phase !== 'loading-data';
    const errors = (this.race ? this.race.list.filter((l) => l.error) : []).map((l) => `${this.spec.RULES[l.rule].name}: ${l.error}`);
    if (errors.join('\n') !== this.alertText) { // rewrite only on change: role=alert speaks each time
      this.alertText = errors.join('\n');
      this.el.alert.replaceChildren(...errors.map((text) => element('p', '', text)));
      this.el.alert.hidden = errors.length === 0;
    }
    this.requestStatus();
  }

  #loading({ received, total }) {
    this.el.loadingText.textContent = `Loading digits… ${(received / 1e6).toFixed(1)} MB`;
    if (total >= received && total > 0) this.el.loadingBar.value = received / total;
  }

  #writeStatus() {
    if (!this.state) return;
    const phase = this.#phase();
    const parts = [];
    const lanes = this.race ? this.race.list.filter((l) => l.ready) : [];
    if (lanes.length && !['starting', 'loading-data', 'configuring'].includes(phase)) parts.push(...this.progressParts(lanes));
    parts.push(this.holds.size && phase === 'paused' ? 'paused while out of view' : this.words[phase]);
    const line = parts.join(' · ');
    this.el.status.textContent = line.charAt(0).toUpperCase() + line.slice(1);
    if (phase === 'training') this.requestStatus();
  }

  /** The status line's account of how far the lanes have come. */
  progressParts(lanes) {
    const progress = this.spec.progressText ? this.spec.progressText(this.id, this.state, lanes) : null;
    if (progress) return [progress];
    const parts = [];
    const total = this.state[`${this.id}.epochs`];
    const epochs = lanes.map((l) => l.epoch);
    const lo = epochText(Math.min(...epochs));
    const hi = epochText(Math.max(...epochs));
    parts.push(lo === hi ? `Epoch ${lo} of ${total}` : `Epochs ${lo}–${hi} of ${total}`);
    if (lanes.length === 1 && Number.isFinite(lanes[0].table.last('test_acc'))) {
      parts.push(`test accuracy ${percent(lanes[0].table.last('test_acc'))}`);
    }
    return parts;
  }

  #lanes() {
    if (this.race) return this.race.list.map((l) => ({ rule: l.rule, table: l.table, built: l.built }));
    return this.spec.FIGURES[this.id].rules(this.state).map((rule) => ({ rule, table: new MetricTable() }));
  }

  draw() {
    if (!this.state) return;
    const charts = this.spec.chartsOf(this.id, this.state, this.#lanes());
    const ids = charts.map((c) => c.id);
    for (const [id, view] of this.views) {
      if (!ids.includes(id)) {
        view.remove();
        this.views.delete(id);
      }
    }
    for (const chart of charts) {
      if (!this.views.has(chart.id)) this.views.set(chart.id, new LabelledChart(this.el.charts, chart.id));
      this.views.get(chart.id).draw(chart);
    }
    this.readouts();
  }

  readouts() {
    const body = this.el.readouts;
    if (!body) return;
    const { column, format } = this.spec.readout ? this.spec.readout(this.id) : { column: 'test_acc', format: percent };
    const lanes = this.race ? this.race.list : [];
    body.replaceChildren(...lanes.map((lane) => {
      const row = element('tr');
      row.dataset.rule = lane.rule;
      const name = element('th');
      name.scope = 'row';
      name.append(swatch(this.spec.RULES[lane.rule].color), this.spec.RULES[lane.rule].name);
      const metric = lane.table.last(column);
      const state = lane.broken ? 'stopped' : lane.diverged ? 'diverged' : lane.finished ? 'finished'
        : lane.loadingData ? 'loading digits' : lane.configuring ? 'building' : lane.running ? 'training'
          : lane.error ? 'error' : lane.ready ? 'paused' : 'starting';
      const cells = [
        epochText(lane.epoch),
        Number.isFinite(metric) ? format(metric) : '–',
        rate(lane.rate),
        state,
      ];
      row.append(name, ...cells.map((text, i) => {
        const td = element('td', '', text);
        td.dataset.col = ['epoch', 'metric', 'rate', 'state'][i];
        return td;
      }));
      return row;
    }));
  }
}
