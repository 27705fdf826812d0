// A figure of the Spikes chapter: a race of SuperSpike lanes (www/figures/figure.js) with, beside
// its charts, the views a spiking network needs: the neuron's membrane potential and spikes
// (figure 1), the paint grid and the input, hidden and output rasters (figure 2), the XOR's four
// trials (figure 3), and the Listen toggle (figures 1 and 2). Everything is drawn from the lanes'
// latest snapshots, at most once an animation frame (www/figures/figure.js requestDraw).
import { Figure } from '../../figures/figure.js';
import { raceViews } from '../../figures/shell.js';
import { drawRaster, drawMembrane } from '../../views/spike-trains.js';
import * as SPEC from './figures.js';
import {
  RULES, XOR_TRIALS, framesOf, spikesOf, rowTimes, trialsOf, pictureOf, targetOf, isDefaultPicture,
  defaultPicture, pictureShape, neuronSummary, rasterSummary, pictureScore,
} from './figures.js';
import { PaintGrid } from './paint.js';
import { Listen } from './listen.js';

const LISTEN = (id) => `
  <div class="sp-listen">
    <input type="checkbox" id="${id}-listen" data-el="listen" />
    <label for="${id}-listen">Listen: play the output spikes of the last trial as clicks (the target's as low ticks)</label>
  </div>`;

const VIEWS = {
  neuron: (id) => `
    <div class="sp-views">
      <figure class="panel sp-membrane">
        <canvas data-el="membrane" role="img" aria-label="Membrane potential and spikes of the neuron: press Train to start."></canvas>
        <figcaption>The last trial: the target's five spikes (grey, top strip), the neuron's spikes (blue), and its membrane potential <i>U</i> with the firing threshold ϑ (dashed).</figcaption>
      </figure>
      ${LISTEN(id)}
      ${raceViews(null)}
    </div>`,
  picture: (id) => `
    <div class="sp-views">
      <div class="sp-paint">
        <figure class="panel">
          <canvas data-el="paint" class="sp-grid" tabindex="0" role="application" aria-roledescription="paint grid"
            aria-label="Target picture: rows are output neurons, columns 20 ms bins. Arrow keys move, Space paints or erases a cell." aria-describedby="${id}-paint-status"></canvas>
          <figcaption>The target: paint with the mouse or a finger, or focus the grid and use the arrow keys and <kbd>Space</kbd>. Each painted cell asks its output neuron for one spike in that 20 ms bin.</figcaption>
        </figure>
        <div class="sp-paint-tools">
          <button type="button" data-el="clear">Clear</button>
          <button type="button" data-el="default-picture">Default picture</button>
          <p class="help" id="${id}-paint-status" data-el="paint-status" aria-live="polite"></p>
        </div>
      </div>
      <div class="sp-rasters">
        <figure class="panel sp-raster"><canvas data-el="raster-input" role="img" aria-label="Input raster: no spikes yet."></canvas><figcaption>Input: frozen Poisson trains, one row per input neuron, the same every trial.</figcaption></figure>
        <figure class="panel sp-raster"><canvas data-el="raster-hidden" role="img" aria-label="Hidden raster: no spikes yet."></canvas><figcaption data-el="hidden-caption">Hidden layer.</figcaption></figure>
        <figure class="panel sp-raster sp-raster-out"><canvas data-el="raster-output" role="img" aria-label="Output raster: no spikes yet."></canvas><figcaption data-el="output-caption">Output spikes over the target (grey cells).</figcaption></figure>
      </div>
      ${LISTEN(id)}
      ${raceViews({ caption: "Each lane's progress", header: 'Loss' })}
    </div>`,
  xor: () => `
    <div class="sp-views">
      <figure class="panel sp-raster sp-xor">
        <canvas data-el="raster-xor" role="img" aria-label="Output spikes of the four trials: none yet."></canvas>
        <figcaption data-el="xor-caption">The output neuron in each of the four trials: its spikes over the target's (grey).</figcaption>
      </figure>
      ${raceViews({ caption: "Each lane's progress", header: 'Loss' })}
    </div>`,
  surrogate: () => `<div class="sp-views">${raceViews(null)}</div>`,
};

