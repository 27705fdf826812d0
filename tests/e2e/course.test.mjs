// End-to-end: the embedding API (issue 16). The example course page (www/course-example.html)
// sets a figure's learning rate, starts it, follows its metrics, stops it at the target test
// accuracy and reports the epoch; a figure given an allow-list of origins ignores other ones.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, siteSuite, itStayedClean } from '../support/site.mjs';
import { engineIs } from '../support/figures.mjs';

describe('the embedding API', { timeout: 120000 }, () => {
  const site = siteSuite();

  it('the example course page drives a figure and receives its metrics', async () => {
    const page = site.watch(await site.context.newPage());
    await page.goto(`${site.origin}/www/course-example.html`);
    const report = page.locator('[data-el="report"]');
    await page.waitForFunction(() => /ready/.test(document.querySelector('[data-el="report"]').textContent), null, { timeout: 30000 });
    await page.fill('#target', '85');
    await page.click('button[type="submit"]');
    await page.waitForFunction(() => /^Reached [\d.]+ % test accuracy at epoch \d+/.test(document.querySelector('[data-el="report"]').textContent), null, { timeout: 60000 });
    const epoch = Number(await report.getAttribute('data-epoch'));
    assert.ok(epoch > 0);
    // The figure was paused by the course page, near that epoch, with the course page's learning rate.
    const frame = page.frame({ url: /chapter=backprop/ });
    await engineIs(frame, '[data-figure="backprop"]', 'paused', 5000);
    assert.match(frame.url(), /lr=0\.1(&|$)/);
    await page.screenshot({ path: join(ARTIFACTS, 'course-example.png') });
    await page.close();
  });

  it('a figure with an allow-list of origins ignores commands from any other', async () => {
    const page = site.watch(await site.context.newPage());
    const received = [];
    await page.exposeFunction('heard', (m) => received.push(m));
    await page.setContent(`<!doctype html><iframe src="${site.origin}/?origins=https://course.example#v=1&chapter=backprop&data=xor&embed=1" width="900" height="700" title="figure"></iframe>`);
    await page.evaluate(() => window.addEventListener('message', (e) => window.heard(e.data)));
    const frame = page.frames().find((f) => f !== page.mainFrame());
    await engineIs(frame, '[data-figure="backprop"]', 'paused', 30000);
    await page.evaluate(() => document.querySelector('iframe').contentWindow.postMessage({ target: 'brainprop', version: 1, type: 'play' }, '*'));
    await page.waitForTimeout(1500);
    assert.equal(await frame.getAttribute('[data-figure="backprop"]', 'data-engine'), 'paused', 'a command from an origin not on the list was obeyed');
    assert.deepEqual(received, [], 'the figure posted to an origin not on its list');
    await page.close();
  });

  itStayedClean(site);
});
