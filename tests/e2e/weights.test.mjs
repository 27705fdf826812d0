// End-to-end: a figure's weights save as JSON, and loading that file restores the model (issue
// 16): after a Reset, the loaded network's test accuracy and loss are the trained one's, to the
// CSV's full precision; a file of another shape is refused with the setting to change, and the
// figure keeps working.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { siteSuite, itStayedClean } from '../support/site.mjs';
import { engineIs } from '../support/figures.mjs';

const FIG = '[data-figure="backprop"]';

/** Saves the figure's CSV and returns its rows as objects of strings (the numbers in full). */
async function csvRows(page, fig = FIG) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`${fig} [data-el="save-csv"]`)]);
  const [header, ...lines] = (await readFile(await file.path(), 'utf8')).trim().split('\n').map((l) => l.split(','));
  return lines.map((line) => Object.fromEntries(header.map((h, i) => [h, line[i]])));
}

/** Waits for the share block's message to match `pattern`; returns it. */
async function shareMessage(page, pattern, fig = FIG) {
  await page.waitForFunction(
    ([s, source]) => new RegExp(source).test(document.querySelector(s).textContent),
    [`${fig} [data-el="share-message"]`, pattern.source],
    { timeout: 30000 },
  );
  return page.textContent(`${fig} [data-el="share-message"]`);
}

/**
 * Trains the race figure `id` of `opening` (a promise of its page) to the end, saves its weights
 * (one file, keyed by lane: `rules` maps each lane to the engine rule its file entry names),
 * resets, loads the file, and checks that every lane's network is back: one row a lane, its test
 * loss the trained one's to the last digit.
 */
async function assertRaceRoundTrip(opening, id, rules) {
  const page = await opening;
  const lanes = Object.keys(rules);
  const dir = await mkdtemp(join(tmpdir(), 'brainprop-weights-'));
  const fig = `[data-figure="${id}"]`;
  await engineIs(page, fig, 'paused', 90000);
  assert.equal(await page.isHidden(`${fig} [data-el="save-weights"]`), false, 'no Save weights button');
  await page.click(`${fig} [data-el="train"]`);
  await engineIs(page, fig, 'finished', 120000);
  const trained = await csvRows(page, fig);
  const [saved] = await Promise.all([page.waitForEvent('download'), page.click(`${fig} [data-el="save-weights"]`)]);
  assert.equal(saved.suggestedFilename(), `brainprop-${id}-${lanes.join('-')}.json`);
  const path = join(dir, `${id}.json`);
  await saved.saveAs(path);
  const file = JSON.parse(await readFile(path, 'utf8'));
  assert.equal(file.format, 'brainprop-weights-set');
  assert.deepEqual(Object.keys(file.lanes), lanes);
  assert.deepEqual(Object.values(file.lanes).map((w) => w.rule), Object.values(rules));

  await page.click(`${fig} [data-el="reset"]`);
  await engineIs(page, fig, 'paused', 60000);
  await page.setInputFiles(`${fig} [data-el="load-weights"]`, path);
  const said = await shareMessage(page, new RegExp(`(Loaded .*){${lanes.length}}`), fig);
  assert.doesNotMatch(said, /not loaded/);
  const restored = await csvRows(page, fig);
  assert.equal(restored.length, lanes.length, 'one row a lane: the loaded networks');
  const ends = new Map(trained.map((row) => [row.lane, row])); // each lane's last row
  assert.equal(ends.size, lanes.length);
  for (const row of restored) assert.equal(row.test_loss, ends.get(row.lane).test_loss, row.lane);
  await page.close();
}

