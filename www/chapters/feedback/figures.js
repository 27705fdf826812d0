// The five figures of the Random feedback chapter, as data: which rules each one races, the
// experiment JSON each lane's worker gets, and the charts drawn from the lanes' metric tables.
// Pure (no DOM), so node --test covers it; www/figures/figure.js turns it into views.
import { percent, degrees, sub } from '../../views/format.js';
import { logY } from '../../views/log-axis.js';
import { experimentFor } from '../../state/state.js';

/**
 * One fixed name and Okabe–Ito colour (index into src/charts.rs PALETTE, which has eight) per
 * rule, on every figure. Grey (6) is also the angle charts' 90° line: node perturbation, its
 * only other user, never runs on an angle chart.
 */
export const RULES = Object.freeze({
  bp: { name: 'BP', long: 'backprop', color: 0 },
  fa: { name: 'FA', long: 'feedback alignment', color: 1 },
  dfa: { name: 'DFA', long: 'direct feedback alignment', color: 2 },
  sign: { name: 'Sign', long: 'sign symmetry', color: 3 },
  kp: { name: 'KP', long: 'Kolen–Pollack: learned feedback', color: 5 },
  np: { name: 'NP', long: 'node perturbation', color: 6 },
  wp: { name: 'WP', long: 'weight perturbation', color: 7 },
  shallow: { name: 'Shallow', long: 'shallow: output layer only', color: 4 },
  // The estimates figure's one lane: the engine measures every rule's estimate on it.
  estimates: { name: 'Estimates', long: 'each rule\'s update against the gradient', color: 0 },
});
/** Grey, for reference lines (90°). */
export const REFERENCE_COLOR = 6;
/** The rules whose feedback matrices the alignment figure measures, in its order. */
const ALIGNED = ['fa', 'kp'];

export const FIGURES = Object.freeze({
  race: { number: 1, title: 'The race', rules: (s) => s['race.rules'], readouts: "Each rule's progress" },
  align: { number: 2, title: 'Alignment', rules: () => ALIGNED, readouts: 'Progress of the FA and KP networks' },
  linear: { number: 3, title: 'The linear toy', rules: () => ['bp', 'fa', 'shallow'], readouts: "Each rule's progress" },
  deep: { number: 4, title: 'Deep, from zero', rules: () => ['dfa', 'bp'], readouts: "Each rule's progress" },
  // Its engine measures rather than trains: a step is one hidden width.
  estimates: {
    number: 5, title: 'How good is each estimate?', rules: () => ['estimates'],
    playWord: 'Run', stepLabel: 'Measure one width', words: { idle: 'press Run to start', training: 'running', stepping: 'measuring one width' },
  },
});

/** The rules the estimates model measures (its metric columns), in its order. */
export const MEASURED = ['bp', 'fa', 'sign', 'np', 'wp'];

/** What the readout table shows for a figure: the linear toy's test error, else test accuracy. */
export function readout(figure) {
  return figure === 'linear'
    ? { column: 'test_loss', format: (v) => v.toPrecision(3), header: 'Test error' }
    : { column: 'test_acc', format: percent, header: 'Test accuracy' };
}

/**
 * The status line's progress for the estimates figure (its engine counts widths done where the
 * others count epochs); null for the other figures, whose line counts epochs.
 */
export function progressText(figure, state, lanes) {
  if (figure !== 'estimates' || !lanes.length) return null;
  const widths = state['estimates.widths'];
  const done = Math.min(widths.length, Math.floor(lanes[0].epoch + 1e-9));
  if (done >= widths.length) return `${widths.length} width${widths.length === 1 ? '' : 's'} measured`;
  const stage = lanes[0].epoch - done < 0.5 ? 'warming up' : 'measuring';
  return `Width ${done + 1} of ${widths.length}: ${stage} ${widths[done]} hidden units`;
}

/** Epochs per second a figure's race is paced at (Infinity: as fast as the engine goes). */
export function paceOf(figure, state) {
  // The linear toy trains an epoch in about a millisecond: pace it so the run takes ~3 s.
  return figure === 'linear' ? Math.max(6, state['linear.epochs'] / 3) : Infinity;
}

