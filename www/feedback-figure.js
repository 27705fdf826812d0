// One figure of the Random feedback chapter on the page: a Race of engine workers (www/race.js),
// its buttons and status line, its charts (plotters through linechart.js, with a label beside
// the end of each curve), and a table of per-rule readouts. What the figure races and draws is
// data in www/feedback-figures.js.
import { Race } from './race.js';
import { MetricTable } from './metrics.js';
import { FIGURES, RULES, experimentsOf, paceOf, chartsOf, percent, spread, LABEL_HEIGHT } from './feedback-figures.js';
import { drawChart, plotArea, chartBindings } from './linechart.js';
import { PALETTE, css } from './colors.js';
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

function swatch(color) {
  const s = element('span', 'swatch line');
  s.style.background = css(PALETTE[color % PALETTE.length]);
  s.setAttribute('aria-hidden', 'true');
  return s;
}

function samePoints(a, b) {
  return a.length > 1 && a.length === b.length && a.every((p, i) => p[0] === b[i][0] && p[1] === b[i][1]);
}

export class FeedbackFigure {
  /**
   * @param {string} id figure id (race, align, linear, deep)
   * @param {HTMLElement} root the figure's <section>
   * @param {{onPlay: (figure: FeedbackFigure) => void}} hooks onPlay: this figure starts training
   */
  constructor(id, root, { onPlay }) {
    const $ = (name) => root.querySelector(`[data-el="${name}"]`);
    this.id = id;
    this.root = root;
    this.number = FIGURES[id].number;
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
    this.views = new Map(); // chart id → {canvas, labels, legend, areaKey, area}
    this.motion = reducedMotion();
    this.requestDraw = throttle(() => this.#draw(), () => (this.motion.reduce ? 1000 : 150), { frame: true });
    this.requestSync = throttle(() => this.#sync(), () => 0, { frame: true });
    this.requestReadouts = throttle(() => this.#readouts(), () => (this.motion.reduce ? 1000 : 400), { frame: true });
    this.requestStatus = throttle(() => this.#writeStatus(), () => 1000);

    this.el.train.setAttribute('aria-label', `Train (figure ${this.number})`);
    this.el.train.addEventListener('click', () => this.toggle());
    this.el.step.addEventListener('click', () => this.step());
    this.el.reset.addEventListener('click', () => this.reset());
    new ResizeObserver(() => this.requestDraw()).observe(this.el.charts);
    chartBindings().then(() => this.requestDraw());
  }

  /** Takes a new page state: rebuilds the lanes whose experiment changed. */
  apply(state) {
    this.state = state;
    if (this.race) {
      this.race.pace = paceOf(this.id, state);
      this.race.configure(experimentsOf(this.id, state));
    }
    this.requestDraw();
    this.#sync();
  }

  /** Starts the workers and builds the models (paused). */
  start() {
    if (this.race || !this.state) return;
    this.race = new Race({ pace: paceOf(this.id, this.state) });
    this.race.addEventListener('change', (event) => {
      if (this.playWhenReady && this.race.canTrain) {
        this.playWhenReady = false;
        this.play();
      }
      // Curves change only when rows arrive; buttons and readouts follow every message, at most
      // once a frame (four workers post about 400 progress messages a second between them).
      if (event.detail.rows || !this.race.playing) this.requestDraw();
      this.requestSync();
      this.requestReadouts();
    });
    this.race.addEventListener('loading', (event) => this.#loading(event.detail));
    this.race.configure(experimentsOf(this.id, this.state));
  }

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
    const word = this.playing ? 'Pause' : 'Train';
    if (this.el.train.textContent !== word) {
      this.el.train.textContent = word;
      this.el.train.setAttribute('aria-label', `${word} (figure ${this.number})`);
    }
    this.el.train.disabled = !can;
    this.el.step.disabled = !this.race || !this.race.canTrain;
    this.el.reset.disabled = !this.race || !this.race.canReset;
    this.el.loading.hidden = phase !== 'loading-data';
    const errors = (this.race ? this.race.list.filter((l) => l.error) : []).map((l) => `${RULES[l.rule].name}: ${l.error}`);
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
    const total = this.state[`${this.id}.epochs`];
    if (lanes.length && !['starting', 'loading-data', 'configuring'].includes(phase)) {
      const epochs = lanes.map((l) => l.epoch);
      const lo = epochText(Math.min(...epochs));
      const hi = epochText(Math.max(...epochs));
      parts.push(lo === hi ? `Epoch ${lo} of ${total}` : `Epochs ${lo}–${hi} of ${total}`);
      if (lanes.length === 1 && Number.isFinite(lanes[0].table.last('test_acc'))) {
        parts.push(`test accuracy ${percent(lanes[0].table.last('test_acc'))}`);
      }
    }
    parts.push(this.holds.size && phase === 'paused' ? 'paused while out of view' : PHASE_WORDS[phase]);
    const line = parts.join(' · ');
    this.el.status.textContent = line.charAt(0).toUpperCase() + line.slice(1);
    if (phase === 'training') this.requestStatus();
  }

  #lanes() {
    if (this.race) return this.race.list.map((l) => ({ rule: l.rule, table: l.table }));
    return FIGURES[this.id].rules(this.state).map((rule) => ({ rule, table: new MetricTable() }));
  }

  #draw() {
    if (!this.state) return;
    const charts = chartsOf(this.id, this.state, this.#lanes());
    this.#ensureViews(charts);
    for (const chart of charts) {
      const view = this.views.get(chart.id);
      view.canvas.setAttribute('aria-label', chart.summary);
      this.#legend(view, chart);
      // No names: the legend and the labels beside the curves are HTML, so they can be read.
      const series = [];
      chart.series.forEach((s, i) => {
        // A curve identical to an earlier one (FA and DFA with one hidden layer) is drawn on
        // every other epoch only, so both colours show along the shared line.
        const twin = chart.series.slice(0, i).some((t) => samePoints(t.points, s.points));
        if (!twin) series.push({ name: '', points: s.points, color: s.color });
        else for (let k = 1; k + 1 < s.points.length; k += 2) series.push({ name: '', points: s.points.slice(k, k + 2), color: s.color });
      });
      // Invisible points fix the x axis to the whole run, so the curves grow into it.
      series.push({ name: '', points: [[0, NaN], [chart.xMax, NaN]], color: 6 });
      const drawn = drawChart(view.canvas, { title: chart.title, x_label: 'epoch', y_label: chart.yLabel, series, y_range: chart.yRange });
      if (drawn) this.#labels(view, chart);
    }
    this.#readouts();
  }

  #ensureViews(charts) {
    const ids = charts.map((c) => c.id);
    for (const [id, view] of this.views) {
      if (!ids.includes(id)) {
        view.figure.remove();
        this.views.delete(id);
      }
    }
    for (const chart of charts) {
      if (this.views.has(chart.id)) continue;
      const figure = element('figure', 'panel fb-chart');
      const frame = element('div', 'chart-frame');
      const canvas = element('canvas');
      canvas.setAttribute('role', 'img');
      canvas.dataset.chart = chart.id;
      const labels = element('div', 'direct-labels');
      labels.setAttribute('aria-hidden', 'true');
      frame.append(canvas, labels);
      const legend = element('figcaption', 'legend');
      figure.append(frame, legend);
      this.el.charts.append(figure);
      this.views.set(chart.id, { figure, canvas, labels, legend, legendKey: '', areaKey: '', area: null });
    }
  }

  #legend(view, chart) {
    const twins = [];
    chart.series.forEach((s, i) => {
      const first = chart.series.slice(0, i).find((t) => samePoints(t.points, s.points));
      if (first) twins.push(`${first.name} and ${s.name} coincide: their shared curve alternates colours each epoch.`);
    });
    const key = `${chart.series.map((s) => `${s.color}:${s.name}:${s.note}`).join('|')}|${twins.join(' ')}`;
    if (key === view.legendKey) return;
    view.legendKey = key;
    const items = chart.series.map((s) => {
      const item = element('span', 'legend-item');
      item.append(swatch(s.color), element('strong', '', s.name));
      if (s.note) item.append(` ${s.note}`);
      return item;
    });
    if (twins.length) items.push(element('span', 'legend-item legend-note', twins.join(' ')));
    view.legend.replaceChildren(...items);
  }

  /** Labels at the height where each curve ends, in the strip right of the chart. */
  #labels(view, chart) {
    const { canvas } = view;
    const key = `${canvas.width}x${canvas.height}:${chart.title}`;
    if (key !== view.areaKey) {
      view.area = plotArea(canvas, chart.title);
      view.areaKey = key;
    }
    const { top, bottom } = view.area;
    const [y0, y1] = chart.yRange;
    const shown = chart.series
      .filter((s) => Number.isFinite(s.value))
      .map((s) => ({ s, y: top + (1 - (Math.min(y1, Math.max(y0, s.value)) - y0) / (y1 - y0)) * (bottom - top) }))
      .sort((a, b) => a.y - b.y);
    const ys = spread(shown.map((x) => x.y), top - LABEL_HEIGHT / 2, bottom + LABEL_HEIGHT / 2);
    view.labels.replaceChildren(...shown.map(({ s }, i) => {
      const label = element('span', 'direct-label');
      label.style.top = `${ys[i]}px`;
      label.append(swatch(s.color), s.label);
      return label;
    }));
  }

  #readouts() {
    const body = this.el.readouts;
    if (!body) return;
    const regression = this.id === 'linear';
    const lanes = this.race ? this.race.list : [];
    body.replaceChildren(...lanes.map((lane) => {
      const row = element('tr');
      row.dataset.rule = lane.rule;
      const name = element('th');
      name.scope = 'row';
      name.append(swatch(RULES[lane.rule].color), RULES[lane.rule].name);
      const metric = regression ? lane.table.last('test_loss') : lane.table.last('test_acc');
      const state = lane.broken ? 'stopped' : lane.diverged ? 'diverged' : lane.finished ? 'finished'
        : lane.loadingData ? 'loading digits' : lane.configuring ? 'building' : lane.running ? 'training'
          : lane.error ? 'error' : lane.ready ? 'paused' : 'starting';
      const cells = [
        epochText(lane.epoch),
        Number.isFinite(metric) ? (regression ? metric.toPrecision(3) : percent(metric)) : '–',
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