function setLabel(canvas, text) {
  if (canvas && canvas.getAttribute('aria-label') !== text) canvas.setAttribute('aria-label', text);
}

export class SpikesFigure extends Figure {
  /**
   * @param {string} id neuron, picture, xor or surrogate
   * @param {HTMLElement} root the figure's placeholder
   * @param {{onPlay: Function, onChange: (key: string, value: unknown) => void}} hooks
   */
  constructor(id, root, { onPlay, onChange }) {
    super(id, root, { onPlay, spec: SPEC, stepLabel: id === 'xor' ? 'Step one epoch' : 'Step one trial' });
    this.onChange = onChange;
    this.asked = new Set(); // lanes whose first snapshot was asked for, by model
    for (const name of ['membrane', 'paint', 'paint-status', 'raster-input', 'raster-hidden', 'raster-output', 'raster-xor', 'hidden-caption', 'output-caption', 'xor-caption', 'listen']) {
      this.el[name] = this.$(name);
    }
    if (this.el.paint) {
      this.paint = new PaintGrid(this.el.paint, this.el['paint-status'], (cells) => this.#painted(cells));
      this.$('clear').addEventListener('click', () => this.#painted(this.paint.cells.map((row) => row.map(() => false))));
      this.$('default-picture').addEventListener('click', () => this.onChange('picture.target', []));
      new ResizeObserver(() => this.paint.draw()).observe(this.el.paint);
    }
    if (this.el.listen) {
      this.listen = new Listen(() => this.#trains());
      this.el.listen.addEventListener('change', () => this.listen.set(this.el.listen.checked));
      root.dataset.listen = '';
    }
    const views = root.querySelector('.sp-views');
    if (views) new ResizeObserver(() => this.requestDraw()).observe(views);
  }

  views() {
    return VIEWS[this.id](this.id);
  }

  apply(state) {
    super.apply(state);
    if (this.paint) this.paint.set(pictureOf(state));
  }

  /** A painted picture becomes the target setting (the default face: the short `target=`). */
  #painted(cells) {
    this.onChange('picture.target', isDefaultPicture(cells) ? [] : targetOf(cells));
  }

  /** Asks each newly built lane for a snapshot, so the surrogate shows before any training. */
  raceChanged() {
    for (const lane of this.race.list) {
      if (lane.ready && !lane.snapshot && lane.built && !this.asked.has(lane.built)) {
        this.asked.add(lane.built);
        this.race.requestSnapshot(lane.rule);
      }
    }
  }

  onSnapshot() {
    this.requestDraw();
  }

  redraw() {
    super.redraw();
    this.paint?.draw();
  }

  leave() {
    super.leave();
    if (this.listen && this.el.listen.checked) {
      this.el.listen.checked = false;
      this.listen.set(false);
    }
  }

  /** The lane whose rasters show: the reader's choice if it runs, else the first. */
  shownLane() {
    const lanes = this.race ? this.race.list : [];
    const wanted = this.state[`${this.id}.show`];
    return lanes.find((l) => l.rule === wanted) || lanes[0] || null;
  }

  /** What Listen plays: the shown lane's last trial. */
  #trains() {
    const lane = this.shownLane();
    const frames = framesOf(lane?.snapshot);
    const k = Math.max(0, trialsOf(frames) - 1);
    const pairs = (name) => {
      const { times, rows } = spikesOf(frames, name);
      return times.map((time, i) => ({ time, row: rows[i] }));
    };
    if (!frames.has(`raster.output.${k}`)) return null;
    return {
      output: pairs(`raster.output.${k}`), target: pairs(`raster.target.${k}`),
      duration: lane.built?.duration ?? 500, rows: this.id === 'picture' ? pictureShape(this.state).rows : 1,
    };
  }

  draw() {
    super.draw();
    if (!this.state) return;
    if (this.listen) this.root.dataset.listen = this.listen.on ? `${this.listen.passes}:${this.listen.clicks}` : '';
    const lane = this.shownLane();
    const frames = framesOf(lane?.snapshot);
    const duration = lane?.built?.duration ?? this.state[`${this.id}.duration`] ?? 500;
    const color = RULES[lane?.rule ?? 'superspike'].color;
    if (this.id === 'neuron') {
      drawMembrane(this.el.membrane, {
        membrane: frames.get('membrane.0')?.data, dt: frames.get('dt')?.data[0] ?? 1, threshold: frames.get('threshold')?.data[0],
        output: rowTimes(frames, 'raster.output.0', 0), target: rowTimes(frames, 'raster.target.0', 0), color, duration,
      });
      setLabel(this.el.membrane, neuronSummary(frames));
    } else if (this.id === 'picture') {
      this.#drawPicture(lane, frames, duration, color);
    } else if (this.id === 'xor') {
      this.#drawXor(lane, frames, duration, color);
    }
  }

  #drawPicture(lane, frames, duration, color) {
    const built = lane?.built;
    const inputs = built?.inputs ?? 100;
    const hidden = built ? built.hidden : 32;
    const cells = built ? pictureOf({ 'picture.target': built.target, 'picture.outputs': built.outputs, 'picture.duration': built.duration }) : pictureOf(this.state);
    drawRaster(this.el['raster-input'], { duration, rows: inputs, spikes: spikesOf(frames, 'raster.input.0'), color: 6, label: `${inputs} inputs` });
    drawRaster(this.el['raster-hidden'], { duration, rows: Math.max(1, hidden), spikes: spikesOf(frames, 'raster.hidden.0'), color, label: `${hidden} hidden` });
    drawRaster(this.el['raster-output'], { duration, rows: cells.length, spikes: spikesOf(frames, 'raster.output.0'), color, cells, label: `${cells.length} outputs` });
    const name = lane ? RULES[lane.rule].name : '';
    this.el['hidden-caption'].textContent = lane ? `Hidden layer (${name.toLowerCase()} lane).` : 'Hidden layer.';
    const score = pictureScore(cells, frames);
    const scoreText = frames.has('raster.output.0') ? ` ${score.hit} of ${score.total} target cells hit, ${score.spikes - score.hit > 0 ? `${score.stray} spikes outside them` : 'no spike outside them'}.` : '';
    this.el['output-caption'].textContent = `Output spikes (${name.toLowerCase() || 'no'} lane) over the target (grey cells).${scoreText}`;
    setLabel(this.el['raster-input'], rasterSummary('Input raster', frames, 'raster.input.0', inputs));
    setLabel(this.el['raster-hidden'], rasterSummary(`Hidden raster of the ${name.toLowerCase()} lane`, frames, 'raster.hidden.0', hidden));
    setLabel(this.el['raster-output'], `Output raster of the ${name.toLowerCase()} lane over the target picture:${scoreText || ' no spikes yet.'}`);
  }