describe('saving and loading weights', { timeout: 180000 }, () => {
  const site = siteSuite();

  it('loading the saved weights after a Reset reproduces the test accuracy; another shape is refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'brainprop-weights-'));
    const page = await site.open('#v=1&chapter=backprop&data=xor&speed=max&epochs=20');
    await engineIs(page, FIG, 'paused');
    assert.equal(await page.isVisible(`${FIG} [data-el="save-weights"]`), true);
    assert.equal(await page.textContent(`${FIG} label[for$="-load-weights"]`), 'Load weights…');
    await page.click(`${FIG} [data-el="train"]`);
    await engineIs(page, FIG, 'finished', 60000);
    await page.waitForFunction(() => /after epoch 20/.test(document.querySelector('canvas[data-chart="loss"]').getAttribute('aria-label')));
    const trained = (await csvRows(page)).at(-1);
    assert.equal(trained.epoch, '20');

    const [saved] = await Promise.all([page.waitForEvent('download'), page.click(`${FIG} [data-el="save-weights"]`)]);
    assert.equal(saved.suggestedFilename(), 'brainprop-backprop-bp.json');
    const path = join(dir, 'weights.json');
    await saved.saveAs(path);
    const weights = JSON.parse(await readFile(path, 'utf8'));
    assert.equal(weights.format, 'brainprop-weights');
    assert.equal(weights.rule, 'bp');
    assert.equal(weights.experiment.data, 'xor');
    const layers = weights.sizes.length - 1;
    const names = ['w', 'b'].flatMap((kind) => [...Array(layers).keys()].map((l) => `${kind}${l}`)); // w0 w1 … b0 b1 …
    assert.deepEqual(weights.arrays.map((a) => a.name), names);
    assert.deepEqual(weights.arrays[0].shape, weights.sizes.slice(0, 2));
    assert.match(await shareMessage(page, /Saved brainprop-backprop-bp\.json/), /Saved/);

    await page.click(`${FIG} [data-el="reset"]`);
    await engineIs(page, FIG, 'paused');
    const untrained = await csvRows(page);
    assert.equal(untrained.length, 1, 'after Reset only the untrained row');
    assert.notEqual(untrained[0].test_loss, trained.test_loss, 'Reset went back to the untrained network');

    await page.setInputFiles(`${FIG} [data-el="load-weights"]`, path);
    const loaded = await shareMessage(page, /weights/);
    assert.match(loaded, /^Loaded .*'s weights: test accuracy/, loaded);
    const restored = await csvRows(page);
    assert.equal(restored.length, 1, 'one row: the loaded network, at epoch 0');
    assert.equal(restored[0].test_acc, trained.test_acc);
    assert.equal(restored[0].test_loss, trained.test_loss);

    // A file for a 2-16-2 network: refused, naming the setting; the figure trains on.
    const other = { ...weights, sizes: [2, 16, 2], experiment: { ...weights.experiment, hidden: [16] } };
    const otherPath = join(dir, 'other.json');
    await writeFile(otherPath, JSON.stringify(other));
    await page.setInputFiles(`${FIG} [data-el="load-weights"]`, otherPath);
    const refused = await shareMessage(page, /not loaded/);
    assert.match(refused, new RegExp(`the file is for a 2-16-2 network, and this figure's is ${weights.sizes.join('-')}: set hidden to 16\\.`, 'i'), refused);
    await writeFile(otherPath, '{"not": "weights"}');
    await page.setInputFiles(`${FIG} [data-el="load-weights"]`, otherPath);
    assert.match(await shareMessage(page, /not a brainprop weights file/), /choose one saved/);
    assert.equal(await page.isHidden(`${FIG} [data-el="alert"]`), true, 'a refused file is not the model\'s error');
    await page.click(`${FIG} [data-el="train"]`);
    await engineIs(page, FIG, 'finished', 60000);
    const after = await csvRows(page);
    assert.equal(after.at(-1).epoch, '20', 'the loaded network trained on to the end');
    await page.close();
  });

  it('a race saves every lane in one file keyed by rule, and each lane loads its own', async () => {
    await assertRaceRoundTrip(site.open('#v=1&chapter=feedback&fig=linear&linear.epochs=3'), 'linear', { bp: 'bp', fa: 'fa', shallow: 'shallow' });
  });

  it('a race of variants of one rule saves its lanes under their names, and each loads its own', async () => {
    // The depth race: lanes none and one are both the engine's `dendrites` model.
    const page = site.open('#v=1&chapter=dendrites&fig=dendrites_depth&dendrites_depth.lanes=none,one&dendrites_depth.epochs=1');
    await assertRaceRoundTrip(page, 'dendrites_depth', { none: 'dendrites', one: 'dendrites' });
  });

  it('figures without networks that save weights do not offer the buttons', async () => {
    const page = await site.open('#v=1&chapter=spikes');
    await page.waitForSelector('[data-figure="neuron"]');
    const shown = await page.$$eval('[data-figure="neuron"] [data-el="weights"]', (els) => els.map((e) => e.hidden));
    assert.deepEqual(shown, [true], 'the SuperSpike neuron has no weights file');
    await page.close();
  });

  itStayedClean(site);
});
