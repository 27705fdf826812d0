// The seven figures of the Dendrites & Bursts chapter, as data: the experiment JSON each
// figure's workers get, the charts drawn from their metric tables, and the statistics of the
// multiplexing simulation (correlations and levels over the visible window). Figures 1–4, the
// segregated-dendrite network, are ./segregated.js. Pure (no DOM), so node --test covers it;
// www/chapters/dendrites/index.js, trace.js, multiplex.js and www/figures/figure.js turn it into
// views.
import { ruleSeries, angleChart, summary } from '../feedback/figures.js';
import { percent, signed } from '../../views/format.js';
import { pearson } from '../../engine/metrics.js';
import { DENDRITE_RULES, SEGREGATED_FIGURES, READOUT, isSegregated, segregatedCharts, traceProgress } from './segregated.js';

/**
 * One Okabe–Ito colour (index into src/charts.rs PALETTE) per stream, on every figure of the
 * chapter: events (and everything that carries them: the event rate, the depressing synapses'
 * read-out, single spikes in the raster) are bluish green, bursts (burst probability, burst
 * rate, the facilitating read-out, burst spikes) vermillion, and the input currents grey.
 */
export const STREAMS = Object.freeze({ events: 2, bursts: 1, input: 6 });
/** Reddish purple: the weight change of the plasticity figure. */
export const WEIGHT_COLOR = 3;
/** Grey, for reference lines (0, 90°). */
const REFERENCE_COLOR = 6;
/** Sky blue: ∠(δ_burst, δ_BP), as the δ angle of the Random feedback chapter. */
const DELTA_COLOR = 5;

/** Names and colours of the engine experiments of the chapter. BP keeps its site-wide blue. */
export const RULES = Object.freeze({
  ...DENDRITE_RULES,
  bp: { name: 'BP', long: 'backprop', color: 0 },
  burstprop: { name: 'BurstProp', long: 'burst-multiplexed feedback', color: 4 },
  multiplex: { name: 'Population', long: 'two-compartment neurons', color: STREAMS.events },
  plasticity: { name: 'Plasticity', long: 'burst-dependent plasticity', color: WEIGHT_COLOR },
});

export const FIGURES = Object.freeze({
  ...SEGREGATED_FIGURES,
  multiplex: { number: 5, title: 'Two signals in one spike train', rules: () => ['multiplex'] },
  plasticity: { number: 6, title: 'Bursts set the sign of learning', rules: () => ['plasticity'] },
  burstprop: { number: 7, title: 'BurstProp against backprop', rules: () => ['bp', 'burstprop'], readouts: "Each rule's progress" },
});

// ---- figure 1: multiplexing ----------------------------------------------------------------

/** The four input settings the reader moves (pA); the engine can change them while it runs. */
export const INPUT_KEYS = ['somatic_mean', 'somatic_amplitude', 'dendritic_mean', 'dendritic_amplitude'];
/** Width of the engine's counting bins: one metric row each. */
export const BIN_S = 0.01;
/** The traces and the correlations cover the last this many seconds. */
export const WINDOW_S = 5;
/** The levels (mean event rate, burst probability…) cover the last this many seconds. */
export const LEVEL_WINDOW_S = 1;
/** Rows before this time are the start-up transient (the engine's `settle_s`). */
export const SETTLE_S = 0.5;
/** Correlations need this many rows (seconds of simulation) to mean anything. */
const MIN_CORRELATION_ROWS = 100;

/** The live input settings of the state: {somatic_mean, …} in pA. */
export function inputsOf(state) {
  return Object.fromEntries(INPUT_KEYS.map((k) => [k, state[`multiplex.${k}`]]));
}

/** Rows (10 ms each) per second of wall time the multiplexing simulation is paced at. */
export function multiplexPace(state) {
  const speed = state['multiplex.speed'];
  return speed === 'max' ? Infinity : Number(speed) / BIN_S;
}

// ---- experiments ----------------------------------------------------------------------------

/** The experiments of every lane of a figure (www/state/state.js builds them from the engine's presets). */
export { experimentsOf } from '../../state/state.js';

/** Epochs per second a figure's race is paced at: the digits as fast as the engine goes. */
export function paceOf(figure, state) {
  return figure === 'multiplex' ? multiplexPace(state) : Infinity;
}

/** What the readout table of a figure shows: the test error for the segregated dendrites, else the accuracy. */
export function readout(figure) {
  return isSegregated(figure) ? READOUT : { column: 'test_acc', format: percent, header: 'Test accuracy' };
}

