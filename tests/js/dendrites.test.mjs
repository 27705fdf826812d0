// node --test tests/js/
// The Dendrites & Bursts chapter's URL keys (www/state/state.js), its figures as data
// (www/chapters/dendrites/figures.js): experiments, charts, the multiplexing statistics; and the pieces
// of www/figures/race.js and www/engine/metrics.js it added (live adjust, repeat, bounded tables, Pearson).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, serialize, defaults, prop, PROPS, DENDRITES_FIGURES, presetOf } from '../../www/state/state.js';
import {
  FIGURES, RULES, STREAMS, experimentsOf, paceOf, chartsOf, progressText, inputsOf,
  multiplexStats, recent, corrText, tracesSummary, niceCeil, TRACE_PANELS,
} from '../../www/chapters/dendrites/figures.js';
import { assertCarriesChapter, assertChapterDefaults } from '../support/links.mjs';
import { MetricTable, pearson } from '../../www/engine/metrics.js';
import { normalise } from '../../www/views/traces.js';
import { fakeRace } from '../support/fake-engine.mjs';

const DENDRITES = { ...defaults(), chapter: 'dendrites' };

test('a dendrites link with no settings gives every figure its defaults, without notices', () => {
  const state = assertChapterDefaults('dendrites', {
    'multiplex.neurons': 300, 'multiplex.speed': '1', 'multiplex.seed': 1, 'plasticity.seed': 1,
    'burstprop.learn_feedback': true, 'burstprop.epochs': 20,
  });
  // The engine's MultiplexConfig defaults (src/bursts/multiplexing.rs).
  assert.deepEqual(inputsOf(state), { somatic_mean: 300, somatic_amplitude: 150, dendritic_mean: 20, dendritic_amplitude: 150 });
});

test('the chapter link carries every dendrites setting and nothing else, and round-trips', () => {
  const state = {
    ...DENDRITES, 'multiplex.dendritic_mean': -120, 'multiplex.somatic_amplitude': 0, 'multiplex.speed': 'max',
    'multiplex.neurons': 50, 'burstprop.learn_feedback': false, 'burstprop.epochs': 3, 'plasticity.seed': 99,
  };
  const hash = serialize(state);
  assertCarriesChapter(hash, 'dendrites');
  assert.match(hash, /&multiplex\.dendritic_mean=-120&/);
  const back = parse(hash);
  assert.deepEqual(back.notices, []);
  assert.deepEqual(back.state, state);
  assert.equal(serialize(back.state), hash);
  // The other chapters' links carry none of these keys.
  assert.doesNotMatch(serialize({ ...defaults(), chapter: 'feedback' }), /multiplex\.|plasticity\.|burstprop\./);
});

test('a link to one figure carries only that figure\'s settings, and opens it', () => {
  for (const id of DENDRITES_FIGURES) {
    const hash = serialize({ ...DENDRITES, embed: true }, { figure: id });
    assert.ok(hash.startsWith(`#v=1&chapter=dendrites&embed=1&fig=${id}&`), hash);
    const keys = hash.slice(1).split('&').map((part) => part.split('=')[0]).slice(4);
    for (const key of keys) assert.ok(key.startsWith(`${id}.`), `${key} in the ${id} link`);
    assert.equal(keys.length, PROPS.filter((p) => p.figure === id && p.shown).length);
    const { state, notices } = parse(hash);
    assert.deepEqual(notices, []);
    assert.equal(state.fig, id);
  }
});

test('a figure of another chapter, or of none, is refused with a notice', () => {
  const wrong = parse('#v=1&chapter=dendrites&fig=race');
  assert.equal(wrong.state.fig, '');
  assert.deepEqual(wrong.notices, ['figure: "race" is not one of dendrites_trace, dendrites_depth, dendrites_angles, dendrites_feedback, multiplex, plasticity, burstprop; showing the whole chapter.']);
  assert.equal(parse('#v=1&chapter=feedback&fig=multiplex').state.fig, '');
  const landing = parse('#v=1&fig=burstprop');
  assert.equal(landing.state.fig, '');
  assert.equal(landing.notices.length, 1);
  assert.equal(serialize({ ...defaults(), chapter: 'backprop', fig: 'multiplex' }).includes('fig='), false);
});

