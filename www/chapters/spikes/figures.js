// The four figures of the Spikes chapter, as data: the lanes each figure races (SuperSpike with
// one kind of feedback each, www/state/figures.js SPIKE_LANES), the pace of each race, the charts
// drawn from the lanes' metric tables and snapshots, the painted target as rows of cells, and
// the text alternatives of the spike views. Pure (no DOM), so node --test covers it;
// ./index.js, ./spikes.js and www/figures/figure.js turn it into views.
import { ruleSeries, summary } from '../feedback/figures.js';
import { pictureBins, fitTarget } from '../../state/figures.js';

/**
 * One name and Okabe–Ito colour (index into src/charts.rs PALETTE) per lane, on every figure:
 * symmetric feedback in backprop's blue, random in FA's vermillion, the frozen hidden layer in
 * the shallow control's orange, as in the Random feedback chapter.
 */
export const RULES = Object.freeze({
  superspike: { name: 'SuperSpike', long: 'one neuron learning from its inputs', color: 0 },
  symmetric: { name: 'Symmetric', long: 'hidden errors through Wᵀ', color: 0 },
  random: { name: 'Random', long: 'fixed random feedback', color: 1 },
  uniform: { name: 'Uniform', long: 'every hidden neuron gets the same error', color: 2 },
  none: { name: 'Frozen', long: 'no hidden-layer learning', color: 4 },
  output: { name: 'No hidden', long: 'no hidden layer: inputs straight to the output', color: 6 },
});
/** Grey: the threshold, the target spikes. */
export const REFERENCE_COLOR = 6;
/** Reddish purple: the surrogate and the eligibility traces. */
export const SURROGATE_COLOR = 3;

export const FIGURES = Object.freeze({
  neuron: { number: 1, title: 'One neuron, five spikes', rules: () => ['superspike'] },
  picture: { number: 2, title: 'A picture in spikes', rules: (s) => s['picture.lanes'], readouts: "Each lane's progress" },
  xor: { number: 3, title: 'Temporal XOR', rules: (s) => s['xor.lanes'], readouts: "Each lane's progress" },
  surrogate: { number: 4, title: 'The surrogate', rules: () => ['superspike'] },
});

/** The XOR task's four trials, in the engine's order: the two input groups' bits. */
export const XOR_TRIALS = ['(0, 0)', '(0, 1)', '(1, 0)', '(1, 1)'];

/** The experiments of every lane of a figure (www/state/state.js builds them from the engine's presets). */
export { experimentsOf } from '../../state/state.js';

/**
 * Epochs per second each race is paced at, so that learning can be watched (the engine would
 * finish any of them in well under a second): a trial is 500 simulated ms.
 */
export function paceOf(figure) {
  return { neuron: 30, picture: 15, xor: 60, surrogate: 10 }[figure] ?? Infinity;
}

/** The readout table: the van Rossum loss of the last epoch. */
export function readout() {
  return { column: 'loss', format: lossText, header: 'Loss' };
}

export function lossText(value) {
  if (value < 0.01) return value.toFixed(3);
  return value < 10 ? value.toFixed(2) : value.toPrecision(3);
}

/** The status line: trials (the XOR counts epochs of four trials). */
export function progressText(figure, state, lanes) {
  if (!lanes.length) return null;
  const total = state[`${figure}.epochs`];
  const done = Math.min(...lanes.map((l) => Math.floor(l.epoch + 1e-9)));
  if (figure === 'xor') return `Epoch ${done} of ${total} (four trials each)`;
  return `Trial ${done} of ${total}`;
}

// ---- snapshots ------------------------------------------------------------------------------

/** A snapshot's frames by name (the engine's `fn snapshot` in src/rules/superspike/mod.rs). */
export function framesOf(snapshot) {
  const map = new Map();
  for (const frame of (snapshot && snapshot.frames) || []) map.set(frame.name, frame);
  return map;
}

/** The spikes of a raster frame ([spikes, 2]: time ms, neuron) as {times, rows}. */
export function spikesOf(frames, name) {
  const data = frames.get(name)?.data || [];
  const times = [];
  const rows = [];
  for (let i = 0; i + 1 < data.length; i += 2) {
    times.push(data[i]);
    rows.push(data[i + 1]);
  }
  return { times, rows };
}

/** How many trials the snapshot's last epoch had (four for the XOR). */
export function trialsOf(frames) {
  let k = 0;
  while (frames.has(`membrane.${k}`)) k++;
  return k;
}

/** Spike times of one row of a raster frame. */
export function rowTimes(frames, name, row) {
  const { times, rows } = spikesOf(frames, name);
  return times.filter((_, i) => rows[i] === row);
}

// ---- the painted target ---------------------------------------------------------------------