/** The status line's progress for the trace and the plasticity figures (the others count epochs). */
export function progressText(figure, state, lanes) {
  if (figure === 'dendrites_trace') return traceProgress(state, lanes);
  if (figure !== 'plasticity') return null;
  const lane = lanes[0];
  const total = lane.built?.frequencies_hz?.length;
  const done = lane.table.count;
  return total ? `${done} of ${total} pairing frequencies` : `${done} pairing frequenc${done === 1 ? 'y' : 'ies'} done`;
}

// ---- charts ---------------------------------------------------------------------------------

/** The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least `value` (> 0). */
export function niceCeil(value) {
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((v) => v >= value * (1 - 1e-12));
}

function hz(value) {
  return `${value < 1 ? value.toPrecision(1) : Math.round(value)} Hz`;
}

/**
 * The charts of a figure (as ../feedback/figures.js chartsOf): the plasticity curve with its
 * zero line; BurstProp's and BP's test accuracy, and BurstProp's two angles with the 90° line.
 */
export function chartsOf(figure, state, lanes) {
  if (isSegregated(figure)) return segregatedCharts(figure, state, lanes);
  switch (figure) {
    case 'plasticity': {
      const lane = lanes.find((l) => l.rule === 'plasticity');
      const table = lane?.table;
      const frequencies = lane?.built?.frequencies_hz || [];
      const fi = table ? table.index('frequency_hz') : -1;
      const wi = table ? table.index('weight_change') : -1;
      const points = fi < 0 || wi < 0 ? [] : table.rows.map((r) => [r[fi], r[wi]]).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
      const xMax = Math.max(10, ...frequencies, ...points.map((p) => p[0]));
      const top = points.length ? Math.max(1e-6, ...points.map((p) => Math.abs(p[1]))) : 0.4;
      const last = points.at(-1);
      const curve = {
        name: 'ΔW', color: WEIGHT_COLOR, points, note: 'weight change after the pairings, averaged over the neurons',
        label: last ? `ΔW ${signed(last[1])}` : 'ΔW', value: last ? last[1] : NaN,
        text: points.length ? points.map(([f, w]) => `${signed(w)} at ${hz(f)}`).join(', ') : '',
      };
      const zero = { name: '0', color: REFERENCE_COLOR, points: [[0, 0], [xMax, 0]], label: '0', value: 0, note: 'no change: above it the synapse grows, below it it weakens', reference: true };
      const title = 'Weight change';
      return [{
        id: 'plasticity', title, xLabel: 'pairing frequency (Hz)', yLabel: 'weight change ΔW', xMin: 0, xMax,
        yRange: [-niceCeil(1.25 * top), niceCeil(1.25 * top)], series: [curve, zero], summary: summary(title, [curve]),
      }];
    }
    case 'burstprop': {
      const epochsTotal = state['burstprop.epochs'];
      const series = ruleSeries(lanes, 'test_acc', percent, undefined, RULES);
      const title = 'Test accuracy';
      const charts = [{ id: 'acc', title, yLabel: 'fraction correct', yRange: [0, 1], xMax: epochsTotal, series, summary: summary(title, series) }];
      const lane = lanes.find((l) => l.rule === 'burstprop');
      const table = lane?.table;
      const columns = [
        { column: 'angle_w_y0', name: '∠(W₁, Y)', short: 'W–Y', color: RULES.burstprop.color, note: 'output weights against the feedback weights' },
        { column: 'angle_delta0', name: '∠(δ_burst, δ_BP)', short: 'δ', color: DELTA_COLOR, note: 'the hidden error bursts send against backprop\'s' },
      ].filter((c) => !table || table.columns.length === 0 || table.index(c.column) >= 0);
      if (table) charts.push(angleChart({ id: 'angles', title: 'BurstProp against backprop', table, columns, epochsTotal }));
      return charts;
    }
    default:
      return [];
  }
}

// ---- multiplexing statistics ---------------------------------------------------------------

/** The columns of the last `seconds` of a multiplexing table: {time_s: [...], event_rate: [...], …}. */
export function recent(table, seconds) {
  const t = table.index('time_s');
  const out = {};
  for (const c of table.columns) out[c] = [];
  if (t < 0 || table.rows.length === 0) return out;
  const end = table.rows[table.rows.length - 1][t];
  let first = table.rows.length;
  while (first > 0 && table.rows[first - 1][t] > end - seconds + 1e-9) first--;
  for (let r = first; r < table.rows.length; r++) {
    table.columns.forEach((c, i) => out[c].push(table.rows[r][i]));
  }
  return out;
}

