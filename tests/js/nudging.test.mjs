// node --test tests/js/
// The Nudging chapter's URL keys (www/state/state.js), its figures as data
// (www/chapters/nudging/figures.js: experiments, pace, charts from fake tables in the engine's
// column layout) and the log axis of the line charts (www/views/log-axis.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, serialize, defaults, prop, FIGURES_OF, presetOf } from '../../www/state/state.js';
import {
  FIGURES, RULES, experimentsOf, paceOf, chartsOf, readout, settlingCharts, settlingProgress, settlingState,
  columnsOf, phaseSwitch, gradientCharts, stdpChart, zeroCrossing, SETTLING_STEPS_PER_S, TARGET_COLOR, REFERENCE_COLOR,
} from '../../www/chapters/nudging/figures.js';
import { logAxis, logY, decades, powerOfTen, log10 } from '../../www/views/log-axis.js';
import { grey } from '../../www/views/image.js';
import { assertCarriesChapter, assertChapterDefaults } from '../support/links.mjs';
import { MetricTable } from '../../www/engine/metrics.js';

const NUDGING = { ...defaults(), chapter: 'nudging' };

test('a nudging link with no settings opens the learning figure at EqProp\'s reference settings, without notices', () => {
  assertChapterDefaults('nudging', {
    'learning.epochs': 25, 'learning.seed': 1, 'learning.beta': 0.5, 'learning.persistent': false,
    'learning.free_steps': 20, 'learning.nudged_steps': 4, 'learning.step_size': 0.5, 'learning.layer_lr': [0.1, 0.05],
    'learning.random_beta_sign': true, 'learning.symmetric': false,
    // The engine's settling defaults: digit 87, a 5 the briefly trained network calls a 3.
    'settling.digit': 87, 'settling.beta': 1, 'settling.speed': '20', 'settling.free_steps': 20, 'settling.nudged_steps': 20,
    'gradient.hidden': [12, 10], 'gradient.examples': 8, 'stdp.post_rate_change': 20, 'stdp.trials': 200,
  });
  assert.deepEqual(FIGURES_OF.nudging, ['settling', 'learning', 'gradient', 'stdp']);
  assert.ok(FIGURES_OF.nudging.includes('learning'));
  for (const id of FIGURES_OF.nudging) assert.ok(FIGURES[id], `${id} is described in the chapter`);
});

test('the chapter link carries every nudging setting and nothing else, and round-trips', () => {
  const state = { ...NUDGING, 'learning.beta': 0.05, 'learning.persistent': true, 'learning.epochs': 3, 'learning.seed': 42, 'learning.layer_lr': [0.2, 0.1], 'learning.free_steps': 40 };
  const hash = serialize(state);
  assertCarriesChapter(hash, 'nudging');
  assert.match(hash, /learning\.beta=0\.05&learning\.symmetric=0&learning\.persistent=1&learning\.epochs=3&learning\.seed=42/);
  const back = parse(hash);
  assert.deepEqual(back.notices, []);
  assert.deepEqual(back.state, state);
  assert.equal(serialize(back.state), hash);
  // A link to the learning figure alone carries only its keys.
  const one = serialize({ ...state, embed: true }, { figure: 'learning' });
  assert.ok(one.startsWith('#v=1&chapter=nudging&embed=1&fig=learning&learning.beta=0.05&'), one);
  assert.deepEqual(parse(one).notices, []);
  assert.equal(parse(one).state.fig, 'learning');
});

test('bad nudging values fall back or clamp, with notices naming the figure', () => {
  const { state, notices } = parse('#v=1&chapter=nudging&learning.beta=0&learning.epochs=1000&learning.step_size=2');
  assert.equal(state['learning.beta'], 0.5);
  assert.equal(state['learning.epochs'], 100);
  assert.equal(state['learning.step_size'], 1);
  assert.equal(notices.length, 3);
  assert.ok(notices.includes('learning nudging strength β: "0" must be above 0; using 0.5.'), notices.join('\n'));
  assert.equal(prop('learning.beta').title, 'learning nudging strength β');
});

