// The four figures of the Nudging chapter (equilibrium propagation), as data: which rules each
// one runs, the experiment JSON each lane's worker gets, its pace, and the charts drawn from the
// lanes' metric tables. Pure (no DOM), so node --test covers it; ./index.js, ./settling.js and
// www/figures/figure.js turn it into views.
//
//   learning   EqProp beside BP on the digits (test and training accuracy, samples/s)
//   settling   one digit relaxing step by step: energy, cost, output and hidden units through the
//              free phase, then the nudged phase (engine model `settling`: one row per step,
//              columns step, phase, energy, cost, out0…out9, hidden0…hidden5; frames digit
//              [28, 28] and target [1])
//   gradient   the EqProp update against the true gradient, per β (model `gradient_check`:
//              columns beta, cos_one_sided, rel_norm_one_sided, cos_symmetric, rel_norm_symmetric)
//   stdp       Δw against t_post − t_pre (model `stdp`: columns delta_t_ms, dw)
import { ruleSeries, summary, lastFinite } from '../feedback/figures.js';
import { niceCeil } from '../dendrites/figures.js';
import { percent, signed } from '../../views/format.js';
import { logAxis, logY } from '../../views/log-axis.js';

/** Names and Okabe–Ito colours (index into src/charts.rs PALETTE). BP keeps its site-wide blue. */
export const RULES = Object.freeze({
  bp: { name: 'BP', long: 'backprop', color: 0 },
  eqprop: { name: 'EqProp', long: 'equilibrium propagation', color: 2 },
  settling: { name: 'Network', long: 'one digit relaxing', color: 2 },
  gradient_check: { name: 'Check', long: 'EqProp against the true gradient', color: 2 },
  stdp: { name: 'STDP', long: 'spike-timing-dependent plasticity', color: 3 },
});

/** Grey, for reference lines (zero, the phase switch). */
export const REFERENCE_COLOR = 6;
/** Vermillion: the target output unit; the nudged phase. */
export const TARGET_COLOR = 1;
/** Sky blue: the symmetric estimate, beside the one-sided one in EqProp's green. */
export const SYMMETRIC_COLOR = 5;

export const FIGURES = Object.freeze({
  settling: { number: 1, title: 'Settling, then nudging', rules: () => ['settling'] },
  learning: { number: 2, title: 'EqProp against backprop', rules: () => ['eqprop', 'bp'], readouts: "Each rule's progress" },
  gradient: { number: 3, title: 'Is it the gradient?', rules: () => ['gradient_check'] },
  stdp: { number: 4, title: 'The STDP it predicts', rules: () => ['stdp'] },
});

/**
 * The experiments of every lane of a figure (www/state/state.js builds them from the engine's
 * presets). In the learning figure the per-layer rates are EqProp's (the knob's `lanes`): BP's
 * lane keeps its preset's single rate of 1.
 */
export { experimentsOf } from '../../state/state.js';

/** Relaxation steps per second the settling animation runs at by default. */
export const SETTLING_STEPS_PER_S = 20;

/**
 * Epochs (for the settling model: relaxation steps) per second a figure's race is paced at;
 * Infinity: as fast as the engine goes. The settling figure is paced by its speed knob, and
 * with reduced motion it is not animated at all (it runs through and is drawn once a second).
 */
export function paceOf(figure, state, { reduce = false } = {}) {
  if (figure !== 'settling') return Infinity;
  const speed = state['settling.speed'] ?? String(SETTLING_STEPS_PER_S);
  return reduce || speed === 'max' ? Infinity : Number(speed);
}

/** What the readout table of the learning figure shows. */
export function readout() {
  return { column: 'test_acc', format: percent, header: 'Test accuracy' };
}

// ---- figure: settling -----------------------------------------------------------------------

/** The columns of a settling table as arrays: {step: [...], phase: [...], energy: [...], …}. */
export function columnsOf(table) {
  const out = {};
  for (const c of table?.columns || []) out[c] = [];
  for (const row of table?.rows || []) (table.columns).forEach((c, i) => out[c].push(row[i]));
  return out;
}

