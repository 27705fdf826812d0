// The settling figure of the Nudging chapter: one digit relaxing step by step in an engine
// worker (`{"rule": "settling", …}`: a short pretraining, then one metric row per relaxation
// step), paced at the reader's speed (20 steps per second by default) so that the free phase and
// then the nudged phase can be watched. It is a Figure (www/figures/figure.js: buttons, status,
// holds, errors, settings) with its own views: the digit, and four charts (energy, cost, the ten
// output units with the target's highlighted, a few hidden units) with a line where the nudge
// starts. With prefers-reduced-motion it is not animated: the run goes through at once and is
// drawn at most once a second.
import { Figure } from '../../figures/figure.js';
import { framesByName } from '../../views/canvas.js';
import { drawGrey } from '../../views/image.js';
import { throttle } from '../../figures/schedule.js';
import * as SPEC from './figures.js';
import { settlingCharts, settlingProgress, settlingState, columnsOf, paceOf } from './figures.js';

const WORDS = {
  idle: 'press Play to start', starting: 'starting the engine…', 'loading-data': 'loading digits…', configuring: 'pretraining the network…',
  training: 'settling', stepping: 'settling', paused: 'paused', finished: 'settled (Reset to watch again)', error: 'stopped',
};

const VIEWS = `
  <div class="st-views">
    <figure class="panel st-digit">
      <canvas data-el="digit" role="img" aria-label="The digit: not loaded yet."></canvas>
      <figcaption data-el="digit-caption">The digit shown to the network.</figcaption>
    </figure>
    <div class="fb-charts st-charts" data-el="charts"></div>
  </div>`;

export class SettlingFigure extends Figure {
  constructor(id, root, { onPlay }) {
    super(id, root, { onPlay, spec: SPEC, playWord: 'Play', stepLabel: 'Step', words: WORDS });
    this.el.digit = this.$('digit');
    this.el.digitCaption = this.$('digit-caption');
    // An animation: redraw every frame (at most once a second with reduced motion).
    this.requestDraw = throttle(() => this.draw(), () => (this.motion.reduce ? 1000 : 0), { frame: true });
  }

  get lane() {
    return this.race ? this.race.lanes.get('settling') : null;
  }

  views() {
    return VIEWS;
  }

  configureRace(state) {
    this.race.setPace(paceOf(this.id, state, { reduce: this.motion.reduce }));
    this.race.configure(SPEC.experimentsOf(this.id, state));
  }

  onSnapshot() {
    this.requestDraw();
  }

  /** Free + nudged steps of the run (as the engine built it, else as the state asks). */
  total() {
    const built = this.lane?.built;
    const s = this.state;
    const free = built?.free_steps ?? s['settling.free_steps'];
    const nudged = built?.nudged_steps ?? s['settling.nudged_steps'];
    return (free ?? 0) + (nudged ?? 0);
  }

  target() {
    const frame = framesByName(this.lane?.snapshot).get('target');
    const t = frame ? frame.data[0] : NaN;
    return Number.isFinite(t) ? Math.round(t) : this.state['settling.digit'] ?? null;
  }

  progressParts() {
    return [settlingProgress(this.lane?.table, this.total())];
  }

  draw() {
    if (!this.state) return;
    const table = this.lane?.table;
    const target = this.lane ? this.target() : null;
    // Four charts every frame is more than a frame's budget: drawCharts gives each its own task.
    this.drawCharts(settlingCharts(table, { target, total: this.total() }));
    const frames = framesByName(this.lane?.snapshot);
    const digit = frames.get('digit');
    if (digit && drawGrey(this.el.digit, digit)) {
      const s = settlingState(columnsOf(table), target);
      const answer = s.predicted === null ? '' : `; the network's answer now: ${s.predicted}`;
      const text = `Digit number ${this.state['settling.digit']} of the test set, a ${target}${answer}.`;
      if (this.el.digit.getAttribute('aria-label') !== text) {
        this.el.digit.setAttribute('aria-label', text);
        this.el.digitCaption.textContent = text;
      }
    }
  }
}
