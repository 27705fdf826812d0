// End-to-end test of the Nudging chapter (equilibrium propagation) in headless Chromium.
//   source scripts/env.sh && wasm_env trunk build --release
//   node --test --test-concurrency=1 tests/e2e/nudging.test.mjs
// Serves dist/ from a static server started here and uses the chapter as a reader would: trains
// the learning figure from the keyboard, watches the settling figure animate, runs the gradient
// and STDP figures, and checks that every figure's "Copy link" reopens the same settings. The
// figures whose engine model this build does not have yet are skipped (they are not on the page).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, siteSuite, itStayedClean } from '../support/site.mjs';
import { fig, phaseIs, readouts, assertLanesAbove, epochsReached, inkOf, openFromLanding } from '../support/figures.mjs';
import { FIGURES_OF } from '../../www/state/state.js';

const FIGS = FIGURES_OF.nudging;
const has = (id) => FIGS.includes(id);
const COLORS = { bp: [0, 114, 178], eqprop: [0, 158, 115], target: [213, 94, 0], grey: [120, 120, 120] };

/** The share field's text after pressing "Copy link" in figure `id`. */
async function copyLink(page, id) {
  await page.click(`${fig(id)} [data-el="copy-link"]`);
  await page.waitForFunction((sel) => document.querySelector(`${sel} [data-el="share-text"]`).value !== '', fig(id));
  return page.inputValue(`${fig(id)} [data-el="share-text"]`);
}

/** Sets a text field of a figure's form and commits it (Enter). */
async function setField(page, id, name, value) {
  await page.fill(`#${id}-${name.replace(/_/g, '-')}`, String(value));
  await page.press(`#${id}-${name.replace(/_/g, '-')}`, 'Enter');
}

