// Figure 1 of the Dendrites & Bursts chapter: Naud & Sprekeler's multiplexing population,
// simulated in one engine worker (`{"rule": "multiplex", …}`), paced to a chosen multiple of
// real time, and started again when its 600 s run ends. It is a Figure (www/figures/figure.js:
// buttons, status, holds, errors, settings) with its own views: the spike raster (from snapshots), scrolling traces of the
// inputs and the population's streams (from the metric rows), and the correlations between them
// over the visible window.
//
// The input sliders change the running simulation through the engine's `adjust` command, so
// only the stream they drive responds; an engine without live settings for this model rebuilds
// it with the new values instead (www/figures/race.js `adjust`), and the figure says which it did in
// its `data-adjust` attribute (live or rebuild).
import { Figure } from '../../figures/figure.js';
import { sameExperiment } from '../../engine/client.js';
import { framesByName } from '../../views/canvas.js';
import { frameTask, throttle } from '../../figures/schedule.js';
import * as SPEC from './figures.js';
import {
  STREAMS, INPUT_KEYS, TRACE_PANELS, WINDOW_S, SETTLE_S, inputsOf, multiplexPace, experimentsOf,
  multiplexStats, recent, corrText, tracesSummary,
} from './figures.js';
import { drawRaster, rasterCounts } from '../../views/raster.js';
import { drawTraces } from '../../views/traces.js';

/** Rows the page keeps (10 s at 10 ms each): the traces show the last 5 s. */
const KEEP_ROWS = 1000;
/** The step button and → advance the simulation by this many seconds. */
const STEP_S = 1;

const WORDS = {
  idle: 'press Play to start', starting: 'starting the engine…', configuring: 'building the population…',
  training: 'running', stepping: 'running', paused: 'paused', finished: 'finished', error: 'stopped',
};

const VIEWS = `
  <div class="mx-views" data-el="views">
    <figure class="panel mx-raster">
      <canvas data-el="raster" role="img" aria-label="Spike raster: no spikes yet."></canvas>
      <figcaption class="legend">
        <span class="legend-item"><span class="swatch tick events" aria-hidden="true"></span><strong>single spike</strong> an event that is not a burst</span>
        <span class="legend-item"><span class="swatch tick bursts" aria-hidden="true"></span><strong>burst</strong> spikes less than 16 ms apart (one event)</span>
      </figcaption>
    </figure>
    <figure class="panel mx-traces">
      <canvas data-el="traces" role="img" aria-label="Traces of the inputs and of the population's event rate, burst probability and synaptic read-outs: not enough simulated time yet."></canvas>
      <figcaption>Population averages over 10-ms bins, smoothed over 50 ms, each trace scaled to its own range so that shapes can be compared. <span class="swatch line input" aria-hidden="true"></span> grey: the input currents; <span class="swatch line events" aria-hidden="true"></span> green: events; <span class="swatch line bursts" aria-hidden="true"></span> vermillion: bursts; dashed: what the synapses pass on.</figcaption>
    </figure>
    <div class="mx-readouts">
      <table class="readouts corr">
        <caption>Correlation over the last 5 s</caption>
        <thead><tr><td></td><th scope="col">somatic input</th><th scope="col">dendritic input</th></tr></thead>
        <tbody>
          <tr><th scope="row"><span class="swatch line events" aria-hidden="true"></span>event rate <i>E</i></th><td data-corr="E_soma">–</td><td data-corr="E_dend">–</td></tr>
          <tr><th scope="row"><span class="swatch line bursts" aria-hidden="true"></span>burst probability <i>P</i></th><td data-corr="P_soma">–</td><td data-corr="P_dend">–</td></tr>
        </tbody>
      </table>
      <table class="readouts corr">
        <caption>What the synapses pass on</caption>
        <tbody>
          <tr><th scope="row">depressing read-out against <i>E</i></th><td data-corr="D_E">–</td></tr>
          <tr><th scope="row">facilitating read-out against burst rate <i>B</i></th><td data-corr="F_B">–</td></tr>
        </tbody>
      </table>
      <dl class="levels">
        <div><dt>Event rate <i>E</i></dt><dd data-level="event_rate">–</dd></div>
        <div><dt>Burst probability <i>P</i></dt><dd data-level="burst_prob">–</dd></div>
        <div><dt>Burst rate <i>B</i> = <i>P</i>·<i>E</i></dt><dd data-level="burst_rate">–</dd></div>
        <div><dt>Speed</dt><dd data-el="speed">–</dd></div>
      </dl>
      <p class="help">Rates per neuron, averaged over the last second.</p>
    </div>
  </div>`;

function withoutInputs(experiment) {
  const rest = { ...experiment };
  for (const k of INPUT_KEYS) delete rest[k];
  return rest;
}

function setText(element, text) {
  if (element && element.textContent !== text) element.textContent = text;
}

