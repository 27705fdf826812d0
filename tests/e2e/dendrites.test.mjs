// End-to-end test of the Dendrites & Bursts chapter in headless Chromium.
//   source scripts/env.sh && wasm_env trunk build --release
//   node --test --test-concurrency=1 tests/e2e/dendrites.test.mjs
// Serves dist/ from a static server started here, runs each figure as a reader would, and checks
// what the reader sees: the raster's spikes, the correlation and level readouts, the charts'
// text alternatives and inked pixels. Screenshots go to artifacts/dendrites-*.png; the
// multiplexing figure is copied to docs/bursts.png.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACTS, ROOT, siteSuite, itStayedClean } from '../support/site.mjs';
import { fig, phaseIs, drawn, readouts, assertLanesAbove, epochsReached, inkOf, openFromLanding, assertLeavingStops, assertEmbedsAlone, openWithNotices } from '../support/figures.mjs';

const MUX = fig('multiplex');

/** Seconds simulated so far, as the multiplexing figure's status line says. */
async function simulated(page) {
  const status = await page.textContent(`${MUX} [data-el="status"]`);
  return Number(/^([\d.]+) s simulated/.exec(status)?.[1] ?? NaN);
}

const simulatedAtLeast = (page, seconds, timeout = 30000) => page.waitForFunction(([selector, seconds]) => {
  const m = /^([\d.]+) s simulated/.exec(document.querySelector(`${selector} [data-el="status"]`).textContent);
  return m && Number(m[1]) >= seconds;
}, [MUX, seconds], { timeout, polling: 100 });

/** The multiplexing readouts: correlations, levels and speed, as numbers (NaN when shown as –). */
function multiplexReadouts(page) {
  return page.$eval(MUX, (root) => {
    const value = (el) => (el && el.dataset.value !== '' ? Number(el.dataset.value) : NaN);
    const out = { corr: {}, level: {} };
    for (const el of root.querySelectorAll('[data-corr]')) out.corr[el.dataset.corr] = value(el);
    for (const el of root.querySelectorAll('[data-level]')) out.level[el.dataset.level] = value(el);
    out.speed = value(root.querySelector('[data-el="speed"]'));
    const raster = root.querySelector('[data-el="raster"]');
    out.spikes = Number(raster.dataset.spikes);
    out.bursts = Number(raster.dataset.bursts);
    return out;
  });
}

/** Mean levels of the multiplexing figure, sampled every 250 ms for `ms`. */
async function meanLevels(page, ms) {
  const samples = [];
  for (let t = 0; t < ms; t += 250) {
    samples.push((await multiplexReadouts(page)).level);
    await page.waitForTimeout(250);
  }
  const mean = (key) => samples.reduce((a, s) => a + s[key], 0) / samples.length;
  return { event_rate: mean('event_rate'), burst_prob: mean('burst_prob'), burst_rate: mean('burst_rate') };
}

// Okabe–Ito: events bluish green, bursts vermillion; BP blue, BurstProp orange; reference grey.
const COLORS = { events: [0, 158, 115], bursts: [213, 94, 0], bp: [0, 114, 178], burstprop: [230, 159, 0], grey: [120, 120, 120] };

