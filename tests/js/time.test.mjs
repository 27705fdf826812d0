// node --test tests/js/
// The Through time chapter: its URL keys and lanes (www/state/figures.js TIME_LANES,
// www/state/state.js), and its figure data (www/chapters/time/figures.js): the lanes'
// experiments from the engine's defaults, the loss, cosine and memory charts, the memory
// sentence with the measured numbers, the last trial read from a snapshot, the status line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, serialize, defaults, presetOf, TIME_FIGURES, ruleOf } from '../../www/state/state.js';
import { TIME_LANES } from '../../www/state/figures.js';
import {
  FIGURES, RULES, experimentsOf, paceOf, chartsOf, readout, progressText, lossText, bytesText, memoryRows, memorySentence,
  memoryChart, lossChart, cosineChart, trialOf, trialError, trialCorrelation, tracePanels, traceSummary, rasterSummary, MEMORY_DURATIONS,
} from '../../www/chapters/time/figures.js';
import { MetricTable } from '../../www/engine/metrics.js';
import { assertCarriesChapter, assertChapterDefaults, assertFigureLinkRoundTrips } from '../support/links.mjs';

const TIME = { ...defaults(), chapter: 'time' };
const COLUMNS = ['iteration', 'loss', 'rate_hz', 'cosine_bptt', 'stored_bytes', 'accuracy'];
/** The memory rows the engine measures with its defaults (brainprop train --rule memory). */
const MEMORY = [
  [200, 641600, 480800, 160000], [500, 1604000, 480800, 160000], [1000, 3208000, 480800, 160000],
  [1500, 4812000, 480800, 160000], [2000, 6416000, 480800, 160000], [3000, 9624000, 480800, 160000],
];

function table(rows) {
  return new MetricTable(COLUMNS, rows);
}

test('the chapter has four figures, numbered 1–4, and every one of the engine\'s recurrent rules runs in one', () => {
  assert.deepEqual(TIME_FIGURES, ['time_fit', 'time_race', 'time_cosine', 'time_memory']);
  assert.deepEqual(TIME_FIGURES.map((id) => FIGURES[id].number), [1, 2, 3, 4]);
  assert.deepEqual(Object.keys(FIGURES), TIME_FIGURES);
  const rules = new Set(TIME_FIGURES.flatMap((id) => [...FIGURES[id].rules(TIME), ...Object.keys(TIME_LANES)].map((l) => (id === 'time_memory' ? 'memory' : ruleOf(id, l)))));
  assert.deepEqual([...rules].sort(), ['bptt', 'eprop', 'memory', 'rflo']);
});

test('every lane starts from the engine\'s defaults (its learning rate included); the lane sets only its rule and feedback', () => {
  const base = presetOf('eprop', null);
  assert.equal(base.lr, presetOf('bptt', null).lr);
  const race = experimentsOf('time_race', TIME);
  assert.deepEqual(race.map((e) => [e.lane, e.rule, e.feedback]), [['bptt', 'bptt', 'symmetric'], ['symmetric', 'eprop', 'symmetric'], ['random', 'eprop', 'random'], ['rflo', 'rflo', 'symmetric']]);
  for (const e of race) assert.deepEqual(e, { ...base, ...TIME_LANES[e.lane], lane: e.lane });
  assert.deepEqual(experimentsOf('time_cosine', TIME).map((e) => e.lane), ['symmetric', 'random', 'rflo']);
  // Figure 1 runs the one method the reader picks: symmetric e-prop by default.
  assert.deepEqual(experimentsOf('time_fit', TIME), [{ ...base, rule: 'eprop', feedback: 'symmetric', lane: 'symmetric' }]);
  assert.deepEqual(experimentsOf('time_fit', { ...TIME, 'time_fit.method': 'rflo' }).map((e) => [e.rule, e.lane]), [['rflo', 'rflo']]);
  assert.deepEqual(experimentsOf('time_memory', TIME), [{ rule: 'memory', ...presetOf('memory', null) }]);
  // A setting of the figure reaches every lane; the lane's own feedback wins over a link's.
  const state = { ...TIME, 'time_race.seed': 7, 'time_race.iterations': 40, 'time_race.feedback': 'random', 'time_race.lanes': ['bptt', 'symmetric'] };
  assert.deepEqual(experimentsOf('time_race', state).map((e) => [e.lane, e.seed, e.iterations, e.feedback]), [['bptt', 7, 40, 'symmetric'], ['symmetric', 7, 40, 'symmetric']]);
  assert.equal(paceOf('time_race', TIME), Infinity);
  assert.equal(paceOf('time_memory', TIME), 3);
});