/** The engine's default picture: a face in rows × bins cells (tasks.rs `default_picture`). */
export function defaultPicture(rows, bins) {
  const cy = (rows - 1) / 2;
  const cx = (bins - 1) / 2;
  const ry = rows / 2 - 0.5;
  const rx = bins / 2 - 0.5;
  return Array.from({ length: rows }, (_, r) => Array.from({ length: bins }, (_, b) => {
    const y = (r - cy) / Math.max(ry, 0.5);
    const x = (b - cx) / Math.max(rx, 0.5);
    const d = Math.sqrt(x * x + y * y);
    const outline = d >= 0.82 && d <= 1.0;
    const eyes = Math.abs(y + 0.35) < 0.12 && (Math.abs(x - 0.35) < 0.1 || Math.abs(x + 0.35) < 0.1);
    const smile = y > 0.2 && y < 0.55 && Math.abs(d - 0.55) < 0.09 && Math.abs(x) < 0.55;
    return outline || eyes || smile;
  }));
}

/** A target row (an integer whose bit b is bin b) as cells. */
export function rowCells(row, bins) {
  const cells = [];
  let rest = row;
  for (let b = 0; b < bins; b++) {
    cells.push(rest % 2 === 1);
    rest = Math.floor(rest / 2);
  }
  return cells;
}

/** Cells as a target row: exact up to 53 bins (2^53), as the engine's `target` reads it. */
export function cellsRow(cells) {
  let row = 0;
  for (let b = cells.length - 1; b >= 0; b--) row = row * 2 + (cells[b] ? 1 : 0);
  return row;
}

/** The picture's geometry in a state: {rows: output neurons, bins}. */
export function pictureShape(state) {
  return { rows: state['picture.outputs'] ?? 20, bins: pictureBins(state['picture.duration'] ?? 500) };
}

/** The picture a state asks for, as cells: the painted target, or the default face. */
export function pictureOf(state) {
  const { rows, bins } = pictureShape(state);
  const target = fitTarget(state['picture.target'], rows, bins);
  return target.length ? target.map((row) => rowCells(row, bins)) : defaultPicture(rows, bins);
}

/** Cells as the `target` setting (one integer per output neuron). */
export function targetOf(cells) {
  return cells.map(cellsRow);
}

/** True when the cells are the default picture (its link then says `target=` and stays short). */
export function isDefaultPicture(cells) {
  const d = defaultPicture(cells.length, cells[0]?.length ?? 0);
  return cells.every((row, r) => row.every((on, b) => on === d[r][b]));
}

// ---- charts ---------------------------------------------------------------------------------

/** The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least `value` (> 0). */
function niceCeil(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((v) => v >= value * (1 - 1e-12));
}

function lossChart(lanes, epochsTotal, xLabel) {
  const series = ruleSeries(lanes, 'loss', lossText, undefined, RULES)
    .map((s) => ({ ...s, text: s.text.replace(/epochs?\b/, xLabel === 'trial' ? 'trials' : 'epochs') }));
  const top = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p[1]).filter(Number.isFinite)));
  const title = 'Van Rossum loss';
  return { id: 'loss', title, xLabel, yLabel: 'distance to the target', yRange: [0, niceCeil(1.05 * top || 1)], xMax: epochsTotal, series, summary: summary(title, series) };
}

/** σ'(U) = β / (1 + β|U − ϑ|)² on the engine's grid, for the page's own reference curve. */
export function surrogate(u, threshold, beta) {
  return beta / (1 + beta * Math.abs(u - threshold)) ** 2;
}

/** The surrogate chart: the engine's σ'(U) at the reader's β, beside β = 1 for reference. */
function surrogateChart(frames, beta) {
  const grid = frames.get('surrogate')?.data;
  const threshold = frames.get('threshold')?.data[0];
  const series = [];
  if (grid && Number.isFinite(threshold)) {
    const n = grid.length / 2;
    const points = Array.from({ length: n }, (_, i) => [grid[i], grid[n + i]]);
    const peak = points.reduce((m, p) => Math.max(m, p[1]), 0);
    series.push({
      name: `σ′ at β = ${beta}`, color: SURROGATE_COLOR, points, note: 'the surrogate the neuron learns with',
      label: `β = ${beta}`, value: points.at(-1)[1], text: `at β = ${beta} the surrogate peaks at ${peak.toPrecision(3)} per mV at the threshold ${threshold} mV and falls to half its peak ${(Math.SQRT2 - 1) / beta < 1 ? ((Math.SQRT2 - 1) / beta).toPrecision(2) : ((Math.SQRT2 - 1) / beta).toFixed(1)} mV away`,
    });
    if (beta !== 1) {
      const ref = points.map(([u]) => [u, surrogate(u, threshold, 1)]);
      series.push({ name: 'β = 1', color: REFERENCE_COLOR, points: ref, note: 'for comparison', label: 'β = 1', value: ref.at(-1)[1], reference: true, text: '' });
    }
  }
  const top = Math.max(0.1, ...series.flatMap((s) => s.points.map((p) => p[1])));
  const title = 'Surrogate derivative σ′(U)';
  return {
    id: 'surrogate', title, xLabel: 'membrane potential U (mV)', yLabel: 'σ′ (1/mV)', xMin: grid ? grid[0] : -80, xMax: grid ? grid[grid.length / 2 - 1] : -20,
    yRange: [0, niceCeil(1.1 * top)], series, twins: false, summary: summary(title, series),
  };
}

