// One figure on the page: a race of engine workers (www/figures/race.js, one lane per learning
// rule) with its shell (www/figures/shell.js: buttons, status line, alert, loading box, views,
// settings form), its charts (www/views/labelled-chart.js: plotters, with a label beside the
// end of each curve) and a table of per-lane readouts. Every figure of the site is one: the
// Backprop chapter's (one lane), the Random feedback chapter's four, the Dendrites & Bursts
// chapter's three.
//
// What a figure races and draws is data: a `spec` (a chapter's figures module, e.g.
// www/chapters/feedback/figures.js) with {FIGURES, RULES, experimentsOf, paceOf, chartsOf} and
// optionally readout(id) → {column, format, header} and progressText(id, state, lanes) → string.
// A figure that draws something else (the Backprop chapter's, the multiplexing figure) extends
// this class and overrides its hooks: views(), raceOptions(), raceChanged(detail),
// onSnapshot(rule), draw(), readouts(), progressParts(lanes), phase, alertOf(lane).
import { Race } from './race.js';
import { renderShell, raceViews } from './shell.js';
import { MetricTable } from '../engine/metrics.js';
import { chartBindings } from '../views/linechart.js';
import { LabelledChart, swatch } from '../views/labelled-chart.js';
import { percent } from '../views/format.js';
import { cancelFrameTask, frameTask, throttle, reducedMotion } from './schedule.js';
import { download, lanesCsv, savesWeights, stackedPng, weightsFile, weightsOfFile } from './export.js';
import { keepSharp } from '../views/canvas.js';
import { ruleOf, stopAtOf } from '../state/state.js';

const PHASE_WORDS = {
  idle: 'press Train to start', starting: 'starting the engines…', 'loading-data': 'loading digits…',
  configuring: 'building the networks…', training: 'training', stepping: 'training one epoch',
  paused: 'paused', finished: 'finished', error: 'stopped', recovering: 'restarting the engine and catching up…',
};
/** Phases in which the lanes' progress is not worth reporting yet. */
const BUILDING = ['starting', 'loading-data', 'configuring'];

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

