// The four figures of the Through time chapter, as data: the lanes each figure races (the
// engine's recurrent rules, www/state/figures.js TIME_LANES), the charts drawn from the lanes'
// metric tables (loss on a log axis, the cosine with BPTT's gradient, the bytes each method
// stores), and what figure 1 draws from a lane's snapshot (the readout against its target, the
// spike raster). Pure (no DOM), so node --test covers it; ./index.js, ./fit.js and
// www/figures/figure.js turn it into views.
import { summary } from '../feedback/figures.js';
import { logY } from '../../views/log-axis.js';
import { framesByName } from '../../views/canvas.js';

/**
 * One name and Okabe–Ito colour (index into src/charts.rs PALETTE) per lane, on every figure:
 * BPTT in backprop's blue, e-prop with random feedback in feedback alignment's vermillion,
 * symmetric e-prop bluish green, RFLO reddish purple.
 */
export const RULES = Object.freeze({
  bptt: { name: 'BPTT', long: 'exact backprop through time: stores the whole trial', color: 0 },
  symmetric: { name: 'e-prop sym.', long: 'e-prop, learning signal through the readout weights', color: 2 },
  random: { name: 'e-prop rand.', long: 'e-prop, learning signal through fixed random weights', color: 1 },
  rflo: { name: 'RFLO', long: 'rate network, random feedback, local traces', color: 3 },
  memory: { name: 'Memory', long: 'bytes stored per method', color: 6 },
});
/** Grey: the target, the 0 line. */
export const REFERENCE_COLOR = 6;

export const FIGURES = Object.freeze({
  time_fit: {
    number: 1, title: 'Learning a pattern', rules: (s) => [s['time_fit.method']], readouts: 'Progress of the network',
    stepLabel: 'Step 10 iterations',
  },
  time_race: { number: 2, title: 'The race', rules: (s) => s['time_race.lanes'], readouts: "Each method's progress", stepLabel: 'Step 10 iterations' },
  time_cosine: { number: 3, title: 'How close to BPTT?', rules: (s) => s['time_cosine.lanes'], readouts: "Each method's progress", stepLabel: 'Step 10 iterations' },
  time_memory: {
    number: 4, title: 'The memory problem, drawn', rules: () => ['memory'],
    playWord: 'Measure', stepLabel: 'Measure one length', words: { idle: 'press Measure to start', training: 'measuring', stepping: 'measuring one trial length' },
  },
});

/** The trial lengths the engine's memory model measures (ms; src/rules/through_time MEMORY_DURATIONS). */
export const MEMORY_DURATIONS = [200, 500, 1000, 1500, 2000, 3000];
/** The memory table's columns, one curve each: the lane whose colour and name it takes. */
const MEMORY_CURVES = [['bptt_bytes', 'bptt'], ['eprop_bytes', 'symmetric'], ['rflo_bytes', 'rflo']];

/** The experiments of every lane of a figure (www/state/state.js builds them from the engine's presets). */
export { experimentsOf } from '../../state/state.js';

/** Steps per second: the memory figure measures three lengths a second so its curves grow visibly; the others train flat out. */
export function paceOf(figure) {
  return figure === 'time_memory' ? 3 : Infinity;
}

/** A loss as the page prints it: two significant digits. */
export function lossText(value) {
  if (!Number.isFinite(value)) return '–';
  return value >= 10 ? value.toFixed(0) : value.toPrecision(2);
}

/** The readout table: the loss of the last ten trials, per iteration, and trials per second. */
export function readout() {
  return { column: 'loss', format: lossText, header: 'Loss', epoch: 'Iteration', rate: 'Trials/s' };
}

/** The status line: iterations (the memory figure: trial lengths measured). */
export function progressText(figure, state, lanes) {
  if (!lanes.length) return null;
  if (figure === 'time_memory') {
    const done = lanes[0].table.rows.length;
    return `${done} of ${MEMORY_DURATIONS.length} trial lengths measured`;
  }
  const total = state[`${figure}.iterations`];
  const its = lanes.map((l) => Math.floor(l.epoch + 1e-9));
  const lo = Math.min(...its);
  const hi = Math.max(...its);
  const parts = [lo === hi ? `Iteration ${lo} of ${total}` : `Iterations ${lo}–${hi} of ${total}`];
  if (lanes.length === 1 && Number.isFinite(lanes[0].table.last('loss'))) parts.push(`loss ${lossText(lanes[0].table.last('loss'))}`);
  return parts.join(' · ');
}