test('the learning race: EqProp first with its own preset, BP beside it with its own, same seed and epochs', () => {
  const state = { ...parse('#v=1&chapter=nudging').state, 'learning.layer_lr': [0.3, 0.2], 'learning.seed': 9, 'learning.beta': 0.2 };
  const [eq, bp] = experimentsOf('learning', state);
  assert.equal(eq.rule, 'eqprop');
  assert.equal(bp.rule, 'bp');
  assert.deepEqual(eq, { ...presetOf('eqprop', 'mnist'), rule: 'eqprop', layer_lr: [0.3, 0.2], seed: 9, beta: 0.2 });
  // BP: its MNIST preset, with the shared seed and epochs; EqProp's per-layer rates never reach it.
  assert.deepEqual(bp, { ...presetOf('bp', 'mnist'), rule: 'bp', seed: 9, epochs: 25 });
  assert.equal(bp.data, eq.data);
  assert.ok(!('beta' in bp));
  assert.equal(paceOf('learning', state), Infinity);
  assert.equal(readout('learning').column, 'test_acc');
});

test('the learning charts: test and training accuracy, one curve per rule in its colour', () => {
  const table = (accs) => new MetricTable(['epoch', 'train_acc', 'test_acc'], accs.map((a, i) => [i, a + 0.01, a]));
  const lanes = [{ rule: 'eqprop', table: table([0.1, 0.9, 0.95]) }, { rule: 'bp', table: table([0.1, 0.92, 0.96]) }];
  const [acc, train] = chartsOf('learning', { 'learning.epochs': 25 }, lanes);
  assert.equal(acc.id, 'acc');
  assert.equal(acc.xMax, 25);
  assert.deepEqual(acc.series.map((s) => [s.name, s.color]), [['EqProp', RULES.eqprop.color], ['BP', 0]]);
  assert.equal(acc.summary, 'Test accuracy: EqProp 95.0 % after 2 epochs; BP 96.0 % after 2 epochs.');
  assert.equal(train.summary, 'Training accuracy: EqProp 96.0 % after 2 epochs; BP 97.0 % after 2 epochs.');
  assert.notEqual(RULES.eqprop.color, RULES.bp.color);
});

/** A fake settling table in the engine's layout: `free` free steps, then `nudged` nudged ones. */
function settlingTable(free, nudged, target = 3) {
  const columns = ['step', 'phase', 'energy', 'cost', ...Array.from({ length: 10 }, (_, k) => `out${k}`), ...Array.from({ length: 6 }, (_, k) => `hidden${k}`)];
  const rows = [];
  for (let t = 0; t < free + nudged; t++) {
    const nudging = t >= free;
    const outs = Array.from({ length: 10 }, (_, k) => (k === 5 ? 0.7 : k === target ? 0.4 + (nudging ? 0.05 * (t - free + 1) : 0) : 0.1));
    rows.push([t, nudging ? 1 : 0, -10 + 5 / (t + 1), 0.5 - (nudging ? 0.05 * (t - free + 1) : 0), ...outs, ...Array.from({ length: 6 }, (_, k) => 0.1 * k + 0.01 * t)]);
  }
  return new MetricTable(columns, rows);
}

test('the settling state: the phase switch, the answer, the free phase\'s end', () => {
  const cols = columnsOf(settlingTable(20, 4));
  assert.equal(phaseSwitch(cols), 20);
  const s = settlingState(cols, 3);
  assert.equal(s.rows, 24);
  assert.equal(s.step, 23);
  assert.equal(s.phase, 'nudged');
  assert.equal(s.predicted, 5);
  assert.ok(Math.abs(s.freeEnd.cost - 0.5) < 1e-12);
  assert.equal(s.freeEnd.out[3], 0.4);
  assert.equal(phaseSwitch(columnsOf(settlingTable(10, 0))), null);
  assert.equal(settlingState(columnsOf(new MetricTable()), null).phase, '');
  assert.equal(settlingProgress(new MetricTable(), 24), 'pretraining the network');
  assert.equal(settlingProgress(settlingTable(12, 0), 24), 'Step 11 of 24 · free phase');
  assert.equal(settlingProgress(settlingTable(20, 2), 24), 'Step 21 of 24 · nudged phase');
});

