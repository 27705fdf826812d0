// End-to-end test of figures 1–4 of the Dendrites & Bursts chapter (the segregated-dendrite
// network) in headless Chromium.
//   source scripts/env.sh && wasm_env trunk build --release
//   node --test --test-concurrency=1 tests/e2e/dendrites-segregated.test.mjs
// Each figure plays from the keyboard and something real changes (the trace of a trained digit
// is drawn; epoch rows arrive and their charts and readouts show them), each figure's link
// round-trips, and at 360 px the page does not scroll sideways. Screenshots go to
// artifacts/dendrites-{trace,depth,angles,feedback}*.png.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, siteSuite, itStayedClean } from '../support/site.mjs';
import { fig, phaseIs, readouts, inkOf, assertLinkRoundTrips } from '../support/figures.mjs';

const TRACE = fig('dendrites_trace');
// Okabe–Ito: the apical dendrite vermillion, the soma bluish green, the label's output unit blue.
const COLORS = { apical: [213, 94, 0], soma: [0, 158, 115], label: [0, 114, 178], grey: [120, 120, 120] };

/** Digits trained so far, as figure 1's status line says. */
async function digits(page) {
  const status = await page.textContent(`${TRACE} [data-el="status"]`);
  return Number((/^Digit ([\d,]+)/.exec(status)?.[1] ?? 'NaN').replace(/,/g, ''));
}

/** The settings part of a hash (from `chapter=`), for comparing links. */

