// The Backprop chapter's figure: it drives one engine worker from the page state, paces training,
// and hands every reply to the view that draws it.
//
// Pacing: on the 2-D sets an epoch takes about a millisecond, so "as fast as possible" would be
// over before the eye sees anything. At a finite speed the page asks for one epoch at a time
// (`step`) at most `speed` times a second, as TF Playground does; at speed "max" it sends `train`
// and the engine runs in its 10 ms slices.
import { EngineClient, sameExperiment } from '../engine/client.js';
import { experimentOf, isPlanar } from '../state/state.js';
import { MetricTable } from '../engine/metrics.js';
import { CurveCharts, chartBindings } from '../views/linechart.js';
import { drawNetwork } from '../views/network.js';
import { drawBoundary } from '../views/heatmap.js';
import { drawFields } from '../views/digits.js';
import { drawConfusion } from '../views/confusion.js';
import { framesByName } from '../views/canvas.js';
import { throttle, reducedMotion } from '../figures/schedule.js';
import { loadDigits, sendDigits } from '../engine/mnist.js';

const RATE_WINDOW_MS = 1500;

function epochsPerSecond(speed) {
  return speed === 'max' ? Infinity : Number(speed) || 30;
}

/** Capitalised, and ending in exactly one full stop. */
function sentence(text) {
  const s = String(text || '').trim().replace(/[.\s]+$/, '');
  return s ? `${s.charAt(0).toUpperCase()}${s.slice(1)}.` : '';
}

