// node --test tests/js/
// www/figures/race.js with fake engines: what each worker is told, and when.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeRace } from '../support/fake-engine.mjs';

const COLUMNS = ['epoch', 'samples', 'train_loss', 'train_acc', 'test_loss', 'test_acc'];
const ROW0 = [0, 0, 2.3, 0.1, 2.3, 0.1];

function setup(rules = ['bp', 'fa'], options = {}) {
  const { race, engines } = fakeRace(options);
  const experiments = rules.map((rule) => ({ rule, data: 'linear', seed: 1, epochs: 3 }));
  race.configure(experiments);
  const built = () => engines.forEach((e) => {
    const experiment = e.lastExperiment();
    e.reply({ type: 'configured', rule: experiment.rule, experiment, columns: COLUMNS, rows: [ROW0] });
  });
  return { race, engines, experiments, built };
}

const progress = (over) => ({ type: 'progress', rows: [], samples: 0, epoch: 0, running: false, finished: false, samples_per_s: 0, ...over });

test('one engine per rule, each told to build the same experiment but its rule', () => {
  const { race, engines, built } = setup(['bp', 'fa', 'dfa']);
  assert.equal(engines.length, 3);
  assert.deepEqual(engines.map((e) => e.sent[0].experiment.rule), ['bp', 'fa', 'dfa']);
  assert.equal(race.phase, 'starting');
  assert.equal(race.canTrain, false);
  built();
  assert.equal(race.phase, 'paused');
  assert.deepEqual(race.list.map((l) => l.table.rows.length), [1, 1, 1]);
});

test('Train after a quick Pause still trains, even before the pause is answered', () => {
  const { race, engines, built } = setup();
  built();
  race.play();
  for (const e of engines) e.reply(progress({ running: true, epoch: 0.2 }));
  race.pause();
  race.play(); // before the engines answered the pause
  for (const e of engines) e.reply(progress({ running: false, epoch: 0.3 })); // the pause's answer
  for (const e of engines) assert.deepEqual(e.types().slice(1), ['train', 'pause', 'train']);
  assert.equal(race.playing, true);
});

test('the race stops playing when every lane has finished or failed', () => {
  const { race, engines, built } = setup();
  built();
  race.play();
  engines[0].reply(progress({ rows: [[3, 30, 0.1, NaN, 0.1, NaN]], epoch: 3, finished: true }));
  assert.equal(race.playing, true);
  engines[1].reply({ type: 'error', kind: 'diverged', message: 'training diverged at epoch 1.2 (loss is inf)' });
  assert.equal(race.playing, false);
  assert.equal(race.phase, 'finished');
  assert.equal(race.list[1].error, 'Training diverged at epoch 1.2 (loss is inf).');
  assert.equal(race.canTrain, false);
  race.reset();
  assert.equal(engines[1].sent.at(-1).type, 'configure');
});

test('a paced race steps every lane together, waiting for the slowest', async () => {
  const { race, engines, built } = setup(['bp', 'fa'], { pace: 1000 });
  built();
  race.play();
  assert.deepEqual(engines.map((e) => e.types().at(-1)), ['step', 'step']);
  engines[0].reply(progress({ epoch: 1, rows: [[1, 10, 1, NaN, 1, NaN]] }));
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(engines[0].types().filter((t) => t === 'step').length, 1, 'stepped ahead of the slow lane');
  engines[1].reply(progress({ epoch: 1, rows: [[1, 10, 1, NaN, 1, NaN]] }));
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(engines.map((e) => e.types().filter((t) => t === 'step').length), [2, 2]);
  race.pause();
});

test('changing the rules stops dropped lanes and starts new ones; changed settings rebuild', () => {
  const { race, engines, built, experiments } = setup(['bp', 'fa']);
  built();
  race.configure([experiments[1], { ...experiments[1], rule: 'shallow' }]);
  assert.equal(engines[0].terminated, true);
  assert.equal(engines.length, 3);
  assert.deepEqual(race.list.map((l) => l.rule), ['fa', 'shallow']);
  assert.equal(engines[1].sent.filter((m) => m.type === 'configure').length, 1, 'an unchanged lane was rebuilt');
  race.configure([{ ...experiments[1], seed: 2 }]);
  assert.equal(engines[1].sent.filter((m) => m.type === 'configure').length, 2);
  assert.equal(race.phase, 'configuring');
});

test('a model the page no longer wants is replaced by the one it wants', () => {
  const { race, engines, experiments } = setup(['bp']);
  race.configure([{ ...experiments[0], seed: 9 }]);
  engines[0].reply({ type: 'configured', rule: 'bp', experiment: experiments[0], columns: COLUMNS, rows: [ROW0] });
  assert.equal(engines[0].sent.at(-1).experiment.seed, 9);
  assert.equal(race.list[0].ready, false);
});

