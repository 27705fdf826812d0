// node --test tests/js/
// www/views/linechart.js thinPoints: a long curve drawn with about as many points as a chart
// has pixels, keeping its first and last points and every run's extremes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { thinPoints } from '../../www/views/linechart.js';

test('short curves are drawn as they are', () => {
  const points = [[0, 1], [1, 0.5], [2, 0.25]];
  assert.equal(thinPoints(points, 100), points);
});

test('a long curve keeps at most `most` points, its ends, its extremes and its gaps, in x order', () => {
  const n = 4096;
  const points = Array.from({ length: n }, (_, i) => [i, Math.exp(-i / 500) + 0.05 * Math.sin(i * 1.7)]);
  points[1234][1] = 7; // a spike
  points[3000][1] = -3; // a dip
  points[2000][1] = NaN; // a gap
  const thin = thinPoints(points, 1200);
  assert.ok(thin.length <= 1200 + 1, `${thin.length} points`);
  assert.ok(thin.length >= 600);
  assert.deepEqual(thin[0], points[0]);
  assert.deepEqual(thin.at(-1), points.at(-1));
  for (const k of [1234, 3000, 2000]) assert.ok(thin.includes(points[k]), `point ${k} kept`);
  for (let i = 1; i < thin.length; i += 1) assert.ok(thin[i][0] > thin[i - 1][0], 'in x order, no repeats');
  // Every original point lies within the range of the kept points of its run: the envelope holds.
  const finite = (ps) => ps.map((p) => p[1]).filter(Number.isFinite);
  assert.equal(Math.max(...finite(thin)), Math.max(...finite(points)));
  assert.equal(Math.min(...finite(thin)), Math.min(...finite(points)));
});
