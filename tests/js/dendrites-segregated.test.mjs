// node --test tests/js/
// Figures 1–4 of the Dendrites & Bursts chapter (the segregated-dendrite network): their URL keys
// and lanes (www/state/figures.js, www/state/state.js), and their figure data
// (www/chapters/dendrites/segregated.js): the last digit's trace read from a snapshot, α^t − α^f
// and what it means, the panels drawn, the test-error and angle charts, the status line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, serialize, defaults, prop, presetOf, DENDRITES_FIGURES } from '../../www/state/state.js';
import { assertFigureLinkRoundTrips } from '../support/links.mjs';
import { SCHEMA } from '../../www/state/schema.js';
import { DENDRITE_LANES } from '../../www/state/figures.js';
import { FIGURES, RULES, experimentsOf, paceOf, chartsOf, readout, progressText } from '../../www/chapters/dendrites/figures.js';
import {
  traceOf, deltaOf, tracePanels, traceSummary, rateRows, errorChart, errorPercent, argmax, emptyPanels, WINDOW_MS, TRACE_COLORS,
} from '../../www/chapters/dendrites/segregated.js';
import { MetricTable } from '../../www/engine/metrics.js';
import { framesByName } from '../../www/views/canvas.js';

const DENDRITES = { ...defaults(), chapter: 'dendrites' };
const SEGREGATED = ['dendrites_trace', 'dendrites_depth', 'dendrites_angles', 'dendrites_feedback'];