test('an echo with the same nested settings in another key order is the model the page wants', () => {
  const { race, engines } = fakeRace();
  const wanted = { rule: 'plasticity', seed: 3, params: { lr: 0.01, burst_window_ms: 16 } };
  race.configure([wanted]);
  engines[0].reply({ type: 'configured', rule: 'plasticity', experiment: { seed: 3, params: { burst_window_ms: 16, lr: 0.01 } }, columns: [], rows: [] });
  assert.equal(race.phase, 'paused');
  assert.equal(engines[0].sent.length, 1, 'configured again');
  // A nested setting that differs is still a model the page does not want.
  race.configure([{ ...wanted, params: { lr: 0.02, burst_window_ms: 16 } }]);
  engines[0].reply({ type: 'configured', rule: 'plasticity', experiment: { seed: 3, params: { burst_window_ms: 16, lr: 0.01 } }, columns: [], rows: [] });
  assert.equal(engines[0].sent.at(-1).experiment.params.lr, 0.02);
});

test('a burst of settings changes keeps one configure in flight, and costs one rebuild after the last', () => {
  const { race, engines, built, experiments } = setup(['bp']);
  built();
  const configures = () => engines[0].sent.filter((m) => m.type === 'configure');
  // 230 quick changes (an arrow key held on a slider) while the engine builds the first.
  for (let i = 1; i <= 230; i += 1) race.configure([{ ...experiments[0], lr: i / 1000 }]);
  assert.equal(configures().length, 2, 'only the first change is sent while the engine builds');
  assert.equal(configures()[1].experiment.lr, 0.001);
  // Its answer is stale: the latest settings go, once.
  engines[0].reply({ type: 'configured', rule: 'bp', experiment: configures()[1].experiment, columns: COLUMNS, rows: [ROW0] });
  assert.equal(configures().length, 3);
  assert.equal(configures()[2].experiment.lr, 0.23);
  assert.equal(race.list[0].configuring, true, 'a stale model is not taken as the one wanted');
  // A second copy of the stale answer (or any late reply) sends nothing more.
  engines[0].reply({ type: 'configured', rule: 'bp', experiment: configures()[1].experiment, columns: COLUMNS, rows: [ROW0] });
  assert.equal(configures().length, 3);
  engines[0].reply({ type: 'configured', rule: 'bp', experiment: configures()[2].experiment, columns: COLUMNS, rows: [ROW0] });
  assert.equal(configures().length, 3);
  assert.equal(race.list[0].configuring, false);
  assert.equal(race.list[0].built.lr, 0.23);
  assert.equal(race.phase, 'paused');
});

test('a refused configure with newer settings waiting sends them instead of showing the refusal', () => {
  const { race, engines, built, experiments } = setup(['bp']);
  built();
  race.configure([{ ...experiments[0], hidden: [99999] }]);
  race.configure([{ ...experiments[0], hidden: [16] }]);
  engines[0].reply({ type: 'error', kind: 'config', message: 'hidden: too wide' });
  const last = engines[0].sent.at(-1);
  assert.equal(last.type, 'configure');
  assert.deepEqual(last.experiment.hidden, [16]);
  assert.equal(race.list[0].error, '');
  // A refusal of the latest settings is shown.
  engines[0].reply({ type: 'error', kind: 'config', message: 'hidden: still wrong' });
  assert.equal(race.list[0].error, 'Hidden: still wrong.');
  assert.equal(engines[0].sent.filter((m) => m.type === 'configure').length, 3);
});

test('a worker that crashes while training is replaced, rebuilt and replayed to where it was, then offers to go on', () => {
  const { race, engines, built, experiments } = setup(['bp']);
  built();
  race.play();
  engines[0].reply(progress({ running: true, samples: 500, epoch: 1.25, rows: [[1, 400, 1, 0.5, 1, 0.5]] }));
  engines[0].reply({ type: 'error', kind: 'crash', reason: 'memory', fatal: true, memory_bytes: 1.1e9, message: 'the engine ran out of memory' });
  assert.equal(engines[0].terminated, true);
  assert.equal(engines.length, 2, 'a new worker');
  assert.equal(race.playing, false);
  assert.equal(race.phase, 'recovering');
  assert.equal(race.canTrain, false);
  assert.deepEqual(engines[1].types(), ['configure', 'estimate']);
  assert.deepEqual(engines[1].lastExperiment(), experiments[0]);
  engines[1].reply({ type: 'estimate', memory_bytes: 6e8, shape: '784-2048-10 at batch 1024', knob: 'hidden', lower: 'lower hidden or batch' });
  engines[1].reply({ type: 'configured', rule: 'bp', experiment: experiments[0], columns: COLUMNS, rows: [ROW0] });
  assert.deepEqual(engines[1].sent.at(-1), { type: 'replay', samples: 500 });
  assert.equal(race.canTrain, false, 'no training while it catches up');
  engines[1].reply(progress({ running: true, samples: 400, epoch: 1, rows: [[1, 400, 1, 0.5, 1, 0.5]] }));
  assert.equal(race.phase, 'recovering');
  engines[1].reply(progress({ running: false, samples: 500, epoch: 1.25 }));
  const lane = race.list[0];
  assert.equal(lane.table.rows.length, 2, 'the replayed rows are the lost ones');
  assert.equal(lane.error, '');
  assert.equal(lane.crashText, 'The engine ran out of memory at 1.1 GB (784-2048-10 at batch 1024, about 600 MB for the model): lower hidden or batch. '
    + 'It was restarted with the same settings and brought back to epoch 1.2: press Train to go on.');
  assert.equal(race.phase, 'paused');
  race.play();
  assert.equal(engines[1].sent.at(-1).type, 'train');
  assert.equal(lane.crashText, '', 'the offer was taken');
});