/** The eligibility traces of four synapses onto the output neuron through the last trial. */
function eligibilityChart(frames) {
  const e = frames.get('eligibility');
  const pre = frames.get('eligibility.pre')?.data || [];
  const dt = frames.get('dt')?.data[0] ?? 1;
  const series = [];
  if (e) {
    const [k, steps] = e.shape;
    for (let s = 0; s < k; s++) {
      const stride = Math.max(1, Math.floor(steps / 500));
      const points = [];
      for (let t = 0; t < steps; t += stride) points.push([t * dt, e.data[s * steps + t]]);
      const peak = points.reduce((m, p) => (p[1] > m[1] ? p : m), [0, -Infinity]);
      const name = `input ${pre[s] ?? s}`;
      series.push({
        name, color: [0, 1, 2, 5][s % 4], points, note: 'synapse from this neuron',
        label: name, value: points.at(-1)?.[1] ?? NaN,
        text: Number.isFinite(peak[1]) ? `${name} peaks at ${peak[1].toPrecision(2)} at ${Math.round(peak[0])} ms` : '',
      });
    }
  }
  const top = Math.max(1e-6, ...series.flatMap((s) => s.points.map((p) => Math.abs(p[1]))));
  const steps = e ? e.shape[1] : 500;
  const title = 'Eligibility traces, one trial';
  return {
    id: 'eligibility', title, xLabel: 'time (ms)', yLabel: 'eligibility', xMin: 0, xMax: steps * dt,
    yRange: [0, niceCeil(1.1 * top)], series, twins: false, summary: summary(title, series),
  };
}

/**
 * The charts of a figure (as ../feedback/figures.js chartsOf): the loss of every lane (figures
 * 1–3); the surrogate and the eligibility traces (figure 4, from the lane's snapshot).
 */
export function chartsOf(figure, state, lanes) {
  switch (figure) {
    case 'neuron':
      return [lossChart(lanes, state['neuron.epochs'], 'trial')];
    case 'picture':
      return [lossChart(lanes, state['picture.epochs'], 'trial')];
    case 'xor':
      return [lossChart(lanes, state['xor.epochs'], 'epoch')];
    case 'surrogate': {
      const frames = framesOf(lanes[0]?.snapshot);
      return [surrogateChart(frames, state['surrogate.beta']), eligibilityChart(frames)];
    }
    default:
      return [];
  }
}

// ---- text alternatives ------------------------------------------------------------------------

function ms(times) {
  return times.length ? times.map((t) => `${Math.round(t)}`).join(', ') + ' ms' : 'none';
}

/** The text alternative of the one neuron's trace: its spikes against the target's. */
export function neuronSummary(frames) {
  const target = rowTimes(frames, 'raster.target.0', 0);
  const output = rowTimes(frames, 'raster.output.0', 0);
  if (!frames.has('membrane.0')) return 'Membrane potential and spikes of the neuron: press Train to start.';
  return `Membrane potential of the neuron through the last trial, with its threshold. Target spikes at ${ms(target)}; the neuron fired at ${ms(output)}.`;
}

/** The text alternative of a raster. */
export function rasterSummary(label, frames, name, rows) {
  const { times } = spikesOf(frames, name);
  return `${label}: ${times.length} spikes from ${rows} neurons in the last trial.`;
}

/** How many target cells the output hit (a spike in the cell's bin) and how many spikes strayed. */
export function pictureScore(cells, frames) {
  const { times, rows } = spikesOf(frames, 'raster.output.0');
  const bins = cells[0]?.length ?? 0;
  const hit = new Set();
  let stray = 0;
  times.forEach((t, i) => {
    const b = Math.floor(t / 20);
    if (b < bins && cells[rows[i]]?.[b]) hit.add(`${rows[i]}:${b}`);
    else stray++;
  });
  const total = cells.reduce((n, row) => n + row.filter(Boolean).length, 0);
  return { hit: hit.size, total, stray, spikes: times.length };
}