/** A status word as a line of its own: capitalised, with a full stop unless it trails off. */
function statusLine(words) {
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}${words.endsWith('…') ? '' : '.'}`;
}

export class Figure {
  /**
   * @param {string} id figure id (race, align, …; backprop for the Backprop chapter)
   * @param {HTMLElement} root the figure's placeholder <section>
   * @param {{onPlay: (figure: Figure) => void, spec: object, playWord?: string, stepLabel?: string,
   *   words?: object, formFirst?: boolean, show?: Function}} options
   *   onPlay: this figure starts training; spec: what it races and draws (see above); playWord:
   *   the play button's label (Train); stepLabel: the step button's; words: the status line's
   *   word for each phase; formFirst, show: see www/figures/shell.js
   */
  constructor(id, root, { onPlay, spec, playWord = 'Train', stepLabel = 'Step one epoch', words = {}, formFirst = false, show }) {
    this.id = id;
    this.root = root;
    this.spec = spec;
    this.number = spec.FIGURES[id].number;
    this.onPlay = onPlay;
    this.words = { ...PHASE_WORDS, ...words };
    this.playWord = playWord;
    const $ = renderShell(root, {
      id, playWord, stepLabel, formFirst, show, status: statusLine(this.words.idle), views: this.views(),
      formLabel: this.number ? `Settings of figure ${this.number}` : 'Settings',
    });
    this.$ = $;
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
    this.charts = new Map(); // chart id → LabelledChart
    this.motion = reducedMotion();
    this.requestDraw = throttle(() => this.draw(), () => (this.motion.reduce ? 1000 : 150), { frame: true });
    this.requestSync = throttle(() => this.#sync(), () => 0, { frame: true });
    this.requestReadouts = throttle(() => this.readouts(), () => (this.motion.reduce ? 1000 : 400), { frame: true });
    this.requestStatus = throttle(() => this.#writeStatus(), () => 1000);

    this.el.train.addEventListener('click', () => this.toggle());
    this.el.step.addEventListener('click', () => this.step());
    this.el.reset.addEventListener('click', () => this.reset());
    $('save-csv')?.addEventListener('click', () => this.saveCsv());
    $('save-png')?.addEventListener('click', () => this.savePng());
    $('save-weights')?.addEventListener('click', () => this.saveWeights());
    $('load-weights')?.addEventListener('change', (event) => this.loadWeights(event.target));
    if (this.el.charts) new ResizeObserver(() => this.requestDraw()).observe(this.el.charts);
    keepSharp(root, () => this.redraw()); // every canvas sized for the pixel ratio, even while paused
    chartBindings().then(() => this.requestDraw());
    this.#sync();
  }

  /** Takes a new page state: rebuilds the lanes whose experiment changed. */
  apply(state) {
    this.state = state;
    this.#showKnobs(state);
    if (this.race) this.configureRace(state);
    this.requestDraw();
    this.#sync();
  }

  /**
   * Shows only the settings that reach a lane the figure runs (the race's perturbation size
   * while NP or WP runs), and a group of settings only while one of its fields shows.
   */
  #showKnobs(state) {
    const form = this.$('controls');
    if (!form) return;
    const rules = this.spec.FIGURES[this.id].rules(state);
    for (const field of form.querySelectorAll('.field[data-lanes]')) {
      field.hidden = !field.dataset.lanes.split(' ').some((rule) => rules.includes(rule));
    }
    const weights = this.$('weights');
    if (weights) weights.hidden = !rules.some((lane) => this.#savesWeights(lane));
    for (const group of form.querySelectorAll('fieldset, details')) {
      const fields = group.querySelectorAll('.field, .checks');
      group.hidden = fields.length > 0 && [...fields].every((f) => f.hidden);
    }
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
    // For the embedding API (www/embed-api.js): what the figure measures, as events on its root.
    const tell = (type, detail) => this.root.dispatchEvent(new CustomEvent(`brainprop:${type}`, { bubbles: true, detail: { figure: this.id, ...detail } }));
    this.race.addEventListener('rows', ({ detail: { rule, columns, rows } }) => tell('rows', { lane: rule, columns, rows }));
    this.race.addEventListener('diverged', ({ detail: { rule, message } }) => tell('diverged', { lane: rule, message }));
    let finished = false;
    this.race.addEventListener('change', () => {
      const now = this.race.phase === 'finished';
      if (now && !finished) tell('finished', { lanes: this.race.list.map((l) => ({ lane: l.rule, epoch: l.epoch, reached: l.reached })) });
      finished = now;
    });
    this.race.addEventListener('loading', (event) => this.#loading(event.detail));
    this.configureRace(this.state);
  }

  // ---- hooks for figures that extend this one ------------------------------------------------

  /** The views' markup, inside the figure's body: charts and, if the spec says, readouts. */
  views() {
    const { readouts } = this.spec.FIGURES[this.id];
    const { header, epoch, rate } = this.#readout();
    return raceViews(readouts && { caption: readouts, header, epoch, rate });
  }

  /** Extra options of the Race (www/figures/race.js): repeat, keepRows, catchUp. */
  raceOptions() {
    return {};
  }

  /** Hands a new state to the race: its pace, and the lanes' experiments (changed ones rebuild). */
  configureRace(state) {
    this.race.setPace(this.spec.paceOf(this.id, state));
    this.race.setTarget(stopAtOf(this.id, state));
    this.race.configure(this.spec.experimentsOf(this.id, state));
  }

  /**
   * Draws every view again (a canvas was resized, or the device pixel ratio changed: see
   * keepSharp in www/views/canvas.js). A figure with views beyond its charts adds their draws.
   */
  redraw() {
    this.requestDraw();
  }

  /** Called after anything in the race changed (detail.rows: new metric rows arrived). */
  raceChanged() {}

  /** A lane's engine sent arrays to draw (`lane.snapshot`). */
  onSnapshot() {}

  /** What the figure is doing, for its status line and its `data-engine` attribute. */
  get phase() {
    return this.race ? this.race.phase : 'idle';
  }

  /** The alert line for a lane that stopped or failed (`text`: its error, or its crash report). */
  alertOf(lane, text = lane.error) {
    return `${this.spec.RULES[lane.rule].name}: ${text}`;
  }

  // ---- buttons -----------------------------------------------------------------------------

  get playing() {
    return Boolean(this.race && this.race.playing);
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  play() {
    if (!this.race || !this.race.canTrain) {
      this.holds.clear();
      // Not built yet: train as soon as it is.
      this.playWhenReady = !this.race || BUILDING.includes(this.race.phase);
      this.start();
      this.#sync();
      return;
    }
    this.takeOver();
    this.race.play();
  }

  pause() {
    this.release();
    this.race?.pause();
  }

  step() {
    if (!this.race || !this.race.canTrain) return;
    this.takeOver();
    this.race.step();
  }

  reset() {
    if (!this.race || !this.race.canReset) return;
    this.release();
    this.race.reset();
  }

  /** The reader drives this figure now: it goes (and the chapter pauses the others). */
  takeOver() {
    this.holds.clear();
    this.onPlay(this);
  }

  /** The reader stopped this figure: no hold or pending Train brings it back. */
  release() {
    this.holds.clear();
    this.playWhenReady = false;
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

  // ---- saving ------------------------------------------------------------------------------

  /** The file name of what this figure saves: brainprop-<figure>.<ext>. */
  fileName(ext) {
    return `brainprop-${this.id}.${ext}`;
  }

  /** Saves every lane's metric rows, the data the charts draw, as CSV. */
  saveCsv() {
    const lanes = this.lanes().map((l) => ({ name: this.spec.RULES[l.rule]?.name ?? l.rule, table: l.table }));
    download(new Blob([lanesCsv(lanes)], { type: 'text/csv' }), this.fileName('csv'));
    this.$('share-message').textContent = `Saved ${this.fileName('csv')}.`;
  }

  /** Saves the figure's charts, stacked, as one PNG at the screen's resolution. */
  async savePng() {
    const canvases = [...this.root.querySelectorAll('canvas[data-chart]')].filter((c) => c.offsetParent !== null);
    const message = this.$('share-message');
    try {
      download(await stackedPng(canvases), this.fileName('png'));
      message.textContent = `Saved ${this.fileName('png')}.`;
    } catch (error) {
      message.textContent = `The charts could not be saved: ${error.message}.`;
    }
  }

  /**
   * Whether the model of `lane` saves and loads weights. A lane is named by its rule, or by its
   * variant of the figure's one rule (the depth race's none/one/two are all `dendrites`).
   */
  #savesWeights(lane) {
    return savesWeights(ruleOf(this.id, lane));
  }

  /** The lanes whose models can save and load weights, built and listening. */
  #weightLanes() {
    return (this.race ? this.race.list : []).filter((l) => l.ready && l.client && this.#savesWeights(l.rule));
  }

  /**
   * Saves the weights of every lane that has them in one JSON file (www/figures/export.js,
   * weightsFile): the engine's `export_weights` of each, asked between training slices.
   */
  async saveWeights() {
    const message = this.$('share-message');
    const lanes = this.#weightLanes();
    if (!lanes.length) {
      message.textContent = 'There are no weights to save yet: wait until the figure has built its network.';
      return;
    }
    const byRule = new Map();
    for (const lane of lanes) {
      const reply = await this.race.exportWeights(lane.rule);
      if (!reply || !reply.weights) {
        message.textContent = `The weights could not be saved. ${reply?.error ?? 'The network is busy (being built, answering, or restarting): try again in a moment.'}`;
        return;
      }
      byRule.set(lane.rule, reply.weights);
    }
    const { name, text } = weightsFile(this.id, byRule);
    download(new Blob([text], { type: 'application/json' }), name);
    message.textContent = `Saved ${name}.`;
  }

  /**
   * Loads a weights file chosen in `input` into the lanes of the same rules: each is rebuilt
   * from its settings with those weights (the engine's `import_weights`), and its curves start
   * over from one point that evaluates them. Says what was loaded, or why not and which setting
   * to change, in the share block's message.
   */
  async loadWeights(input) {
    const message = this.$('share-message');
    const file = input.files && input.files[0];
    if (!file) return;
    input.value = ''; // choosing the same file again loads it again
    let byRule;
    try {
      byRule = weightsOfFile(await file.text());
    } catch (error) {
      message.textContent = `${file.name} was not loaded: ${error.message}.`;
      return;
    }
    const lanes = this.#weightLanes().filter((l) => byRule.has(l.rule));
    if (!lanes.length) {
      const name = (rule) => this.spec.RULES[rule]?.name ?? rule;
      const held = [...byRule.keys()].map(name).join(', ');
      const here = this.#weightLanes().map((l) => name(l.rule)).join(', ') || 'no network yet';
      message.textContent = `${file.name} was not loaded: it holds weights of ${held}, and this figure trains ${here}.`;
      return;
    }
    const said = [];
    for (const lane of lanes) {
      const name = this.spec.RULES[lane.rule]?.name ?? lane.rule;
      const reply = await this.race.importWeights(lane.rule, byRule.get(lane.rule));
      if (reply && reply.rows) {
        const at = reply.columns.indexOf('test_acc');
        const accuracy = at >= 0 && reply.rows.length ? reply.rows.at(-1)[at] : NaN;
        said.push(`Loaded ${name}'s weights${Number.isFinite(accuracy) ? `: test accuracy ${percent(accuracy)}` : ''}.`);
      } else {
        said.push(`${name}'s weights were not loaded. ${reply?.error ?? 'The network was busy, or was rebuilt first: try again.'}`);
      }
    }
    message.textContent = said.join(' ');
  }

  // ---- what the reader sees ----------------------------------------------------------------

  #sync() {
    // Called on every worker message (tens a second): each write below is made only when the
    // value changes, since any DOM write costs the page a style and layout pass.
    const set = (target, key, value) => {
      if (target[key] !== value) target[key] = value;
    };
    const phase = this.phase;
    set(this.root.dataset, 'engine', phase);
    const can = this.race ? this.race.canTrain : true;
    const word = this.playing ? 'Pause' : this.playWord;
    set(this.el.train, 'textContent', word);
    // A page with several figures says which one each button trains.
    const label = this.number ? `${word} (figure ${this.number})` : null;
    if (label && this.el.train.getAttribute('aria-label') !== label) this.el.train.setAttribute('aria-label', label);
    set(this.el.train, 'disabled', !can);
    set(this.el.step, 'disabled', !this.race || !this.race.canTrain);
    set(this.el.reset, 'disabled', !this.race || !this.race.canReset);
    set(this.el.loading, 'hidden', phase !== 'loading-data');
    const lanes = this.race ? this.race.list : [];
    // Errors, and what was done about a crash the lane recovered from (www/figures/race.js).
    const errors = [
      ...lanes.filter((l) => l.error).map((l) => this.alertOf(l)),
      ...lanes.filter((l) => !l.error && l.crash).map((l) => this.alertOf(l, l.crashText)),
    ];
    if (errors.join('\n') !== this.alertText) { // rewrite only on change: role=alert speaks each time
      this.alertText = errors.join('\n');
      this.el.alert.replaceChildren(...errors.map((text) => element('p', '', text)));
      this.el.alert.hidden = errors.length === 0;
    }
    this.requestStatus();
  }

  #loading({ received, total, done }) {
    if (done) {
      this.el.loadingText.textContent = 'Preparing digits…';
      return;
    }
    this.el.loadingText.textContent = `Loading digits… ${(received / 1e6).toFixed(1)} MB`;
    if (total >= received && total > 0) this.el.loadingBar.value = received / total;
  }

  #writeStatus() {
    if (!this.state) return;
    const phase = this.phase;
    const parts = [];
    const lanes = this.race ? this.race.list.filter((l) => l.ready) : [];
    if (lanes.length && !BUILDING.includes(phase)) parts.push(...this.progressParts(lanes));
    parts.push(this.holds.size && phase === 'paused' ? 'paused while out of view' : this.words[phase]);
    if (lanes.some((l) => l.onPage)) parts.push('running on this page, slower: this frame may not start a worker');
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
    parts.push(...this.reachedParts(lanes));
    return parts;
  }

  /** The status line's word on the lanes stopped at the target test accuracy (see stop_at). */
  reachedParts(lanes) {
    const reached = lanes.filter((l) => l.reached);
    if (!reached.length) return [];
    if (lanes.length === 1) return [`reached ${percent(this.race.target)} at epoch ${epochText(reached[0].reached.epoch)}`];
    return [`${reached.length} of ${lanes.length} reached ${percent(this.race.target)}`];
  }

  /** The lanes as the charts see them: [{rule, table, built}] (empty tables before the race). */
  lanes() {
    if (this.race) return this.race.list.map((l) => ({ rule: l.rule, table: l.table, built: l.built, snapshot: l.snapshot }));
    return this.spec.FIGURES[this.id].rules(this.state).map((rule) => ({ rule, table: new MetricTable() }));
  }

  draw() {
    if (!this.state) return;
    this.drawCharts(this.spec.chartsOf(this.id, this.state, this.lanes()));
    this.readouts();
  }

  /**
   * Shows `charts` (chart descriptions: www/views/labelled-chart.js) in the figure's chart area,
   * one LabelledChart per chart id; charts no longer described are removed. Each chart draws in
   * a frame task of its own, so that the page's drawing budget (www/figures/schedule.js) falls
   * between them, with the newest description when its turn comes: a figure's charts drawn for
   * the first time (fonts looked up, code compiled) took one task of 50–100 ms together.
   */
  drawCharts(charts) {
    const ids = charts.map((c) => c.id);
    for (const [id, view] of this.charts) {
      if (!ids.includes(id)) {
        cancelFrameTask(view);
        view.remove();
        this.charts.delete(id);
      }
    }
    for (const chart of charts) {
      if (!this.charts.has(chart.id)) this.charts.set(chart.id, new LabelledChart(this.el.charts, chart.id));
      const view = this.charts.get(chart.id);
      frameTask(() => view.draw(chart), view);
    }
  }

  #readout() {
    return { column: 'test_acc', format: percent, header: 'Test accuracy', ...(this.spec.readout ? this.spec.readout(this.id) : {}) };
  }

  readouts() {
    const body = this.el.readouts;
    if (!body) return;
    const { column, format } = this.#readout();
    const lanes = this.race ? this.race.list : [];
    body.replaceChildren(...lanes.map((lane) => {
      const row = element('tr');
      row.dataset.rule = lane.rule;
      const name = element('th');
      name.scope = 'row';
      name.append(swatch(this.spec.RULES[lane.rule].color), this.spec.RULES[lane.rule].name);
      const metric = lane.table.last(column);
      const state = lane.broken ? 'stopped' : lane.diverged ? 'diverged' : lane.reached ? `reached at epoch ${epochText(lane.reached.epoch)}` : lane.finished ? 'finished'
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