test('a worker that dies building new settings leaves the lane without a model, saying what to lower; Reset builds again', () => {
  const { race, engines, built, experiments } = setup(['bp']);
  built();
  const big = { ...experiments[0], hidden: [2048, 2048] };
  race.configure([big]);
  engines[0].reply({ type: 'error', kind: 'crash', reason: 'memory', fatal: true, memory_bytes: 2e9, message: 'the engine ran out of memory' });
  assert.deepEqual(engines[1].types(), ['estimate'], 'the settings that killed it are not built again by themselves');
  engines[1].reply({ type: 'estimate', memory_bytes: 4e8, shape: '2-2048-2048-2 at batch 10', knob: 'hidden', lower: 'lower hidden or batch' });
  assert.match(race.list[0].error, /^The engine ran out of memory at 2\.0 GB \(2-2048-2048-2 at batch 10, about 400 MB for the model\): lower hidden or batch\. It was restarted without a model/);
  assert.equal(race.canTrain, false);
  assert.equal(race.canReset, true);
  race.reset();
  assert.deepEqual(engines[1].lastExperiment(), big);
});

test('a worker that dies again while catching up is left stopped until Reset; one that stops answering is replaced too', () => {
  const { race, engines, built, experiments } = setup(['bp']);
  built();
  engines[0].reply(progress({ samples: 300, epoch: 0.75 }));
  engines[0].reply({ type: 'error', kind: 'crash', reason: 'unresponsive', fatal: true, message: 'the engine stopped answering' });
  engines[1].reply({ type: 'configured', rule: 'bp', experiment: experiments[0], columns: COLUMNS, rows: [ROW0] });
  assert.equal(engines[1].sent.at(-1).type, 'replay');
  engines[1].reply({ type: 'error', kind: 'crash', reason: 'panic', fatal: true, message: 'the engine hit an internal error (index out of bounds)' });
  assert.equal(engines.length, 3);
  assert.equal(race.list[0].error, 'The engine hit an internal error (index out of bounds). It stopped again while catching up, so it was left stopped: press Reset to start again.');
  assert.deepEqual(engines[2].types(), ['estimate']);
  race.reset();
  engines[2].reply({ type: 'configured', rule: 'bp', experiment: experiments[0], columns: COLUMNS, rows: [ROW0] });
  assert.equal(race.list[0].crash, null);
  assert.equal(race.list[0].error, '');
  assert.equal(race.canTrain, true);
});

test('a target test accuracy stops each lane at the first row that reaches it, and raising it lets the lane go on', () => {
  const { race, engines, built } = setup(['bp', 'fa']);
  built();
  race.setTarget(0.9);
  race.play();
  engines[0].reply(progress({ running: true, epoch: 2, rows: [[1, 10, 0.5, 0.8, 0.5, 0.85], [2, 20, 0.3, 0.9, 0.3, 0.91]] }));
  assert.deepEqual(race.list[0].reached, { epoch: 2, accuracy: 0.91 });
  assert.equal(engines[0].sent.at(-1).type, 'pause');
  assert.equal(race.list[0].canTrain, false);
  assert.equal(race.playing, true, 'FA has not reached it yet');
  engines[1].reply(progress({ running: true, epoch: 3, rows: [[1, 10, 0.5, 0.8, 0.5, 0.8], [2, 20, 0.5, 0.8, 0.5, 0.88], [3, 30, 0.4, 0.9, 0.4, 0.93]] }));
  assert.equal(race.list[1].reached.epoch, 3);
  assert.equal(race.playing, false, 'every lane reached the target');
  for (const e of engines) e.reply(progress({ running: false, epoch: 3 })); // the pauses' answers
  assert.equal(race.phase, 'finished');
  race.setTarget(0.92); // BP stopped at 0.91: it may go on; FA's 0.93 already passes
  assert.equal(race.list[0].reached, null);
  assert.equal(race.list[0].canTrain, true);
  assert.equal(race.list[1].canTrain, false);
});

