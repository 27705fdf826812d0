// Figure 1 of the Dendrites & Bursts chapter: one digit through time in the segregated-dendrite
// network (the engine's `dendrites` rule in its spiking mode). Play trains one digit at a time,
// as fast as the engine goes; the figure picks up the last digit's potentials from the engine's
// snapshots as often as the reader's `speed` says, and draws them (./segregated.js says what):
// the chosen hidden neuron's apical dendrite, basal dendrite and soma, and the ten output
// somas, through the forward and the target phase; beside them the digit, α^t − α^f and the
// output rates of both averaging windows.
//
// The engine's `step` trains a whole epoch; Step here trains one slice of the worker (about
// 10 ms: a few digits) and pauses, as the multiplexing figure's Step does with simulated time.
import { Figure } from '../../figures/figure.js';
import { framesByName, cssSize } from '../../views/canvas.js';
import { drawGrey } from '../../views/image.js';
import { drawPanels } from '../../views/traces.js';
import { throttle } from '../../figures/schedule.js';
import * as SPEC from './figures.js';
import { traceOf, tracePanels, traceSummary, deltaOf, rateRows, emptyPanels, TRACE_COLORS } from './segregated.js';
import { swatch } from '../../views/labelled-chart.js';

const VIEWS = `
  <div class="dt-views">
    <figure class="panel dt-potentials">
      <canvas data-el="potentials" role="img" aria-label="${traceSummary(null)}"></canvas>
      <figcaption>The last digit the network learned from, millisecond by millisecond. Unshaded: the forward phase, when the output runs free; tinted: the target phase, when a teacher drives the output somas towards the label. The grey bands are the last 20 ms of each phase, which the neuron averages: the dashed lines are the apical potential's mean over each, Ā<sup>f</sup> and Ā<sup>t</sup>, and σ of each is a plateau potential, α<sup>f</sup> and α<sup>t</sup>. Potentials are dimensionless, as in the model.</figcaption>
    </figure>
    <div class="dt-side">
      <figure class="panel dt-digit">
        <canvas data-el="digit" role="img" aria-label="The digit: none yet."></canvas>
        <figcaption data-el="digit-caption">The digit: press Play.</figcaption>
      </figure>
      <div class="dt-delta">
        <p class="dt-delta-value">α<sup>t</sup> − α<sup>f</sup> = <strong data-el="delta">–</strong></p>
        <p class="help" data-el="delta-meaning">The difference of the two plateaus is this neuron's whole learning signal.</p>
      </div>
      <table class="readouts dt-rates">
        <caption>Output rates (Hz), averaged over each window</caption>
        <thead><tr><th scope="col">Unit</th><th scope="col">Forward</th><th scope="col">Target</th></tr></thead>
        <tbody data-el="rates"></tbody>
      </table>
    </div>
  </div>`;

function setText(element, text) {
  if (element && element.textContent !== text) element.textContent = text;
}

function cell(tag, text) {
  const e = document.createElement(tag);
  e.textContent = text;
  return e;
}

export class DendritesTraceFigure extends Figure {
  constructor(id, root, { onPlay }) {
    const { playWord, stepLabel, words } = SPEC.FIGURES[id];
    super(id, root, { onPlay, spec: SPEC, playWord, stepLabel, words });
    for (const name of ['potentials', 'digit', 'digit-caption', 'delta', 'delta-meaning', 'rates']) this.el[name] = this.$(name);
    this.trace = null; // the digit drawn
    this.stepFrom = null; // the digits trained when Step was pressed
    this.requestTrace = throttle(() => this.#takeTrace(), () => this.#interval());
    new ResizeObserver(() => this.requestDraw()).observe(this.el.potentials);
  }

  get lane() {
    return this.race ? this.race.lanes.get('dendrites') : null;
  }

  views() {
    return VIEWS;
  }

  /** How long a drawn digit stays before the next is picked up (ms). */
  #interval() {
    const speed = this.state?.['dendrites_trace.speed'] ?? '1';
    const ms = speed === 'max' ? 0 : 1000 / Number(speed);
    return this.motion.reduce ? Math.max(1000, ms) : ms;
  }