test('bad dendrites values fall back to the defaults, with a notice naming the figure', () => {
  const { state, notices } = parse('#v=1&chapter=dendrites&multiplex.dendritic_mean=9000&multiplex.somatic_mean=lots&multiplex.speed=warp&burstprop.learn_feedback=mirror&burstprop.seed=-3&burstprop.epochs=500');
  assert.equal(state['multiplex.dendritic_mean'], 500);
  assert.equal(state['multiplex.somatic_mean'], 300);
  assert.equal(state['multiplex.speed'], '1');
  assert.equal(state['burstprop.learn_feedback'], true);
  assert.equal(state['burstprop.seed'], 1);
  assert.equal(state['burstprop.epochs'], 100);
  assert.equal(notices.length, 6, notices.join('\n'));
  assert.ok(notices.includes('multiplexing dendritic mean current: "9000" is above the maximum 500; using 500.'), notices.join('\n'));
  assert.ok(notices.includes('multiplexing somatic mean current: "lots" is not a number; using 300.'), notices.join('\n'));
  assert.ok(notices.includes('BurstProp learned feedback Y: "mirror" is not 0 or 1; using 1.'), notices.join('\n'));
  assert.deepEqual(parse(serialize(state)).notices, []);
  // Negative dendritic currents are allowed (they hold the dendrite down).
  assert.equal(parse('#chapter=dendrites&multiplex.dendritic_mean=-300').state['multiplex.dendritic_mean'], -300);
  assert.ok(prop('multiplex.seed').clamp === false);
});

test('the multiplexing experiment: the engine\'s fields, a long run, the inputs from the sliders', () => {
  const state = { ...DENDRITES, 'multiplex.dendritic_mean': 200, 'multiplex.neurons': 100, 'multiplex.seed': 5 };
  assert.deepEqual(experimentsOf('multiplex', state), [{
    rule: 'multiplex', ...presetOf('multiplex'), neurons: 100, seed: 5, duration_s: 600,
    somatic_mean: 300, somatic_amplitude: 150, dendritic_mean: 200, dendritic_amplitude: 150,
  }]);
  // Real time is one 10-ms row every 10 ms; "max" lets the engine run flat out.
  assert.equal(paceOf('multiplex', DENDRITES), 100);
  assert.equal(paceOf('multiplex', { ...DENDRITES, 'multiplex.speed': '0.25' }), 25);
  assert.equal(paceOf('multiplex', { ...DENDRITES, 'multiplex.speed': 'max' }), Infinity);
  assert.equal(paceOf('burstprop', DENDRITES), Infinity);
  assert.deepEqual(experimentsOf('plasticity', DENDRITES), [{ rule: 'plasticity', ...presetOf('plasticity') }]);
});

test('the BurstProp race: BP with the race preset, BurstProp with exactly its own settings', () => {
  const [bp, burst] = experimentsOf('burstprop', { ...DENDRITES, 'burstprop.seed': 7, 'burstprop.epochs': 4 });
  // Each lane is its rule's engine preset on MNIST (the schema's presets) with the figure's settings.
  assert.deepEqual(bp, { rule: 'bp', ...presetOf('bp', 'mnist'), epochs: 4, seed: 7, learn_feedback: true });
  assert.deepEqual(burst, { rule: 'burstprop', ...presetOf('burstprop', 'mnist'), epochs: 4, seed: 7 });
  assert.deepEqual(
    [bp.loss, bp.lr, bp.batch, bp.hidden, burst.loss, burst.activation, burst.lr, burst.layer_lr, burst.momentum, burst.weight_decay, burst.batch],
    ['crossentropy', 1, 32, [500], 'sigmoid-mse', 'sigmoid', 5, [0.05], 0.9, 0.00001, 32],
  );
  assert.equal(experimentsOf('burstprop', { ...DENDRITES, 'burstprop.learn_feedback': false })[1].learn_feedback, false);
  // An old link's 'burstprop.feedback=fixed' still turns the learned feedback off.
  assert.equal(experimentsOf('burstprop', parse('#v=1&chapter=dendrites&burstprop.feedback=fixed').state)[1].learn_feedback, false);
});

const FF = ['epoch', 'samples', 'train_loss', 'train_acc', 'test_loss', 'test_acc'];