test('each figure\'s link carries its settings only, and round-trips; the chapter\'s link carries its forms', () => {
  const state = {
    ...TIME, 'time_fit.method': 'random', 'time_fit.iterations': 120, 'time_fit.seed': 3,
    'time_race.lanes': ['bptt', 'rflo'], 'time_race.iterations': 50, 'time_race.lr': 0.01, 'time_race.adaptive': 0.5,
    'time_cosine.lanes': ['random'], 'time_cosine.duration': 2000, 'time_memory.neurons': 200, 'time_memory.inputs': 50,
  };
  const back = parse(serialize(state));
  assert.deepEqual(back.notices, []);
  assert.deepEqual(back.state, state);
  assertCarriesChapter(serialize(state), 'time');
  for (const id of TIME_FIGURES) assertFigureLinkRoundTrips(state, 'time', id);
  assert.match(serialize(state, { figure: 'time_fit' }), /time_fit\.method=random&time_fit\.iterations=120&time_fit\.seed=3/);
  assertChapterDefaults('time', { 'time_fit.method': 'symmetric', 'time_race.lanes': ['bptt', 'symmetric', 'random', 'rflo'], 'time_cosine.lanes': ['symmetric', 'random', 'rflo'], 'time_race.iterations': 300 });
});

test('bad values are clamped or refused with a notice naming the figure', () => {
  const { state, notices } = parse('#v=1&chapter=time&time_fit.method=lstm&time_race.lanes=bptt,adam&time_cosine.iterations=99999&time_fit.neurons=500');
  assert.equal(state['time_fit.method'], 'symmetric');
  assert.deepEqual(state['time_race.lanes'], ['bptt', 'symmetric', 'random', 'rflo']);
  assert.equal(state['time_cosine.iterations'], 3000);
  assert.equal(state['time_fit.neurons'], 200);
  assert.equal(notices.length, 4);
  assert.match(notices.join(' '), /pattern learning rule: "lstm" is not one of bptt, symmetric, random, rflo; using symmetric\./);
  assert.match(notices.join(' '), /race lanes: "adam" is not one of/);
});

test('lanes keep one name and colour-blind-safe colour each; the readouts count iterations and trials per second', () => {
  assert.deepEqual(['bptt', 'symmetric', 'random', 'rflo'].map((l) => RULES[l].color), [0, 2, 1, 3]);
  assert.deepEqual(readout(), { column: 'loss', format: lossText, header: 'Loss', epoch: 'Iteration', rate: 'Trials/s' });
  assert.equal(lossText(0.006534), '0.0065');
  assert.equal(lossText(0.136283), '0.14');
  assert.equal(lossText(NaN), '–');
  for (const id of ['time_fit', 'time_race', 'time_cosine']) assert.equal(FIGURES[id].stepLabel, 'Step 10 iterations');
});

