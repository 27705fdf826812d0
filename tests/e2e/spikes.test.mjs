// End-to-end test of the Spikes chapter in headless Chromium.
//   source scripts/env.sh && wasm_env trunk build --release
//   node --test --test-concurrency=1 tests/e2e/spikes.test.mjs
// Each figure plays from the keyboard (short runs set in the link), a painted target reaches the
// URL and the engine and comes back from the link, each figure's link round-trips, and Listen
// makes no AudioContext until the reader turns it on. Screenshots go to artifacts/spikes-*.png.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, siteSuite, itStayedClean } from '../support/site.mjs';
import { fig, phaseIs, readouts, openFromLanding, assertLinkRoundTrips, settingsOf } from '../support/figures.mjs';

/** Short runs of every figure, so the suite stays quick. */
const SHORT = 'neuron.epochs=30&picture.epochs=8&xor.epochs=20&surrogate.epochs=5';
const LANES = { neuron: ['superspike'], picture: ['symmetric', 'random', 'uniform', 'none'], xor: ['symmetric', 'random', 'none', 'output'], surrogate: ['superspike'] };

/** The settings part of a hash (from `chapter=`), for comparing links. */

describe('the Spikes chapter', { timeout: 240000 }, () => {
  const site = siteSuite();
  const open = (hash, options) => site.open(hash, options);

  it('the landing card is live and the chapter shows its prose, papers and four figures', async () => {
    const page = await openFromLanding(site, 'Spikes', 'spikes', ['SuperSpike', 'Zenke', 'Ganguli', 'Neural Computation', 'surrogate', 'van Rossum', 'eligibility', 'three-factor', 'symmetric', 'random', 'uniform']);
    assert.equal(await page.locator('[data-page="spikes"] .figure').count(), 4);
    const labels = await page.$$eval('[data-page="spikes"] [data-el="train"]', (bs) => bs.map((b) => b.getAttribute('aria-label')));
    assert.deepEqual(labels, ['Train (figure 1)', 'Train (figure 2)', 'Train (figure 3)', 'Train (figure 4)']);
    for (const canvas of await page.$$('[data-page="spikes"] canvas')) {
      assert.ok((await canvas.getAttribute('aria-label') ?? '').length > 0 || (await canvas.getAttribute('data-chart')) !== null, 'a canvas without a text alternative');
    }
    await page.close();
  });

  for (const id of Object.keys(LANES)) {
    it(`figure ${id} plays from the keyboard to the end of its run`, async () => {
      const page = await open(`#v=1&chapter=spikes&fig=${id}&${SHORT}`);
      await phaseIs(page, id, 'paused', 40000);
      await page.locator(`${fig(id)} .figure-head h2`).click(); // the reader's figure now
      await page.keyboard.press('Space');
      await phaseIs(page, id, 'finished', 60000);
      await page.waitForTimeout(500);
      const r = await readouts(page, id).catch(() => ({}));
      if (LANES[id].length > 1) {
        assert.deepEqual(Object.keys(r), LANES[id]);
        for (const lane of Object.values(r)) assert.ok(Number.isFinite(lane.metric) && lane.state === 'finished', JSON.stringify(lane));
      }
      // The status line is rewritten at most once a second: wait for it to catch up.
      const done = id === 'xor' ? /^Epoch 20 of 20/ : /^Trial \d+ of \d+ · finished/;
      await page.waitForFunction(([s, re]) => new RegExp(re).test(document.querySelector(s).textContent), [`${fig(id)} [data-el="status"]`, done.source], { timeout: 3000 }).catch(() => {});
      const status = await page.textContent(`${fig(id)} [data-el="status"]`);
      assert.match(status, done);
      if (id !== 'surrogate') {
        assert.match(await page.getAttribute(`${fig(id)} canvas[data-chart="loss"]`, 'aria-label'), /^Van Rossum loss: .+ after \d+ (trials|epochs)/);
      }
      if (id === 'neuron') {
        assert.match(await page.getAttribute(`${fig(id)} [data-el="membrane"]`, 'aria-label'), /Target spikes at \d+, \d+, \d+, \d+, \d+ ms; the neuron fired at/);
        // → trains one more trial.
        await page.click('#neuron-epochs', { clickCount: 3 });
        await page.keyboard.type('31');
        await page.keyboard.press('Enter');
        await phaseIs(page, id, 'paused', 20000);
      }
      if (id === 'surrogate') {
        assert.match(await page.getAttribute(`${fig(id)} canvas[data-chart="surrogate"]`, 'aria-label'), /at β = 1 the surrogate peaks at 1\.00 per mV/);
        assert.match(await page.getAttribute(`${fig(id)} canvas[data-chart="eligibility"]`, 'aria-label'), /input \d+ peaks at/);
      }
      if (id === 'xor') {
        assert.match(await page.getAttribute(`${fig(id)} [data-el="raster-xor"]`, 'aria-label'), /input \(0, 0\): target 0 spikes/);
      }
      await page.locator(fig(id)).screenshot({ path: join(ARTIFACTS, `spikes-${id}.png`) });
      await page.close();
    });
  }

  it('a painted target goes into the URL and the engine, and comes back from the link', async () => {
    const page = await open(`#v=1&chapter=spikes&fig=picture&picture.lanes=symmetric&${SHORT}`);
    await phaseIs(page, 'picture', 'paused', 40000);
    const target = () => new URL(page.url()).hash.match(/picture\.target=([^&]*)/)?.[1];
    assert.equal(target(), '', 'the default picture is an empty target');
    await page.click(`${fig('picture')} [data-el="clear"]`);
    await page.waitForFunction(() => /picture\.target=0(,0){19}(&|$)/.test(location.hash));
    // Keyboard: the grid takes the focus; two steps right, one down, Space paints neuron 2 at 40–60 ms.
    await page.focus(`${fig('picture')} [data-el="paint"]`);
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowDown', 'Space']) await page.keyboard.press(key);
    await page.waitForFunction(() => /picture\.target=0,4(,0){18}(&|$)/.test(location.hash));
    assert.match(await page.textContent(`${fig('picture')} [data-el="paint-status"]`), /Output neuron 2 of 20, 40–60 ms: spike/);
    assert.equal(await page.getAttribute(fig('picture'), 'data-engine') === 'training', false, 'Space in the grid started training');
    // Mouse: a stroke along the first row, bins 0–3.
    const box = await page.locator(`${fig('picture')} [data-el="paint"]`).boundingBox();
    const cw = (box.width - 30) / 25;
    const ch = (box.height - 26) / 20;
    const at = (b, r) => [box.x + 26 + (b + 0.5) * cw, box.y + 4 + (r + 0.5) * ch];
    await page.mouse.move(...at(0, 0));
    await page.mouse.down();
    for (let b = 1; b <= 3; b++) await page.mouse.move(...at(b, 0), { steps: 3 });
    await page.mouse.up();
    await page.waitForFunction(() => /picture\.target=15,4(,0){18}(&|$)/.test(location.hash));
    // The engine learns that picture: 5 target cells.
    await phaseIs(page, 'picture', 'paused', 20000);
    await page.locator(`${fig('picture')} .figure-head h2`).click();
    await page.keyboard.press('ArrowRight'); // one trial
    await page.waitForFunction((sel) => / of 5 target cells hit/.test(document.querySelector(`${sel} [data-el="output-caption"]`).textContent), fig('picture'), { timeout: 20000 });
    // The link opens the same picture.
    const again = await open(new URL(page.url()).hash);
    await phaseIs(again, 'picture', 'paused', 40000);
    assert.equal(settingsOf(again.url()), settingsOf(page.url()));
    assert.equal(await again.inputValue('#picture-target'), '15,4,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0');
    await again.click(`${fig('picture')} [data-el="default-picture"]`);
    await again.waitForFunction(() => /picture\.target=(&|$)/.test(location.hash));
    await page.close();
    await again.close();
  });

  it('each figure\'s link round-trips', async () => {
    const links = {
      neuron: 'neuron.lr=0.3&neuron.beta=2&neuron.epochs=40&neuron.input_rate=12&neuron.inputs=80&neuron.dt=0.5&neuron.seed=4',
      picture: 'picture.lanes=symmetric,none&picture.show=none&picture.epochs=12&picture.seed=2&picture.lr=0.4&picture.beta=1.5&picture.hidden=16&picture.target=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,33554431',
      xor: 'xor.lanes=random,output&xor.show=output&xor.epochs=30&xor.seed=3&xor.lr=0.2&xor.beta=0.5&xor.hidden=20',
      surrogate: 'surrogate.beta=3.5&surrogate.epochs=9&surrogate.seed=7',
    };
    for (const [id, settings] of Object.entries(links)) {
      const { page, again } = await assertLinkRoundTrips(open, 'spikes', id, settings, 40000);
      await page.close();
      await again.close();
    }
  });

  it('Listen makes no sound and no AudioContext until turned on, then clicks the output spikes', async () => {
    const page = site.watch(await site.context.newPage());
    await page.addInitScript(() => {
      window.audioContexts = 0;
      const Real = window.AudioContext;
      window.AudioContext = class extends Real { constructor(...a) { super(...a); window.audioContexts++; } };
    });
    await page.goto(`${site.origin}/#v=1&chapter=spikes&fig=neuron&neuron.epochs=400`);
    await phaseIs(page, 'neuron', 'paused', 40000);
    await page.locator(`${fig('neuron')} .figure-head h2`).click();
    await page.keyboard.press('Space');
    await page.waitForFunction((sel) => /^Trial [1-9]/.test(document.querySelector(`${sel} [data-el="status"]`).textContent), fig('neuron'));
    assert.equal(await page.evaluate(() => window.audioContexts), 0);
    await page.check('#neuron-listen');
    await page.waitForFunction((sel) => /^[1-9]\d*:[1-9]/.test(document.querySelector(sel).dataset.listen), fig('neuron'), { timeout: 10000 });
    assert.equal(await page.evaluate(() => window.audioContexts), 1);
    await page.uncheck('#neuron-listen');
    assert.equal(await page.getAttribute(fig('neuron'), 'data-listen') === null, false);
    await page.close();
  });

  itStayedClean(site);
});
