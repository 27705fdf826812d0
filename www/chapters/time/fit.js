// Figure 1 of the Through time chapter: one recurrent network learning the pattern, by the method
// the reader picks (www/state/figures.js TIME_LANES). Beside its loss curve, the figure draws the
// last trial from the engine's snapshots (./figures.js says what): the readout y against its
// target y*, and the spikes of the first 50 recurrent neurons (none for RFLO's rate network).
import { Figure } from '../../figures/figure.js';
import { raceViews } from '../../figures/shell.js';
import { drawPanels } from '../../views/traces.js';
import { drawRaster } from '../../views/spike-trains.js';
import * as SPEC from './figures.js';
import { RULES, trialOf, tracePanels, emptyTracePanels, traceSummary, rasterSummary } from './figures.js';

/** Neurons the engine's raster covers (src/rules/through_time RASTER_NEURONS). */
const SHOWN = 50;

const VIEWS = `
  <div class="tt-views">
    <figure class="panel tt-trace">
      <canvas data-el="trace" role="img" aria-label="${traceSummary(null)}"></canvas>
      <figcaption>The last trial, millisecond by millisecond: the target <i>y</i>* (thick grey) and the network's readout <i>y</i>. Every trial replays the same frozen input spikes, so the readout can only improve by learning.</figcaption>
    </figure>
    <figure class="panel tt-raster" data-el="raster-figure">
      <canvas data-el="raster" role="img" aria-label="${rasterSummary(null, SHOWN)}"></canvas>
      <figcaption data-el="raster-caption">Spikes of the first ${SHOWN} recurrent neurons in the same trial.</figcaption>
    </figure>
    <p class="help tt-no-raster" data-el="no-raster" hidden>RFLO trains a network of rate units: it has no spikes to show. Its units' activities are smooth numbers between −1 and 1.</p>
    ${raceViews(null)}
  </div>`;

function setText(element, text) {
  if (element && element.textContent !== text) element.textContent = text;
}

export class TimeFitFigure extends Figure {
  constructor(id, root, { onPlay }) {
    const { stepLabel } = SPEC.FIGURES[id];
    super(id, root, { onPlay, spec: SPEC, stepLabel });
    for (const name of ['trace', 'raster', 'raster-figure', 'raster-caption', 'no-raster']) this.el[name] = this.$(name);
    const views = root.querySelector('.tt-views');
    if (views) new ResizeObserver(() => this.requestDraw()).observe(views);
  }

  views() {
    return VIEWS;
  }

  /** The one lane (its name is the method). */
  get lane() {
    return this.race ? this.race.list[0] ?? null : null;
  }

  onSnapshot() {
    this.requestDraw();
  }

  draw() {
    super.draw();
    if (!this.state) return;
    const lane = this.lane;
    const method = lane?.rule ?? this.state['time_fit.method'];
    const trial = trialOf(lane?.snapshot);
    const canvas = this.el.trace;
    if (trial) {
      const { panels, bands, start, end } = tracePanels(trial, method);
      if (drawPanels(canvas, panels, { start, end, tick: trial.steps > 1500 ? 500 : 100, unit: 'ms', bands })) {
        this.root.dataset.drawn = String(Number(this.root.dataset.drawn || 0) + 1);
      }
    } else {
      drawPanels(canvas, emptyTracePanels(), { start: 0, end: this.state['time_fit.duration'] ?? 1000, tick: 100, unit: 'ms' });
    }
    canvas.setAttribute('aria-label', traceSummary(trial, method));
    const rate = method === 'rflo';
    this.el['raster-figure'].hidden = rate;
    this.el['no-raster'].hidden = !rate;
    if (!rate) {
      const duration = trial ? trial.steps : this.state['time_fit.duration'] ?? 1000;
      drawRaster(this.el.raster, {
        duration, rows: SHOWN, spikes: trial ? trial.spikes : { times: [], rows: [] }, color: RULES[method].color, label: `${SHOWN} neurons`,
      });
      this.el.raster.setAttribute('aria-label', rasterSummary(trial, SHOWN));
      setText(this.el['raster-caption'], `Spikes of the first ${SHOWN} recurrent neurons in the same trial (${RULES[method].name}).`);
    }
  }
}
