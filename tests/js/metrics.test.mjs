// node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricTable, MAX_POINTS, MAX_ROWS } from '../../www/engine/metrics.js';

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

// ---- decimation: a tab left training overnight ----------------------------------------------

const row = (i) => [i / 10, i * 32, 1 / (1 + i), 1 - 1 / (2 + i), 1.1 / (1 + i), 1 - 1.1 / (2 + i)];

test('a million rows appended one message at a time stay bounded, first and newest kept', () => {
  const table = new MetricTable(COLUMNS, [row(0)]);
  let most = 0;
  for (let i = 1; i < 1_000_000; i += 4) {
    table.append([row(i), row(i + 1), row(i + 2), row(i + 3)]);
    most = Math.max(most, table.rows.length);
    if (i % 99_997 === 1) assert.deepEqual(table.rows.at(-1), row(i + 3)); // the newest, every time
  }
  assert.ok(most <= MAX_ROWS + 1, `the table held ${most} rows`);
  assert.ok(table.rows.length >= MAX_ROWS / 2, `only ${table.rows.length} rows left: thinned too far`);
  assert.equal(table.count, 1_000_001);
  assert.deepEqual(table.rows[0], row(0));
  assert.deepEqual(table.rows.at(-1), row(1_000_000));
  assert.equal(table.last('test_acc'), row(1_000_000)[5]);
  assert.equal(table.last('epoch'), 100_000);
});

test('decimated rows are evenly spread, in order, over the whole run', () => {
  const table = new MetricTable(COLUMNS, [], { maxRows: 64 });
  for (let i = 0; i < 10_000; i++) table.append([row(i)]);
  const xs = table.rows.map((r) => r[0]);
  for (let i = 1; i < xs.length; i++) assert.ok(xs[i] > xs[i - 1], `x goes back at row ${i}`);
  assert.equal(xs[0], 0);
  assert.equal(xs.at(-1), 999.9);
  // Every kept row but the newest sits on the stride: the gaps between them are all equal.
  const gaps = new Set(xs.slice(1, -1).map((x, i) => Math.round(10 * (x - xs[i]))));
  assert.deepEqual([...gaps], [table.stride]);
  assert.ok(table.rows.length <= 65 && table.rows.length > 32, String(table.rows.length));
  // The chart still reaches from the untrained network to the last epoch.
  const points = table.points('test_loss');
  assert.deepEqual(points[0], [0, 1.1]);
  assert.deepEqual(points.at(-1), [999.9, 1.1 / 10_000]);
});

test('last() reads the newest row whether or not the table has thinned', () => {
  const table = new MetricTable(COLUMNS, [], { maxRows: 8 });
  for (let i = 0; i < 100; i++) {
    table.append([row(i)]);
    assert.equal(table.last('train_loss'), row(i)[2]);
    assert.equal(table.count, i + 1);
  }
});

test('a table below its cap keeps every row, and keepLast still bounds a simulation', () => {
  const rows = Array.from({ length: 3000 }, (_, i) => row(i));
  const table = new MetricTable(COLUMNS, rows);
  assert.equal(table.rows.length, 3000);
  assert.equal(table.stride, 1);
  const window = new MetricTable(COLUMNS);
  for (let i = 0; i < 5000; i++) {
    window.append([row(i)]);
    window.keepLast(1000);
  }
  assert.equal(window.rows.length, 1000);
  assert.deepEqual(window.rows[0], row(4000));
  assert.deepEqual(window.rows.at(-1), row(4999));
});

test('points() can take another x column, or the row position when the table has none', () => {
  const table = new MetricTable(['iteration', 'loss'], [[0, 3], [10, 2], [20, 1]]);
  assert.deepEqual(table.points('loss', MAX_POINTS, 'iteration'), [[0, 3], [10, 2], [20, 1]]);
  assert.deepEqual(table.points('loss'), [[0, 3], [1, 2], [2, 1]]);
});
