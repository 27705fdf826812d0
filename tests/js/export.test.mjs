// node --test tests/js/
// www/figures/export.js: the CSV a figure saves holds exactly the rows its charts draw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lanesCsv } from '../../www/figures/export.js';
import { MetricTable } from '../../www/engine/metrics.js';

test('every lane\'s rows, under the union of the columns, numbers in full and NaN empty', () => {
  const bp = new MetricTable(['epoch', 'train_loss', 'test_acc'], [[0, 2.302585092994046, 0.1], [1, 0.5, NaN]]);
  const fa = new MetricTable(['epoch', 'train_loss', 'test_acc', 'angle'], [[0, 2.3, 0.1, 89.5]]);
  const csv = lanesCsv([{ name: 'BP', table: bp }, { name: 'FA, "random"', table: fa }]);
  assert.equal(csv, [
    'lane,epoch,train_loss,test_acc,angle',
    'BP,0,2.302585092994046,0.1,',
    'BP,1,0.5,,',
    '"FA, ""random""",0,2.3,0.1,89.5',
    '',
  ].join('\n'));
});

test('a long run saves the rows its charts draw: the thinned table, first and newest kept', () => {
  const table = new MetricTable(['epoch', 'loss'], [], { maxRows: 64 });
  for (let i = 0; i <= 1000; i += 1) table.append([[i, 1 / (i + 1)]]);
  const lines = lanesCsv([{ name: 'BP', table }]).trim().split('\n');
  assert.equal(lines.length - 1, table.rows.length);
  assert.equal(lines[1], 'BP,0,1');
  assert.equal(lines.at(-1), `BP,1000,${1 / 1001}`);
});