// ---- bytes ---------------------------------------------------------------------------------

/** Bytes as they read: 481 kB, 9.6 MB (decimal units, as the memory is counted). */
export function bytesText(bytes) {
  if (!Number.isFinite(bytes)) return '–';
  if (bytes >= 1e9) return `${(bytes / 1e9).toPrecision(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toPrecision(2)} MB`;
  if (bytes >= 5e5) return `${(bytes / 1e6).toFixed(2)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${Math.round(bytes)} B`;
}

/** The memory table's rows as objects ({duration_ms, bptt_bytes, eprop_bytes, rflo_bytes}). */
export function memoryRows(table) {
  if (!table || table.index('duration_ms') < 0) return [];
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]])));
}

/**
 * What the memory figure says in words, from its measured rows: at the longest length measured,
 * each method's bytes, and how BPTT's grow per millisecond of trial (the slope between the first
 * and the last length). '' before any row.
 */
export function memorySentence(rows) {
  if (!rows.length) return '';
  const last = rows[rows.length - 1];
  const seconds = last.duration_ms / 1000;
  const at = `At ${seconds < 1 ? `${last.duration_ms} ms` : `${seconds} s`}`;
  let text = `${at} BPTT holds ${bytesText(last.bptt_bytes)}, e-prop ${bytesText(last.eprop_bytes)} and RFLO ${bytesText(last.rflo_bytes)}.`;
  if (rows.length > 1) {
    const first = rows[0];
    const slope = (last.bptt_bytes - first.bptt_bytes) / (last.duration_ms - first.duration_ms);
    const flat = rows.every((r) => r.eprop_bytes === first.eprop_bytes && r.rflo_bytes === first.rflo_bytes);
    text += ` BPTT's record grows by ${bytesText(slope)} for every millisecond of trial`;
    text += flat ? '; e-prop\'s and RFLO\'s traces stay the same size at every length.' : '.';
  }
  return text;
}

/** The memory chart: bytes (MB) against trial length for BPTT, e-prop and RFLO. */
export function memoryChart(table) {
  const rows = memoryRows(table);
  const series = MEMORY_CURVES.map(([column, lane]) => {
    const { color } = RULES[lane];
    const name = column === 'bptt_bytes' ? 'BPTT' : column === 'eprop_bytes' ? 'e-prop' : 'RFLO';
    const note = { bptt: 'the whole trial: every neuron\'s state at every step', symmetric: 'traces, a fixed number per synapse (either feedback)', rflo: 'two traces per synapse of the rate network' }[lane];
    const points = rows.map((r) => [r.duration_ms, r[column] / 1e6]).filter(([, y]) => Number.isFinite(y));
    const last = rows.at(-1);
    return {
      name, color, note, points, value: last ? last[column] / 1e6 : NaN,
      label: last ? `${name} ${bytesText(last[column])}` : name,
      text: last ? `${name} ${rows.map((r) => `${bytesText(r[column])} at ${r.duration_ms} ms`).join(', ')}` : '',
    };
  });
  const top = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[1])));
  const title = 'Bytes stored to learn from one trial';
  return {
    id: 'memory', title: 'Memory for one trial', xLabel: 'trial length (ms)', yLabel: 'megabytes', xMin: 0, xMax: MEMORY_DURATIONS.at(-1),
    yRange: [0, Math.ceil(1.05 * top)], series, twins: false, note: memorySentence(rows), summary: summary(title, series),
  };
}

// ---- charts ---------------------------------------------------------------------------------

/**
 * [[iteration, value], …] of a column (thinned as MetricTable.points thins): the engine's rows
 * come every ten iterations, and their `iteration` column is the x.
 */
export function iterationPoints(table, column) {
  return table.points(column, undefined, 'iteration'); // without that column: x is the row's position
}

/** The last point of `points` with a finite value, or null. */
function lastOf(points) {
  for (let i = points.length - 1; i >= 0; i--) if (Number.isFinite(points[i][1])) return points[i];
  return null;
}

function iterations(n) {
  return `${n} iteration${n === 1 ? '' : 's'}`;
}

