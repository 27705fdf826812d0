// End-to-end: saving a figure (issue 16): its charts as a valid PNG, its data as CSV whose rows
// are the plotted series.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { siteSuite, itStayedClean } from '../support/site.mjs';
import { engineIs } from '../support/figures.mjs';

const FIG = '[data-figure="backprop"]';

describe('saving a figure', { timeout: 120000 }, () => {
  const site = siteSuite();

  it('the charts save as a PNG and the curves as CSV matching the plotted series', async () => {
    const page = await site.open('#v=1&chapter=backprop&data=xor&speed=max&epochs=30');
    await engineIs(page, FIG, 'paused');
    await page.click(`${FIG} [data-el="train"]`);
    await engineIs(page, FIG, 'finished', 30000);
    await page.waitForFunction(() => /after epoch 30/.test(document.querySelector('canvas[data-chart="loss"]').getAttribute('aria-label')));

    const [csvFile] = await Promise.all([page.waitForEvent('download'), page.click(`${FIG} [data-el="save-csv"]`)]);
    assert.equal(csvFile.suggestedFilename(), 'brainprop-backprop.csv');
    const lines = (await readFile(await csvFile.path(), 'utf8')).trim().split('\n');
    const header = lines[0].split(',');
    assert.deepEqual(header.slice(0, 2), ['lane', 'epoch']);
    assert.equal(lines.length - 1, 31, 'one row per epoch and the untrained network');
    const last = Object.fromEntries(header.map((h, i) => [h, lines.at(-1).split(',')[i]]));
    assert.equal(last.epoch, '30');
    // The loss chart's text alternative states its last points: the CSV's last row, rounded.
    const label = await page.getAttribute('canvas[data-chart="loss"]', 'aria-label');
    const [, train, test] = /train ([\d.e-]+), test ([\d.e-]+) after epoch 30/.exec(label);
    const rounded = (full, shown) => Math.abs(Number(full) - Number(shown)) <= 0.5 * 10 ** -(shown.split('.')[1]?.length ?? 0) + 1e-12;
    assert.ok(rounded(last.train_loss, train), `${last.train_loss} vs ${train}`);
    assert.ok(rounded(last.test_loss, test), `${last.test_loss} vs ${test}`);
    assert.match(await page.textContent(`${FIG} [data-el="share-message"]`), /Saved brainprop-backprop\.csv/);

    const [pngFile] = await Promise.all([page.waitForEvent('download'), page.click(`${FIG} [data-el="save-png"]`)]);
    assert.equal(pngFile.suggestedFilename(), 'brainprop-backprop.png');
    const png = await readFile(await pngFile.path());
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'not a PNG');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    const charts = await page.$$eval(`${FIG} canvas[data-chart]`, (cs) => cs.filter((c) => c.offsetParent).map((c) => [c.width, c.height]));
    assert.equal(width, Math.max(...charts.map((c) => c[0])));
    assert.equal(height, charts.reduce((h, c) => h + c[1], 0));
    await page.close();
  });

  it('stop at a target test accuracy: the figure stops at the first epoch that reaches it and says which', async () => {
    const page = await site.open('#v=1&chapter=backprop&data=spiral&speed=max&epochs=2000&stop_at=80');
    await engineIs(page, FIG, 'paused');
    await page.click(`${FIG} [data-el="train"]`);
    await engineIs(page, FIG, 'finished', 60000);
    await page.waitForFunction((s) => /reached 80\.0 ?% at epoch \d+/.test(document.querySelector(s).textContent), `${FIG} [data-el="status"]`, { timeout: 3000 });
    const epoch = Number(/reached 80\.0 ?% at epoch (\d+)/.exec(await page.textContent(`${FIG} [data-el="status"]`))[1]);
    const [file] = await Promise.all([page.waitForEvent('download'), page.click(`${FIG} [data-el="save-csv"]`)]);
    const lines = (await readFile(await file.path(), 'utf8')).trim().split('\n').map((l) => l.split(','));
    const [header, ...rows] = lines;
    const col = (name) => header.indexOf(name);
    const first = rows.find((r) => Number(r[col('test_acc')]) >= 0.8);
    assert.equal(Number(first[col('epoch')]), epoch, 'the epoch given is the first to reach the target');
    assert.ok(epoch < 2000, 'it stopped early');
    // (At full speed the worker trains on while the pause travels: how far depends on the machine's
    // load, so it is not asserted; the epoch given is exact.)
    await page.close();
  });

  itStayedClean(site);
});
