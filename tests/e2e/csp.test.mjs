// End-to-end test of the site under a strict Content-Security-Policy, sent as a header with every
// response (the page's, and the engine workers' own scripts'):
//   source scripts/env.sh && wasm_env trunk build --release
//   node --test --test-concurrency=1 tests/e2e/csp.test.mjs
// No inline script, no inline style attribute, WebAssembly allowed ('wasm-unsafe-eval'), nothing
// from another origin. On the landing page and in one figure of every chapter, trained briefly, it
// checks: no `securitypolicyviolation` event, no console error, no request off the origin, the
// engine worker running, and a plotters chart drawn with its curves.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, siteSuite, itStayedClean } from '../support/site.mjs';
import { fig, phaseIs } from '../support/figures.mjs';

export const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

/** Records every CSP violation of the document, from before the page's first script. */
function recordViolations() {
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`);
  });
}

/** One figure per chapter, each quick to build (no digits to load) and to train a little. */
const FIGURES = [
  { chapter: 'backprop', id: 'backprop' },
  { chapter: 'nudging', id: 'stdp' },
  { chapter: 'feedback', id: 'linear' },
  { chapter: 'spikes', id: 'neuron' },
  { chapter: 'dendrites', id: 'plasticity' },
  { chapter: 'time', id: 'time_fit' },
];

/**
 * Pixels of a canvas that are inked (not near-white) and that are coloured (a curve of the
 * palette: axes, grid and text are grey).
 */
function inkOf(page, selector) {
  return page.$eval(selector, (canvas) => {
    const { width, height } = canvas;
    if (!width || !height) return { ink: 0, colour: 0 };
    const d = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    let ink = 0;
    let colour = 0;
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
      if (r < 235 || g < 235 || b < 235) ink++;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) colour++;
    }
    return { ink, colour };
  });
}

describe('the site under a strict Content-Security-Policy', { timeout: 90000 }, () => {
  const site = siteSuite({}, { headers: { 'content-security-policy': POLICY } });

  /** A page at `hash` (watched for console errors), recording violations from its first script on. */
  async function open(hash, { watch = true } = {}) {
    const page = await site.context.newPage();
    if (watch) site.watch(page);
    await page.addInitScript(recordViolations);
    const response = await page.goto(`${site.origin}/${hash}`);
    assert.equal(response.headers()['content-security-policy'], POLICY);
    return page;
  }

  const violations = (page) => page.evaluate(() => window.__violations);

  it('the recorder sees a violation when there is one (an inline style attribute)', async () => {
    const page = await open('', { watch: false }); // Chromium reports the violation as a console error
    await page.evaluate(() => document.body.setAttribute('style', 'outline: 1px solid red'));
    await page.waitForFunction(() => window.__violations.length > 0, null, { timeout: 3000 });
    assert.ok((await violations(page)).some((v) => /^style-src/.test(v)), (await violations(page)).join('\n'));
    await page.close();
  });

  it('the page has no inline script or style; the landing page loads its scripts, styles and chart module with no violation', async () => {
    const html = await (await fetch(`${site.origin}/`)).text();
    assert.equal(html.match(/<script(?![^>]*\ssrc=)[^>]*>/)?.[0], undefined, 'an inline <script>');
    assert.equal(html.match(/<style[\s>]|\sstyle=[^>]*/)?.[0], undefined, 'an inline style');
    const page = await open('');
    await page.locator('.chapter-card.live').first().waitFor();
    assert.equal(await page.locator('.chapter-card.live').count(), 6);
    // The stylesheet applied (an external file is allowed), the chart module is up.
    assert.notEqual(await page.$eval('.site-header', (h) => getComputedStyle(h).display), 'inline');
    await page.waitForFunction(() => import('./www/views/linechart.js').then((m) => m.chartBindings()).then((b) => typeof b.draw_line_chart === 'function'), null, { timeout: 20000 });
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  for (const { chapter, id } of FIGURES) {
    it(`${chapter}: figure ${id} builds and trains in its worker, and its chart draws, with no violation`, async () => {
      const page = await open(`#v=1&chapter=${chapter}&fig=${id}`);
      await phaseIs(page, id, 'paused', 40000); // the engine worker instantiated its wasm
      const chart = `${fig(id)} canvas[data-chart]`;
      await page.click(`${fig(id)} [data-el="train"]`);
      await page.waitForSelector(`${fig(id)}:is([data-engine="training"], [data-engine="finished"])`, { timeout: 10000, state: 'attached' });
      // Trains until its first chart shows axes, text and a curve in its colour, then pauses.
      await page.waitForFunction((selector) => document.querySelector(selector)?.width > 0, chart, { timeout: 10000 });
      let px = { ink: 0, colour: 0 };
      for (let tries = 0; tries < 60 && (px.ink < 500 || px.colour < 20); tries++) {
        await page.waitForTimeout(250);
        px = await inkOf(page, chart);
      }
      if (await page.getAttribute(fig(id), 'data-engine') === 'training') await page.click(`${fig(id)} [data-el="train"]`);
      assert.ok(px.ink >= 500, `${id}: the chart looks blank (${px.ink} inked pixels)`);
      assert.ok(px.colour >= 20, `${id}: the chart has no curve (${px.colour} coloured pixels)`);
      if (chapter === 'backprop') await page.locator(chart).first().screenshot({ path: join(ARTIFACTS, 'csp-backprop-loss.png') });
      assert.deepEqual(await violations(page), [], `${chapter}: violations`);
      await page.close();
    });
  }

  itStayedClean(site);
});
