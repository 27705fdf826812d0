// End-to-end test of the Through time chapter in headless Chromium.
//   source scripts/env.sh && wasm_env trunk build --release
//   node --test --test-concurrency=1 tests/e2e/time.test.mjs
// (BRAINPROP_DIST=<folder> tests another build.) The race plays from the keyboard and every
// lane's rows arrive; each figure trains or measures from the keyboard and something real changes
// (figure 1 draws the readout and the raster of the last trial, → trains ten more iterations, R
// starts again; the cosine and memory charts get their curves and numbers); each figure's link
// round-trips; at 360 px the chapter does not scroll sideways. Screenshots go to
// artifacts/time-*.png.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, siteSuite, itStayedClean } from '../support/site.mjs';
import { fig, phaseIs, readouts, inkOf, openFromLanding, assertLinkRoundTrips } from '../support/figures.mjs';

const FIT = fig('time_fit');
// Okabe–Ito: symmetric e-prop bluish green, RFLO reddish purple, the target grey.
const COLORS = { symmetric: [0, 158, 115], grey: [120, 120, 120], rflo: [204, 121, 167] };
const IDS = ['time_fit', 'time_race', 'time_cosine', 'time_memory'];

/** Iterations trained so far, as figure 1's status line says. */
async function iteration(page) {
  const status = await page.textContent(`${FIT} [data-el="status"]`);
  return Number(/^Iteration (\d+)/.exec(status)?.[1] ?? NaN);
}

/** The settings part of a hash (from `chapter=`), for comparing links. */