export class MultiplexFigure extends Figure {
  constructor(id, root, { onPlay }) {
    super(id, root, { onPlay, spec: SPEC, playWord: 'Play', stepLabel: 'Step one second', words: WORDS });
    for (const name of ['raster', 'traces', 'views']) this.el[name] = this.$(name);
    this.stepUntil = null; // simulated time at which a Step ends
    this.stats = null;
    // The raster and traces scroll: redraw every frame (at most once a second with reduced motion).
    this.requestDraw = throttle(() => this.draw(), () => (this.motion.reduce ? 1000 : 0), { frame: true });
    this.requestSummary = throttle(() => this.#summaries(), () => 1000);
    new ResizeObserver(() => this.requestDraw()).observe(this.el.views);
  }

  get lane() {
    return this.race ? this.race.lanes.get('multiplex') : null;
  }

  // ---- hooks -------------------------------------------------------------------------------

  views() {
    return VIEWS;
  }

  raceOptions() {
    // One step is one 10-ms bin: make up for up to 100 ms of late answers.
    return { repeat: true, keepRows: KEEP_ROWS, catchUp: 10 };
  }

  /** New inputs go to the running simulation; anything else (seed, size) rebuilds it. */
  configureRace(state) {
    this.race.setPace(multiplexPace(state));
    const [experiment] = experimentsOf('multiplex', state);
    const lane = this.lane;
    if (lane && lane.wanted && !sameExperiment(lane.wanted, experiment)
      && sameExperiment(withoutInputs(lane.wanted), withoutInputs(experiment))) {
      this.race.adjust('multiplex', inputsOf(state));
    } else {
      this.race.configure([experiment]);
    }
    this.#adjustMode();
  }

  raceChanged() {
    const lane = this.lane;
    if (this.stepUntil !== null && lane && (lane.epoch >= this.stepUntil || !this.race.playing)) {
      this.stepUntil = null;
      if (this.race.playing) this.race.pause();
    }
    this.#adjustMode();
  }

  onSnapshot() {
    this.requestDraw();
  }

  progressParts(lanes) {
    const lane = lanes[0];
    const parts = [`${lane.epoch.toFixed(1)} s simulated`];
    if (lane.rate > 0 && (this.playing || this.stepUntil !== null)) parts.push(`${(lane.rate / 1000).toFixed(1)}× real time`);
    return parts;
  }

  // ---- buttons -----------------------------------------------------------------------------

  /** Runs the simulation for one more second, then pauses. */
  step() {
    const lane = this.lane;
    if (!this.race || !this.race.canTrain || !lane) return;
    this.stepUntil = lane.epoch + STEP_S;
    this.takeOver();
    this.race.play();
  }

  pause() {
    this.stepUntil = null;
    super.pause();
  }

  reset() {
    this.stepUntil = null;
    super.reset();
  }

  // ---- views -------------------------------------------------------------------------------

  draw() {
    const lane = this.lane;
    const frames = framesByName(lane?.snapshot);
    // The raster and the traces are two tasks of the page's drawing loop (schedule.js), so that
    // its frame budget falls between them.
    frameTask(() => {
      drawRaster(this.el.raster, frames, { span: 1, colors: STREAMS });
      const counts = rasterCounts(frames);
      this.el.raster.dataset.spikes = counts.spikes;
      this.el.raster.dataset.bursts = counts.bursts;
    }, this.el.raster);
    const table = lane?.table;
    frameTask(() => {
      const data = table ? recent(table, WINDOW_S) : {};
      const end = Math.max(WINDOW_S, data.time_s?.at(-1) ?? 0);
      drawTraces(this.el.traces, TRACE_PANELS, data, { start: end - WINDOW_S, end, from: SETTLE_S });
    }, this.el.traces);
    this.stats = table ? multiplexStats(table) : null;
    this.requestSummary();
  }

  /** The correlations and levels, in the readout table (at most every 400 ms). */
  readouts() {
    const stats = this.stats;
    const c = stats ? stats.correlations : {};
    for (const cell of this.root.querySelectorAll('[data-corr]')) {
      const r = c[cell.dataset.corr];
      setText(cell, corrText(r));
      cell.dataset.value = Number.isFinite(r) ? r.toFixed(3) : '';
      cell.style.setProperty('--strength', Number.isFinite(r) ? Math.abs(r).toFixed(2) : '0');
    }
    const levels = stats ? stats.levels : {};
    const format = { event_rate: (v) => `${v.toFixed(1)} Hz`, burst_rate: (v) => `${v.toFixed(1)} Hz`, burst_prob: (v) => v.toFixed(2), somatic_input: (v) => `${Math.round(v)} pA`, dendritic_input: (v) => `${Math.round(v)} pA` };
    for (const cell of this.root.querySelectorAll('[data-level]')) {
      const v = levels[cell.dataset.level];
      setText(cell, Number.isFinite(v) ? format[cell.dataset.level](v) : '–');
      cell.dataset.value = Number.isFinite(v) ? v.toPrecision(4) : '';
    }
    const lane = this.lane;
    const speed = this.root.querySelector('[data-el="speed"]');
    const running = lane && lane.rate > 0 && (this.playing || this.stepUntil !== null);
    setText(speed, running ? `${(lane.rate / 1000).toFixed(1)}× real time` : '–');
    if (speed) speed.dataset.value = running ? (lane.rate / 1000).toFixed(2) : '';
  }

  #summaries() {
    const lane = this.lane;
    const counts = rasterCounts(framesByName(lane?.snapshot));
    const raster = counts.spikes || counts.end > 0
      ? `Spike raster of ${counts.rows} of the ${this.state['multiplex.neurons']} neurons, ${Math.max(0, counts.start).toFixed(1)}–${counts.end.toFixed(1)} s: `
        + `${counts.spikes} spikes, ${counts.bursts} of them in bursts.`
      : 'Spike raster: no spikes yet.';
    this.el.raster.setAttribute('aria-label', raster);
    this.el.traces.setAttribute('aria-label', this.stats ? tracesSummary(this.stats) : tracesSummary({ correlations: {} }));
  }

  #adjustMode() {
    const lane = this.lane;
    const mode = !lane ? '' : lane.adjustRefused ? 'rebuild' : lane.adjusting ? 'live' : '';
    if (this.root.dataset.adjust !== mode) this.root.dataset.adjust = mode;
  }
}
