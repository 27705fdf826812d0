// node --test tests/js/
// www/figures/drawpad.js: the brush, the MNIST-style preparation of a drawing, its text
// alternative, and the race's `predict` (one question in flight per lane).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIDE, FINE, BOX, emptyInk, dab, stroke, prepareDigit, describeInk } from '../../www/figures/drawpad.js';
import { fakeRace } from '../support/fake-engine.mjs';

/** Centre of mass and the height and width of the inked rows and columns of a 28×28 image. */
function measure(image) {
  const rows = Array.from({ length: SIDE }, (_, r) => image.slice(r * SIDE, (r + 1) * SIDE).reduce((a, b) => a + b, 0));
  const cols = Array.from({ length: SIDE }, (_, c) => rows.reduce((sum, _r, r) => sum + image[r * SIDE + c], 0));
  const mass = rows.reduce((a, b) => a + b, 0);
  const centre = (sums) => sums.reduce((sum, v, k) => sum + v * (k + 0.5), 0) / mass;
  const inked = (k, line) => Array.from({ length: SIDE }, (_, j) => image[line(k, j)]).some((v) => v > 0.05);
  const span = (line) => Array.from({ length: SIDE }, (_, k) => inked(k, line)).filter(Boolean).length;
  return { mass, cx: centre(cols), cy: centre(rows), height: span((r, c) => r * SIDE + c), width: span((c, r) => r * SIDE + c) };
}

test('an empty pad prepares to nothing, and says it is empty', () => {
  const ink = emptyInk();
  assert.equal(ink.length, (SIDE * FINE) ** 2);
  assert.equal(prepareDigit(ink), null);
  assert.equal(describeInk(ink), 'Empty.');
});

test('the brush paints soft ink in [0, 1], full at its centre, and painting twice does not thicken it', () => {
  const ink = emptyInk();
  dab(ink, 14, 14);
  const centre = ink[(14 * FINE) * SIDE * FINE + 14 * FINE];
  assert.equal(centre, 1);
  assert.ok(ink.every((v) => v >= 0 && v <= 1));
  const soft = ink.filter((v) => v > 0 && v < 1).length;
  assert.ok(soft > 0, 'the edge fades');
  const once = Float32Array.from(ink);
  dab(ink, 14, 14);
  assert.deepEqual(ink, once);
});

test('a small drawing in a corner is centred by its centre of mass and scaled to fill the 20-pixel box', () => {
  const ink = emptyInk();
  stroke(ink, 3, 2, 3, 10); // a short vertical bar, top left
  const digit = prepareDigit(ink);
  assert.equal(digit.length, SIDE * SIDE);
  assert.ok(digit.every((v) => v >= 0 && v <= 1));
  const m = measure(digit);
  assert.ok(Math.abs(m.cx - SIDE / 2) < 0.5, `centre x ${m.cx}`);
  assert.ok(Math.abs(m.cy - SIDE / 2) < 0.5, `centre y ${m.cy}`);
  assert.ok(m.height >= BOX - 1 && m.height <= BOX + 1, `the longer side fills the box: ${m.height}`);
  assert.ok(m.width < m.height / 2, `the aspect ratio is kept: ${m.width} × ${m.height}`);
});

test('where on the pad a drawing is makes no difference to what the networks see', () => {
  const a = emptyInk();
  const b = emptyInk();
  stroke(a, 4, 4, 12, 12);
  stroke(b, 14, 10, 22, 18); // the same stroke, moved by (10, 6)
  const pa = prepareDigit(a);
  const pb = prepareDigit(b);
  const diff = pa.reduce((worst, v, i) => Math.max(worst, Math.abs(v - pb[i])), 0);
  assert.ok(diff < 1e-4, `largest difference ${diff}`);
});

test('the strokes of a prepared digit are about as thick as MNIST strokes (2–4 pixels)', () => {
  const ink = emptyInk();
  stroke(ink, 14, 3, 14, 25); // a "1" as tall as the pad
  const digit = prepareDigit(ink);
  const row = Array.from(digit.subarray(14 * SIDE, 15 * SIDE));
  const width = row.reduce((sum, v) => sum + v, 0); // ink across the stroke, in pixels
  assert.ok(width >= 1.5 && width <= 4, `stroke width ${width}`);
});

test('the text alternative names where the ink is', () => {
  const ink = emptyInk();
  stroke(ink, 10.5, 5.5, 10.5, 20.5);
  assert.match(describeInk(ink), /^Ink in \d+ of 784 pixels, rows \d+–\d+ and columns \d+–\d+\.$/);
});

test('the race asks each lane at most once at a time, and hands back its answer or its refusal', async () => {
  const { race, engines } = fakeRace();
  race.configure([{ rule: 'bp', data: 'mnist', seed: 1, epochs: 1 }, { rule: 'fa', data: 'mnist', seed: 1, epochs: 1 }]);
  assert.equal(race.predict('bp', [[0]]), null, 'no model yet');
  for (const [i, engine] of engines.entries()) {
    engine.reply({ type: 'configured', experiment: { rule: ['bp', 'fa'][i], data: 'mnist', seed: 1, epochs: 1 }, columns: ['epoch'], rows: [] });
  }
  const input = [Array.from({ length: 784 }, () => 0.5)];
  const bp = race.predict('bp', input);
  const fa = race.predict('fa', input);
  assert.ok(bp && fa);
  assert.equal(race.predict('bp', input), null, 'one question in flight per lane');
  assert.deepEqual(engines[0].sent.at(-1), { type: 'predict', inputs: input });
  const p = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
  engines[0].reply({ type: 'prediction', probabilities: [p] });
  assert.deepEqual(await bp, { probabilities: [p] });
  engines[1].reply({ type: 'error', kind: 'protocol', fatal: false, message: 'this model gives no class probabilities' });
  assert.deepEqual(await fa, { error: 'This model gives no class probabilities.' });
  assert.equal(race.list[1].error, '', 'a refused question is not the lane\'s error');
  assert.ok(race.predict('bp', input), 'answered: the lane may be asked again');
});
