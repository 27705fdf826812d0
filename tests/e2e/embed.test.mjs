// End-to-end: figures embedded in a course page share the reader's processor (issue 16).
// Embeds below the fold start no worker and fetch no data until they come into view; an embed
// scrolled away or hidden with display:none stops training, and goes on when it is back.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { siteSuite, itStayedClean } from '../support/site.mjs';
import { engineIs } from '../support/figures.mjs';

const STATUS = '[data-page="backprop"] [data-el="status"]';

/** The epoch in an embedded Backprop figure's status line. */
async function epochIn(frame) {
  const m = /Epoch ([\d.]+) of/.exec(await frame.textContent(STATUS));
  return m ? Number(m[1]) : NaN;
}

describe('embedded figures', { timeout: 180000 }, () => {
  const site = siteSuite();

  /** A course page (on another origin: about:blank) with `frames` iframes after `gap` px of text. */
  async function coursePage(hashes, gap) {
    const page = site.watch(await site.context.newPage());
    const requests = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname)); // not the hash, which says data=mnist
    const frames = hashes.map((h, i) => `<iframe id="f${i}" src="${site.origin}/${h}" width="900" height="700" title="figure ${i}"></iframe>`).join('\n');
    await page.setContent(`<!doctype html><p>Course notes</p><div id="gap" style="height:${gap}px"></div>${frames}`);
    return { page, requests };
  }

  it('five MNIST embeds below the fold fetch no digits and start no worker until one is scrolled into view', async () => {
    const hashes = Array.from({ length: 5 }, (_, i) => `#v=1&chapter=backprop&data=mnist&hidden=${32 + i}&embed=1`);
    const { page, requests } = await coursePage(hashes, 3000);
    await page.waitForTimeout(5000);
    assert.equal(requests.filter((u) => u.endsWith('/mnist.bin')).length, 0, 'digits fetched for embeds nobody sees');
    assert.equal(requests.filter((u) => /worker/.test(u)).length, 0, 'a worker started for an embed nobody sees');
    await page.locator('#f0').scrollIntoViewIfNeeded();
    const frame = page.frameLocator('#f0');
    await frame.locator('[data-page="backprop"] [data-el="figure"][data-engine="paused"]').waitFor({ timeout: 90000 });
    const inView = await page.evaluate(() => [...document.querySelectorAll('iframe')]
      .filter((f) => { const b = f.getBoundingClientRect(); return b.bottom > 0 && b.top < innerHeight; }).length);
    assert.ok(inView >= 1 && inView < 5);
    assert.equal(requests.filter((u) => u.endsWith('/mnist.bin')).length, inView, 'only the embeds in view load their digits');
    await page.close();
  });

  it('an embed scrolled out of view or hidden with display:none stops training, and goes on when back', async () => {
    const { page } = await coursePage(['#v=1&chapter=backprop&data=circles&speed=max&epochs=100000&embed=1'], 0);
    const frame = page.frame({ url: /chapter=backprop/ });
    await engineIs(frame, '[data-page="backprop"] [data-el="figure"]', 'paused', 30000);
    await frame.click('[data-page="backprop"] [data-el="train"]');
    await frame.waitForFunction((s) => /Epoch [1-9]/.test(document.querySelector(s).textContent), STATUS);
    for (const hide of [
      () => page.evaluate(() => { document.getElementById('gap').style.height = '4000px'; }), // scrolled away
      () => page.evaluate(() => { document.getElementById('f0').style.display = 'none'; }),
    ]) {
      await hide();
      await page.waitForTimeout(1500); // the hold takes effect, the status line catches up
      const held = await epochIn(frame);
      await page.waitForTimeout(2000);
      assert.equal(await epochIn(frame), held, 'the epoch moved while the embed was out of sight');
      await page.evaluate(() => { document.getElementById('gap').style.height = '0px'; document.getElementById('f0').style.display = ''; });
      await frame.waitForFunction(([s, e]) => {
        const m = /Epoch ([\d.]+) of/.exec(document.querySelector(s).textContent);
        return m && Number(m[1]) > e;
      }, [STATUS, held], { timeout: 10000 });
    }
    await page.close();
  });

  itStayedClean(site);
});

describe('a figure in a sandboxed iframe (sandbox="allow-scripts": an opaque origin, no worker)', { timeout: 120000 }, () => {
  // Static hosts that send CORS headers let an opaque origin load the modules, the wasm and the
  // digits; no browser lets it start a worker from them.
  const site = siteSuite({}, { headers: { 'access-control-allow-origin': '*' } });

  it('trains on the page instead, and says so', async () => {
    const page = site.watch(await site.context.newPage());
    await page.setContent(`<!doctype html><iframe sandbox="allow-scripts" src="${site.origin}/#v=1&chapter=backprop&data=circles&speed=max&epochs=100000&embed=1" width="900" height="700" title="figure"></iframe>`);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    await engineIs(frame, '[data-page="backprop"] [data-el="figure"]', 'paused', 60000);
    await frame.click('[data-page="backprop"] [data-el="train"]');
    await frame.waitForFunction((s) => /Epoch ([3-9]|\d\d)/.test(document.querySelector(s).textContent), STATUS, { timeout: 30000 });
    assert.match(await frame.textContent(STATUS), /running on this page/);
    await frame.click('[data-page="backprop"] [data-el="train"]'); // pause
    await page.close();
  });
});