test('the settling charts: energy, cost, outputs with the target highlighted, hidden units, and the switch line', () => {
  const charts = settlingCharts(settlingTable(20, 4), { target: 3, total: 24 });
  assert.deepEqual(charts.map((c) => c.id), ['energy', 'cost', 'outputs', 'hidden']);
  for (const c of charts) {
    assert.equal(c.xMax, 24);
    assert.equal(c.xLabel, 'relaxation step');
    const line = c.series.find((s) => s.name === 'nudge');
    assert.deepEqual(line.points, [[20, c.yRange[0]], [20, c.yRange[1]]], `${c.id}: the phase switch`);
    assert.equal(line.color, REFERENCE_COLOR);
    for (const s of c.series) for (const [, y] of s.points) assert.ok(y >= c.yRange[0] && y <= c.yRange[1], `${c.id} ${s.name} within its range`);
  }
  const outputs = charts[2];
  assert.equal(outputs.twins, false, 'nine units at rest share a curve without remark');
  const target = outputs.series.filter((s) => s.color === TARGET_COLOR);
  assert.equal(target.length, 1);
  assert.equal(target[0].name, 'digit 3 (target)');
  assert.equal(outputs.series.at(-2), target[0], 'the target is drawn last, over the grey units');
  assert.equal(outputs.series.filter((s) => s.legend !== false).length, 3, 'target, one entry for the others, the switch');
  assert.equal(outputs.series.filter((s) => Number.isFinite(s.value)).length, 2, 'labels: the target and the current answer');
  assert.match(outputs.summary, /^Ten output units against relaxation step, step 23, nudged phase\. The most active is 5 at 0\.70\. The target is 3; its unit is at 0\.60 \(0\.40 at the end of the free phase\)\. The nudge starts at step 20\.$/);
  assert.match(charts[0].summary, /^Energy against relaxation step, step 23, nudged phase: E −9\.79\. The nudge starts at step 20\. At the end of the free phase E was −9\.75 and C 0\.500\.$/);
  assert.equal(charts[3].series.filter((s) => s.name.startsWith('h')).length, 6);
  // The summaries change as the run goes on: what the end-to-end test watches.
  const early = settlingCharts(settlingTable(5, 0), { target: 3, total: 24 });
  assert.notEqual(early[0].summary, charts[0].summary);
  assert.match(early[2].summary, /step 4, free phase/);
  assert.equal(early[0].series.at(-1).points.length, 0, 'no switch line before the nudge');
  // Before any row: empty curves, "not started".
  const none = settlingCharts(new MetricTable(), { target: null, total: 24 });
  assert.ok(none.every((c) => /not started/.test(c.summary)));
});

test('the settling, gradient and STDP experiments: each figure\'s own model, the settling speed stays on the page', () => {
  const state = { ...parse('#v=1&chapter=nudging').state, 'settling.digit': 5, 'settling.speed': '5', 'stdp.post_rate_change': -20 };
  const [settling] = experimentsOf('settling', state);
  assert.deepEqual(settling, { ...presetOf('settling', null), rule: 'settling', digit: 5 });
  assert.equal(experimentsOf('gradient', state)[0].rule, 'gradient_check');
  assert.equal(experimentsOf('stdp', state)[0].post_rate_change, -20);
  assert.equal(paceOf('settling', state), 5);
  const hash = serialize(state, { figure: 'settling' });
  assert.ok(hash.startsWith('#v=1&chapter=nudging&fig=settling&settling.digit=5&settling.beta=1&settling.speed=5&'), hash);
  assert.deepEqual(parse(hash).notices, []);
});