test('the loss chart is on a log axis that reaches down to 10⁻³ and further when a lane gets there', () => {
  const lanes = [
    { rule: 'bptt', table: table([[0, 0.136, 36, 1, 3208000, NaN], [10, 0.11, 35, 1, 3208000, NaN], [100, 0.0065, 36, 1, 3208000, NaN]]) },
    { rule: 'rflo', table: table([[0, 0.133, 0, 0.09, 160000, NaN], [10, 0.12, 0, 0.06, 160000, NaN]]) },
  ];
  const chart = lossChart(lanes, 300);
  assert.equal(chart.yLog, true);
  assert.deepEqual(chart.yRange, [-3, 0]);
  assert.deepEqual(chart.yDecades.map((d) => d.text), ['0.001', '0.01', '0.1', '1']);
  assert.equal(chart.xMax, 300);
  assert.equal(chart.series[0].label, 'BPTT 0.0065');
  assert.ok(Math.abs(chart.series[0].points.at(-1)[1] - Math.log10(0.0065)) < 1e-12);
  assert.match(chart.summary, /BPTT 0\.0065 after 100 iterations; RFLO 0\.12 after 10 iterations/);
  const lower = lossChart([{ rule: 'bptt', table: table([[0, 0.1, 0, 1, 0, NaN], [10, 0.0004, 0, 1, 0, NaN]]) }], 20);
  assert.deepEqual(lower.yRange, [-4, 0]);
  // Before any row: an empty chart over the whole run.
  assert.deepEqual(chartsOf('time_race', TIME, [{ rule: 'bptt', table: new MetricTable() }])[0].series[0].points, []);
});

test('the cosine chart leaves out rows without a measurement and draws the 0 line', () => {
  const lanes = [
    { rule: 'symmetric', table: table([[0, 0.13, 36, 0.998, 480800, NaN], [10, 0.11, 36, NaN, 480800, NaN], [20, 0.06, 35, 0.997, 480800, NaN]]) },
    { rule: 'random', table: table([[0, 0.13, 36, -0.035, 480800, NaN], [10, 0.11, 36, -0.45, 480800, NaN]]) },
  ];
  const chart = cosineChart(lanes, 300);
  assert.deepEqual(chart.series[0].points, [[0, 0.998], [20, 0.997]]);
  assert.equal(chart.series[0].label, 'e-prop sym. 1.00');
  assert.equal(chart.series[1].label, 'e-prop rand. −0.45');
  const zero = chart.series.at(-1);
  assert.equal(zero.reference, true);
  assert.deepEqual(zero.points, [[0, 0], [300, 0]]);
  assert.deepEqual(chart.yRange, [-0.6, 1.05]);
  assert.match(chart.summary, /e-prop sym\. 1\.00 at iteration 20 \(mean 1\.00 over 2 measurements\)/);
  assert.deepEqual(cosineChart([], 10).yRange, [-0.2, 1.05]);
});

test('the memory chart and its sentence give the bytes as measured', () => {
  const t = new MetricTable(['duration_ms', 'bptt_bytes', 'eprop_bytes', 'rflo_bytes'], MEMORY);
  assert.deepEqual(memoryRows(t).map((r) => r.duration_ms), MEMORY_DURATIONS);
  assert.equal(bytesText(9624000), '9.6 MB');
  assert.equal(bytesText(480800), '481 kB');
  assert.equal(bytesText(3208), '3 kB');
  assert.equal(bytesText(12), '12 B');
  assert.equal(memorySentence(memoryRows(t)), 'At 3 s BPTT holds 9.6 MB, e-prop 481 kB and RFLO 160 kB. BPTT\'s record grows by 3 kB for every millisecond of trial; e-prop\'s and RFLO\'s traces stay the same size at every length.');
  assert.equal(memorySentence(memoryRows(new MetricTable(t.columns, MEMORY.slice(0, 1)))), 'At 200 ms BPTT holds 0.64 MB, e-prop 481 kB and RFLO 160 kB.');
  assert.equal(memorySentence([]), '');
  const chart = memoryChart(t);
  assert.deepEqual(chart.series.map((s) => s.label), ['BPTT 9.6 MB', 'e-prop 481 kB', 'RFLO 160 kB']);
  assert.deepEqual(chart.series[0].points[0], [200, 0.6416]);
  assert.deepEqual(chart.yRange, [0, 11]);
  assert.equal(chart.xMax, 3000);
  assert.equal(chart.note, memorySentence(memoryRows(t)));
  assert.match(chart.summary, /BPTT 0\.64 MB at 200 ms, 1\.6 MB at 500 ms/);
  // Before the measurement: three empty curves and no sentence.
  const empty = memoryChart(undefined);
  assert.deepEqual(empty.series.map((s) => s.points.length), [0, 0, 0]);
  assert.equal(empty.note, '');
});

