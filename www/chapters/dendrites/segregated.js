// Figures 1–4 of the Dendrites & Bursts chapter, as data: Guerguiev, Lillicrap & Richards'
// segregated-dendrite network (the engine's `dendrites` rule, src/rules/segregated_dendrites/).
// One digit through time (the last spiking digit's potentials, read from a snapshot), depth and
// feedback races (test error per epoch), and the angles to backprop. Pure (no DOM), so node
// --test covers it; ./figures.js joins it to the chapter's other figures, ./trace.js draws
// figure 1's potentials.
import { ruleSeries, angleChart, summary } from '../feedback/figures.js';
import { logY } from '../../views/log-axis.js';

/**
 * Names and Okabe–Ito colours (index into src/charts.rs PALETTE) of the segregated-dendrite
 * lanes (www/state/figures.js DENDRITE_LANES): no hidden layer in the shallow control's orange,
 * random feedback in feedback alignment's vermillion and symmetric in backprop's blue, as in the
 * Random feedback chapter; symmetric + noise in green, apart from symmetric's blue.
 */
export const DENDRITE_RULES = Object.freeze({
  dendrites: { name: 'Dendrites', long: 'segregated dendrites, 784-500-10', color: 2 },
  none: { name: 'No hidden', long: '784-10: no hidden layer', color: 4 },
  one: { name: 'One hidden', long: '784-500-10', color: 2 },
  two: { name: 'Two hidden', long: '784-500-100-10', color: 5 },
  random: { name: 'Random', long: 'fixed random feedback Y', color: 1 },
  sparse: { name: 'Sparse', long: 'sparse random Y: 80 % zero, the rest ×5', color: 3 },
  symmetric: { name: 'Symmetric', long: 'Y = Wᵀ: weight transport', color: 0 },
  noisy: { name: 'Noisy', long: 'Wᵀ plus fixed noise', color: 2 },
});

/** The trace figure's colours: the apical dendrite in the bursts' vermillion, the soma in the events' green. */
export const TRACE_COLORS = Object.freeze({ apical: 1, basal: 5, soma: 2, label: 0, others: 6 });
/** The averaging window at the end of each phase (ms; the engine's WINDOW_MS). */
export const WINDOW_MS = 20;
/** Spikes per ms → Hz. */
const HZ = 1000;

export const SEGREGATED_FIGURES = Object.freeze({
  dendrites_trace: {
    number: 1, title: 'One digit through time', rules: () => ['dendrites'],
    playWord: 'Play', stepLabel: 'Step a few digits',
    words: { idle: 'press Play to start', training: 'training, one digit at a time', stepping: 'training a few digits' },
  },
  dendrites_depth: { number: 2, title: 'Depth helps', rules: (s) => s['dendrites_depth.lanes'], readouts: "Each network's progress" },
  dendrites_angles: { number: 3, title: 'Close to backprop?', rules: () => ['dendrites'], readouts: 'Progress of the network' },
  dendrites_feedback: { number: 4, title: 'Feedback ablation', rules: (s) => s['dendrites_feedback.lanes'], readouts: "Each lane's progress" },
});

/** True for a figure of this module. */
export function isSegregated(figure) {
  return figure in SEGREGATED_FIGURES;
}

/** Test error in per cent from a test accuracy (a fraction). */
export function errorPercent(accuracy) {
  return 100 * (1 - accuracy);
}

/** A test error (per cent) as the page prints it. */
export function errorText(value) {
  return Number.isFinite(value) ? `${value.toFixed(1)} %` : '–';
}

/** The readout tables show the test error. */
export const READOUT = Object.freeze({ column: 'test_acc', format: (acc) => errorText(errorPercent(acc)), header: 'Test error' });

// ---- one digit through time ------------------------------------------------------------------

/**
 * The last spiking digit of a snapshot's frames (a Map by name), or null before one ran:
 * {steps, time: [ms], basal, apical, soma, outputs: [class][step], phaseEnds: [forward, both],
 * windows: [[from, to] ×2] (ms), plateaus: [α^f, α^t], apicalMeans: [Ā^f, Ā^t] (the apical
 * potential averaged over each window, whose σ is the plateau), delta (α^t − α^f),
 * rates: [forward, target] per class (Hz), digit (the [28, 28] frame), label, neuron}.
 */