/** One curve per lane of a column against iterations, in the lane's colour, with its direct label. */
function laneSeries(lanes, column, format) {
  return lanes.map(({ rule, table }) => {
    const { name, long, color } = RULES[rule];
    const points = iterationPoints(table, column).filter(([, y]) => Number.isFinite(y));
    const last = lastOf(points);
    return {
      name, color, note: long, points, value: last ? last[1] : NaN,
      label: last ? `${name} ${format(last[1])}` : name,
      text: last ? `${name} ${format(last[1])} after ${iterations(last[0])}` : '',
    };
  });
}

/** Loss per iteration of every lane, on a log axis from 10⁻³ (lower if a lane gets there). */
export function lossChart(lanes, iterations, title = 'Loss') {
  const series = laneSeries(lanes, 'loss', lossText);
  const values = series.flatMap((s) => s.points.map((p) => p[1])).filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.min(1e-3, 10 ** Math.floor(Math.log10(values.length ? Math.min(...values) : 1)));
  const hi = Math.max(1, 10 ** Math.ceil(Math.log10(values.length ? Math.max(...values) : 1)));
  const chart = logY({
    id: 'loss', title, xLabel: 'iteration', yLabel: 'loss', yRange: [lo, hi], xMax: iterations, series,
    summary: summary('Loss (mean squared error of the readout over the trial)', series),
  });
  // Plain decimals (0.001 … 1) cover plotters' own tick numbers; superscripts leave them peeking out.
  return { ...chart, yDecades: chart.yDecades.map((d) => ({ ...d, text: String(d.value) })) };
}

/** A cosine as it reads: two decimals. */
export function cosineText(value) {
  return Number.isFinite(value) ? value.toFixed(2).replace('-', '−') : '–';
}

/** The cosine of each lane's update with BPTT's gradient, with the 0 line (no better than a random direction). */
export function cosineChart(lanes, iterations) {
  const series = laneSeries(lanes, 'cosine_bptt', cosineText).map((s) => {
    const last = lastOf(s.points);
    const mean = s.points.length ? s.points.reduce((a, p) => a + p[1], 0) / s.points.length : NaN;
    return { ...s, text: last ? `${s.name} ${cosineText(last[1])} at iteration ${last[0]} (mean ${cosineText(mean)} over ${s.points.length} measurements)` : '' };
  });
  const lows = series.flatMap((s) => s.points.map((p) => p[1]));
  const bottom = Math.max(-1, Math.min(-0.2, Math.floor(Math.min(0, ...lows) * 5) / 5));
  const zero = { name: '0', color: REFERENCE_COLOR, points: [[0, 0], [iterations, 0]], label: '0', value: 0, note: 'at right angles to the gradient: no better than a random direction', reference: true };
  const title = 'Cosine with BPTT\'s gradient';
  return {
    id: 'cosine', title, xLabel: 'iteration', yLabel: 'cosine', yRange: [bottom, 1.05], xMax: iterations,
    series: [...series, zero], summary: summary('Cosine of each method\'s update of the input and recurrent weights with BPTT\'s gradient on the same trial', series),
  };
}

/** The charts of a figure (as ../feedback/figures.js chartsOf). */
export function chartsOf(figure, state, lanes) {
  switch (figure) {
    case 'time_fit':
    case 'time_race':
      return [lossChart(lanes, state[`${figure}.iterations`])];
    case 'time_cosine':
      return [cosineChart(lanes, state['time_cosine.iterations'])];
    case 'time_memory':
      return [memoryChart(lanes.find((l) => l.rule === 'memory')?.table)];
    default:
      return [];
  }
}

// ---- figure 1: the last trial ---------------------------------------------------------------

/**
 * The last trial of a snapshot (the engine's frames `trace.target`, `trace.output`: [steps,
 * outputs]; `trace.mask`: [steps]; `raster`: [spikes, 2]), or null before one ran:
 * {steps, outputs, target: [output][step], output: [output][step], mask, window: [from, to] (the
 * steps that count, when not all do), spikes: {times, rows}}.
 */