test('the settling pace: 20 steps a second by default, the reader\'s speed, flat out with reduced motion', () => {
  assert.equal(SETTLING_STEPS_PER_S, 20);
  assert.equal(paceOf('settling', { 'settling.speed': '20' }), 20);
  assert.equal(paceOf('settling', { 'settling.speed': '5' }), 5);
  assert.equal(paceOf('settling', { 'settling.speed': 'max' }), Infinity);
  assert.equal(paceOf('settling', { 'settling.speed': '20' }, { reduce: true }), Infinity);
  assert.equal(paceOf('settling', {}), 20);
  assert.equal(paceOf('gradient', {}), Infinity);
});

test('a log y axis: log₁₀ of y and of the labels\' values, decades as 10^k', () => {
  const chart = logY({ yLabel: 'error', yRange: [0.001, 10], series: [{ name: 'a', value: 0.01, points: [[1, 0.01], [2, 0], [3, 1]] }] });
  assert.deepEqual(chart.yRange, [-3, 1]);
  assert.equal(chart.yLabel, 'error, log scale');
  assert.deepEqual(chart.series[0].points, [[1, -2], [3, 0]]);
  assert.equal(chart.series[0].value, -2);
  assert.deepEqual(chart.yDecades.map((d) => d.k), [-3, -2, -1, 0, 1]);
});

test('a log axis: log₁₀ of x, decades as 10^k, points at x ≤ 0 left out', () => {
  assert.equal(powerOfTen(-3), '10⁻³');
  assert.equal(powerOfTen(0), '10⁰');
  assert.equal(powerOfTen(12), '10¹²');
  assert.deepEqual(decades(0.001, 1).map((d) => d.text), ['10⁻³', '10⁻²', '10⁻¹', '10⁰']);
  assert.deepEqual(decades(0.002, 50).map((d) => d.k), [-2, -1, 0, 1]);
  assert.ok(Number.isNaN(log10(0)) && Number.isNaN(log10(-1)) && Number.isNaN(log10(NaN)));
  const chart = logAxis({ id: 'c', xLabel: 'β', xMin: 0.001, xMax: 1, series: [{ name: 'a', points: [[0.001, 1], [0, 5], [0.1, 2], [1, 3]] }] }, { symbol: 'β' });
  assert.equal(chart.xMin, -3);
  assert.equal(chart.xMax, 0);
  assert.equal(chart.xLabel, 'β, log scale');
  assert.equal(chart.xLog, true);
  assert.deepEqual(chart.series[0].points, [[-3, 1], [-1, 2], [0, 3]]);
  assert.equal(chart.id, 'c');
  assert.equal(logAxis({ xLabel: 'rate', xMin: 1, xMax: 100, series: [] }).xLabel, 'rate, log scale');
});