export class BackpropChapter {
  /** @param {HTMLElement} root the chapter's figure element */
  constructor(root) {
    const $ = (name) => root.querySelector(`[data-el="${name}"]`);
    this.root = root;
    this.el = {
      train: $('train'), step: $('step'), reset: $('reset'), status: $('status'),
      alert: $('alert'), loading: $('loading'), loadingText: $('loading-text'), loadingBar: $('loading-bar'),
      network: $('network'), boundary: $('boundary'), fields: $('fields'), confusion: $('confusion'),
      views: $('views'),
    };
    this.charts = new CurveCharts($('charts'));
    this.motion = reducedMotion();
    this.table = new MetricTable();
    this.frames = new Map();
    this.state = null;
    this.wanted = null; // the experiment last sent with `configure`
    this.client = null;
    // What the engine is doing, as far as the page knows.
    this.flags = { ready: false, configuring: false, loadingData: false, playing: false, finished: false, diverged: false, broken: false };
    this.stepInFlight = false;
    this.resumeAfterConfigure = false;
    this.resumeWhenVisible = false;
    this.pumpTimer = null;
    this.lastStepAt = -Infinity;
    this.epoch = 0;
    this.rateMarks = [];

    this.requestViews = throttle(() => this.#drawViews(), () => (this.motion.reduce ? 250 : 0), { frame: true });
    this.requestCharts = throttle(() => this.#drawCharts(), () => (this.motion.reduce ? 1000 : 150), { frame: true });
    this.requestStatus = throttle(() => this.#writeStatus(), () => 1000);

    this.el.train.addEventListener('click', () => this.toggle());
    this.el.step.addEventListener('click', () => this.step());
    this.el.reset.addEventListener('click', () => this.reset());
    new ResizeObserver(() => {
      this.requestViews();
      this.requestCharts();
    }).observe(this.el.views);
    chartBindings().then(() => this.requestCharts());
    document.addEventListener('visibilitychange', () => this.#onVisibility());
    this.#sync();
  }

  /** Takes a new page state: reconfigures the engine when the experiment changed. */
  apply(state) {
    const previous = this.state;
    this.state = state;
    const planar = isPlanar(state.data);
    this.root.dataset.data = planar ? 'planar' : 'mnist';
    if (!this.client) this.#startEngine();
    const experiment = experimentOf(state);
    if (!sameExperiment(this.wanted, experiment)) {
      this.#configure(experiment, this.flags.playing);
    } else if (previous && previous.speed !== state.speed && this.flags.playing) {
      this.#changePace(previous.speed);
    }
    this.requestViews();
    this.requestCharts();
    this.#sync();
  }

  /** The reader left the chapter: stop training. */
  leave() {
    this.pause();
  }

  toggle() {
    if (this.flags.playing) this.pause();
    else this.play();
  }

  play() {
    if (!this.#canTrain() || this.flags.playing) return;
    this.flags.playing = true;
    this.rateMarks = [];
    if (epochsPerSecond(this.state.speed) === Infinity) this.client.send({ type: 'train' });
    else this.#pump();
    this.#sync();
  }

  pause() {
    if (!this.flags.playing) return;
    this.flags.playing = false;
    this.#cancelPump();
    this.client.send({ type: 'pause' });
    this.#sync();
  }

  /** Trains exactly one more epoch. */
  step() {
    if (!this.#canTrain()) return;
    if (this.flags.playing) this.pause();
    this.stepInFlight = true;
    this.client.send({ type: 'step' });
    this.#sync();
  }

  /** Rebuilds the model from the same settings and seed; also recovers from a crashed engine. */
  reset() {
    if (this.flags.broken) {
      this.client.terminate();
      this.client = null;
      this.#startEngine();
      this.#configure(experimentOf(this.state), false);
      return;
    }
    if (this.flags.configuring || this.flags.loadingData) return;
    this.flags.playing = false;
    this.#cancelPump();
    this.stepInFlight = false;
    if (!this.flags.ready) {
      this.#configure(experimentOf(this.state), false);
      return;
    }
    this.flags.configuring = true;
    this.resumeAfterConfigure = false;
    this.client.send({ type: 'reset' });
    this.#sync();
  }

  // ---- the engine --------------------------------------------------------------------------

  #startEngine() {
    this.flags = { ...this.flags, ready: false, configuring: false, loadingData: false, playing: false, broken: false };
    this.wanted = null;
    const client = new EngineClient();
    const on = (type, handler) => client.addEventListener(type, (event) => {
      if (client === this.client) handler(event.detail); // ignore a replaced worker
    });
    on('configured', (m) => this.#onConfigured(m));
    on('needs_data', (m) => this.#onNeedsData(m));
    on('progress', (m) => this.#onProgress(m));
    on('snapshot', (m) => this.#onSnapshot(m));
    on('error', (m) => this.#onError(m));
    this.client = client;
  }

  #configure(experiment, resume) {
    const pending = this.flags.configuring || this.flags.loadingData;
    this.wanted = experiment;
    // A run that was training keeps training with the new settings, even when they change
    // again before the previous ones took effect.
    this.resumeAfterConfigure = resume || (pending && this.resumeAfterConfigure);
    this.flags.playing = false;
    this.flags.configuring = true;
    this.#cancelPump();
    this.stepInFlight = false;
    this.client.send({ type: 'configure', experiment });
    this.#sync();
  }

  #onConfigured(message) {
    if (!sameExperiment(message.experiment, this.wanted)) {
      // A model the page no longer wants (e.g. MNIST arriving after the reader moved on).
      this.client.send({ type: 'configure', experiment: this.wanted });
      return;
    }
    Object.assign(this.flags, { ready: true, configuring: false, loadingData: false, finished: false, diverged: false });
    this.table = new MetricTable(message.columns, message.rows);
    this.epoch = 0;
    this.rateMarks = [];
    this.el.loading.hidden = true;
    this.#alert('');
    this.requestCharts();
    this.#sync();
    if (this.resumeAfterConfigure) {
      this.resumeAfterConfigure = false;
      this.play();
    }
  }

  async #onNeedsData() {
    this.flags.loadingData = true;
    this.#sync();
    if (this.loadingDigits) return;
    this.loadingDigits = true;
    this.el.loading.hidden = false;
    this.el.loadingText.textContent = 'Loading digits…';
    this.el.loadingBar.removeAttribute('value');
    const client = this.client;
    try {
      const bytes = await loadDigits((received, total) => {
        this.el.loadingText.textContent = `Loading digits… ${(received / 1e6).toFixed(1)} MB`;
        if (total >= received) this.el.loadingBar.value = received / total;
      });
      this.el.loadingText.textContent = 'Preparing digits…';
      if (client === this.client) sendDigits(client, bytes);
    } catch (error) {
      this.flags.loadingData = false;
      this.flags.configuring = false;
      this.el.loading.hidden = true;
      this.#alert(`The digits could not be loaded (${error.message}). Choose another data set, or reload the page to try again.`);
      this.#sync();
    } finally {
      this.loadingDigits = false;
    }
  }

  #onProgress(p) {
    if (this.flags.configuring || this.flags.loadingData) return; // from the model being replaced
    this.table.append(p.rows);
    if (p.rows.length) this.requestCharts();
    this.epoch = p.epoch;
    this.#markRate(p.samples);
    if (!p.running) this.stepInFlight = false;
    if (p.finished) {
      this.flags.finished = true;
      this.flags.playing = false;
      this.#cancelPump();
    } else if (this.flags.playing && epochsPerSecond(this.state.speed) !== Infinity) {
      this.#pump();
    }
    this.#sync();
  }

  #onSnapshot(message) {
    if (this.flags.configuring || this.flags.loadingData) return;
    this.frames = framesByName(message.snapshot);
    this.requestViews();
  }

  #onError(e) {
    const message = sentence(e.message);
    if (e.fatal) {
      this.flags.broken = true;
      this.flags.playing = false;
      this.#alert(`${message} Press Reset to start the engine again.`);
    } else if (e.kind === 'diverged') {
      this.flags.diverged = true;
      this.flags.playing = false;
      this.stepInFlight = false;
      this.#cancelPump();
      this.#alert(message);
    } else {
      // config, data or protocol: the engine kept its previous model.
      this.flags.configuring = false;
      this.flags.loadingData = false;
      this.el.loading.hidden = true;
      this.#alert(message);
    }
    this.#sync();
  }

  // ---- pacing ------------------------------------------------------------------------------

  #pump() {
    if (!this.flags.playing || this.stepInFlight || this.pumpTimer !== null) return;
    const wait = this.lastStepAt + 1000 / epochsPerSecond(this.state.speed) - performance.now();
    if (wait > 1) {
      this.pumpTimer = setTimeout(() => {
        this.pumpTimer = null;
        this.#pump();
      }, wait);
      return;
    }
    this.lastStepAt = performance.now();
    this.stepInFlight = true;
    this.client.send({ type: 'step' });
  }

  #cancelPump() {
    if (this.pumpTimer !== null) clearTimeout(this.pumpTimer);
    this.pumpTimer = null;
  }

  #changePace(previousSpeed) {
    if (epochsPerSecond(this.state.speed) === Infinity) {
      this.#cancelPump();
      this.client.send({ type: 'train' });
    } else if (epochsPerSecond(previousSpeed) === Infinity) {
      this.client.send({ type: 'pause' });
      this.stepInFlight = false;
      this.#pump();
    }
  }

  #canTrain() {
    const f = this.flags;
    return this.client !== null && f.ready && !f.configuring && !f.loadingData && !f.finished && !f.diverged && !f.broken;
  }