test('the status line counts iterations (trial lengths for the memory figure)', () => {
  const lane = (epoch, rows = []) => ({ epoch, table: table(rows) });
  assert.equal(progressText('time_race', TIME, [lane(20), lane(30)]), 'Iterations 20–30 of 300');
  assert.equal(progressText('time_fit', TIME, [lane(40, [[40, 0.0187, 36, 1, 0, NaN]])]), 'Iteration 40 of 300 · loss 0.019');
  const memory = { epoch: 2, table: new MetricTable(['duration_ms', 'bptt_bytes', 'eprop_bytes', 'rflo_bytes'], MEMORY.slice(0, 2)) };
  assert.equal(progressText('time_memory', TIME, [memory]), '2 of 6 trial lengths measured');
  assert.equal(progressText('time_race', TIME, []), null);
});

/** A snapshot as the engine sends it: frames {name, shape, data}. */
function snapshot(steps, outputs, target, output, mask, raster) {
  return {
    frames: [
      { name: 'trace.target', shape: [steps, outputs], data: Float32Array.from(target) },
      { name: 'trace.output', shape: [steps, outputs], data: Float32Array.from(output) },
      { name: 'trace.mask', shape: [steps], data: Float32Array.from(mask) },
      { name: 'raster', shape: [raster.length / 2, 2], data: Float32Array.from(raster) },
    ],
  };
}

test('figure 1 reads the last trial from a snapshot: readout, target, the steps that count, the raster', () => {
  assert.equal(trialOf(null), null);
  assert.equal(traceSummary(null), 'The readout and its target through the last trial: none yet.');
  const steps = 4;
  const trial = trialOf(snapshot(steps, 1, [0, 1, 0, -1], [0, 0.5, 0, -0.5], [0.25, 0.25, 0.25, 0.25], [1, 3, 2, 0, 2, 49]));
  assert.equal(trial.steps, 4);
  assert.deepEqual(trial.target, [[0, 1, 0, -1]]);
  assert.deepEqual(trial.output, [[0, 0.5, 0, -0.5]]);
  assert.equal(trial.window, null, 'the pattern counts every step');
  assert.deepEqual(trial.spikes, { times: [1, 2, 2], rows: [3, 0, 49] });
  assert.equal(trialError(trial), 0.125);
  assert.ok(Math.abs(trialCorrelation(trial) - 1) < 1e-9);
  const { panels, bands, end } = tracePanels(trial, 'symmetric');
  assert.deepEqual(panels[0].series.map((s) => [s.name, s.color]), [['target y*', 6], ['readout y (e-prop sym.)', 2]]);
  assert.deepEqual(panels[0].series[1].points, [[0, 0], [1, 0.5], [2, 0], [3, -0.5]]);
  assert.deepEqual(bands, []);
  assert.equal(end, 4);
  assert.equal(traceSummary(trial, 'symmetric'), 'The last trial, 4 ms: the e-prop sym. network\'s readout against the target, mean squared error 0.13, correlation 1.00.');
  assert.equal(rasterSummary(trial, 50), 'Spikes of the first 50 recurrent neurons in the last trial: 3 spikes, 15 Hz on average.');
  // The cue task: two outputs, only the response window counts.
  const cue = trialOf(snapshot(3, 2, [0, 0, 0, 0, 1, 0], [0.1, 0, 0.2, 0.1, 0.6, 0.2], [0, 0, 1], []));
  assert.deepEqual(cue.target, [[0, 0, 1], [0, 0, 0]]);
  assert.deepEqual(cue.window, [2, 3]);
  assert.ok(Math.abs(trialError(cue) - (0.16 + 0.04)) < 1e-6);
  const panel = tracePanels(cue, 'bptt');
  assert.deepEqual(panel.bands.map((b) => [b.from, b.to]), [[2, 3]]);
  assert.deepEqual(panel.panels[0].series.map((s) => s.legend), [true, false, true, false]);
});