test('the gradient charts: cosine and relative error against β on a log axis, one-sided against symmetric', () => {
  const betas = [0.001, 0.01, 0.1, 1];
  const rows = betas.map((b) => [b, 1 - b / 4, b / 2, 1 - b * b / 100, b * b / 50]);
  const table = new MetricTable(['beta', 'cos_one_sided', 'rel_norm_one_sided', 'cos_symmetric', 'rel_norm_symmetric'], rows);
  const [cos, norm] = chartsOf('gradient', {}, [{ rule: 'gradient_check', table }]);
  assert.equal(cos.id, 'cosine');
  assert.equal(norm.id, 'norm');
  for (const c of [cos, norm]) {
    assert.equal(c.xMin, -3);
    assert.equal(c.xMax, 0);
    assert.equal(c.xLabel, 'nudging strength β, log scale');
    assert.deepEqual(c.series[0].points.map((p) => p[0]), [-3, -2, -1, 0]);
    for (const s of c.series) for (const [, y] of s.points) assert.ok(y >= c.yRange[0] && y <= c.yRange[1], `${c.id} ${s.name}`);
  }
  assert.deepEqual(cos.series.slice(0, 2).map((s) => s.name), ['one-sided', 'symmetric']);
  assert.equal(cos.summary, 'Cosine between the EqProp update and the true gradient: one-sided 1.000 at β 0.001, 0.750 at β 1; symmetric 1.000 at β 0.001, 0.990 at β 1.');
  assert.ok(cos.yRange[0] <= 0.75);
  // The relative error on a log scale too: whole decades around the data, 10^k ticks.
  assert.equal(norm.yLog, true);
  assert.deepEqual(norm.yRange, [-8, 0]);
  assert.equal(norm.yLabel, '|ΔW − ∇| / |∇|, log scale');
  assert.deepEqual(norm.yDecades.map((d) => d.text), ['10⁻⁸', '10⁻⁷', '10⁻⁶', '10⁻⁵', '10⁻⁴', '10⁻³', '10⁻²', '10⁻¹', '10⁰']);
  assert.ok(Math.abs(norm.series[0].value - Math.log10(0.5)) < 1e-12, 'the direct label sits at the log of the last value');
  assert.equal(norm.series[0].label, 'one-sided 0.50');
  // No table yet: empty curves on the same axes.
  const [empty] = gradientCharts(undefined);
  assert.equal(empty.series[0].points.length, 0);
  assert.match(empty.summary, /no data yet/);
});

test('the STDP window: Δw against t_post − t_pre, its zero line and where it crosses zero', () => {
  const dts = [-40, -20, -10, -5, 0, 5, 10, 20, 40];
  const rows = dts.map((t) => [t, t === 0 ? 0.001 : Math.sign(t) * Math.exp(-Math.abs(t) / 15) * 0.02]);
  const [chart] = chartsOf('stdp', {}, [{ rule: 'stdp', table: new MetricTable(['delta_t_ms', 'dw'], rows) }]);
  assert.equal(chart.xMin, -40);
  assert.equal(chart.xMax, 40);
  assert.equal(chart.xLabel, 't_post − t_pre (ms)');
  assert.deepEqual(chart.series[1].points, [[-40, 0], [40, 0]]);
  assert.equal(chart.yRange[0], -chart.yRange[1]);
  assert.ok(chart.yRange[1] >= 0.02);
  assert.ok(chart.crossing < 0 && chart.crossing > -5, `crossing ${chart.crossing}`);
  assert.match(chart.summary, /^Weight change against spike timing \(positive: the presynaptic spike came first\): largest potentiation \+0\.0143 at \+5 ms, largest depression −0\.0143 at −5 ms, zero crossing at −[\d.]+ ms\.$/);
  assert.equal(zeroCrossing([[-1, -1], [1, 1]]), 0);
  // A crossing a hair from zero, and one exactly at it, read as such.
  const near = stdpChart(new MetricTable(['delta_t_ms', 'dw'], [[-10, -0.01], [0.1, -0.0001], [10, 0.01]]));
  assert.match(near.summary, /zero crossing at \+0\.2 ms\.$/);
  const at = stdpChart(new MetricTable(['delta_t_ms', 'dw'], [[-10, -0.01], [10, 0.01]]));
  assert.match(at.summary, /largest potentiation \+0\.0100 at \+10 ms, largest depression −0\.0100 at −10 ms, zero crossing at 0 ms\.$/);
  assert.equal(zeroCrossing([[-1, 1], [1, 2]]), null);
  assert.equal(zeroCrossing([[-10, -1], [-6, 1], [4, -1], [6, 1]]), -1, 'the one nearest 0 of three: −8, −1 and 5');
  assert.match(stdpChart(undefined).summary, /no data yet/);
});

test('images: ink dark on white, grey for missing values', () => {
  assert.equal(grey(0, 0, 1), 255);
  assert.equal(grey(1, 0, 1), 20);
  assert.equal(grey(0.5, 0, 1), 138);
  assert.equal(grey(NaN, 0, 1), 200);
  assert.equal(grey(3, 3, 3), 255);
});
