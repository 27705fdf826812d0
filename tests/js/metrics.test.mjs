// node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricTable, MAX_POINTS } from '../../www/engine/metrics.js';

const COLUMNS = ['epoch', 'samples', 'train_loss', 'train_acc', 'test_loss', 'test_acc'];

test('loss and accuracy columns become two charts with train and test curves', () => {
  const table = new MetricTable(COLUMNS, [[0, 0, 0.7, 0.5, 0.71, 0.49]]);
  const groups = table.groups();
  assert.deepEqual(groups.map((g) => g.id), ['loss', 'acc']);
  assert.deepEqual(groups[0].series.map((s) => [s.column, s.name, s.color]), [['train_loss', 'train', 0], ['test_loss', 'test', 1]]);
  assert.deepEqual(groups[1].yRange, [0, 1]);
});

test('columns added by other rules get their own charts, by name prefix', () => {
  const table = new MetricTable([...COLUMNS, 'angle_w1', 'angle_w2', 'energy']);
  const groups = table.groups();
  assert.deepEqual(groups.map((g) => g.id), ['loss', 'acc', 'angle', 'energy']);
  assert.deepEqual(groups[2].series.map((s) => s.name), ['angle w1', 'angle w2']);
  assert.notEqual(groups[2].series[0].color, groups[2].series[1].color);
});

test('rows append, and the last value of a column is read by name', () => {
  const table = new MetricTable(COLUMNS, [[0, 0, 0.7, 0.5, 0.71, 0.49]]);
  table.append([[1, 400, 0.5, 0.8, 0.52, 0.78], [2, 800, 0.3, 0.9, 0.33, 0.88]]);
  assert.equal(table.rows.length, 3);
  assert.equal(table.last('test_acc'), 0.88);
  assert.equal(table.last('nope'), undefined);
  assert.deepEqual(table.points('train_loss'), [[0, 0.7], [1, 0.5], [2, 0.3]]);
});

test('long curves are thinned but keep their first and last points', () => {
  const rows = Array.from({ length: 2501 }, (_, i) => [i, i * 10, 1 / (i + 1), 0, 0, 0]);
  const points = new MetricTable(COLUMNS, rows).points('train_loss');
  assert.ok(points.length <= MAX_POINTS + 1, String(points.length));
  assert.deepEqual(points[0], [0, 1]);
  assert.deepEqual(points.at(-1), [2500, 1 / 2501]);
  for (let i = 1; i < points.length; i++) assert.ok(points[i][0] > points[i - 1][0]);
});