/** The step at which the nudged phase starts (the first row with phase 1), or null. */
export function phaseSwitch(cols) {
  const i = (cols.phase || []).findIndex((p) => p >= 0.5);
  return i < 0 ? null : cols.step[i];
}

/** Indices of the output and hidden unit columns present in a table (`out0`…, `hidden0`…). */
export function unitColumns(cols, prefix) {
  return Object.keys(cols).filter((c) => c.startsWith(prefix) && /^\d+$/.test(c.slice(prefix.length)))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)));
}

function fmt(v, digits = 3) {
  if (!Number.isFinite(v)) return '–';
  const text = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(digits);
  return text.replace('-', '−');
}

/** A y range that holds `values` (and `extra`), with 5 % room. */
function fitRange(values, extra = []) {
  const finite = [...values, ...extra].filter(Number.isFinite);
  if (!finite.length) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = 0.05 * (hi - lo);
  return [lo - pad, hi + pad];
}

/** The vertical line where the nudge starts, across `yRange`. */
function switchLine(at, yRange) {
  return {
    name: 'nudge', color: REFERENCE_COLOR, points: at === null ? [] : [[at, yRange[0]], [at, yRange[1]]],
    label: '', value: NaN, note: 'the target starts pulling the outputs (β switched on)', reference: true,
  };
}

/**
 * What the settling run has reached: {rows, step, phase ('free'|'nudged'|''), at (switch step),
 * target, predicted (the most active output), energy, cost, freeEnd {energy, cost, out} at the
 * end of the free phase}.
 */
export function settlingState(cols, target) {
  const n = (cols.step || []).length;
  const at = phaseSwitch(cols);
  const outs = unitColumns(cols, 'out');
  const outAt = (i) => outs.map((c) => cols[c][i]);
  const argmax = (v) => v.reduce((best, x, k) => (x > v[best] ? k : best), 0);
  const last = n - 1;
  const freeIndex = at === null ? last : cols.step.indexOf(at) - 1;
  const freeEnd = freeIndex >= 0 ? { energy: cols.energy?.[freeIndex], cost: cols.cost?.[freeIndex], out: outAt(freeIndex) } : null;
  return {
    rows: n,
    step: n ? cols.step[last] : 0,
    phase: n === 0 ? '' : cols.phase[last] >= 0.5 ? 'nudged' : 'free',
    at,
    target: Number.isFinite(target) ? target : null,
    predicted: n && outs.length ? argmax(outAt(last)) : null,
    energy: n ? cols.energy?.[last] : NaN,
    cost: n ? cols.cost?.[last] : NaN,
    out: n ? outAt(last) : [],
    freeEnd,
  };
}

/**
 * The settling figure's charts (as ../feedback/figures.js chartsOf): energy and cost, the ten
 * output units (the target's in vermillion, the others grey), and a few hidden units, each
 * against the relaxation step, with a grey line where the nudge starts. `total` is the number
 * of steps of the whole run (free + nudged), so the curves grow into a fixed axis.
 */
