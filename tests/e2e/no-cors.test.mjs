// End-to-end (issue 16): a figure embedded in a sandboxed iframe (sandbox="allow-scripts": an
// opaque origin) on a host that sends no CORS headers. The browser refuses the page's module
// scripts, so nothing of the app runs; the classic www/boot-check.js replaces the stale landing
// text with a notice that says why and gives the full page's address, as text and as a link.
// The same notice never shows on a page that starts (checked here on the full page too).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, siteSuite } from '../support/site.mjs';
import { engineIs } from '../support/figures.mjs';

const NOTICE = '[data-el="boot-failed"]';

describe('a sandboxed embed on a host without CORS headers', { timeout: 120000 }, () => {
  const site = siteSuite(); // the test server sends no Access-Control-Allow-Origin

  it('shows the notice with the full page\'s address instead of the landing page', async () => {
    const page = site.watch(await site.context.newPage());
    const hash = '#v=1&chapter=backprop&data=xor&seed=5&embed=1';
    await page.setContent(`<!doctype html><iframe sandbox="allow-scripts" src="${site.origin}/${hash}" width="600" height="500" title="figure"></iframe>`);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    await frame.waitForSelector(NOTICE, { state: 'visible', timeout: 30000 });
    const full = `${site.origin}/#v=1&chapter=backprop&data=xor&seed=5`;
    const link = frame.locator(`${NOTICE} a[data-el="boot-failed-link"]`);
    assert.equal(await link.getAttribute('href'), full);
    assert.equal(await link.textContent(), full, 'the address is shown in full, as text');
    assert.equal(await link.getAttribute('target'), '_blank');
    const text = await frame.textContent(NOTICE);
    assert.match(text, /sandboxed/);
    assert.match(text, /CORS/);
    assert.match(text, /Access-Control-Allow-Origin/);
    // The stale landing page (and the site's header) are gone: the notice is all there is.
    assert.ok(await frame.isHidden('[data-page=""]'), 'the landing page still shows');
    assert.ok(await frame.isHidden('.site-header'));
    assert.deepEqual(await frame.evaluate(() => [document.documentElement.scrollWidth <= innerWidth]), [true]);
    await page.screenshot({ path: join(ARTIFACTS, 'no-cors-embed.png') });
    // What was refused is the CORS fetch of the modules: nothing else failed.
    assert.ok(site.consoleErrors.length > 0 && site.consoleErrors.every((e) => /CORS|ERR_FAILED/.test(e)), site.consoleErrors.join('\n'));
    site.consoleErrors.length = 0;
    await page.close();
  });

  it('the notice stays hidden on a page that starts, and in an embed on the same origin', async () => {
    const page = await site.open('#v=1&chapter=backprop&data=xor&embed=1');
    await engineIs(page, '[data-figure="backprop"]', 'paused', 60000);
    assert.ok(await page.isHidden(NOTICE));
    assert.ok(await page.isVisible('[data-page="backprop"]'));
    await page.close();
    assert.deepEqual(site.consoleErrors, []);
  });
});