  #drawXor(lane, frames, duration, color) {
    const k = trialsOf(frames);
    const spikes = { times: [], rows: [] };
    const target = { times: [], rows: [] };
    const parts = [];
    for (let trial = 0; trial < Math.max(k, 4); trial++) {
      const out = rowTimes(frames, `raster.output.${trial}`, 0);
      const tgt = rowTimes(frames, `raster.target.${trial}`, 0);
      out.forEach((t) => { spikes.times.push(t); spikes.rows.push(trial); });
      tgt.forEach((t) => { target.times.push(t); target.rows.push(trial); });
      if (trial < k) parts.push(`input ${XOR_TRIALS[trial]}: target ${tgt.length} spike${tgt.length === 1 ? '' : 's'}, output ${out.length}`);
    }
    drawRaster(this.el['raster-xor'], { duration, rows: 4, spikes, target, color, rowNames: XOR_TRIALS });
    const name = lane ? RULES[lane.rule].name.toLowerCase() : '';
    this.el['xor-caption'].textContent = `The output neuron of the ${name || 'shown'} lane in each of the four trials (rows: the two input groups' bits): its spikes over the target's (grey).`;
    setLabel(this.el['raster-xor'], parts.length ? `Output spikes of the ${name} lane, last epoch: ${parts.join('; ')}.` : 'Output spikes of the four trials: none yet.');
  }
}

export { defaultPicture };