  #onVisibility() {
    if (document.hidden && this.flags.playing) {
      this.resumeWhenVisible = true;
      this.pause();
    } else if (!document.hidden && this.resumeWhenVisible) {
      this.resumeWhenVisible = false;
      this.play();
    }
  }

  // ---- what the reader sees ----------------------------------------------------------------

  #markRate(samples) {
    const now = performance.now();
    this.rateMarks.push([now, samples]);
    while (this.rateMarks.length > 2 && now - this.rateMarks[0][0] > RATE_WINDOW_MS) this.rateMarks.shift();
  }

  #rate() {
    const marks = this.rateMarks;
    if (marks.length < 2) return null;
    const [t0, s0] = marks[0];
    const [t1, s1] = marks[marks.length - 1];
    return t1 - t0 >= 250 && s1 >= s0 ? ((s1 - s0) * 1000) / (t1 - t0) : null;
  }

  #phase() {
    const f = this.flags;
    if (f.broken) return 'broken';
    if (f.diverged) return 'diverged';
    if (f.loadingData) return 'loading-data';
    if (!f.ready) return 'starting';
    if (f.configuring) return 'configuring';
    if (f.playing) return 'training';
    if (this.stepInFlight) return 'stepping';
    if (f.finished) return 'finished';
    return 'paused';
  }

  /** Buttons and the phase attribute follow at once; the spoken status line at most once a second. */
  #sync() {
    const phase = this.#phase();
    this.root.dataset.engine = phase;
    const can = this.#canTrain();
    this.el.train.textContent = this.flags.playing ? 'Pause' : 'Train';
    this.el.train.disabled = !can;
    this.el.step.disabled = !can;
    this.el.reset.disabled = !this.flags.broken && (this.client === null || this.flags.configuring || this.flags.loadingData || !this.flags.ready);
    this.requestStatus();
  }

  #writeStatus() {
    if (!this.state) return;
    const phase = this.#phase();
    const words = {
      starting: 'starting the engine…', configuring: 'building the network…', 'loading-data': 'loading digits…',
      training: 'training', stepping: 'training one epoch', paused: 'paused', finished: 'finished',
      diverged: 'stopped: diverged', broken: 'engine stopped',
    };
    const parts = [];
    if (this.flags.ready) {
      const epoch = isPlanar(this.state.data) ? Math.floor(this.epoch) : Math.floor(this.epoch * 10) / 10;
      parts.push(`Epoch ${epoch} of ${this.state.epochs}`);
      const acc = this.table.last('test_acc');
      if (Number.isFinite(acc)) parts.push(`test accuracy ${(100 * acc).toFixed(1)}%`);
      const rate = this.#rate();
      if (phase === 'training' && rate !== null) parts.push(`${Math.round(rate).toLocaleString('en-US')} samples/s`);
    }
    parts.push(words[phase]);
    const line = parts.join(' · ');
    this.el.status.textContent = line.charAt(0).toUpperCase() + line.slice(1);
    if (phase === 'training') this.requestStatus(); // keep the rate fresh while training
  }

  #alert(text) {
    this.el.alert.textContent = text;
    this.el.alert.hidden = text === '';
  }

  #drawViews() {
    if (!this.state) return;
    const frames = this.frames;
    const label = (canvas, text) => {
      if (text) canvas.setAttribute('aria-label', text);
    };
    label(this.el.network, drawNetwork(this.el.network, frames));
    if (isPlanar(this.state.data)) {
      label(this.el.boundary, drawBoundary(this.el.boundary, frames));
    } else {
      const sizes = frames.get('sizes');
      label(this.el.fields, drawFields(this.el.fields, frames, sizes ? sizes.data[1] : 0));
      label(this.el.confusion, drawConfusion(this.el.confusion, frames));
    }
  }

  #drawCharts() {
    this.charts.draw(this.table);
  }
}
