// End-to-end: the offline copy (issue 16). After a first load of the full page, a reload with the
// network off shows a working chapter: the service worker (www/sw.js) serves the page, its
// modules, the chart wasm and the engine.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { siteSuite } from '../support/site.mjs';

const FIG = '[data-figure="backprop"]';

describe('offline', { timeout: 120000 }, () => {
  const site = siteSuite();

  it('after a first load, a reload with the network off shows a working chapter', async () => {
    const page = await site.open('#v=1&chapter=backprop&data=spiral');
    await page.waitForSelector(`${FIG}[data-engine="paused"]`, { timeout: 30000 });
    // The service worker is in charge and holds the site's files.
    await page.waitForFunction(async () => {
      if (!navigator.serviceWorker.controller) return false;
      const keys = (await (await caches.open('brainprop-v1')).keys()).map((r) => new URL(r.url).pathname);
      // Every file the page loaded (the worker's too), once the page has handed the list over.
      const loaded = performance.getEntriesByType('resource').map((e) => new URL(e.name)).filter((u) => u.origin === location.origin).map((u) => u.pathname);
      return ['/', '/engine_worker_bg.wasm', '/www/engine/host.js', ...loaded].every((p) => keys.includes(p));
    }, null, { timeout: 30000, polling: 250 });
    await site.context.setOffline(true);
    try {
      await page.reload();
      await page.waitForSelector(`${FIG}[data-engine="paused"]`, { timeout: 30000 });
      await page.click(`${FIG} [data-el="step"]`);
      await page.waitForFunction((s) => /^Epoch 1 of/.test(document.querySelector(s).textContent), `${FIG} [data-el="status"]`, { timeout: 10000 });
      assert.ok(await page.evaluate(() => getComputedStyle(document.querySelector('.site-header')).position !== 'static' || document.styleSheets.length > 0));
      // Another chapter, from the same offline copy.
      await page.evaluate(() => { location.hash = '#v=1&chapter=feedback&fig=linear'; });
      await page.waitForSelector('[data-figure="linear"] [data-el="train"]', { timeout: 10000 });
    } finally {
      await site.context.setOffline(false);
    }
    await page.close();
  });
});