export function settlingCharts(table, { target = null, total = 24 } = {}) {
  const cols = columnsOf(table);
  const s = settlingState(cols, target);
  const steps = cols.step || [];
  const xMax = Math.max(1, total, ...steps);
  const xMin = steps.length ? Math.min(0, steps[0]) : 0;
  const pts = (c) => steps.map((x, i) => [x, cols[c][i]]);
  const where = s.rows === 0 ? 'not started' : `step ${s.step}, ${s.phase} phase`;

  const energyRange = fitRange(cols.energy || []);
  const energy = {
    name: 'energy E', color: 2, points: pts('energy'), note: 'the network\'s energy: it only goes down in the free phase',
    label: `E ${fmt(s.energy)}`, value: s.energy,
  };
  const costRange = fitRange(cols.cost || [], [0]);
  const cost = {
    name: 'cost C', color: TARGET_COLOR, points: pts('cost'), note: 'squared distance of the outputs from the target',
    label: `C ${fmt(s.cost)}`, value: s.cost,
  };
  const switchText = s.at === null ? '' : ` The nudge starts at step ${s.at}.`;
  const freeText = s.freeEnd && s.at !== null ? ` At the end of the free phase E was ${fmt(s.freeEnd.energy)} and C ${fmt(s.freeEnd.cost)}.` : '';
  const charts = [
    {
      id: 'energy', title: 'Energy', xLabel: 'relaxation step', yLabel: 'E', xMin, xMax, yRange: energyRange,
      series: [energy, switchLine(s.at, energyRange)],
      summary: s.rows ? `Energy against relaxation step, ${where}: E ${fmt(s.energy)}.${switchText}${freeText}` : 'Energy against relaxation step: not started.',
    },
    {
      id: 'cost', title: 'Cost', xLabel: 'relaxation step', yLabel: 'C', xMin, xMax, yRange: costRange,
      series: [cost, switchLine(s.at, costRange)],
      summary: s.rows ? `Cost against relaxation step, ${where}: C ${fmt(s.cost)}.${switchText}` : 'Cost against relaxation step: not started.',
    },
  ];

  const outs = unitColumns(cols, 'out');
  const outSeries = outs.map((c, k) => {
    const isTarget = k === s.target;
    const v = cols[c].at(-1);
    return {
      name: isTarget ? `digit ${k} (target)` : 'other digits', color: isTarget ? TARGET_COLOR : REFERENCE_COLOR,
      points: pts(c), note: isTarget ? 'the output unit of the right answer' : 'the nine other output units',
      legend: isTarget || k === (s.target === 0 ? 1 : 0), // one legend entry for the nine others
      label: isTarget || k === s.predicted ? `${k}${isTarget ? ' target' : ''} ${fmt(v, 2)}` : '',
      value: isTarget || k === s.predicted ? v : NaN,
    };
  });
  // The target's curve last, so it is drawn on top of the grey ones.
  outSeries.sort((a, b) => Number(a.color === TARGET_COLOR) - Number(b.color === TARGET_COLOR));
  const outRange = fitRange(outs.flatMap((c) => cols[c]), [0, 1]);
  let outText = 'Output units against relaxation step: not started.';
  if (s.rows && s.out.length) {
    const tgt = s.target !== null ? ` The target is ${s.target}; its unit is at ${fmt(s.out[s.target], 2)}` : '';
    const was = s.target !== null && s.freeEnd && s.at !== null && s.phase === 'nudged' ? ` (${fmt(s.freeEnd.out[s.target], 2)} at the end of the free phase)` : '';
    outText = `Ten output units against relaxation step, ${where}. The most active is ${s.predicted} at ${fmt(s.out[s.predicted], 2)}.${tgt}${was}${tgt ? '.' : ''}${switchText}`;
  }
  charts.push({
    id: 'outputs', title: 'Output units', twins: false, xLabel: 'relaxation step', yLabel: 'activity ρ(u)', xMin, xMax, yRange: outRange,
    series: [...outSeries, switchLine(s.at, outRange)], summary: outText,
  });

  const hidden = unitColumns(cols, 'hidden');
  const hiddenSeries = hidden.map((c, k) => {
    const v = cols[c].at(-1);
    return { name: `h${k + 1}`, color: [0, 3, 4, 5, 7, 2][k % 6], points: pts(c), note: '', legend: false, label: `h${k + 1}`, value: v };
  });
  const hiddenRange = fitRange(hidden.flatMap((c) => cols[c]), [0, 1]);
  charts.push({
    id: 'hidden', title: `${hidden.length || 'Some'} hidden units`, twins: false, xLabel: 'relaxation step', yLabel: 'activity ρ(u)', xMin, xMax, yRange: hiddenRange,
    series: [...hiddenSeries, switchLine(s.at, hiddenRange)],
    summary: s.rows && hidden.length
      ? `${hidden.length} hidden units against relaxation step, ${where}: ${hidden.map((c, k) => `h${k + 1} ${fmt(cols[c].at(-1), 2)}`).join(', ')}.${switchText}`
      : 'Hidden units against relaxation step: not started.',
  });
  return charts;
}

/** The status line's progress of the settling run. */
export function settlingProgress(table, total) {
  const cols = columnsOf(table);
  const n = (cols.step || []).length;
  if (n === 0) return 'pretraining the network';
  const s = settlingState(cols, null);
  return `Step ${s.step} of ${total} · ${s.phase} phase`;
}