export function traceOf(frames) {
  const apical = frames.get('trace.apical');
  if (!apical || apical.data.length === 0) return null;
  const steps = apical.data.length;
  const outputs = frames.get('trace.outputs');
  const classes = outputs ? outputs.shape[1] : 0;
  const perClass = Array.from({ length: classes }, (_, k) => Array.from({ length: steps }, (_, t) => outputs.data[t * classes + k]));
  const [forward, both] = Array.from(frames.get('trace.phase_ends')?.data ?? [steps, steps]);
  const windows = [[Math.max(0, forward - WINDOW_MS), forward], [Math.max(forward, both - WINDOW_MS), both]];
  const plateaus = Array.from(frames.get('trace.plateaus')?.data ?? [NaN, NaN]);
  const rates = frames.get('trace.rates');
  const ratesHz = [0, 1].map((p) => Array.from({ length: classes }, (_, k) => HZ * (rates?.data[p * classes + k] ?? NaN)));
  const sizes = Array.from(frames.get('sizes')?.data ?? []);
  return {
    steps, time: Array.from({ length: steps }, (_, t) => t + 1),
    basal: Array.from(frames.get('trace.basal')?.data ?? []), apical: Array.from(apical.data), soma: Array.from(frames.get('trace.soma')?.data ?? []),
    outputs: perClass, phaseEnds: [forward, both], windows, plateaus,
    apicalMeans: windows.map(([from, to]) => mean(apical.data.slice(from, to))),
    delta: plateaus[1] - plateaus[0], rates: ratesHz, digit: frames.get('trace.digit') ?? null,
    label: frames.get('trace.label')?.data[0] ?? NaN, neuron: frames.get('trace.neuron')?.data[0] ?? NaN,
    hidden: sizes.length > 2,
  };
}

function mean(values) {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length ? sum / values.length : NaN;
}

/** The class with the highest value (the first of equals). */
export function argmax(values) {
  let best = 0;
  values.forEach((v, k) => { if (v > values[best]) best = k; });
  return best;
}

/** Below this |α^t − α^f| the figure says the neuron hardly changes. */
const SMALL_DELTA = 0.002;

/** α^t − α^f and what it does to the shown neuron: {value, text, meaning}. */
export function deltaOf(trace) {
  const d = trace ? trace.delta : NaN;
  if (!Number.isFinite(d)) return { value: NaN, text: '–', meaning: '' };
  const text = (d > 0 ? '+' : d < 0 ? '−' : '') + (Math.abs(d) >= 0.001 ? Math.abs(d).toFixed(3) : Math.abs(d).toPrecision(2));
  if (Math.abs(d) < SMALL_DELTA) {
    return { value: d, text, meaning: 'The teacher hardly changed what this neuron\'s apical dendrite hears: its synapses barely change for this digit.' };
  }
  return d > 0
    ? { value: d, text, meaning: 'The teacher raised this neuron\'s apical plateau: its synapses from the active pixels strengthen, so it will respond more to digits like this one.' }
    : { value: d, text, meaning: 'The teacher lowered this neuron\'s apical plateau: its synapses from the active pixels weaken, so it will respond less to digits like this one.' };
}

/**
 * The three panels of figure 1 (www/views/traces.js drawPanels): the apical dendrite with its two
 * window means (whose σ are the plateaus), the basal dendrite and the soma, and the ten output
 * somas with the taught label's on top; and the phases and windows as shaded bands.
 */
export function tracePanels(trace, { narrow = false } = {}) {
  const at = (values) => values.map((v, t) => [t + 1, v]);
  const [wf, wt] = trace.windows;
  const names = narrow ? ['αᶠ', 'αᵗ'] : ['αᶠ = σ(Āᶠ)', 'αᵗ = σ(Āᵗ)'];
  const marks = trace.hidden ? [0, 1].map((p) => ({
    from: trace.windows[p][0], to: trace.windows[p][1], value: trace.apicalMeans[p], color: TRACE_COLORS.apical,
    label: `${names[p]} = ${trace.plateaus[p].toFixed(3)}`,
  })) : [];
  const others = trace.outputs.map((values, k) => ({ k, values })).filter(({ k }) => k !== trace.label);
  const taught = trace.outputs[trace.label];
  const panels = [
    {
      title: `Apical dendrite A of hidden neuron ${trace.neuron}`, scale: 'shared', marks,
      series: [{ name: 'A (feedback from the output)', points: at(trace.apical), color: TRACE_COLORS.apical, width: 1.5 }],
    },
    {
      title: 'Basal dendrite B and soma C', scale: 'shared',
      series: [
        { name: 'B (input from the pixels)', points: at(trace.basal), color: TRACE_COLORS.basal, width: 1.25 },
        { name: 'soma C', points: at(trace.soma), color: TRACE_COLORS.soma, width: 2 },
      ],
    },
    {
      title: 'Output somas', scale: 'shared',
      series: [
        ...others.map(({ values }, i) => ({ name: 'other digits', points: at(values), color: TRACE_COLORS.others, width: 1, legend: i === 0 })),
        ...(taught ? [{ name: `label ${trace.label}`, points: at(taught), color: TRACE_COLORS.label, width: 2.5 }] : []),
      ],
    },
  ];
  const bands = [
    { from: 0, to: trace.phaseEnds[0], fill: 'rgba(0,0,0,0)', label: narrow ? 'forward' : 'forward phase: the output runs free' },
    { from: trace.phaseEnds[0], to: trace.phaseEnds[1], fill: 'rgba(230,159,0,0.08)', label: narrow ? 'target' : 'target phase: the teacher drives the output' },
    { from: wf[0], to: wf[1], fill: 'rgba(90,90,90,0.12)' },
    { from: wt[0], to: wt[1], fill: 'rgba(90,90,90,0.12)' },
  ];
  return { panels, bands, start: 0, end: trace.phaseEnds[1] };
}