test('the segregated-dendrite figures come first, numbered 1–4; the burst figures are 5–7', () => {
  assert.deepEqual(DENDRITES_FIGURES, [...SEGREGATED, 'multiplex', 'plasticity', 'burstprop']);
  assert.deepEqual(DENDRITES_FIGURES.map((id) => FIGURES[id].number), [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(Object.keys(FIGURES), DENDRITES_FIGURES);
});

test('every lane starts from the engine\'s dendrites preset on MNIST (its learning rate is the engine\'s)', () => {
  const preset = presetOf('dendrites', 'mnist');
  const [trace] = experimentsOf('dendrites_trace', DENDRITES);
  // Figure 1: the engine's named preset (spiking mode), as the schema has it.
  assert.deepEqual(trace, { rule: 'dendrites', ...SCHEMA.figure_presets.dendrites_trace });
  assert.equal(trace.mode, 'spiking');
  const depth = experimentsOf('dendrites_depth', DENDRITES);
  assert.deepEqual(depth.map((e) => [e.lane, e.hidden]), [['none', []], ['one', [500]], ['two', [500, 100]]]);
  for (const e of depth) assert.deepEqual(e, { rule: 'dendrites', ...preset, hidden: DENDRITE_LANES[e.lane].hidden, lane: e.lane });
  const feedback = experimentsOf('dendrites_feedback', DENDRITES);
  assert.deepEqual(feedback.map((e) => [e.lane, e.feedback]), [['random', 'random'], ['sparse', 'sparse'], ['symmetric', 'symmetric'], ['noisy', 'noisy']]);
  for (const e of feedback) assert.deepEqual(e, { rule: 'dendrites', ...preset, feedback: e.lane, lane: e.lane });
  assert.deepEqual(experimentsOf('dendrites_angles', DENDRITES), [{ rule: 'dendrites', ...preset }]);
  // A learning rate the engine's preset changes to is the one every lane gets.
  const tuned = structuredClone(SCHEMA.rules.dendrites.presets.mnist);
  assert.equal(experimentsOf('dendrites_depth', DENDRITES)[1].lr, tuned.lr);
  // The figure's settings reach every lane; the lane's own setting wins over them.
  const state = { ...DENDRITES, 'dendrites_depth.seed': 9, 'dendrites_depth.epochs': 3, 'dendrites_depth.feedback': 'symmetric', 'dendrites_depth.lanes': ['one', 'two'] };
  assert.deepEqual(experimentsOf('dendrites_depth', state).map((e) => [e.lane, e.seed, e.epochs, e.feedback]), [['one', 9, 3, 'symmetric'], ['two', 9, 3, 'symmetric']]);
  for (const id of SEGREGATED) assert.equal(paceOf(id, DENDRITES), Infinity);
});

test('each figure\'s link carries its settings only, and round-trips', () => {
  const state = {
    ...DENDRITES, 'dendrites_trace.neuron': 42, 'dendrites_trace.feedback': 'sparse', 'dendrites_trace.speed': 'max', 'dendrites_trace.seed': 3,
    'dendrites_depth.lanes': ['none', 'two'], 'dendrites_depth.epochs': 4, 'dendrites_angles.feedback': 'symmetric', 'dendrites_angles.epochs': 7,
    'dendrites_feedback.lanes': ['random', 'noisy'], 'dendrites_feedback.seed': 5,
  };
  const back = parse(serialize(state));
  assert.deepEqual(back.notices, []);
  assert.deepEqual(back.state, state);
  for (const id of SEGREGATED) assertFigureLinkRoundTrips(state, 'dendrites', id);
  assert.match(serialize(state, { figure: 'dendrites_trace' }), /dendrites_trace\.neuron=42&dendrites_trace\.feedback=sparse&dendrites_trace\.speed=max&dendrites_trace\.seed=3/);
});

test('bad values are clamped or refused with a notice naming the figure', () => {
  const { state, notices } = parse('#v=1&chapter=dendrites&dendrites_trace.neuron=900&dendrites_trace.feedback=mirror&dendrites_depth.lanes=deep&dendrites_feedback.epochs=0');
  assert.equal(state['dendrites_trace.neuron'], 499); // the figure's 500 hidden neurons
  assert.equal(state['dendrites_trace.feedback'], 'random');
  assert.deepEqual(state['dendrites_depth.lanes'], ['none', 'one', 'two']);
  assert.equal(state['dendrites_feedback.epochs'], 1);
  assert.deepEqual(notices, [
    'dendrite trace feedback Y: "mirror" is not one of random, sparse, symmetric, noisy; using random.',
    'dendrite trace neuron shown: "900" is above the maximum 499; using 499.',
    'depth race lanes: "deep" is not one of none, one, two; using none,one,two.',
    'feedback ablation epochs: "0" is below the minimum 1; using 1.',
  ]);
  assert.equal(prop('dendrites_trace.neuron').engine.max, 499);
});

/** A snapshot of the engine's spiking mode (src/rules/segregated_dendrites/mod.rs `snapshot`), small. */
function snapshot({ forward = 60, both = 125, label = 3, plateaus = [0.52, 0.55], hidden = true } = {}) {
  const classes = 10;
  const apical = Array.from({ length: both }, (_, t) => (t < forward ? 0.08 : 0.2) + 0.01 * Math.sin(t));
  const outputs = [];
  for (let t = 0; t < both; t++) for (let k = 0; k < classes; k++) outputs.push(t < forward ? k / 10 : (k === label ? 5 : -5));
  const rates = [...Array.from({ length: classes }, (_, k) => 0.01 * k), ...Array.from({ length: classes }, (_, k) => (k === label ? 0.18 : 0.001))];
  const frame = (name, shape, data) => ({ name, shape, data: Float32Array.from(data) });
  return {
    frames: [
      frame('sizes', [hidden ? 3 : 2], hidden ? [784, 500, 10] : [784, 10]),
      frame('trace.basal', [both], Array.from({ length: both }, (_, t) => 2 + Math.cos(t))),
      frame('trace.apical', [both], apical),
      frame('trace.soma', [both], Array.from({ length: both }, () => 1.7)),
      frame('trace.outputs', [both, classes], outputs),
      frame('trace.phase_ends', [2], [forward, both]),
      frame('trace.plateaus', [2], plateaus),
      frame('trace.rates', [2, classes], rates),
      frame('trace.digit', [28, 28], Array.from({ length: 784 }, (_, i) => (i % 7) / 7)),
      frame('trace.label', [1], [label]),
      frame('trace.neuron', [1], [17]),
    ],
  };
}

test('the last digit\'s trace: phases, the two 20-ms windows, the plateaus, the rates in Hz', () => {
  assert.equal(traceOf(framesByName({ frames: [] })), null);
  assert.equal(traceOf(framesByName(null)), null);
  const trace = traceOf(framesByName(snapshot()));
  assert.equal(trace.steps, 125);
  assert.deepEqual(trace.phaseEnds, [60, 125]);
  assert.deepEqual(trace.windows, [[60 - WINDOW_MS, 60], [125 - WINDOW_MS, 125]]);
  assert.equal(trace.label, 3);
  assert.equal(trace.neuron, 17);
  assert.ok(trace.hidden);
  assert.equal(trace.outputs.length, 10);
  assert.equal(trace.outputs[3][100], 5);
  assert.equal(trace.outputs[4][100], -5);
  assert.ok(Math.abs(trace.outputs[7][10] - 0.7) < 1e-6);
  assert.ok(Math.abs(trace.rates[1][3] - 180) < 1e-3, 'spikes per ms × 1000 = Hz');
  assert.ok(Math.abs(trace.rates[0][9] - 90) < 1e-3);
  // Ā over each window: the mean of the apical trace over its last 20 steps.
  const expected = (from, to) => Array.from({ length: to - from }, (_, i) => (from + i < 60 ? 0.08 : 0.2) + 0.01 * Math.sin(from + i)).reduce((a, b) => a + b) / (to - from);
  assert.ok(Math.abs(trace.apicalMeans[0] - expected(40, 60)) < 1e-6);
  assert.ok(Math.abs(trace.apicalMeans[1] - expected(105, 125)) < 1e-6);
  assert.ok(Math.abs(trace.delta - 0.03) < 1e-6);
  assert.equal(argmax(trace.rates[0]), 9);
  const rows = rateRows(trace);
  assert.equal(rows.length, 10);
  assert.deepEqual(rows.filter((r) => r.label).map((r) => r.k), [3]);
  assert.deepEqual(rateRows(null), []);
});

test('α^t − α^f is shown signed, with what it does to the neuron', () => {
  const up = deltaOf(traceOf(framesByName(snapshot({ plateaus: [0.5, 0.53] }))));
  assert.equal(up.text, '+0.030');
  assert.match(up.meaning, /raised .*strengthen/);
  const down = deltaOf(traceOf(framesByName(snapshot({ plateaus: [0.53, 0.5] }))));
  assert.equal(down.text, '−0.030');
  assert.match(down.meaning, /lowered .*weaken/);
  const still = deltaOf(traceOf(framesByName(snapshot({ plateaus: [0.5, 0.5005] }))));
  assert.match(still.meaning, /hardly changed/);
  assert.match(still.text, /^\+0\.000(49|50)\d*$/);
  assert.deepEqual(deltaOf(null), { value: NaN, text: '–', meaning: '' });
});

test('figure 1\'s panels: apical with both window means, basal and soma, ten outputs with the label on top; shaded phases', () => {
  const trace = traceOf(framesByName(snapshot()));
  const { panels, bands, start, end } = tracePanels(trace);
  assert.deepEqual([start, end], [0, 125]);
  assert.equal(panels.length, 3);
  const [apical, basal, outputs] = panels;
  assert.equal(apical.series[0].color, TRACE_COLORS.apical);
  assert.deepEqual(apical.series[0].points[0], [1, trace.apical[0]]);
  assert.deepEqual(apical.marks.map((m) => [m.from, m.to]), [[40, 60], [105, 125]]);
  assert.deepEqual(apical.marks.map((m) => m.value), trace.apicalMeans);
  assert.deepEqual(apical.marks.map((m) => m.label), ['αᶠ = σ(Āᶠ) = 0.520', 'αᵗ = σ(Āᵗ) = 0.550']);
  // The plateau is σ of the window mean (the engine computes it so; the test's snapshot does not).
  assert.deepEqual(basal.series.map((s) => s.name), ['B (input from the pixels)', 'soma C']);
  assert.equal(outputs.series.length, 10);
  assert.equal(outputs.series.at(-1).name, 'label 3');
  assert.equal(outputs.series.at(-1).color, TRACE_COLORS.label);
  assert.equal(outputs.series.filter((s) => s.legend !== false).length, 2, 'one legend entry for the nine others');
  assert.deepEqual(bands.map((b) => [b.from, b.to]), [[0, 60], [60, 125], [40, 60], [105, 125]]);
  assert.deepEqual(tracePanels(trace, { narrow: true }).bands.slice(0, 2).map((b) => b.label), ['forward', 'target']);
  // Without a hidden layer there is no plateau to mark.
  const shallow = traceOf(framesByName(snapshot({ hidden: false, plateaus: [0, 0] })));
  assert.equal(shallow.hidden, false);
  assert.deepEqual(tracePanels(shallow).panels[0].marks, []);
  assert.match(traceSummary(shallow), /no hidden layer/);
  assert.equal(emptyPanels().length, 3);
});

test('figure 1\'s text alternative says the digit, the phases, the plateaus and the outputs', () => {
  assert.match(traceSummary(null), /press Play/);
  const text = traceSummary(traceOf(framesByName(snapshot())));
  assert.match(text, /^The last digit, a 3, shown for 125 ms: a forward phase of 60 ms, then a target phase of 65 ms; each averaged over its last 20 ms\./);
  assert.match(text, /Hidden neuron 17: apical plateau α\^f = 0\.520 in the forward phase and α\^t = 0\.550 in the target phase, so α\^t − α\^f = \+0\.030\./);
  assert.match(text, /in the forward phase unit 9 fired most \(90 Hz, the label's unit 30 Hz\); in the target phase the teacher drove unit 3 to 180 Hz\./);
});

const COLUMNS = ['epoch', 'samples', 'train_loss', 'train_acc', 'test_loss', 'test_acc', 'angle_bp', 'angle_feedback'];

test('figures 2 and 4: test error in per cent on a log axis, one curve per lane, in its colour', () => {
  const lanes = [
    { rule: 'none', table: new MetricTable(COLUMNS, [[0, 0, 1, 0.1, 1, 0.1, NaN, NaN], [1, 8000, 0.3, 0.85, 0.3, 0.88, NaN, NaN]]) },
    { rule: 'one', table: new MetricTable(COLUMNS, [[0, 0, 1, 0.1, 1, 0.08, NaN, 90], [1, 8000, 0.2, 0.9, 0.2, 0.95, 80, 70]]) },
    { rule: 'two', table: new MetricTable(COLUMNS, [[0, 0, 1, 0.1, 1, 0.1, NaN, 90]]) },
  ];
  const [chart] = chartsOf('dendrites_depth', { ...DENDRITES, 'dendrites_depth.epochs': 10 }, lanes);
  assert.equal(chart.id, 'error');
  assert.equal(chart.xMax, 10);
  assert.ok(chart.yLog);
  assert.deepEqual(chart.series.map((s) => [s.name, s.color]), [['No hidden', RULES.none.color], ['One hidden', RULES.one.color], ['Two hidden', RULES.two.color]]);
  assert.deepEqual(chart.series.map((s) => s.label), ['No hidden 12.0 %', 'One hidden 5.0 %', 'Two hidden 90.0 %']);
  // log₁₀ of the error in per cent.
  assert.ok(Math.abs(chart.series[1].points[1][1] - Math.log10(5)) < 1e-9);
  assert.deepEqual(chart.yRange, [0, 2]); // 1 % to 100 %
  assert.deepEqual(chart.yDecades.map((d) => d.text), ['1', '10', '100']); // the axis label says %
  assert.equal(chart.summary, 'Test error: No hidden 12.0 % after 1 epoch; One hidden 5.0 % after 1 epoch; Two hidden 90.0 % after 0 epochs.');
  // Below 1 % the axis reaches down a decade more.
  const good = errorChart([{ rule: 'symmetric', table: new MetricTable(COLUMNS, [[1, 0, 0, 0, 0, 0.995, 0, 0]]) }], 10);
  assert.deepEqual(good.yRange, [-1, 2]);
  assert.equal(errorPercent(0.97).toFixed(6), '3.000000');
  const [ablation] = chartsOf('dendrites_feedback', DENDRITES, ['random', 'sparse', 'symmetric', 'noisy'].map((rule) => ({ rule, table: new MetricTable() })));
  assert.deepEqual(ablation.series.map((s) => s.color), [1, 3, 0, 2]);
  assert.equal(ablation.summary, 'Test error: no data yet.');
  assert.equal(new Set(ablation.series.map((s) => s.color)).size, 4);
});

test('figure 3: the hidden update\'s angle to backprop\'s, ∠(W₁, Y), the 90° line; and the test error', () => {
  const table = new MetricTable(COLUMNS, [[0, 0, 1, 0.1, 1, 0.1, NaN, 89.7], [1, 8000, 0.2, 0.9, 0.2, 0.93, 71.2, 80.4], [2, 16000, 0.2, 0.9, 0.2, 0.95, 65.4, 75.1]]);
  const [angles, error] = chartsOf('dendrites_angles', { ...DENDRITES, 'dendrites_angles.epochs': 10 }, [{ rule: 'dendrites', table }]);
  assert.equal(angles.id, 'angles');
  assert.deepEqual(angles.series.map((s) => s.label), ['update 65°', 'W–Y 75°', '90°']);
  assert.deepEqual(angles.series[2].points, [[0, 90], [10, 90]]);
  assert.equal(angles.summary, 'Segregated dendrites against backprop: ∠(ΔW₀, ΔW₀ of BP) 65° after 2 epochs; ∠(W₁, Y) 75° after 2 epochs; 90°.'.replace('; 90°.', '.'));
  assert.equal(error.id, 'error');
  assert.equal(error.series[0].label, 'Dendrites 5.0 %');
  assert.deepEqual(chartsOf('dendrites_angles', DENDRITES, []), []);
});

test('readouts show the test error; the trace figure\'s status counts digits', () => {
  const r = readout('dendrites_depth');
  assert.equal(r.header, 'Test error');
  assert.equal(r.format(0.953), '4.7 %');
  assert.equal(readout('burstprop').header, 'Test accuracy');
  const table = new MetricTable(COLUMNS, [[0, 0, 1, 0.1, 1, 0.1, NaN, 90]]);
  const state = { ...DENDRITES, 'dendrites_trace.epochs': 1 };
  assert.equal(progressText('dendrites_trace', state, [{ samples: 0, epoch: 0, table }]), 'Digit 0');
  assert.equal(progressText('dendrites_trace', state, [{ samples: 1200, epoch: 0.15, table }]), 'Digit 1,200 of 8,000');
  table.append([[1, 8000, 0.2, 0.9, 0.2, 0.912, 80, 80]]);
  assert.equal(progressText('dendrites_trace', { ...state, 'dendrites_trace.epochs': 2 }, [{ samples: 8000, epoch: 1, table }]), 'Digit 8,000 of 16,000 · test error 8.8 %');
  assert.equal(progressText('dendrites_depth', state, []), null);
});