describe('the Dendrites & Bursts chapter', { timeout: 180000 }, () => {
  const measured = {};
  const site = siteSuite(measured);
  const open = (hash, options) => site.open(hash, options);

  it('the landing card is live and the chapter shows its prose, papers and seven figures', async () => {
    const page = await openFromLanding(site, 'Dendrites & Bursts', 'dendrites', ['segregated dendrites', 'Guerguiev', 'Naud', 'Sprekeler', 'Payeur', 'Nature Neuroscience', 'eLife', 'Sjöström', 'event rate', 'burst probability', 'depressing', 'facilitating', 'BurstProp']);
    assert.equal(await page.locator('[data-page="dendrites"] .figure').count(), 7);
    const labels = await page.$$eval('[data-page="dendrites"] [data-el="train"]', (bs) => bs.map((b) => b.getAttribute('aria-label')));
    assert.deepEqual(labels, ['Play (figure 1)', 'Train (figure 2)', 'Train (figure 3)', 'Train (figure 4)', 'Play (figure 5)', 'Run (figure 6)', 'Train (figure 7)']);
    // Workers start when a figure comes into view; nothing runs by itself.
    assert.equal(await page.getAttribute(fig('multiplex'), 'data-engine'), 'idle', 'a figure out of view started');
    await page.locator(MUX).scrollIntoViewIfNeeded();
    await phaseIs(page, 'multiplex', 'paused', 20000);
    assert.equal(await page.getAttribute(fig('burstprop'), 'data-engine'), 'idle', 'a figure out of view started');
    await page.close();
  });

  it('multiplexing: the raster has spikes and bursts, E follows the soma and P the dendrite, and the dendritic slider moves only P', async () => {
    const page = await open('#v=1&chapter=dendrites&fig=multiplex');
    await phaseIs(page, 'multiplex', 'paused', 20000);
    await page.locator(`${fig('multiplex')} .figure-head h2`).click(); // the reader's figure now (keys act on it alone)
    await page.keyboard.press('Space');
    await phaseIs(page, 'multiplex', 'training', 3000);
    assert.equal(await page.textContent(`${MUX} [data-el="train"]`), 'Pause');
    await simulatedAtLeast(page, 6, 20000);
    await page.waitForTimeout(500); // the readouts follow within 400 ms
    const r = await multiplexReadouts(page);
    measured.multiplexAfter6s = r;
    assert.ok(r.spikes > 100, `the raster shows ${r.spikes} spikes`);
    assert.ok(r.bursts > 10, `the raster shows ${r.bursts} burst spikes`);
    assert.ok(await inkOf(page, `${MUX} [data-el="raster"]`, COLORS.events) > 100, 'no single spikes drawn');
    assert.ok(await inkOf(page, `${MUX} [data-el="raster"]`, COLORS.bursts) > 100, 'no burst spikes drawn');
    for (const color of ['events', 'bursts', 'grey']) {
      assert.ok(await inkOf(page, `${MUX} [data-el="traces"]`, COLORS[color]) > 200, `no ${color} traces drawn`);
    }
    assert.ok(r.corr.E_soma > r.corr.P_soma, `corr(E, soma) ${r.corr.E_soma} is not above corr(P, soma) ${r.corr.P_soma}`);
    assert.ok(r.corr.P_dend > r.corr.E_dend, `corr(P, dend) ${r.corr.P_dend} is not above corr(E, dend) ${r.corr.E_dend}`);
    assert.ok(r.corr.E_soma > 0.5 && r.corr.P_dend > 0.5, JSON.stringify(r.corr));
    assert.ok(r.speed > 0.5 && r.speed < 1.5, `the real-time run goes at ${r.speed}× real time`);
    const raster = await page.getAttribute(`${MUX} [data-el="raster"]`, 'aria-label');
    assert.match(raster, /^Spike raster of 50 of the 300 neurons, [\d.]+–[\d.]+ s: \d+ spikes, \d+ of them in bursts\.$/);
    assert.match(await page.getAttribute(`${MUX} [data-el="traces"]`, 'aria-label'), /event rate follows the somatic input \(correlation [\d.]+\)/);
    await page.locator(MUX).screenshot({ path: join(ARTIFACTS, 'dendrites-multiplex.png') });
    // The README's screenshot is refreshed only on request (UPDATE_DOCS=1), so tests leave the tree clean.
    if (process.env.UPDATE_DOCS) await copyFile(join(ARTIFACTS, 'dendrites-multiplex.png'), join(ROOT, 'docs', 'bursts.png'));

    // Move the dendritic mean from 20 to 200 pA while it runs: the burst probability rises, the
    // event rate stays where it was, and the simulation goes on (no restart).
    const levelsBefore = await meanLevels(page, 3000);
    const t0 = await simulated(page);
    await page.fill('#multiplex-dendritic-mean', '200');
    assert.match(page.url(), /multiplex\.dendritic_mean=200&/);
    assert.equal(await page.textContent(`${MUX} output[for="multiplex-dendritic-mean"]`), '200');
    await page.waitForTimeout(1500); // the 1-s level window and the 50-ms smoothing catch up
    const levelsAfter = await meanLevels(page, 3000);
    const mode = await page.getAttribute(MUX, 'data-adjust');
    measured.dendriticSlider = { mode, before: levelsBefore, after: levelsAfter };
    assert.ok(['live', 'rebuild'].includes(mode), `adjust mode ${mode}`);
    if (mode === 'live') assert.ok(await simulated(page) > t0, 'the simulation started again');
    const change = (key) => (levelsAfter[key] - levelsBefore[key]) / levelsBefore[key];
    assert.ok(change('burst_prob') > 0.25, `burst probability ${levelsBefore.burst_prob.toFixed(3)} → ${levelsAfter.burst_prob.toFixed(3)}`);
    assert.ok(Math.abs(change('event_rate')) < change('burst_prob') / 2, `event rate ${levelsBefore.event_rate.toFixed(2)} → ${levelsAfter.event_rate.toFixed(2)} changed as much as the burst probability`);
    await page.locator(MUX).screenshot({ path: join(ARTIFACTS, 'dendrites-multiplex-dendrite-200.png') });

    // Out of view it holds; back in view it goes on; leaving the chapter stops it.
    await page.locator(fig('burstprop')).scrollIntoViewIfNeeded();
    await phaseIs(page, 'multiplex', 'paused', 3000);
    await page.waitForTimeout(1300); // the status line speaks at most once a second
    const held = await simulated(page);
    await page.waitForTimeout(1200);
    assert.equal(await simulated(page), held, 'the simulation ran while out of view');
    assert.match(await page.textContent(`${MUX} [data-el="status"]`), /paused while out of view$/);
    await page.locator(MUX).scrollIntoViewIfNeeded();
    await assertLeavingStops(page, 'multiplex', 'feedback');
    await page.close();
  });

  it('the BurstProp race: two workers, both curves above 60 % within two epochs, the angles fall below 90°', async () => {
    const page = await open('#v=1&chapter=dendrites&fig=burstprop');
    await phaseIs(page, 'burstprop', 'paused', 40000); // loads the digits, builds two networks
    const angles = `${fig('burstprop')} canvas[data-chart="angles"]`;
    const start = await page.getAttribute(angles, 'aria-label');
    const degrees = (text) => [...text.matchAll(/(\d+)° after (\d+) epoch/g)].map((m) => Number(m[1]));
    measured.burstpropStartAngles = degrees(start);
    for (const a of degrees(start)) assert.ok(a > 80 && a < 100, `starting angle ${a}° (${start})`);
    const t0 = Date.now();
    await page.click(`${fig('burstprop')} [data-el="train"]`);
    await phaseIs(page, 'burstprop', 'training', 3000);
    await epochsReached(page, 'burstprop', ['bp', 'burstprop'], 2, 90000);
    measured.burstpropTwoEpochsSeconds = (Date.now() - t0) / 1000;
    await page.click(`${fig('burstprop')} [data-el="train"]`); // pause: two epochs are enough here
    await phaseIs(page, 'burstprop', 'paused', 5000);
    measured.burstpropAfterTwoEpochs = await assertLanesAbove(page, 'burstprop', ['bp', 'burstprop'], 60, 'two epochs');
    const acc = `${fig('burstprop')} canvas[data-chart="acc"]`;
    assert.match(await page.getAttribute(acc, 'aria-label'), /^Test accuracy: BP [\d.]+ % after \d+ epochs; BurstProp [\d.]+ % after \d+ epochs\.$/);
    for (const rule of ['bp', 'burstprop']) assert.ok(await inkOf(page, acc, COLORS[rule]) > 50, `no ${rule} curve`);
    const end = await page.getAttribute(angles, 'aria-label');
    measured.burstpropAngles = end;
    assert.match(end, /^BurstProp against backprop: ∠\(W₁, Y\) \d+° after \d+ epochs; ∠\(δ_burst, δ_BP\) \d+° after \d+ epochs\.$/);
    for (const a of degrees(end)) assert.ok(a < 85, `angle ${a}° after two epochs (${end})`);
    assert.ok(await inkOf(page, angles, COLORS.grey) > 100, 'no 90° line');
    await page.locator(fig('burstprop')).screenshot({ path: join(ARTIFACTS, 'dendrites-burstprop.png') });

    // Fixed feedback is a URL key; BurstProp's lane rebuilds, BP's does not need to.
    await page.uncheck('#burstprop-learn-feedback');
    assert.match(page.url(), /burstprop\.learn_feedback=0&/);
    await phaseIs(page, 'burstprop', 'paused', 20000);
    await page.waitForTimeout(600);
    const rebuilt = await readouts(page, 'burstprop');
    assert.equal(rebuilt.burstprop.epoch, 0);
    assert.ok(rebuilt.bp.epoch >= 2, 'BP was rebuilt although its settings did not change');
    await page.close();
  });

  it('the plasticity figure runs the pairing protocol, or says in the figure why it cannot', async (t) => {
    const page = await open('#v=1&chapter=dendrites&fig=plasticity');
    const pl = fig('plasticity');
    await page.waitForSelector(`${pl}:is([data-engine="paused"], [data-engine="error"])`, { timeout: 20000, state: 'attached' });
    await drawn(page);
    const chart = `${pl} canvas[data-chart="plasticity"]`;
    assert.match(await page.getAttribute(chart, 'aria-label'), /^Weight change: /);
    assert.ok(await inkOf(page, chart, COLORS.grey) > 100, 'the zero line is not drawn: a blank figure');
    if (await page.getAttribute(pl, 'data-engine') === 'error') {
      const alert = await page.textContent(`${pl} [data-el="alert"]`);
      assert.match(alert, /^Plasticity: .+/);
      measured.plasticity = `engine error shown in the figure: ${alert}`;
      t.diagnostic(`the engine has no plasticity experiment yet: ${alert}`);
      await page.locator(pl).screenshot({ path: join(ARTIFACTS, 'dendrites-plasticity.png') });
      await page.close();
      return;
    }
    await page.click(`${pl} [data-el="train"]`);
    await phaseIs(page, 'plasticity', 'finished', 60000);
    await page.waitForFunction(() => /^(\d+) of \1 pairing frequencies · finished$/.test(document.querySelector('[data-figure="plasticity"] [data-el="status"]').textContent), null, { timeout: 3000 });
    const summary = await page.getAttribute(chart, 'aria-label');
    measured.plasticity = summary;
    const points = [...summary.matchAll(/([+−-]?[\d.]+) at ([\d.]+) Hz/g)].map((m) => [Number(m[2]), Number(m[1].replace('−', '-'))]);
    assert.ok(points.length >= 3, summary);
    assert.ok(points[0][1] < 0, `no depression at ${points[0][0]} Hz (${summary})`);
    assert.ok(points.at(-1)[1] > 0, `no potentiation at ${points.at(-1)[0]} Hz (${summary})`);
    assert.ok(await inkOf(page, chart, [204, 121, 167]) > 50, 'no weight-change curve');
    await page.locator(pl).screenshot({ path: join(ARTIFACTS, 'dendrites-plasticity.png') });
    await page.close();
  });

  it('one figure embeds alone and runs as fast as it can', async () => {
    const page = await open('#v=1&chapter=dendrites&embed=1&fig=multiplex&multiplex.speed=max');
    await phaseIs(page, 'multiplex', 'paused', 20000);
    await assertEmbedsAlone(page, 'dendrites', 'multiplex', ['dendrites_trace', 'dendrites_depth', 'dendrites_angles', 'dendrites_feedback', 'plasticity', 'burstprop']);
    assert.match(await page.getAttribute(`${MUX} [data-el="open-full"]`, 'href'),
      /#v=1&chapter=dendrites&fig=multiplex&multiplex\.somatic_mean=300&multiplex\.somatic_amplitude=150&multiplex\.dendritic_mean=20&multiplex\.dendritic_amplitude=150&multiplex\.speed=max&multiplex\.neurons=300&multiplex\.seed=1$/);
    await page.click(`${MUX} [data-el="train"]`);
    await simulatedAtLeast(page, 20, 20000);
    // The speed readout is blank between the worker's 1-second rate windows; wait for a reading.
    await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.value, `${MUX} [data-el="speed"]`, { timeout: 10000 }).catch(() => {});
    const r = await multiplexReadouts(page);
    measured.maxSpeed = { speed: r.speed, corr: r.corr };
    assert.ok(r.speed > 2, `as fast as possible is only ${r.speed}× real time`);
    assert.ok(r.corr.E_soma > r.corr.P_soma);
    await page.screenshot({ path: join(ARTIFACTS, 'dendrites-embed.png') });

    await site.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
    await page.click(`${MUX} [data-el="copy-embed"]`);
    await page.waitForFunction(() => /Embed code copied/.test(document.querySelector('[data-figure="multiplex"] [data-el="share-message"]').textContent));
    const code = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/#v=1&amp;chapter=dendrites&amp;fig=multiplex&amp;multiplex\.somatic_mean=300&amp;.*&amp;embed=1" title="brainprop: Dendrites &amp; Bursts, figure 5: Two signals in one spike train"/);
    await page.close();
  });

  it('a bad hash gives a notice and the defaults', async () => {
    const { page, text } = await openWithNotices(site, '#v=1&chapter=dendrites&multiplex.dendritic_mean=9000&multiplex.somatic_mean=abc&burstprop.feedback=<b>x</b>&burstprop.seed=-1&fig=race');
    assert.match(text, /multiplexing dendritic mean current: "9000" is above the maximum 500; using 500/);
    assert.match(text, /multiplexing somatic mean current: "abc" is not a number; using 300/);
    assert.match(text, /BurstProp learned feedback Y: "<b>x<\/b>" is not 0 or 1; using 1/);
    assert.match(text, /BurstProp seed: "-1" is not between 0 and 4294967295; using 1/);
    assert.match(text, /figure: "race" is not one of dendrites_trace, dendrites_depth, dendrites_angles, dendrites_feedback, multiplex, plasticity, burstprop; showing the whole chapter/);
    assert.equal(await page.locator('[data-el="notices"] b').count(), 0);
    assert.equal(await page.inputValue('#multiplex-dendritic-mean'), '500');
    assert.equal(await page.inputValue('#multiplex-somatic-mean'), '300');
    assert.ok(await page.isChecked('#burstprop-learn-feedback'), 'the feedback weights are not learned');
    assert.match(page.url(), /multiplex\.somatic_mean=300&multiplex\.somatic_amplitude=150&multiplex\.dendritic_mean=500&/);
    assert.doesNotMatch(page.url(), /fig=/);
    await page.close();
  });

  it('with reduced motion the raster still draws, less often', async () => {
    const page = await open('#v=1&chapter=dendrites&fig=multiplex&multiplex.speed=max', { reducedMotion: 'reduce' });
    await phaseIs(page, 'multiplex', 'paused', 20000);
    await page.click(`${MUX} [data-el="train"]`);
    await simulatedAtLeast(page, 5, 20000);
    await page.waitForTimeout(1200);
    const r = await multiplexReadouts(page);
    assert.ok(r.spikes > 100 && r.bursts > 10, JSON.stringify(r));
    assert.ok(await inkOf(page, `${MUX} [data-el="raster"]`, COLORS.bursts) > 50);
    await page.close();
  });

  itStayedClean(site);
});