  #takeTrace() {
    this.trace = traceOf(framesByName(this.lane?.snapshot));
    this.root.dataset.digits = String(this.lane?.samples ?? 0);
    this.requestDraw();
  }

  onSnapshot() {
    // While training, digits come faster than anyone can read them: take one now and then.
    if (this.playing) this.requestTrace();
    else this.#takeTrace();
  }

  raceChanged() {
    const lane = this.lane;
    if (this.stepFrom !== null && lane && (lane.samples > this.stepFrom || !this.race.playing)) {
      this.stepFrom = null;
      if (this.race.playing) this.race.pause();
      this.race.requestSnapshot('dendrites');
    }
  }

  /** Trains one slice of the worker (a few digits), then pauses. */
  step() {
    const lane = this.lane;
    if (!this.race || !this.race.canTrain || !lane) return;
    this.stepFrom = lane.samples;
    this.takeOver();
    this.race.play();
  }

  pause() {
    this.stepFrom = null;
    super.pause();
  }

  reset() {
    this.stepFrom = null;
    super.reset();
  }

  draw() {
    if (!this.state) return;
    const trace = this.trace;
    const canvas = this.el.potentials;
    const narrow = cssSize(canvas).width < 560;
    if (trace) {
      const { panels, bands, start, end } = tracePanels(trace, { narrow });
      if (drawPanels(canvas, panels, { start, end, tick: 10, unit: 'ms', bands })) this.root.dataset.drawn = String(Number(this.root.dataset.drawn || 0) + 1);
    } else {
      drawPanels(canvas, emptyPanels(), { start: 0, end: 120, tick: 10, unit: 'ms' });
    }
    canvas.setAttribute('aria-label', traceSummary(trace));
    if (trace && trace.digit) {
      drawGrey(this.el.digit, trace.digit);
      this.el.digit.setAttribute('aria-label', `A handwritten ${trace.label}, the last digit trained.`);
      setText(this.el['digit-caption'], `The last digit trained: a ${trace.label}.`);
    } else {
      this.el.digit.getContext('2d').clearRect(0, 0, this.el.digit.width, this.el.digit.height);
      this.el.digit.setAttribute('aria-label', 'The digit: none yet.');
      setText(this.el['digit-caption'], 'The digit: press Play.');
    }
    const delta = deltaOf(trace);
    setText(this.el.delta, trace && !trace.hidden ? 'no hidden layer' : delta.text);
    this.el.delta.dataset.value = Number.isFinite(delta.value) ? delta.value.toPrecision(4) : '';
    setText(this.el['delta-meaning'], delta.meaning || 'The difference of the two plateaus is this neuron\'s whole learning signal.');
    this.#rates(trace);
  }

  /** The output rates table: its cells are rewritten in place; rows are made only when their number or the label changes. */
  #rates(trace) {
    const data = rateRows(trace);
    const key = data.map((r) => (r.label ? `${r.k}*` : r.k)).join(',');
    if (key === this.ratesKey) {
      data.forEach(({ forward, target }, i) => {
        const cells = this.el.rates.rows[i].cells;
        setText(cells[1], String(Math.round(forward)));
        setText(cells[2], String(Math.round(target)));
      });
      return;
    }
    this.ratesKey = key;
    const rows = data.map(({ k, forward, target, label }) => {
      const row = document.createElement('tr');
      if (label) row.className = 'label';
      const name = document.createElement('th');
      name.scope = 'row';
      if (label) name.append(swatch(TRACE_COLORS.label));
      name.append(label ? `${k} (label)` : String(k));
      row.append(name, cell('td', String(Math.round(forward))), cell('td', String(Math.round(target))));
      return row;
    });
    this.el.rates.replaceChildren(...rows);
  }
}