/** The experiments of every lane of a figure (www/state/state.js builds them from the engine's presets). */
export { experimentsOf } from '../../state/state.js';

/** The last finite value of a column, and the epoch it belongs to. */
export function lastFinite(table, column) {
  const points = table.points(column);
  for (let i = points.length - 1; i >= 0; i--) {
    if (Number.isFinite(points[i][1])) return { epoch: points[i][0], value: points[i][1] };
  }
  return null;
}

function epochs(n) {
  return `${n} epoch${n === 1 ? '' : 's'}`;
}

export function summary(title, series) {
  const parts = series.filter((s) => s.text).map((s) => s.text);
  return `${title}: ${parts.length ? parts.join('; ') : 'no data yet'}.`;
}

/** A horizontal reference line across the figure's epochs. */
export function reference(value, epochsTotal, label) {
  return { name: label, color: REFERENCE_COLOR, points: [[0, value], [epochsTotal, value]], label, value, note: 'perpendicular: no alignment at all', reference: true };
}

/** Curves of one column from several lanes, one per rule, in the rule's colour. */
export function ruleSeries(lanes, column, format, transform = (v) => v, rules = RULES) {
  return lanes.map(({ rule, table }) => {
    const points = table.points(column).map(([x, y]) => [x, transform(y, table)]);
    const last = lastFinite(table, column);
    const name = rules[rule].name;
    return {
      name, color: rules[rule].color, points, note: rules[rule].long,
      label: last ? `${name} ${format(transform(last.value, table), last.value)}` : name,
      value: last ? transform(last.value, table) : NaN,
      text: last ? `${name} ${format(transform(last.value, table), last.value)} after ${epochs(last.epoch)}` : '',
    };
  });
}

/**
 * The race's word on DFA where its lane runs: with one hidden layer DFA is FA, so its curve lies
 * on FA's (www/views/labelled-chart.js adds that the shared curve alternates colours).
 */
export function dfaNote(state, lanes) {
  if (!lanes.some((l) => l.rule === 'dfa')) return '';
  if (experimentFor('race', 'dfa', state).hidden.length !== 1) return '';
  return 'With one hidden layer DFA is FA: either way the output error reaches the hidden layer through one random matrix, and the same seed draws the same matrix, so the two networks learn identically.';
}

/** The hidden-layer indices of an angle column family (`angle_w_b0`, `angle_w_b1` …). */
export function layersOf(table, prefix) {
  return table.columns.filter((c) => c.startsWith(prefix) && /^\d+$/.test(c.slice(prefix.length))).map((c) => Number(c.slice(prefix.length)));
}

/**
 * Angle curves, with the 90° line; yRange fits them and 90° with room. Each column is read from
 * its own `table`, or from the chart's. `long`: the title in the text alternative, where the
 * chart's own must fit a phone.
 */
export function angleChart({ id, title, long = title, table, columns, epochsTotal }) {
  const series = [];
  for (const { column, name, short, color, note, table: own = table } of columns) {
    const last = lastFinite(own, column);
    series.push({
      name, color, note, points: own.points(column),
      label: last ? `${short} ${degrees(last.value)}` : short,
      value: last ? last.value : NaN,
      text: last ? `${name} ${degrees(last.value)} after ${epochs(last.epoch)}` : '',
    });
  }
  const top = Math.max(100, ...series.flatMap((s) => s.points.map((p) => p[1]).filter(Number.isFinite)));
  series.push(reference(90, epochsTotal, '90°'));
  return { id, title, yLabel: 'angle (degrees)', yRange: [0, Math.ceil(top / 10) * 10], xMax: epochsTotal, series, summary: summary(long, series) };
}

/**
 * The charts of a figure: [{id, title, yLabel, yRange, xMax, series, summary}], where each series
 * is {name, color, points, label (its direct label), value (y of its last point), text}.
 * `lanes` are [{rule, table}] (table: a MetricTable) in display order.
 */