describe('the Nudging chapter', { timeout: 240000 }, () => {
  const measured = {};
  const site = siteSuite(measured);
  const open = (hash, options) => site.open(hash, options);

  it('the landing card is live and the chapter shows its prose, equations and papers', async () => {
    const page = await openFromLanding(site, 'Nudging', 'nudging', [
      'equilibrium propagation', 'free phase', 'weakly clamped', 'Scellier', 'Bengio', 'Laborieux',
      'STDP as presynaptic activity times rate of change of postsynaptic activity', 'Frontiers in Computational Neuroscience',
    ]);
    assert.equal(await page.locator('[data-page="nudging"] .equation-row').count(), 2);
    // Every declared figure is on the page; a placeholder without one stays hidden.
    for (const id of ['settling', 'learning', 'gradient', 'stdp']) {
      assert.equal(await page.isVisible(fig(id)), has(id), `${id} shown`);
    }
    const labels = await page.$$eval('[data-page="nudging"] [data-figure]:not([hidden]) [data-el="train"]', (bs) => bs.map((b) => b.getAttribute('aria-label')));
    assert.equal(labels.length, FIGS.length);
    for (const label of labels) assert.match(label, /^(Train|Play|Run) \(figure \d\)$/);
    await page.screenshot({ path: join(ARTIFACTS, 'nudging-top.png') });
    await page.close();
  });

  it('the learning figure trains from the keyboard: EqProp beside BP, both above 85 % after one epoch, with samples/s', async () => {
    const page = await open('#v=1&chapter=nudging&fig=learning');
    await phaseIs(page, 'learning', 'paused', 60000); // loads the digits once, builds two networks
    const t0 = Date.now();
    await page.locator(`${fig('learning')} .figure-head h2`).click(); // the reader's figure now (keys act on it alone)
    await page.keyboard.press('Space');
    await phaseIs(page, 'learning', 'training', 3000);
    await epochsReached(page, 'learning', ['eqprop', 'bp'], 1, 60000);
    measured.eqpropOneEpochSeconds = (Date.now() - t0) / 1000;
    measured.learningAfterOneEpoch = await assertLanesAbove(page, 'learning', ['eqprop', 'bp'], 85, 'an epoch');
    // Out of view, the figure holds; back in view, it goes on.
    await page.locator(fig('stdp')).scrollIntoViewIfNeeded();
    await phaseIs(page, 'learning', 'paused', 5000);
    await page.waitForFunction((sel) => /paused while out of view$/.test(document.querySelector(`${sel} [data-el="status"]`).textContent), fig('learning'), { timeout: 3000 });
    await page.locator(fig('learning')).scrollIntoViewIfNeeded();
    await phaseIs(page, 'learning', 'training', 5000);
    await page.keyboard.press('Space');
    await phaseIs(page, 'learning', 'paused', 5000);
    const chart = `${fig('learning')} canvas[data-chart="acc"]`;
    assert.match(await page.getAttribute(chart, 'aria-label'), /^Test accuracy: EqProp [\d.]+ % after \d+ epochs?; BP [\d.]+ % after \d+ epochs?\.$/);
    // After an epoch or two the two curves lie almost on top of each other: BP's is drawn last.
    assert.ok(await inkOf(page, chart, COLORS.bp) + await inkOf(page, chart, COLORS.eqprop) > 30, 'no curves');
    assert.deepEqual(await page.$$eval(`${fig('learning')} [data-chart="acc"] ~ .direct-labels .direct-label`, (ls) => ls.map((l) => l.textContent.split(' ')[0]).sort()), ['BP', 'EqProp']);
    await page.locator(fig('learning')).screenshot({ path: join(ARTIFACTS, 'nudging-learning.png') });
    // → trains one more epoch; R rebuilds both from the same seed.
    const before = (await readouts(page, 'learning')).eqprop.epoch;
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(([sel, e]) => Number(document.querySelector(`${sel} tr[data-rule="eqprop"] td[data-col="epoch"]`).textContent) >= Math.floor(e) + 1, [fig('learning'), before], { timeout: 30000 });
    await phaseIs(page, 'learning', 'paused', 30000);
    await page.keyboard.press('r');
    await phaseIs(page, 'learning', 'paused', 30000);
    await page.waitForTimeout(600);
    assert.deepEqual(Object.values(await readouts(page, 'learning')).map((l) => l.epoch), [0, 0]);
    await page.close();
  });

  it('the learning figure\'s link round-trips: Copy link reopens the same settings', async () => {
    const page = await open('#v=1&chapter=nudging&fig=learning');
    await phaseIs(page, 'learning', 'paused', 60000);
    await setField(page, 'learning', 'beta', 0.2);
    await page.check(`${fig('learning')} input[name="learning.persistent"]`);
    await setField(page, 'learning', 'seed', 7);
    const link = await copyLink(page, 'learning');
    assert.match(link, /#v=1&chapter=nudging&fig=learning&learning\.beta=0\.2&learning\.symmetric=0&learning\.persistent=1&learning\.epochs=25&learning\.seed=7&/);
    const again = await open(link.slice(link.indexOf('#')));
    await again.locator(fig('learning')).waitFor();
    assert.equal(await again.inputValue('#learning-beta'), '0.2');
    assert.equal(await again.inputValue('#learning-seed'), '7');
    assert.ok(await again.isChecked(`${fig('learning')} input[name="learning.persistent"]`));
    assert.equal(await copyLink(again, 'learning'), link);
    await again.close();
    await page.close();
  });

  it('the settling figure animates: its curves and text alternative change step by step, and the nudge pulls the target up', { skip: !has('settling') && 'no settling model in this build' }, async () => {
    const page = await open('#v=1&chapter=nudging&fig=settling');
    await phaseIs(page, 'settling', 'paused', 60000);
    const outputs = `${fig('settling')} canvas[data-chart="outputs"]`;
    // The main thread's long tasks while the figure animates (recorded; the benchmark's to judge).
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => Math.round(e.duration)))).observe({ type: 'longtask' });
    });
    await page.locator(`${fig('settling')} .figure-head h2`).click(); // the reader's figure now (keys act on it alone)
    await page.keyboard.press('Space');
    // Pretraining first (no rows), then one row per step at about 20 steps a second.
    await page.waitForFunction((sel) => /free phase/.test(document.querySelector(sel).getAttribute('aria-label')), outputs, { timeout: 60000 });
    const seen = new Set();
    const t0 = Date.now();
    while (Date.now() - t0 < 1500) {
      seen.add(await page.getAttribute(outputs, 'aria-label'));
      await page.waitForTimeout(100);
    }
    assert.ok(seen.size >= 3, `the settling figure did not animate: ${[...seen].join(' | ')}`);
    await phaseIs(page, 'settling', 'finished', 60000);
    measured.settlingLongTasksMs = await page.evaluate(() => window.longTasks);
    await page.waitForTimeout(1200);
    const text = await page.getAttribute(outputs, 'aria-label');
    measured.settling = text;
    assert.match(text, /nudged phase/);
    const m = /its unit is at ([\d.]+) \(([\d.]+) at the end of the free phase\)/.exec(text);
    assert.ok(m && Number(m[1]) > Number(m[2]), `the nudge did not pull the target up: ${text}`);
    assert.ok(await inkOf(page, outputs, COLORS.target) > 30, 'no target curve');
    assert.ok(await inkOf(page, `${fig('settling')} [data-el="digit"]`, [20, 20, 20]) > 20, 'no digit');
    await page.locator(fig('settling')).screenshot({ path: join(ARTIFACTS, 'nudging-settling.png') });
    const link = await copyLink(page, 'settling');
    assert.match(link, /fig=settling&/);
    const again = await open(link.slice(link.indexOf('#')));
    await again.locator(fig('settling')).waitFor();
    assert.equal(await copyLink(again, 'settling'), link);
    await again.close();
    await page.close();
  });

  it('with reduced motion the settling figure is not animated: it runs through and is drawn settled', { skip: !has('settling') && 'no settling model in this build' }, async () => {
    const page = await open('#v=1&chapter=nudging&fig=settling', { reducedMotion: 'reduce' });
    await phaseIs(page, 'settling', 'paused', 60000);
    const t0 = Date.now();
    await page.click(`${fig('settling')} [data-el="train"]`);
    await phaseIs(page, 'settling', 'finished', 30000);
    measured.settlingReducedMotionSeconds = (Date.now() - t0) / 1000;
    await page.waitForFunction((sel) => /step 40, nudged phase/.test(document.querySelector(sel).getAttribute('aria-label')), `${fig('settling')} canvas[data-chart="outputs"]`, { timeout: 3000 });
    await page.close();
  });

  for (const [id, chart, pattern] of [
    ['gradient', 'cosine', /^Cosine between the EqProp update and the true gradient: one-sided /],
    ['stdp', 'stdp', /^Weight change against spike timing .*zero crossing at/],
  ]) {
    it(`the ${id} figure runs, draws its curve and round-trips its link`, { skip: !has(id) && `no ${id} model in this build` }, async () => {
      const page = await open(`#v=1&chapter=nudging&fig=${id}`);
      await phaseIs(page, id, 'paused', 60000);
      await page.locator(`${fig(id)} .figure-head h2`).click(); // the reader's figure now (keys act on it alone)
      await page.keyboard.press('Space');
      await phaseIs(page, id, 'finished', 120000);
      await page.waitForTimeout(1200);
      const text = await page.getAttribute(`${fig(id)} canvas[data-chart="${chart}"]`, 'aria-label');
      measured[id] = text;
      assert.match(text, pattern);
      await page.locator(fig(id)).screenshot({ path: join(ARTIFACTS, `nudging-${id}.png`) });
      const link = await copyLink(page, id);
      const again = await open(link.slice(link.indexOf('#')));
      await again.locator(fig(id)).waitFor();
      assert.equal(await copyLink(again, id), link);
      await again.close();
      await page.close();
    });
  }

  itStayedClean(site);
});