test('the BurstProp charts: one accuracy curve per rule; both angles and the 90° line', () => {
  const columns = [...FF, 'angle_w_y0', 'angle_delta0'];
  const lanes = [
    { rule: 'bp', table: new MetricTable(FF, [[0, 0, 2, 0.1, 2, 0.1], [1, 8000, 0.3, 0.9, 0.3, 0.912]]) },
    { rule: 'burstprop', table: new MetricTable(columns, [[0, 0, 1, 0.1, 1, 0.1, 89.9, 90.2], [1, 8000, 0.5, 0.5, 0.5, 0.374, 78.6, 80.4]]) },
  ];
  const [acc, angles] = chartsOf('burstprop', DENDRITES, lanes);
  assert.deepEqual(acc.series.map((s) => [s.name, s.color]), [['BP', 0], ['BurstProp', RULES.burstprop.color]]);
  assert.deepEqual(acc.series.map((s) => s.label), ['BP 91.2 %', 'BurstProp 37.4 %']);
  assert.equal(acc.xMax, 20);
  assert.deepEqual(angles.series.map((s) => s.name), ['∠(W₁, Y)', '∠(δ_burst, δ_BP)', '90°']);
  assert.deepEqual(angles.series.map((s) => s.label), ['W–Y 79°', 'δ 80°', '90°']);
  assert.equal(angles.summary, 'BurstProp against backprop: ∠(W₁, Y) 79° after 1 epoch; ∠(δ_burst, δ_BP) 80° after 1 epoch.');
  // Before the workers answered: empty curves, no crash.
  const empty = chartsOf('burstprop', DENDRITES, [{ rule: 'bp', table: new MetricTable() }, { rule: 'burstprop', table: new MetricTable() }]);
  assert.equal(empty.length, 2);
  assert.equal(empty[0].summary, 'Test accuracy: no data yet.');
});

test('the plasticity chart: weight change against frequency, the zero line, a symmetric range', () => {
  const table = new MetricTable(['frequency_hz', 'weight_change'], [[0.1, -0.2], [10, -0.15], [20, -0.05], [40, 0.3], [50, 0.4]]);
  const [chart] = chartsOf('plasticity', DENDRITES, [{ rule: 'plasticity', table }]);
  assert.equal(chart.xLabel, 'pairing frequency (Hz)');
  assert.deepEqual(chart.series[0].points, [[0.1, -0.2], [10, -0.15], [20, -0.05], [40, 0.3], [50, 0.4]]);
  assert.deepEqual(chart.series[1].points, [[0, 0], [50, 0]]);
  assert.deepEqual(chart.yRange, [-0.5, 0.5]); // 1.25 × the largest change, rounded up to a round number
  assert.deepEqual([0.0123, 0.19, 0.2, 0.26, 4, 7].map(niceCeil), [0.02, 0.2, 0.2, 0.5, 5, 10]);
  assert.equal(chart.series[0].label, 'ΔW +0.40');
  assert.equal(chart.summary, 'Weight change: −0.20 at 0.1 Hz, −0.15 at 10 Hz, −0.050 at 20 Hz, +0.30 at 40 Hz, +0.40 at 50 Hz.');
  // The axis spans the frequencies the engine will test, from the start.
  const [none] = chartsOf('plasticity', DENDRITES, [{ rule: 'plasticity', table: new MetricTable(), built: { frequencies_hz: [0.1, 10, 80] } }]);
  assert.equal(none.xMax, 80);
  assert.deepEqual(none.series[0].points, []);
  assert.ok(none.yRange[1] > 0.1, 'an empty chart still has a readable range');
  assert.equal(progressText('plasticity', DENDRITES, [{ table, built: { frequencies_hz: [1, 2, 3, 4, 5, 6] } }]), '5 of 6 pairing frequencies');
  assert.equal(progressText('burstprop', DENDRITES, []), null);
});

/** A multiplexing table where E follows the somatic input and P the dendritic one. */
function multiplexTable(seconds, { soma = (t) => Math.sin(3 * t), dend = (t) => Math.cos(7 * t) } = {}) {
  const columns = ['time_s', 'somatic_input', 'dendritic_input', 'event_rate', 'burst_prob', 'burst_rate', 'depressing_readout', 'facilitating_readout'];
  const rows = [];
  for (let i = 1; i <= seconds * 100; i++) {
    const t = i / 100;
    const e = 6 + 2 * soma(t);
    const p = 0.3 + 0.1 * dend(t);
    rows.push([t, 300 + 150 * soma(t), 20 + 150 * dend(t), e, p, p * e, 0.9 * e + 1, 0.5 * p * e]);
  }
  return new MetricTable(columns, rows);
}