export function chartsOf(figure, state, lanes) {
  switch (figure) {
    case 'race': {
      const series = ruleSeries(lanes, 'test_acc', percent);
      const title = 'Test accuracy';
      const note = dfaNote(state, lanes);
      return [{ id: 'acc', title, yLabel: 'fraction correct', yRange: [0, 1], xMax: state['race.epochs'], series, summary: summary(title, series), ...(note && { note }) }];
    }
    case 'align': {
      // One chart per measure, one curve per rule in its colour: KP's learned feedback beside
      // FA's fixed one. (A link may give the network more hidden layers: one curve per layer.)
      const aligned = ALIGNED.map((rule) => lanes.find((l) => l.rule === rule)).filter(Boolean);
      const curves = (prefix, name, note) => aligned.flatMap(({ rule, table }) => {
        const layers = layersOf(table, prefix);
        const many = layers.length > 1;
        return layers.map((l) => ({
          column: `${prefix}${l}`, table, color: RULES[rule].color, name: name(rule, l, many),
          short: `${RULES[rule].name}${many ? sub(l + 1) : ''}`, note: note(rule),
        }));
      });
      const epochsTotal = state['align.epochs'];
      const weights = curves('angle_w_b', (rule, l, many) => `${RULES[rule].name} ∠(W${sub(l + 1)}ᵀ, B${many ? sub(l + 1) : ''})`,
        (rule) => (rule === 'kp' ? 'feedback that learns with the forward weights' : 'fixed random feedback'));
      const errors = curves('angle_delta', (rule, l, many) => `${RULES[rule].name} ∠(δ, δ_BP)${many ? ` ${sub(l + 1)}` : ''}`,
        (rule) => `the hidden-layer error ${RULES[rule].name} sends against backprop's`);
      return [
        angleChart({ id: 'angles', title: 'Weights vs feedback', long: 'Forward weights vs feedback', table: null, columns: weights, epochsTotal }),
        angleChart({ id: 'delta', title: 'Error sent vs backprop\'s', table: null, columns: errors, epochsTotal }),
      ];
    }
    case 'linear': {
      // Test error relative to the untrained network (Lillicrap's normalised squared error).
      const relative = (value, table) => value / table.rows[0]?.[table.index('test_loss')];
      const series = ruleSeries(lanes, 'test_loss', (rel, raw) => raw.toPrecision(2), relative);
      for (const s of series) s.label = s.name; // the axis is relative: the raw error goes in the text only
      const top = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[1]).filter(Number.isFinite)));
      const error = { id: 'error', title: 'Test error', yLabel: 'error / error at the start', yRange: [0, Math.min(10, top * 1.02)], xMax: state['linear.epochs'], series, summary: summary('Test error (mean squared error per example)', series) };
      const fa = lanes.find((l) => l.rule === 'fa');
      const charts = [error];
      if (fa) {
        const columns = layersOf(fa.table, 'angle_update').map((l) => ({
          column: `angle_update${l}`, name: '∠(ΔW_FA, ΔW_BP)', short: 'FA', color: RULES.fa.color,
          note: 'between the hidden-layer updates of FA and of backprop',
        }));
        charts.push(angleChart({ id: 'update', title: 'FA update vs BP update', table: fa.table, columns, epochsTotal: state['linear.epochs'] }));
      }
      return charts;
    }
    case 'deep': {
      const series = ruleSeries(lanes, 'test_acc', percent);
      const title = 'Test accuracy';
      return [{ id: 'acc', title, yLabel: 'fraction correct', yRange: [0, 1], xMax: state['deep.epochs'], series, summary: summary(title, series) }];
    }
    case 'estimates':
      return estimateCharts(state, lanes.find((l) => l.rule === 'estimates')?.table);
    default:
      return [];
  }
}

/** A cosine as it reads: two decimals, or two significant digits below 0.1 (perturbation's are thousandths). */
function cosine(value) {
  if (!Number.isFinite(value)) return '–';
  return Math.abs(value) >= 0.1 ? value.toFixed(2) : value.toPrecision(2);
}

/** The estimates table's rows as objects ({width, k, bp, bp_sd, …}). */
function estimateRows(table) {
  if (!table || table.index('width') < 0) return [];
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]])));
}

/** The width panel A shows: the middle one of the figure's widths (the lower middle of an even number). */
export function middleWidth(widths) {
  return widths[Math.floor((widths.length - 1) / 2)];
}

