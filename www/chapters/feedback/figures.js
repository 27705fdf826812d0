// The four figures of the Random feedback chapter, as data: which rules each one races, the
// experiment JSON each lane's worker gets, and the charts drawn from the lanes' metric tables.
// Pure (no DOM), so node --test covers it; www/figures/figure.js turns it into views.
import { percent, degrees, sub } from '../../views/format.js';
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
});

/** What the readout table shows for a figure: the linear toy's test error, else test accuracy. */
export function readout(figure) {
  return figure === 'linear'
    ? { column: 'test_loss', format: (v) => v.toPrecision(3), header: 'Test error' }
    : { column: 'test_acc', format: percent, header: 'Test accuracy' };
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
    default:
      return [];
  }
}