test('multiplexing statistics: correlations over the visible window, levels over the last second', () => {
  const stats = multiplexStats(multiplexTable(12));
  const c = stats.correlations;
  assert.ok(c.E_soma > 0.999 && c.P_dend > 0.999, JSON.stringify(c));
  assert.ok(Math.abs(c.P_soma) < 0.2 && Math.abs(c.E_dend) < 0.2, JSON.stringify(c));
  assert.ok(c.D_E > 0.999);
  assert.equal(stats.rows, 500); // the last 5 s
  assert.ok(Math.abs(stats.start - 7.01) < 1e-9 && stats.end === 12);
  assert.ok(Math.abs(stats.levels.event_rate - 6) < 0.5);
  assert.ok(Math.abs(stats.levels.burst_prob - 0.3) < 0.1);
  // Too little simulated time after the start-up transient: no correlations yet.
  const early = multiplexStats(multiplexTable(1.2));
  assert.ok(Number.isNaN(early.correlations.E_soma));
  assert.ok(Number.isFinite(early.levels.event_rate));
  // A constant input correlates with nothing.
  const flat = multiplexStats(multiplexTable(6, { soma: () => 0 }));
  assert.ok(Number.isNaN(flat.correlations.E_soma));
  assert.ok(flat.correlations.P_dend > 0.999);
  assert.match(tracesSummary(stats), /event rate follows the somatic input \(correlation 1\.00\)/);
  assert.match(tracesSummary(early), /not enough simulated time yet/);
});

test('recent rows, own-range scaling and correlation text', () => {
  const table = multiplexTable(3);
  const last = recent(table, 1);
  assert.equal(last.time_s.length, 100);
  assert.equal(last.time_s[0], 2.01);
  assert.deepEqual(recent(new MetricTable(), 1), {});
  assert.deepEqual(normalise([2, 4, 3]), [0, 1, 0.5]);
  assert.deepEqual(normalise([5, 5]), [0.5, 0.5]);
  assert.ok(Number.isNaN(normalise([1, NaN, 3])[1]));
  assert.equal(corrText(-0.051), '−0.05');
  assert.equal(corrText(NaN), '–');
  // Every trace panel draws columns the engine reports, in the chapter's stream colours.
  for (const panel of TRACE_PANELS) {
    for (const s of panel.series) {
      assert.ok(table.index(s.column) >= 0, s.column);
      assert.ok(Object.values(STREAMS).includes(s.color), s.name);
    }
  }
  assert.equal(new Set(Object.values(STREAMS)).size, 3);
  assert.deepEqual(Object.keys(FIGURES), DENDRITES_FIGURES);
});

test('Pearson correlation and a bounded metric table', () => {
  assert.equal(pearson([1, 2, 3], [2, 4, 6]), 1);
  assert.ok(Math.abs(pearson([1, 2, 3, 4], [4, 3, 2, 1]) + 1) < 1e-12);
  assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
  assert.ok(Number.isNaN(pearson([1], [1])));
  assert.ok(Number.isNaN(pearson([1, 2], [1, 2, 3])));
  const table = new MetricTable(['x'], [[1], [2], [3]]);
  table.keepLast(2);
  assert.deepEqual(table.rows, [[2], [3]]);
  table.keepLast(Infinity);
  assert.equal(table.rows.length, 2);
});

// ---- www/figures/race.js: what a simulation figure adds ----------------------------------------------

const MUX = { rule: 'multiplex', neurons: 300, seed: 1, duration_s: 600, somatic_mean: 300, somatic_amplitude: 150, dendritic_mean: 20, dendritic_amplitude: 150 };
const progress = (over) => ({ type: 'progress', rows: [], samples: 0, epoch: 0, running: true, finished: false, samples_per_s: 0, ...over });

function simulation(options = {}) {
  const { race, engines } = fakeRace({ repeat: true, keepRows: 3, ...options });
  race.configure([MUX]);
  const built = (experiment = engines[0].lastExperiment()) => {
    engines[0].reply({ type: 'configured', rule: 'multiplexing', experiment, columns: ['time_s'], rows: [] });
  };
  return { race, engine: () => engines[0], built };
}

test('adjust changes the running model\'s inputs in place, and the lane remembers them', () => {
  const { race, engine, built } = simulation();
  built();
  race.play();
  const how = race.adjust('multiplex', { dendritic_mean: 200 });
  assert.equal(how, 'live');
  assert.deepEqual(engine().sent.slice(-2), [{ type: 'adjust', settings: { dendritic_mean: 200 } }, { type: 'snapshot' }]);
  assert.equal(race.list[0].wanted.dendritic_mean, 200);
  // The same settings through configure() do not rebuild.
  race.configure([{ ...MUX, dendritic_mean: 200 }]);
  assert.equal(engine().types().filter((t) => t === 'configure').length, 1);
  assert.equal(race.playing, true);
});