test('weights are asked through the lane: one question at a time, answered in order, and a settings change overtakes an import', async () => {
  const { race, engines, built, experiments } = setup(['bp']);
  assert.equal(race.exportWeights('bp'), null, 'no model yet');
  built();
  const saved = { format: 'brainprop-weights', version: 1, rule: 'bp', sizes: [1, 1], arrays: [] };
  const asked = race.exportWeights('bp');
  assert.deepEqual(engines[0].sent.at(-1), { type: 'export_weights' });
  assert.equal(race.importWeights('bp', saved), null, 'one question in flight per lane');
  engines[0].reply({ type: 'weights', weights: saved });
  assert.deepEqual(await asked, { weights: saved });

  // An import is answered by the rebuilt model's `configured`; the lane then holds the weights.
  const loading = race.importWeights('bp', saved);
  assert.deepEqual(engines[0].sent.at(-1), { type: 'import_weights', weights: saved });
  const LOADED = [0, 0, 0.1, 0.97, 0.1, 0.97];
  engines[0].reply({ type: 'configured', rule: 'bp', experiment: experiments[0], columns: COLUMNS, rows: [LOADED] });
  assert.deepEqual(await loading, { columns: COLUMNS, rows: [LOADED] });
  assert.equal(race.list[0].weights, saved);
  assert.deepEqual(race.list[0].table.rows, [LOADED]);

  // A refused file is the question's answer, not the lane's error.
  const refused = race.importWeights('bp', { ...saved, sizes: [2, 2] });
  engines[0].reply({ type: 'weights_refused', message: 'the file is for a 2-2 network: set hidden to 2' });
  assert.deepEqual(await refused, { error: 'The file is for a 2-2 network: set hidden to 2.' });
  assert.equal(race.list[0].error, '');
  assert.equal(race.list[0].weights, saved, 'a refused file leaves the loaded model');

  // New settings while an import is on its way: the import is overtaken, and its late
  // `configured` (of the old settings) is a stray.
  const overtaken = race.importWeights('bp', saved);
  race.configure([{ ...experiments[0], seed: 2 }]);
  assert.equal(await overtaken, null);
  assert.equal(race.list[0].weights, null, 'a build from settings forgets the loaded weights');
  engines[0].reply({ type: 'configured', rule: 'bp', experiment: experiments[0], columns: COLUMNS, rows: [LOADED] });
  assert.equal(race.list[0].configuring, true, 'the stray answer is not the build asked for');
  assert.equal(race.phase, 'configuring');
});

test('a worker that crashes after weights were loaded is brought back from those weights, then replayed', () => {
  const { race, engines, built, experiments } = setup(['bp']);
  built();
  const saved = { format: 'brainprop-weights', version: 1, rule: 'bp', sizes: [1, 1], arrays: [] };
  race.importWeights('bp', saved);
  engines[0].reply({ type: 'configured', rule: 'bp', experiment: experiments[0], columns: COLUMNS, rows: [ROW0] });
  race.play();
  engines[0].reply(progress({ running: true, samples: 300, epoch: 0.75 }));
  engines[0].reply({ type: 'error', kind: 'crash', reason: 'panic', fatal: true, message: 'the engine hit an internal error (x)' });
  assert.equal(engines.length, 2);
  engines[1].reply({ type: 'configured', rule: 'bp', experiment: experiments[0], columns: COLUMNS, rows: [ROW0] });
  assert.deepEqual(engines[1].sent.at(-1), { type: 'import_weights', weights: saved }, 'the weights first');
  assert.equal(race.phase, 'recovering');
  assert.equal(race.canTrain, false);
  engines[1].reply({ type: 'configured', rule: 'bp', experiment: experiments[0], columns: COLUMNS, rows: [ROW0] });
  assert.deepEqual(engines[1].sent.at(-1), { type: 'replay', samples: 300 }, 'then the samples since the load');
  engines[1].reply(progress({ running: false, samples: 300, epoch: 0.75 }));
  assert.equal(race.phase, 'paused');
  assert.equal(race.list[0].weights, saved, 'and a second crash would load them again');
  assert.match(race.list[0].crashText, /brought back to epoch 0\.7: press Train to go on\.$/);
  // Reset starts from the seed: the weights are forgotten.
  race.reset();
  assert.equal(race.list[0].weights, null);
  assert.equal(engines[1].sent.at(-1).type, 'configure');
});