/** Figure 1's panels before any digit: their titles over an empty time axis. */
export function emptyPanels() {
  return ['Apical dendrite A', 'Basal dendrite B and soma C', 'Output somas'].map((title) => ({ title, scale: 'shared', yRange: [0, 1], series: [] }));
}

/** The text alternative of figure 1's potentials. */
export function traceSummary(trace) {
  if (!trace) return 'Potentials of one hidden neuron and of the output layer through the last digit: press Play to start.';
  const [forward, both] = trace.phaseEnds;
  const top = argmax(trace.rates[0]);
  const lines = [
    `The last digit, a ${trace.label}, shown for ${both} ms: a forward phase of ${forward} ms, then a target phase of ${both - forward} ms; each averaged over its last ${WINDOW_MS} ms.`,
  ];
  if (trace.hidden) {
    lines.push(`Hidden neuron ${trace.neuron}: apical plateau α^f = ${trace.plateaus[0].toFixed(3)} in the forward phase and α^t = ${trace.plateaus[1].toFixed(3)} in the target phase, so α^t − α^f = ${deltaOf(trace).text}.`);
  } else {
    lines.push('This network has no hidden layer: only the output learns.');
  }
  lines.push(`Output: in the forward phase unit ${top} fired most (${Math.round(trace.rates[0][top])} Hz, the label's unit ${Math.round(trace.rates[0][trace.label])} Hz); in the target phase the teacher drove unit ${trace.label} to ${Math.round(trace.rates[1][trace.label])} Hz.`);
  return lines.join(' ');
}

/** The output rates of both windows as rows for a table: [{k, forward, target, label}] (Hz). */
export function rateRows(trace) {
  if (!trace) return [];
  return trace.rates[0].map((f, k) => ({ k, forward: f, target: trace.rates[1][k], label: k === trace.label }));
}

/** The status line of figure 1: the digits trained, and the test error once an epoch ended. */
export function traceProgress(state, lanes) {
  const lane = lanes[0];
  if (!lane) return null;
  const total = state['dendrites_trace.epochs'];
  const perEpoch = lane.epoch > 0 ? Math.round(lane.samples / lane.epoch) : 0;
  const parts = [`Digit ${lane.samples.toLocaleString('en-US')}${perEpoch ? ` of ${(perEpoch * total).toLocaleString('en-US')}` : ''}`];
  const rows = lane.table.count;
  const acc = lane.table.last('test_acc');
  if (rows > 1 && Number.isFinite(acc)) parts.push(`test error ${errorText(errorPercent(acc))}`);
  return parts.join(' · ');
}

// ---- charts -------------------------------------------------------------------------------------

/** Test error (per cent, log scale) of every lane per epoch. */
export function errorChart(lanes, epochsTotal, title = 'Test error') {
  const series = ruleSeries(lanes, 'test_acc', (err) => errorText(err), errorPercent, DENDRITE_RULES);
  const values = series.flatMap((s) => s.points.map((p) => p[1])).filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.min(1, 10 ** Math.floor(Math.log10(values.length ? Math.min(...values) : 1)));
  const chart = logY({ id: 'error', title, yLabel: 'test error (%)', yRange: [Math.max(0.1, lo), 100], xMax: epochsTotal, series, summary: summary(title, series) });
  return { ...chart, yDecades: chart.yDecades.map((d) => ({ ...d, text: String(d.value) })) };
}

/** The angles of figure 3: the hidden update against backprop's, the output weights against Y, and 90°. */
export function anglesChart(lane, epochsTotal) {
  const columns = [
    { column: 'angle_bp', name: '∠(ΔW₀, ΔW₀ of BP)', short: 'update', color: 5, note: 'the hidden layer\'s update against the one backprop would make from the same output error' },
    { column: 'angle_feedback', name: '∠(W₁, Y)', short: 'W–Y', color: 1, note: 'the output weights against the feedback weights: feedback alignment' },
  ];
  return angleChart({ id: 'angles', title: 'Angles to backprop', long: 'Segregated dendrites against backprop', table: lane.table, columns, epochsTotal });
}

/** The charts of figures 2–4 (figure 1 draws its own views). */
export function segregatedCharts(figure, state, lanes) {
  switch (figure) {
    case 'dendrites_depth':
      return [errorChart(lanes, state['dendrites_depth.epochs'])];
    case 'dendrites_feedback':
      return [errorChart(lanes, state['dendrites_feedback.epochs'])];
    case 'dendrites_angles': {
      const lane = lanes[0];
      if (!lane) return [];
      return [anglesChart(lane, state['dendrites_angles.epochs']), errorChart(lanes, state['dendrites_angles.epochs'])];
    }
    default:
      return [];
  }
}