// ---- figures: gradient and STDP ------------------------------------------------------------

/** Rows of two columns as finite [x, y] points. */
function pairs(table, xc, yc) {
  const xi = table ? table.index(xc) : -1;
  const yi = table ? table.index(yc) : -1;
  if (xi < 0 || yi < 0) return [];
  return table.rows.map((r) => [r[xi], r[yi]]).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
}

/** β from 0.001 to 1, on a log axis. */
export const BETA_RANGE = [0.001, 1];

function betaText(b) {
  return String(Number(b.toPrecision(2)));
}

/** One curve of the gradient figure, with its text: the value at the smallest and the largest β. */
function betaSeries(table, column, name, color, format, note) {
  const points = pairs(table, 'beta', column).sort((a, b) => a[0] - b[0]);
  const first = points[0];
  const last = points.at(-1);
  return {
    name, color, points, note,
    label: last ? `${name.split(' ')[0]} ${format(last[1])}` : name.split(' ')[0],
    value: last ? last[1] : NaN,
    text: points.length ? `${name} ${format(first[1])} at β ${betaText(first[0])}${points.length > 1 ? `, ${format(last[1])} at β ${betaText(last[0])}` : ''}` : '',
  };
}

/** The gradient figure's two charts: cosine and relative error against β, both on log axes. */
export function gradientCharts(table) {
  const cos = (v) => v.toFixed(3).replace('-', '−');
  const rel = (v) => v.toPrecision(2);
  const one = 'the nudged state against the free state';
  const sym = 'a nudge of +β against one of −β';
  const cosines = [
    betaSeries(table, 'cos_one_sided', 'one-sided', 2, cos, one),
    betaSeries(table, 'cos_symmetric', 'symmetric', SYMMETRIC_COLOR, cos, sym),
  ];
  const norms = [
    betaSeries(table, 'rel_norm_one_sided', 'one-sided', 2, rel, one),
    betaSeries(table, 'rel_norm_symmetric', 'symmetric', SYMMETRIC_COLOR, rel, sym),
  ];
  const betas = cosines.flatMap((s) => s.points.map((p) => p[0])).filter((b) => b > 0);
  const xMin = Math.min(BETA_RANGE[0], ...betas);
  const xMax = Math.max(BETA_RANGE[1], ...betas);
  const lowCos = Math.min(0.9, ...cosines.flatMap((s) => s.points.map((p) => p[1])));
  const cosBottom = Math.max(-1, Math.floor(lowCos * 10) / 10);
  const one1 = { name: '1', color: REFERENCE_COLOR, points: [[xMin, 1], [xMax, 1]], label: '', value: NaN, note: 'the same direction as the gradient', reference: true, legend: false };
  // Relative error spans decades (the symmetric estimate's error shrinks like β², the one-sided
  // one's like β): a log scale, from the decade below the smallest to the one above the largest.
  const errors = norms.flatMap((s) => s.points.map((p) => p[1])).filter((v) => v > 0);
  const lo = 10 ** Math.max(-8, Math.floor(Math.log10(errors.length ? Math.min(...errors) : 1e-4)));
  const hi = 10 ** Math.min(3, Math.ceil(Math.log10(errors.length ? Math.max(...errors) : 1)));
  return [
    logAxis({
      id: 'cosine', title: 'Cosine with the gradient', xLabel: 'nudging strength β', yLabel: 'cosine', xMin, xMax,
      yRange: [cosBottom, 1 + (1 - cosBottom) * 0.03], series: [...cosines, one1], summary: summary('Cosine between the EqProp update and the true gradient', cosines),
    }),
    logAxis(logY({
      id: 'norm', title: 'Relative error', xLabel: 'nudging strength β', yLabel: '|ΔW − ∇| / |∇|', xMin, xMax,
      yRange: [lo, hi === lo ? lo * 10 : hi], series: norms, summary: summary('Relative distance of the EqProp update from the true gradient', norms),
    })),
  ];
}

