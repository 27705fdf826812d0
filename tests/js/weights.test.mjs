// node --test tests/js/
// www/figures/export.js: the weights file a figure saves, and reading it back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { weightsFile, weightsOfFile, WEIGHTS_SET_FORMAT } from '../../www/figures/export.js';

const bp = { format: 'brainprop-weights', version: 1, rule: 'bp', sizes: [2, 3, 2], arrays: [{ name: 'w0', shape: [2, 3], data: [0.1, -0.2, 3e-8, 1, 0, 0.30000001192092896] }] };
const fa = { ...bp, rule: 'fa' };

test('one lane saves the engine\'s object as it is, under the figure and rule', () => {
  const { name, text } = weightsFile('backprop', new Map([['bp', bp]]));
  assert.equal(name, 'brainprop-backprop-bp.json');
  assert.deepEqual(JSON.parse(text), bp);
  assert.deepEqual(weightsOfFile(text), new Map([['bp', bp]]));
});

test('several lanes save one file keyed by rule, which reads back lane by lane', () => {
  const { name, text } = weightsFile('race', new Map([['bp', bp], ['fa', fa]]));
  assert.equal(name, 'brainprop-race-bp-fa.json');
  const file = JSON.parse(text);
  assert.equal(file.format, WEIGHTS_SET_FORMAT);
  assert.deepEqual(Object.keys(file.lanes), ['bp', 'fa']);
  assert.deepEqual(weightsOfFile(text), new Map([['bp', bp], ['fa', fa]]));
});

test('one lane named by a variant of its rule keeps its lane name through the file', () => {
  const one = { ...bp, rule: 'dendrites' }; // the depth race's lane `one`
  const { name, text } = weightsFile('dendrites_depth', new Map([['one', one]]));
  assert.equal(name, 'brainprop-dendrites_depth-one.json');
  assert.equal(JSON.parse(text).format, WEIGHTS_SET_FORMAT);
  assert.deepEqual(weightsOfFile(text), new Map([['one', one]]));
});

test('numbers keep every digit through the file', () => {
  const { text } = weightsFile('backprop', new Map([['bp', bp]]));
  assert.deepEqual(weightsOfFile(text).get('bp').arrays[0].data, bp.arrays[0].data);
});

test('text that is not a weights file is refused with a reason', () => {
  assert.throws(() => weightsOfFile('not json'), /not JSON/);
  assert.throws(() => weightsOfFile('{"format":"other"}'), /not a brainprop weights file/);
  assert.throws(() => weightsOfFile('null'), /not a brainprop weights file/);
});
