// The Spikes chapter's figure declarations and state: lanes of one rule that differ in their
// feedback, the painted target's round trip through the URL, and the picture's cells.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, serialize, experimentsOf, experimentFor, SPIKES_FIGURES, ruleOf } from '../../www/state/state.js';
import { SCHEMA } from '../../www/state/schema.js';
import { fitTarget, pictureBins } from '../../www/state/figures.js';
import {
  defaultPicture, rowCells, cellsRow, targetOf, pictureOf, isDefaultPicture, chartsOf, paceOf, progressText,
} from '../../www/chapters/spikes/figures.js';

const chapter = () => parse('#v=1&chapter=spikes').state;

test('the chapter has four figures, each starting from its engine preset', () => {
  assert.deepEqual(SPIKES_FIGURES, ['neuron', 'picture', 'xor', 'surrogate']);
  const state = chapter();
  const [neuron] = experimentsOf('neuron', state);
  assert.deepEqual({ ...neuron }, { rule: 'superspike', ...SCHEMA.figure_presets.superspike_spikes });
  const [surrogate] = experimentsOf('surrogate', state);
  assert.equal(surrogate.task, 'spikes');
  const xor = experimentsOf('xor', state);
  assert.equal(xor[0].lr, SCHEMA.figure_presets.superspike_xor.lr);
  assert.equal(xor[0].epochs, SCHEMA.figure_presets.superspike_xor.epochs);
});

test('a race of SuperSpike lanes: one rule, lanes that differ only in their feedback (or no hidden layer)', () => {
  const state = chapter();
  const picture = experimentsOf('picture', state);
  assert.deepEqual(picture.map((e) => e.lane), ['symmetric', 'random', 'uniform', 'none']);
  assert.deepEqual(picture.map((e) => e.feedback), ['symmetric', 'random', 'uniform', 'none']);
  for (const e of picture) {
    assert.equal(e.rule, 'superspike');
    const { lane, feedback, ...rest } = e;
    const { lane: l0, feedback: f0, ...first } = picture[0];
    assert.deepEqual(rest, first, `${lane} differs in more than its feedback`);
  }
  const xor = experimentsOf('xor', state);
  assert.deepEqual(xor.map((e) => e.lane), ['symmetric', 'random', 'none', 'output']);
  assert.equal(xor.find((e) => e.lane === 'output').hidden, 0);
  assert.equal(xor.find((e) => e.lane === 'none').hidden, 32);
  assert.equal(ruleOf('xor', 'output'), 'superspike');
  // A link cannot turn one lane into another: the lane's own settings win.
  const linked = parse('#v=1&chapter=spikes&xor.feedback=random&xor.hidden=10').state;
  assert.equal(experimentFor('xor', 'symmetric', linked).feedback, 'symmetric');
  assert.equal(experimentFor('xor', 'symmetric', linked).hidden, 10);
  assert.equal(experimentFor('xor', 'output', linked).hidden, 0);
});

test('the lanes and the shown lane are URL settings', () => {
  const { state, notices } = parse('#v=1&chapter=spikes&picture.lanes=none,symmetric&picture.show=none');
  assert.deepEqual(notices, []);
  assert.deepEqual(state['picture.lanes'], ['symmetric', 'none']);
  assert.deepEqual(experimentsOf('picture', state).map((e) => e.lane), ['symmetric', 'none']);
  assert.match(serialize(state), /picture\.lanes=symmetric,none&picture\.show=none/);
  assert.match(parse('#v=1&chapter=spikes&picture.lanes=output').notices[0], /lanes: "output" is not one of/);
});

test('a painted target round-trips through the URL, exactly, up to 53 bins', () => {
  const cells = defaultPicture(20, 25).map((row) => row.map((on, b) => (b === 3 ? !on : on)));
  const target = targetOf(cells);
  const state = { ...chapter(), 'picture.target': target };
  const hash = serialize(state, { figure: 'picture' });
  assert.match(hash, /&picture\.target=\d+(,\d+){19}(&|$)/);
  const back = parse(hash);
  assert.deepEqual(back.notices, []);
  assert.deepEqual(back.state['picture.target'], target);
  assert.deepEqual(pictureOf(back.state), cells);
  assert.deepEqual(experimentsOf('picture', back.state)[0].target, target);
  // 53 bins: the largest row is 2^53 − 1, still exact in a URL and in a double.
  const full = Array(53).fill(true);
  assert.equal(cellsRow(full), 2 ** 53 - 1);
  assert.deepEqual(rowCells(cellsRow(full), 53), full);
  const wide = parse(`#v=1&chapter=spikes&picture.duration=2000&picture.target=${2 ** 53 - 1},1`).state;
  assert.equal(pictureBins(2000), 53);
  assert.deepEqual(wide['picture.target'], [2 ** 53 - 1, 1]);
});

test('the default picture is the empty target, and the experiment always fits the network', () => {
  const state = chapter();
  assert.deepEqual(state['picture.target'], []);
  assert.match(serialize(state), /picture\.target=(&|$)/);
  assert.ok(isDefaultPicture(pictureOf(state)));
  assert.equal(pictureOf(state).flat().filter(Boolean).length, 145, 'the engine\'s face has 145 target spikes');
  // Fewer rows than outputs are padded, more are dropped, bits past the last bin cleared.
  assert.deepEqual(fitTarget([1, 2], 4, 25), [1, 2, 0, 0]);
  assert.deepEqual(fitTarget([1, 2, 3], 2, 25), [1, 2]);
  assert.deepEqual(fitTarget([2 ** 25 + 5], 1, 25), [5]);
  const linked = parse('#v=1&chapter=spikes&picture.target=7,7').state;
  assert.equal(experimentsOf('picture', linked)[0].target.length, 20);
  // Clear: every row 0, which is a picture (silence), not the default face.
  const clear = targetOf(defaultPicture(20, 25).map((row) => row.map(() => false)));
  assert.deepEqual(clear, Array(20).fill(0));
  assert.ok(!isDefaultPicture(pictureOf({ ...state, 'picture.target': clear })));
});

test('charts, pace and status of each figure', () => {
  const state = chapter();
  for (const id of SPIKES_FIGURES) assert.ok(paceOf(id) > 0 && paceOf(id) < Infinity, id);
  const table = { points: () => [[1, 3.2], [2, 2.5]], index: () => 0, columns: ['epoch', 'loss'] };
  const [loss] = chartsOf('xor', state, [{ rule: 'symmetric', table }, { rule: 'output', table }]);
  assert.equal(loss.id, 'loss');
  assert.match(loss.summary, /^Van Rossum loss: Symmetric 2\.50 after 2 epochs; No hidden 2\.50 after 2 epochs\.$/);
  assert.equal(loss.xMax, 1000);
  const [surrogate, eligibility] = chartsOf('surrogate', state, [{ rule: 'superspike', table, snapshot: null }]);
  assert.equal(surrogate.id, 'surrogate');
  assert.equal(eligibility.id, 'eligibility');
  assert.equal(progressText('xor', state, [{ epoch: 12 }]), 'Epoch 12 of 1000 (four trials each)');
  assert.equal(progressText('neuron', state, [{ epoch: 7 }]), 'Trial 7 of 600');
});