/**
 * The estimates figure: (A) at the middle width, each rule's mean cosine with the true gradient
 * against the number k of minibatch estimates averaged (log₂ axis), with a band of ±1 sd over
 * the groups; (B) the cosine of one minibatch's estimate (k = 1) against the hidden width, both
 * axes logarithmic (perturbation's cosines are hundredths and thousandths).
 */
export function estimateCharts(state, table) {
  const widths = state['estimates.widths'];
  const rows = estimateRows(table);
  const width = middleWidth(widths);
  const ks = [];
  for (let k = 1; k <= state['estimates.estimates']; k *= 2) ks.push(k);
  const at = rows.filter((r) => r.width === width);
  const note = 'DFA is not measured apart: with one hidden layer it is FA.';

  const kSeries = MEASURED.map((rule) => {
    const { name, long, color } = RULES[rule];
    const points = at.map((r) => [Math.log2(r.k), r[rule]]).filter(([, y]) => Number.isFinite(y));
    const band = at.filter((r) => Number.isFinite(r[rule]) && Number.isFinite(r[`${rule}_sd`]))
      .map((r) => [Math.log2(r.k), r[rule] - r[`${rule}_sd`], r[rule] + r[`${rule}_sd`]]);
    const first = at.find((r) => r.k === 1);
    const last = at.length ? at[at.length - 1] : null;
    const value = last ? last[rule] : NaN;
    return {
      name, color, note: long, points, band, value,
      label: Number.isFinite(value) ? `${name} ${cosine(value)}` : name,
      text: last && first ? `${name} ${cosine(first[rule])} for one minibatch, ${cosine(value)} for the average of ${last.k}` : '',
    };
  });
  const lows = kSeries.flatMap((s) => [...s.points.map((p) => p[1]), ...s.band.map((b) => b[1])]);
  const bottom = Math.max(-1, Math.min(0, Math.floor(Math.min(0, ...lows) * 10) / 10));
  const kTitle = 'Averaging k estimates';
  const kChart = {
    id: 'k', title: kTitle, xLabel: 'k minibatches (log scale)', yLabel: 'cosine',
    xMin: 0, xMax: Math.log2(ks[ks.length - 1]), yRange: [bottom, 1], series: kSeries, note,
    xLog: true, xDecades: ks.map((k) => ({ k: Math.log2(k), text: String(k) })),
    summary: summary(`Cosine between each rule's hidden-layer update, averaged over k minibatches, and the true gradient, at ${width} hidden units`, kSeries),
  };

  // (B): one minibatch's estimate, width by width.
  const ones = rows.filter((r) => r.k === 1);
  const wSeries = MEASURED.map((rule) => {
    const { name, long, color } = RULES[rule];
    const measured = ones.filter((r) => Number.isFinite(r[rule]));
    const points = measured.map((r) => [Math.log10(r.width), r[rule]]);
    const last = measured.length ? measured[measured.length - 1] : null;
    return {
      name, color, note: long, points, value: last ? last[rule] : NaN,
      label: last ? `${name} ${cosine(last[rule])}` : name,
      text: measured.length ? `${name} ${measured.map((r) => `${cosine(r[rule])} at ${r.width}`).join(', ')}` : '',
    };
  });
  const positive = wSeries.flatMap((s) => s.points.map((p) => p[1])).filter((v) => v > 0);
  const lo = 10 ** Math.max(-6, Math.floor(Math.log10(positive.length ? Math.min(...positive) : 1e-3)));
  const sorted = [...new Set(widths)].sort((a, b) => a - b);
  const wChart = logY({
    id: 'width', title: 'One minibatch, by width', xLabel: 'hidden units (log scale)', yLabel: 'cosine',
    xMin: Math.log10(sorted[0]), xMax: Math.log10(sorted[sorted.length - 1]), yRange: [lo, 1], series: wSeries,
    xLog: true, xDecades: sorted.map((w) => ({ k: Math.log10(w), text: String(w) })),
    summary: summary('Cosine between one minibatch\'s estimate (k = 1) and the true gradient, by hidden units', wSeries),
  });
  return [kChart, wChart];
}