describe('the Through time chapter', { timeout: 300000 }, () => {
  const measured = {};
  const site = siteSuite(measured);
  const open = (hash, options) => site.open(hash, options);

  it('the landing card is live and the chapter shows its prose, papers and four figures', async () => {
    const page = await openFromLanding(site, 'Through time', 'time', ['backprop through time', 'BPTT', 'e-prop', 'RFLO', 'eligibility trace', 'learning signal', 'Bellec', 'Murray', 'Nature Communications', 'eLife', 'Werbos']);
    assert.equal(await page.locator('[data-page="time"] .figure').count(), 4);
    const labels = await page.$$eval('[data-page="time"] [data-el="train"]', (bs) => bs.map((b) => b.getAttribute('aria-label')));
    assert.deepEqual(labels, ['Train (figure 1)', 'Train (figure 2)', 'Train (figure 3)', 'Measure (figure 4)']);
    // Figures start their engines when they come into view.
    for (const id of IDS) {
      await page.locator(fig(id)).scrollIntoViewIfNeeded();
      await phaseIs(page, id, 'paused', 60000);
    }
    for (const canvas of await page.$$('[data-page="time"] canvas')) {
      assert.ok((await canvas.getAttribute('aria-label') ?? '').length > 0, 'a canvas without a text alternative');
    }
    await page.close();
  });

  it('the race plays from the keyboard: every lane\'s rows arrive, in the chart and the readouts', async () => {
    const page = await open('#v=1&chapter=time&fig=time_race&time_race.iterations=20');
    await phaseIs(page, 'time_race', 'paused', 60000);
    const chart = `${fig('time_race')} canvas[data-chart="loss"]`;
    assert.match(await page.getAttribute(chart, 'aria-label'), /BPTT 0\.\d+ after 0 iterations/);
    await page.locator(`${fig('time_race')} .figure-head h2`).click(); // the reader's figure now
    await page.keyboard.press('Space');
    await phaseIs(page, 'time_race', 'training', 5000);
    await phaseIs(page, 'time_race', 'finished', 120000);
    await page.waitForTimeout(600); // the readouts follow within 400 ms
    const r = await readouts(page, 'time_race');
    measured.race = r;
    assert.deepEqual(Object.keys(r), ['bptt', 'symmetric', 'random', 'rflo']);
    for (const [lane, row] of Object.entries(r)) {
      assert.equal(row.epoch, 20, `${lane}: iteration ${row.epoch}`);
      assert.ok(row.metric > 0 && row.metric < 0.14, `${lane}: loss ${row.metricText} after 20 iterations`);
      assert.ok(row.rate > 0, `${lane}: no trials/s`);
      assert.equal(row.state, 'finished');
    }
    assert.deepEqual(await page.$$eval(`${fig('time_race')} thead th`, (ths) => ths.map((th) => th.textContent)), ['Rule', 'Iteration', 'Loss', 'Trials/s', 'State']);
    const summary = await page.getAttribute(chart, 'aria-label');
    measured.raceSummary = summary;
    for (const name of ['BPTT', 'e-prop sym\\.', 'e-prop rand\\.', 'RFLO']) assert.match(summary, new RegExp(`${name} [\\d.]+ after 20 iterations`));
    // (BPTT's curve lies under symmetric e-prop's, drawn after it.)
    assert.ok(await inkOf(page, chart, COLORS.rflo) > 50, 'no RFLO curve');
    await page.waitForFunction((sel) => /^Iteration 20 of 20/.test(document.querySelector(`${sel} [data-el="status"]`).textContent), fig('time_race'), { timeout: 3000 });
    await page.locator(fig('time_race')).screenshot({ path: join(ARTIFACTS, 'time-race.png') });
    await page.close();
  });

  it('figure 1 trains from the keyboard and draws the last trial\'s readout and raster; → trains ten more; R starts again', async () => {
    const page = await open('#v=1&chapter=time&fig=time_fit&time_fit.iterations=200');
    await phaseIs(page, 'time_fit', 'paused', 60000);
    // The untrained network's trial is drawn before any training.
    await page.waitForFunction((sel) => /^The last trial, 1000 ms: the e-prop sym\. network's readout/.test(document.querySelector(`${sel} [data-el="trace"]`).getAttribute('aria-label')), FIT, { timeout: 10000 });
    const before = await page.getAttribute(`${FIT} [data-el="trace"]`, 'aria-label');
    await page.locator(`${FIT} .figure-head h2`).click();
    await page.keyboard.press('Space');
    await phaseIs(page, 'time_fit', 'training', 5000);
    assert.equal(await page.textContent(`${FIT} [data-el="train"]`), 'Pause');
    await page.waitForFunction((sel) => /^Iteration ([3-9]\d|1\d\d)/.test(document.querySelector(`${sel} [data-el="status"]`).textContent), FIT, { timeout: 60000 });
    await page.keyboard.press('Space');
    await phaseIs(page, 'time_fit', 'paused', 5000);
    await page.waitForTimeout(1200); // the status line speaks at most once a second
    const trained = await iteration(page);
    const after = await page.getAttribute(`${FIT} [data-el="trace"]`, 'aria-label');
    measured.fit = { trained, before, after };
    const error = (text) => Number(/mean squared error ([\d.]+)/.exec(text)[1]);
    assert.ok(error(after) < error(before), `the readout did not get closer: ${before} → ${after}`);
    assert.match(await page.getAttribute(`${FIT} [data-el="raster"]`, 'aria-label'), /^Spikes of the first 50 recurrent neurons in the last trial: [1-9]\d* spikes/);
    assert.ok(await inkOf(page, `${FIT} [data-el="trace"]`, COLORS.symmetric) > 100, 'no readout drawn');
    assert.ok(await inkOf(page, `${FIT} [data-el="trace"]`, COLORS.grey) > 100, 'no target drawn');
    assert.ok(await inkOf(page, `${FIT} [data-el="raster"]`, COLORS.symmetric) > 50, 'no spikes drawn');
    assert.match(await page.getAttribute(`${FIT} canvas[data-chart="loss"]`, 'aria-label'), /e-prop sym\. [\d.]+ after \d+ iterations/);
    await page.locator(FIT).screenshot({ path: join(ARTIFACTS, 'time-fit.png') });
    // → trains ten iterations (one metric row) and pauses.
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(([sel, n]) => new RegExp(`^Iteration ${n + 10}\\b`).test(document.querySelector(`${sel} [data-el="status"]`).textContent), [FIT, Math.floor(trained / 10) * 10], { timeout: 15000 }).catch(async () => {
      assert.fail(`→ from iteration ${trained}: ${await page.textContent(`${FIT} [data-el="status"]`)}`);
    });
    await phaseIs(page, 'time_fit', 'paused', 5000);
    // R: the same network from the start.
    await page.keyboard.press('r');
    await page.waitForFunction((sel) => /^Iteration 0 of 200/.test(document.querySelector(`${sel} [data-el="status"]`).textContent), FIT, { timeout: 20000 });
    // RFLO's rate network has no raster: the figure says so instead.
    await page.selectOption('#time-fit-method', 'rflo');
    await page.waitForFunction(() => /time_fit\.method=rflo/.test(location.hash));
    await phaseIs(page, 'time_fit', 'paused', 20000);
    await page.waitForFunction((sel) => /RFLO network's readout/.test(document.querySelector(`${sel} [data-el="trace"]`).getAttribute('aria-label')), FIT, { timeout: 10000 });
    assert.ok(await page.isHidden(`${FIT} [data-el="raster-figure"]`));
    assert.ok(await page.isVisible(`${FIT} [data-el="no-raster"]`));
    await page.close();
  });

  it('figure 3 trains to the end of its run: each method\'s cosine with BPTT\'s gradient and the 0 line', async () => {
    const page = await open('#v=1&chapter=time&fig=time_cosine&time_cosine.iterations=20');
    await phaseIs(page, 'time_cosine', 'paused', 60000);
    await page.locator(`${fig('time_cosine')} .figure-head h2`).click();
    await page.keyboard.press('Space');
    await phaseIs(page, 'time_cosine', 'finished', 120000);
    await page.waitForTimeout(600);
    const chart = `${fig('time_cosine')} canvas[data-chart="cosine"]`;
    const summary = await page.getAttribute(chart, 'aria-label');
    measured.cosine = summary;
    const cos = (name) => Number(new RegExp(`${name} (−?[\\d.]+) at iteration 20`).exec(summary)?.[1].replace('−', '-'));
    assert.ok(cos('e-prop sym\\.') > 0.9, summary);
    assert.ok(Math.abs(cos('e-prop rand\\.')) < 0.6, summary);
    assert.ok(Math.abs(cos('RFLO')) < 0.6, summary);
    assert.deepEqual(Object.keys(await readouts(page, 'time_cosine')), ['symmetric', 'random', 'rflo']);
    assert.ok(await inkOf(page, chart, COLORS.grey) > 100, 'no 0 line');
    await page.locator(fig('time_cosine')).screenshot({ path: join(ARTIFACTS, 'time-cosine.png') });
    await page.close();
  });

  it('figure 4 measures from the keyboard: BPTT\'s record grows with the trial, e-prop\'s and RFLO\'s stay flat', async () => {
    const page = await open('#v=1&chapter=time&fig=time_memory');
    await phaseIs(page, 'time_memory', 'paused', 60000);
    await page.locator(`${fig('time_memory')} .figure-head h2`).click();
    await page.keyboard.press('Space');
    await phaseIs(page, 'time_memory', 'finished', 60000);
    await page.waitForTimeout(600);
    const legend = await page.textContent(`${fig('time_memory')} .legend`);
    measured.memory = legend;
    assert.match(legend, /At 3 s BPTT holds 9\.6 MB, e-prop 481 kB and RFLO 160 kB\. BPTT's record grows by 3 kB for every millisecond of trial; e-prop's and RFLO's traces stay the same size at every length\./);
    assert.match(await page.getAttribute(`${fig('time_memory')} canvas[data-chart="memory"]`, 'aria-label'), /BPTT 0\.64 MB at 200 ms, 1\.6 MB at 500 ms, 3\.2 MB at 1000 ms/);
    await page.waitForFunction((sel) => /^6 of 6 trial lengths measured/.test(document.querySelector(`${sel} [data-el="status"]`).textContent), fig('time_memory'), { timeout: 3000 });
    await page.locator(fig('time_memory')).screenshot({ path: join(ARTIFACTS, 'time-memory.png') });
    await page.close();
  });

  it('each figure\'s link round-trips', async () => {
    const links = {
      time_fit: 'time_fit.method=random&time_fit.iterations=120&time_fit.seed=3&time_fit.lr=0.01&time_fit.neurons=80&time_fit.adaptive=0.5&time_fit.duration=800&time_fit.input_rate=40',
      time_race: 'time_race.lanes=bptt,rflo&time_race.iterations=50&time_race.seed=2&time_race.lr=0.005',
      time_cosine: 'time_cosine.lanes=symmetric,random&time_cosine.iterations=30&time_cosine.seed=4&time_cosine.duration=2000',
      time_memory: 'time_memory.neurons=200&time_memory.inputs=50&time_memory.adaptive=0.25&time_memory.seed=5',
    };
    for (const [id, settings] of Object.entries(links)) {
      const { page, again } = await assertLinkRoundTrips(open, 'time', id, settings, 60000);
      if (id === 'time_race') assert.deepEqual(Object.keys(await readouts(again, id)), ['bptt', 'rflo']);
      await page.close();
      await again.close();
    }
  });

  it('at 360 px the chapter does not scroll sideways, and figure 1 still draws', async () => {
    const page = site.watch(await site.context.newPage());
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto(`${site.origin}/#v=1&chapter=time&fig=time_fit&time_fit.iterations=20`);
    await phaseIs(page, 'time_fit', 'paused', 60000);
    await page.click(`${FIT} [data-el="train"]`);
    await phaseIs(page, 'time_fit', 'finished', 60000);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, `the page is ${overflow} px wider than the screen`);
    const wide = await page.$$eval('[data-page="time"] *', (els) => els
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && e.getClientRects().length)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`).slice(0, 5));
    assert.deepEqual(wide, [], 'elements reach past the screen\'s right edge');
    assert.ok(await inkOf(page, `${FIT} [data-el="trace"]`, COLORS.symmetric) > 50, 'no readout at 360 px');
    await page.locator(FIT).screenshot({ path: join(ARTIFACTS, 'time-fit-360.png') });
    for (const id of ['time_race', 'time_cosine', 'time_memory']) {
      await page.locator(fig(id)).scrollIntoViewIfNeeded();
      await phaseIs(page, id, 'paused', 60000);
    }
    await page.locator(`${fig('time_memory')} [data-el="train"]`).click();
    await phaseIs(page, 'time_memory', 'finished', 60000);
    await page.waitForTimeout(500);
    for (const id of ['time_race', 'time_cosine', 'time_memory']) await page.locator(fig(id)).screenshot({ path: join(ARTIFACTS, `${id.replace('_', '-')}-360.png`) });
    const again = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(again, 0, `with the memory chart drawn the page is ${again} px wider than the screen`);
    await page.close();
  });

  itStayedClean(site);
});
