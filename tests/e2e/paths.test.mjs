// End-to-end: the built site under a sub-path, with and without the trailing slash, and with a
// query string (issue 16, hosting paths): every asset loads and the figure trains.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM } from '../support/static-server.mjs';
import { DIST } from '../support/site.mjs';
import { engineIs } from '../support/figures.mjs';

describe('hosting under a sub-path', { timeout: 120000 }, () => {
  let server;
  let browser;
  before(async () => {
    server = await serve(DIST, { prefix: '/course/nn/brainprop' });
    browser = await chromium.launch(CHROMIUM);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const path of ['/course/nn/brainprop/', '/course/nn/brainprop', '/course/nn/brainprop?lesson=3', '/course/nn/brainprop/index.html']) {
    it(`${path} loads every asset and trains`, async () => {
      const page = await browser.newPage();
      const failed = [];
      page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
      page.on('requestfailed', (r) => failed.push(`failed ${r.url()}`));
      await page.goto(`${server.origin}${path}#v=1&chapter=backprop&data=xor`);
      const figure = '[data-figure="backprop"]';
      await engineIs(page, `${figure}`, 'paused', 30000);
      await page.click(`${figure} [data-el="step"]`);
      await page.waitForFunction((s) => /^Epoch 1 of/.test(document.querySelector(s).textContent), `${figure} [data-el="status"]`, { timeout: 10000 });
      assert.deepEqual(failed, []);
      assert.match(page.url(), /#v=1&chapter=backprop&data=xor/, 'the state in the hash survived');
      assert.ok(await page.evaluate(() => getComputedStyle(document.body).fontFamily !== 'Times New Roman'), 'the stylesheet did not load');
      await page.close();
    });
  }
});