describe('the segregated-dendrite figures of the Dendrites & Bursts chapter', { timeout: 300000 }, () => {
  const measured = {};
  const site = siteSuite(measured);
  const open = (hash, options) => site.open(hash, options);

  it('figure 1 plays one digit at a time from the keyboard and draws its potentials; → trains a few more; R starts again', async () => {
    const page = await open('#v=1&chapter=dendrites&fig=dendrites_trace&dendrites_trace.speed=4');
    await phaseIs(page, 'dendrites_trace', 'paused', 60000); // loads the digits, builds the network
    assert.match(await page.getAttribute(`${TRACE} [data-el="potentials"]`, 'aria-label'), /press Play to start/);
    await page.waitForFunction((sel) => /^Digit 0 · paused$/.test(document.querySelector(`${sel} [data-el="status"]`).textContent), TRACE, { timeout: 3000 });
    await page.locator(`${TRACE} .figure-head h2`).click(); // the reader's figure now
    await page.keyboard.press('Space');
    await phaseIs(page, 'dendrites_trace', 'training', 5000);
    assert.equal(await page.textContent(`${TRACE} [data-el="train"]`), 'Pause');
    await page.waitForFunction((sel) => Number(document.querySelector(sel).dataset.drawn || 0) >= 2, TRACE, { timeout: 20000 });
    await page.keyboard.press('Space');
    await phaseIs(page, 'dendrites_trace', 'paused', 5000);
    await page.waitForTimeout(1200); // the status line speaks at most once a second
    const trained = await digits(page);
    measured.digitsInAFewSeconds = trained;
    assert.ok(trained > 20, `only ${trained} digits trained`);
    const summary = await page.getAttribute(`${TRACE} [data-el="potentials"]`, 'aria-label');
    measured.traceSummary = summary;
    assert.match(summary, /^The last digit, a \d, shown for \d+ ms: a forward phase of (\d+) ms, then a target phase of \d+ ms; each averaged over its last 20 ms\./);
    const [, forward] = /forward phase of (\d+) ms/.exec(summary);
    assert.ok(Number(forward) >= 50, `a forward phase of ${forward} ms`);
    assert.match(summary, /Hidden neuron 0: apical plateau α\^f = 0\.\d{3} in the forward phase and α\^t = 0\.\d{3} in the target phase, so α\^t − α\^f = [+−]?\d/);
    assert.match(summary, /the teacher drove unit (\d) to \d+ Hz/);
    const label = /^The last digit, a (\d)/.exec(summary)[1];
    assert.equal(/the teacher drove unit (\d)/.exec(summary)[1], label, 'the teacher drives the label\'s unit');
    // The α difference and its meaning, the digit, the label's row of the rate table.
    assert.match(await page.textContent(`${TRACE} [data-el="delta"]`), /^[+−]?\d\.\d+$/);
    assert.match(await page.textContent(`${TRACE} [data-el="delta-meaning"]`), /^The teacher (raised|lowered|hardly changed)/);
    assert.equal(await page.textContent(`${TRACE} [data-el="digit-caption"]`), `The last digit trained: a ${label}.`);
    assert.equal(await page.textContent(`${TRACE} [data-el="rates"] tr.label th`), `${label} (label)`);
    assert.equal(await page.locator(`${TRACE} [data-el="rates"] tr`).count(), 10);
    for (const color of ['apical', 'soma', 'label']) {
      assert.ok(await inkOf(page, `${TRACE} [data-el="potentials"]`, COLORS[color]) > 100, `no ${color} trace drawn`);
    }
    assert.ok(await inkOf(page, `${TRACE} [data-el="digit"]`, [20, 20, 20]) > 50, 'no digit drawn');
    await page.locator(TRACE).screenshot({ path: join(ARTIFACTS, 'dendrites-trace.png') });

    // → trains one slice of the worker (a few digits) and pauses again, with a new digit drawn.
    const drawn = Number(await page.getAttribute(TRACE, 'data-drawn'));
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel).dataset.drawn) > n, [TRACE, drawn], { timeout: 10000 });
    await phaseIs(page, 'dendrites_trace', 'paused', 5000);
    await page.waitForTimeout(1200);
    const stepped = await digits(page);
    assert.ok(stepped > trained && stepped < trained + 500, `→ went from ${trained} to ${stepped} digits`);
    // R: the same network from the start, no digit drawn.
    await page.keyboard.press('r');
    await phaseIs(page, 'dendrites_trace', 'paused', 20000);
    await page.waitForFunction((sel) => /press Play to start/.test(document.querySelector(`${sel} [data-el="potentials"]`).getAttribute('aria-label')), TRACE, { timeout: 5000 });
    await page.waitForFunction((sel) => /^Digit 0 · paused$/.test(document.querySelector(`${sel} [data-el="status"]`).textContent), TRACE, { timeout: 3000 });
    await page.close();
  });

  for (const [id, lanes, epochs] of [['dendrites_depth', ['none', 'one', 'two'], 2], ['dendrites_angles', ['dendrites'], 2], ['dendrites_feedback', ['random', 'sparse', 'symmetric', 'noisy'], 2]]) {
    it(`${id} trains from the keyboard to the end of its run: epoch rows arrive in the chart and the readouts`, async () => {
      const page = await open(`#v=1&chapter=dendrites&fig=${id}&${id}.epochs=${epochs}`);
      await phaseIs(page, id, 'paused', 60000);
      const chart = `${fig(id)} canvas[data-chart="error"]`;
      assert.match(await page.getAttribute(chart, 'aria-label'), /after 0 epochs/);
      await page.locator(`${fig(id)} .figure-head h2`).click();
      await page.keyboard.press('Space');
      await phaseIs(page, id, 'training', 5000);
      await phaseIs(page, id, 'finished', 120000);
      await page.waitForTimeout(600); // the readouts follow within 400 ms
      const r = await readouts(page, id);
      measured[id] = r;
      assert.deepEqual(Object.keys(r), lanes);
      for (const [lane, row] of Object.entries(r)) {
        assert.equal(row.epoch, epochs, `${lane}: epoch ${row.epoch}`);
        assert.ok(row.metric > 0 && row.metric < 20, `${lane}: test error ${row.metricText} after ${epochs} epochs`);
        assert.equal(row.state, 'finished');
      }
      const errors = await page.getAttribute(chart, 'aria-label');
      assert.match(errors, new RegExp(`^Test error: .*[\\d.]+ % after ${epochs} epochs\\.$`));
      // The status line speaks at most once a second.
      await page.waitForFunction(([sel, n]) => new RegExp(`^Epoch ${n} of ${n}`).test(document.querySelector(`${sel} [data-el="status"]`).textContent), [fig(id), epochs], { timeout: 3000 });
      if (id === 'dendrites_feedback') {
        // Weight transport helps: symmetric feedback ends below random feedback.
        assert.ok(r.symmetric.metric < r.random.metric, `symmetric ${r.symmetric.metricText}, random ${r.random.metricText}`);
      }
      if (id === 'dendrites_angles') {
        const angles = await page.getAttribute(`${fig(id)} canvas[data-chart="angles"]`, 'aria-label');
        measured.angles = angles;
        const update = Number(/∠\(ΔW₀, ΔW₀ of BP\) (\d+)° after 2 epochs/.exec(angles)?.[1]);
        const wy = Number(/∠\(W₁, Y\) (\d+)° after 2 epochs/.exec(angles)?.[1]);
        assert.ok(update < 85 && wy < 85, angles);
        assert.ok(await inkOf(page, `${fig(id)} canvas[data-chart="angles"]`, COLORS.grey) > 100, 'no 90° line');
      }
      await page.locator(fig(id)).screenshot({ path: join(ARTIFACTS, `${id.replace('_', '-')}.png`) });
      await page.close();
    });
  }

  it('each figure\'s link round-trips', async () => {
    const links = {
      dendrites_trace: 'dendrites_trace.neuron=42&dendrites_trace.feedback=sparse&dendrites_trace.speed=max&dendrites_trace.seed=3&dendrites_trace.epochs=2&dendrites_trace.lr=0.1',
      dendrites_depth: 'dendrites_depth.lanes=none,two&dendrites_depth.epochs=4&dendrites_depth.seed=2&dendrites_depth.feedback=symmetric&dendrites_depth.lr=0.15',
      dendrites_angles: 'dendrites_angles.feedback=noisy&dendrites_angles.epochs=7&dendrites_angles.seed=5&dendrites_angles.lr=0.3',
      dendrites_feedback: 'dendrites_feedback.lanes=random,symmetric&dendrites_feedback.epochs=3&dendrites_feedback.seed=4&dendrites_feedback.lr=0.2',
    };
    for (const [id, settings] of Object.entries(links)) {
      const { page, again } = await assertLinkRoundTrips(open, 'dendrites', id, settings, 60000);
      if (id === 'dendrites_depth') {
        assert.deepEqual(Object.keys(await readouts(again, id)), ['none', 'two']);
      }
      await page.close();
      await again.close();
    }
  });

  it('at 360 px the chapter does not scroll sideways, and figure 1 still draws', async () => {
    const page = site.watch(await site.context.newPage());
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto(`${site.origin}/#v=1&chapter=dendrites&fig=dendrites_trace&dendrites_trace.speed=max`);
    await phaseIs(page, 'dendrites_trace', 'paused', 60000);
    await page.click(`${TRACE} [data-el="train"]`);
    await page.waitForFunction((sel) => Number(document.querySelector(sel).dataset.drawn || 0) >= 2, TRACE, { timeout: 20000 });
    await page.click(`${TRACE} [data-el="train"]`);
    await phaseIs(page, 'dendrites_trace', 'paused', 5000);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, `the page is ${overflow} px wider than the screen`);
    const wide = await page.$$eval('[data-page="dendrites"] .figure *', (els) => els
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && e.getClientRects().length)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`).slice(0, 5));
    assert.deepEqual(wide, [], 'elements reach past the screen\'s right edge');
    assert.ok(await inkOf(page, `${TRACE} [data-el="potentials"]`, COLORS.apical) > 50, 'no apical trace at 360 px');
    await page.locator(TRACE).screenshot({ path: join(ARTIFACTS, 'dendrites-trace-360.png') });
    for (const id of ['dendrites_depth', 'dendrites_angles', 'dendrites_feedback']) {
      await page.locator(fig(id)).scrollIntoViewIfNeeded();
      await phaseIs(page, id, 'paused', 60000);
      await page.locator(fig(id)).screenshot({ path: join(ARTIFACTS, `${id.replace('_', '-')}-360.png`) });
    }
    await page.close();
  });

  itStayedClean(site);
});
