// End-to-end test of old links: hashes written before the settings forms were rendered from the
// settings declarations must open the same figures, their forms showing the linked values, and
// the figures must train.
//   source scripts/env.sh && wasm_env trunk build --release
//   node --test --test-concurrency=1 tests/e2e/links.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { siteSuite, itStayedClean } from '../support/site.mjs';
import { fig, phaseIs, readouts, assertEmbedsAlone } from '../support/figures.mjs';

/** The values the form of a page shows, by element id. */
function formValues(page, ids) {
  return page.evaluate((ids) => Object.fromEntries(ids.map((id) => [id, document.getElementById(id).value])), ids);
}

describe('old links', { timeout: 120000 }, () => {
  const site = siteSuite();

  it('a Backprop link with settings, embedded, opens those settings and trains', async () => {
    const page = await site.open('#v=1&chapter=backprop&data=xor&hidden=6,3&activation=relu&loss=mse&lr=0.03&momentum=0.5&batch=5&epochs=500&seed=42&noise=0.2&points=200&init=xavier&init_scale=0.5&speed=100&embed=1');
    await phaseIs(page, 'backprop', 'paused');
    assert.deepEqual(await formValues(page, ['backprop-data', 'backprop-hidden', 'backprop-activation', 'backprop-loss', 'backprop-lr', 'backprop-momentum', 'backprop-batch', 'backprop-epochs', 'backprop-seed', 'backprop-noise', 'backprop-points', 'backprop-init-scale', 'backprop-speed']), {
      'backprop-data': 'xor', 'backprop-hidden': '6,3', 'backprop-activation': 'relu', 'backprop-loss': 'mse', 'backprop-lr': '0.03',
      'backprop-momentum': '0.5', 'backprop-batch': '5', 'backprop-epochs': '500', 'backprop-seed': '42', 'backprop-noise': '0.2',
      'backprop-points': '200', 'backprop-init-scale': '0.5', 'backprop-speed': '100',
    });
    assert.equal(await page.textContent('output[for="backprop-noise"]'), '0.2');
    assert.ok(await page.isHidden('.site-header'), 'not in the embed layout');
    assert.match(await page.getAttribute('[data-el="network"]', 'aria-label'), /hidden layers of 6, 3 units/);
    assert.match(await page.getAttribute('[data-el="boundary"]', 'aria-label'), /200 training points/);
    await page.click('[data-el="train"]');
    await page.waitForFunction(() => /^Epoch [1-9]\d* of 500/.test(document.querySelector('[data-el="status"]').textContent), null, { timeout: 5000 });
    await page.click('[data-el="train"]');
    await phaseIs(page, 'backprop', 'paused', 3000);
    await page.close();
  });

  it('a Random feedback link to one figure opens its settings and trains to the end', async () => {
    const page = await site.open('#v=1&chapter=feedback&fig=linear&linear.seed=3&linear.epochs=7&linear.feedback_scale=2&linear.feedback_dist=uniform&embed=1');
    await phaseIs(page, 'linear', 'paused');
    assert.deepEqual(await formValues(page, ['linear-seed', 'linear-epochs', 'linear-feedback-scale', 'linear-feedback-dist']), {
      'linear-seed': '3', 'linear-epochs': '7', 'linear-feedback-scale': '2', 'linear-feedback-dist': 'uniform',
    });
    await assertEmbedsAlone(page, 'feedback', 'linear', ['race', 'align', 'deep']);
    await page.click(`${fig('linear')} [data-el="train"]`);
    await phaseIs(page, 'linear', 'finished', 30000);
    await page.waitForTimeout(600); // the readouts follow within 400 ms
    assert.deepEqual(Object.values(await readouts(page, 'linear')).map((l) => l.epoch), [7, 7, 7]);
    await page.close();
  });

  it('a Dendrites & Bursts link to the multiplexing figure opens its sliders where the link put them, and runs', async () => {
    const page = await site.open('#v=1&chapter=dendrites&fig=multiplex&multiplex.somatic_mean=400&multiplex.somatic_amplitude=100&multiplex.dendritic_mean=120&multiplex.dendritic_amplitude=50&multiplex.neurons=100&multiplex.speed=max&multiplex.seed=7&embed=1');
    await phaseIs(page, 'multiplex', 'paused', 20000);
    assert.deepEqual(await formValues(page, ['multiplex-somatic-mean', 'multiplex-somatic-amplitude', 'multiplex-dendritic-mean', 'multiplex-dendritic-amplitude', 'multiplex-neurons', 'multiplex-speed', 'multiplex-seed']), {
      'multiplex-somatic-mean': '400', 'multiplex-somatic-amplitude': '100', 'multiplex-dendritic-mean': '120', 'multiplex-dendritic-amplitude': '50',
      'multiplex-neurons': '100', 'multiplex-speed': 'max', 'multiplex-seed': '7',
    });
    assert.equal(await page.textContent('output[for="multiplex-dendritic-mean"]'), '120');
    await page.click(`${fig('multiplex')} [data-el="train"]`);
    await page.waitForFunction(() => {
      const m = /^([\d.]+) s simulated/.exec(document.querySelector('[data-figure="multiplex"] [data-el="status"]').textContent);
      return m && Number(m[1]) >= 2;
    }, null, { timeout: 20000 });
    // The raster's text alternative follows the next drawn snapshot: wait for it, do not read it at one moment.
    await page.waitForFunction(() => /^Spike raster of \d+ of the 100 neurons/.test(
      document.querySelector('[data-figure="multiplex"] [data-el="raster"]').getAttribute('aria-label'),
    ), null, { timeout: 10000 });
    await page.close();
  });

  itStayedClean(site);
});