test('an engine that refuses adjust gets the model rebuilt with the new inputs, and keeps running', () => {
  const { race, engine, built } = simulation();
  built();
  race.play();
  race.adjust('multiplex', { dendritic_mean: 200 });
  engine().reply({ type: 'error', kind: 'config', message: 'invalid setting settings: the multiplexing model has no live settings' });
  const configure = engine().sent.at(-1);
  assert.equal(configure.type, 'configure');
  assert.equal(configure.experiment.dendritic_mean, 200);
  assert.equal(race.list[0].error, '', 'the refusal is not shown as an error');
  built();
  assert.equal(engine().sent.at(-1).type, 'train', 'the rebuilt model goes on running');
  // From now on a change goes straight to a rebuild.
  assert.equal(race.adjust('multiplex', { dendritic_mean: 100 }), 'rebuild');
  assert.equal(engine().sent.at(-1).experiment.dendritic_mean, 100);
  // A real configuration error, outside an adjust, is still shown.
  built();
  engine().reply({ type: 'error', kind: 'config', message: 'neurons: must be between 1 and 5000' });
  assert.equal(race.list[0].error, 'Neurons: must be between 1 and 5000.');
});

test('a simulation that reaches its end starts again while playing; its table keeps the last rows', () => {
  const { race, engine, built } = simulation();
  built();
  race.play();
  engine().reply(progress({ rows: [[0.01], [0.02], [0.03], [0.04]], epoch: 0.04 }));
  assert.deepEqual(race.list[0].table.rows, [[0.02], [0.03], [0.04]]);
  engine().reply(progress({ rows: [[600]], epoch: 600, finished: true, running: false }));
  assert.equal(engine().sent.at(-1).type, 'configure');
  assert.equal(race.playing, true);
  built();
  assert.equal(engine().sent.at(-1).type, 'train');
  // Paused, the end is the end.
  race.pause();
  engine().reply(progress({ epoch: 600, finished: true, running: false }));
  assert.equal(race.phase, 'finished');
});

test('snapshots of the current model are kept for drawing; a paced race steps, a free one trains', async () => {
  const { race, engine, built } = simulation({ pace: 100 });
  let drawn = 0;
  race.addEventListener('snapshot', () => drawn++);
  engine().reply({ type: 'snapshot', snapshot: { frames: [] } }); // from no model yet: ignored
  built();
  engine().reply({ type: 'snapshot', snapshot: { frames: [{ name: 'raster.times', shape: [0], data: [] }] } });
  assert.equal(drawn, 1);
  assert.equal(race.list[0].snapshot.frames[0].name, 'raster.times');
  race.play();
  assert.equal(engine().sent.at(-1).type, 'step');
  race.setPace(Infinity);
  assert.equal(engine().sent.at(-1).type, 'train');
  race.setPace(25); // from flat out back to paced: the engine's own training stops first…
  assert.equal(engine().sent.at(-1).type, 'pause');
  engine().reply(progress({ running: false })); // …and once it has, steps go on at the pace
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(engine().sent.at(-1).type, 'step');
  race.pause();
});

test('the plasticity protocol\'s echo, whose own `rule` setting hides the tag, is accepted as built', () => {
  const { race, engines } = fakeRace();
  race.configure([{ rule: 'plasticity', seed: 3 }]);
  const echo = { rule: { learning_rate: 0.01 }, frequencies_hz: [0.1, 10, 20, 40, 50], seed: 3, neurons: 20 };
  engines[0].reply({ type: 'configured', rule: 'plasticity', experiment: echo, columns: ['frequency_hz', 'weight_change'], rows: [] });
  assert.equal(race.phase, 'paused');
  assert.deepEqual(race.list[0].built.frequencies_hz, [0.1, 10, 20, 40, 50]);
  assert.equal(engines[0].sent.length, 1, 'configured again');
  // An echo of other settings is still replaced by the wanted model.
  race.configure([{ rule: 'plasticity', seed: 4 }]);
  engines[0].reply({ type: 'configured', rule: 'plasticity', experiment: echo, columns: [], rows: [] });
  assert.equal(engines[0].sent.at(-1).experiment.seed, 4);
});