export function trialOf(snapshot) {
  const frames = framesByName(snapshot);
  const target = frames.get('trace.target');
  const output = frames.get('trace.output');
  if (!target || !output || target.data.length === 0) return null;
  const [steps, k] = target.shape;
  const column = (frame, c) => Array.from({ length: steps }, (_, t) => frame.data[t * k + c]);
  const mask = Array.from(frames.get('trace.mask')?.data ?? []);
  const counted = mask.map((m, t) => (m > 0 ? t : -1)).filter((t) => t >= 0);
  const window = counted.length && counted.length < steps ? [counted[0], counted.at(-1) + 1] : null;
  const raster = frames.get('raster')?.data ?? [];
  const spikes = { times: [], rows: [] };
  for (let i = 0; i + 1 < raster.length; i += 2) {
    spikes.times.push(raster[i]);
    spikes.rows.push(raster[i + 1]);
  }
  return {
    steps, outputs: k, target: Array.from({ length: k }, (_, c) => column(target, c)),
    output: Array.from({ length: k }, (_, c) => column(output, c)), mask, window, spikes,
  };
}

/** The mean squared error of the readout over the steps that count (the engine's loss weights). */
export function trialError(trial) {
  if (!trial) return NaN;
  let sum = 0;
  let weight = 0;
  for (let t = 0; t < trial.steps; t++) {
    const m = trial.mask.length ? trial.mask[t] : 1;
    if (!(m > 0)) continue;
    for (let c = 0; c < trial.outputs; c++) sum += m * (trial.output[c][t] - trial.target[c][t]) ** 2;
    weight += m;
  }
  return weight > 0 ? sum / weight : NaN;
}

/** Pearson's correlation of the readout with its target over the trial (first output). */
export function trialCorrelation(trial) {
  if (!trial) return NaN;
  const a = trial.output[0];
  const b = trial.target[0];
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let t = 0; t < n; t++) {
    ab += (a[t] - ma) * (b[t] - mb);
    aa += (a[t] - ma) ** 2;
    bb += (b[t] - mb) ** 2;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : NaN;
}

/**
 * Figure 1's traces panel (www/views/traces.js drawPanels): the target y* in grey under the
 * readout y in the lane's colour, on one axis; the response window shaded when only part of the
 * trial counts (the cue task).
 */
export function tracePanels(trial, lane) {
  const at = (values) => values.map((v, t) => [t, v]);
  const { color, name } = RULES[lane] ?? RULES.symmetric;
  const series = [];
  for (let c = 0; c < trial.outputs; c++) {
    const suffix = trial.outputs > 1 ? ` ${c + 1}` : '';
    series.push({ name: `target y*${suffix}`, points: at(trial.target[c]), color: REFERENCE_COLOR, width: 3, legend: c === 0 });
  }
  for (let c = 0; c < trial.outputs; c++) {
    const suffix = trial.outputs > 1 ? ` ${c + 1}` : '';
    series.push({ name: `readout y (${name})${suffix}`, points: at(trial.output[c]), color, width: 2, dash: c > 0, legend: c === 0 });
  }
  const bands = trial.window ? [{ from: trial.window[0], to: trial.window[1], fill: 'rgba(230,159,0,0.12)', label: 'counted' }] : [];
  return { panels: [{ title: 'Readout and target, last trial', scale: 'shared', series }], bands, start: 0, end: trial.steps };
}

/** Figure 1's traces before any trial: the title over an empty time axis. */
export function emptyTracePanels() {
  return [{ title: 'Readout and target, last trial', scale: 'shared', yRange: [-1, 1], series: [] }];
}

/** The text alternative of figure 1's traces. */
export function traceSummary(trial, lane) {
  if (!trial) return 'The readout and its target through the last trial: none yet.';
  const name = RULES[lane]?.name ?? '';
  const r = trialCorrelation(trial);
  return `The last trial, ${trial.steps} ms: the ${name} network's readout against the target, mean squared error ${lossText(trialError(trial))}, correlation ${cosineText(r)}.`;
}

/** The text alternative of figure 1's raster. */
export function rasterSummary(trial, shown) {
  if (!trial) return 'Spikes of the recurrent neurons in the last trial: none yet.';
  const rate = trial.spikes.times.length / (shown * trial.steps / 1000);
  return `Spikes of the first ${shown} recurrent neurons in the last trial: ${trial.spikes.times.length} spikes, ${Math.round(rate)} Hz on average.`;
}