/**
 * The zero crossing of a curve given as sorted points: the x where it goes from negative to
 * positive or back nearest to x = 0, by linear interpolation (null if it never crosses).
 */
export function zeroCrossing(points) {
  let best = null;
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1];
    const [x1, y1] = points[i];
    if (y0 === 0 && best === null) best = x0;
    if ((y0 < 0 && y1 > 0) || (y0 > 0 && y1 < 0)) {
      const x = x0 + ((0 - y0) / (y1 - y0)) * (x1 - x0);
      if (best === null || Math.abs(x) < Math.abs(best)) best = x;
    }
  }
  return best;
}

/** The STDP window: Δw against t_post − t_pre, with the zero line. */
export function stdpChart(table) {
  const points = pairs(table, 'delta_t_ms', 'dw').sort((a, b) => a[0] - b[0]);
  const xs = points.map((p) => p[0]);
  const xMin = xs.length ? Math.min(...xs) : -50;
  const xMax = xs.length ? Math.max(...xs) : 50;
  const top = points.length ? Math.max(1e-9, ...points.map((p) => Math.abs(p[1]))) : 1;
  const max = points.reduce((b, p) => (!b || p[1] > b[1] ? p : b), null);
  const min = points.reduce((b, p) => (!b || p[1] < b[1] ? p : b), null);
  const cross = zeroCrossing(points);
  const ms = (x) => {
    const r = Math.round(x * 10) / 10;
    return `${r > 0 ? '+' : r < 0 ? '−' : ''}${Math.abs(r)} ms`;
  };
  const curve = {
    name: 'Δw', color: RULES.stdp.color, points, note: 'weight change after the pairings',
    label: '', value: NaN,
    text: points.length
      ? `largest potentiation ${signed(max[1], 3)} at ${ms(max[0])}, largest depression ${signed(min[1], 3)} at ${ms(min[0])}${cross === null ? ', no zero crossing' : `, zero crossing at ${ms(cross)}`}`
      : '',
  };
  const zero = { name: '0', color: REFERENCE_COLOR, points: [[xMin, 0], [xMax, 0]], label: '0', value: 0, note: 'no change', reference: true };
  const title = 'Weight change against spike timing';
  return {
    id: 'stdp', title: 'Weight change', xLabel: 't_post − t_pre (ms)', yLabel: 'Δw', xMin, xMax,
    yRange: [-niceCeil(1.15 * top), niceCeil(1.15 * top)], series: [curve, zero],
    summary: summary(`${title} (positive: the presynaptic spike came first)`, [curve]),
    crossing: cross,
  };
}

// ---- the charts of every figure --------------------------------------------------------------

/**
 * The charts of a figure: [{id, title, yLabel, yRange, xMax, series, summary}] (the views'
 * LabelledChart draws them). `lanes` are [{rule, table, built, snapshot}] in display order.
 */
export function chartsOf(figure, state, lanes) {
  switch (figure) {
    case 'learning': {
      const epochs = state['learning.epochs'];
      const test = ruleSeries(lanes, 'test_acc', percent, undefined, RULES);
      const train = ruleSeries(lanes, 'train_acc', percent, undefined, RULES);
      return [
        { id: 'acc', title: 'Test accuracy', yLabel: 'fraction correct', yRange: [0, 1], xMax: epochs, series: test, summary: summary('Test accuracy', test) },
        { id: 'train', title: 'Training accuracy', yLabel: 'fraction correct', yRange: [0, 1], xMax: epochs, series: train, summary: summary('Training accuracy', train) },
      ];
    }
    case 'gradient': {
      const lane = lanes.find((l) => l.rule === 'gradient_check');
      return gradientCharts(lane?.table);
    }
    case 'stdp': {
      const lane = lanes.find((l) => l.rule === 'stdp');
      return [stdpChart(lane?.table)];
    }
    default:
      return [];
  }
}

/** The status line's progress of the figures that do not count epochs. */
export function progressText(figure, state, lanes) {
  const lane = lanes[0];
  if (figure === 'gradient') return `${lane.table.count} values of β done`;
  if (figure === 'stdp') return `${lane.table.count} timings done`;
  return null;
}

export { lastFinite };