function mean(values) {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

/**
 * What the multiplexing figure reads out of its table: Pearson correlations over the visible
 * window (after the start-up transient), and mean levels over the last second.
 * `correlations` keys: E_soma, E_dend, P_soma, P_dend (event rate E and burst probability P
 * against the somatic and dendritic inputs), D_E (depressing read-out against E), F_B
 * (facilitating read-out against the burst rate B); NaN when undefined (a constant input, too
 * little data).
 */
export function multiplexStats(table) {
  const w = recent(table, WINDOW_S);
  const keep = w.time_s ? w.time_s.map((t) => t > SETTLE_S) : [];
  const col = (name) => (w[name] || []).filter((_, i) => keep[i]);
  const enough = keep.filter(Boolean).length >= MIN_CORRELATION_ROWS;
  const r = (a, b) => (enough ? pearson(col(a), col(b)) : NaN);
  const correlations = {
    E_soma: r('event_rate', 'somatic_input'), E_dend: r('event_rate', 'dendritic_input'),
    P_soma: r('burst_prob', 'somatic_input'), P_dend: r('burst_prob', 'dendritic_input'),
    D_E: r('depressing_readout', 'event_rate'), F_B: r('facilitating_readout', 'burst_rate'),
  };
  const last = recent(table, LEVEL_WINDOW_S);
  const levels = {};
  for (const c of ['somatic_input', 'dendritic_input', 'event_rate', 'burst_prob', 'burst_rate']) levels[c] = mean(last[c] || []);
  const times = w.time_s || [];
  return { correlations, levels, start: times[0] ?? 0, end: times.at(-1) ?? 0, rows: times.length };
}

/** A correlation as the page prints it: two decimals with a true minus sign, '–' if undefined. */
export function corrText(r) {
  return Number.isFinite(r) ? r.toFixed(2).replace('-', '−') : '–';
}

/**
 * The trace panels of the multiplexing figure: each {id, title, series: [{name, column, color,
 * dash}]}, drawn with every series scaled to its own range.
 */
export const TRACE_PANELS = Object.freeze([
  {
    id: 'soma', title: 'Soma: input and event rate',
    series: [
      { name: 'somatic input', column: 'somatic_input', color: STREAMS.input },
      { name: 'event rate E', column: 'event_rate', color: STREAMS.events },
    ],
  },
  {
    id: 'dendrite', title: 'Dendrite: input and burst probability',
    series: [
      { name: 'dendritic input', column: 'dendritic_input', color: STREAMS.input },
      { name: 'burst probability P', column: 'burst_prob', color: STREAMS.bursts },
    ],
  },
  {
    id: 'depressing', title: 'Depressing synapses read out events',
    series: [
      { name: 'event rate E', column: 'event_rate', color: STREAMS.events },
      { name: 'depressing read-out', column: 'depressing_readout', color: STREAMS.events, dash: true },
    ],
  },
  {
    id: 'facilitating', title: 'Facilitating synapses read out bursts',
    series: [
      { name: 'burst rate B', column: 'burst_rate', color: STREAMS.bursts },
      { name: 'facilitating read-out', column: 'facilitating_readout', color: STREAMS.bursts, dash: true },
    ],
  },
]);

/** The text alternative of the trace panels. */
export function tracesSummary(stats) {
  const c = stats.correlations;
  if (!Number.isFinite(c.E_soma) && !Number.isFinite(c.P_dend)) {
    return 'Traces of the inputs and of the population\'s event rate, burst probability and synaptic read-outs: not enough simulated time yet.';
  }
  const span = `${stats.start.toFixed(1)}–${stats.end.toFixed(1)} s`;
  return `Traces over ${span}, each scaled to its own range. The event rate follows the somatic input (correlation ${corrText(c.E_soma)}) `
    + `and the burst probability follows the dendritic input (${corrText(c.P_dend)}); cross-talk: burst probability against somatic input ${corrText(c.P_soma)}, `
    + `event rate against dendritic input ${corrText(c.E_dend)}. The depressing read-out follows the event rate (${corrText(c.D_E)}) `
    + `and the facilitating read-out the burst rate (${corrText(c.F_B)}).`;
}

