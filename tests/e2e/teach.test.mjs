// End-to-end: the teachers' pages (www/teach/<chapter>.html, issue 16), served with the site's
// strict Content-Security-Policy header as tests/e2e/csp.test.mjs serves it. Every page loads
// with no violation, has three guided questions and passes an axe-core scan (WCAG 2.1 A and AA:
// no serious or critical violation); every preset link on it, followed as a reader would, opens
// its chapter (and figure), which builds with no alert and no notice; and each chapter links to
// its page under its heading.
//   BRAINPROP_DIST=/tmp/dist node --test --test-concurrency=1 tests/e2e/teach.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { siteSuite, itStayedClean } from '../support/site.mjs';
import { fig, phaseIs } from '../support/figures.mjs';
import { PAGES } from '../../scripts/teach-pages.mjs';

/** The policy tests/e2e/csp.test.mjs checks the site under. */
const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Records every CSP violation of each document the page opens, from before its first script. */
function recordViolations() {
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
  });
}

describe('teachers\' pages', { timeout: 600000 }, () => {
  const site = siteSuite({}, { headers: { 'content-security-policy': POLICY } });

  async function open(path) {
    const page = site.watch(await site.context.newPage());
    await page.addInitScript(recordViolations);
    const response = await page.goto(`${site.origin}/${path}`);
    assert.equal(response.status(), 200, path);
    assert.equal(response.headers()['content-security-policy'], POLICY);
    return page;
  }

  for (const { chapter, title, questions } of PAGES) {
    it(`${chapter}: the page loads under the CSP with three questions, passes axe, and each preset opens its figure with no alert or notice`, async () => {
      const page = await open(`www/teach/${chapter}.html`);
      assert.equal(await page.textContent('h1'), title);
      // The stylesheets applied (external files are allowed): the page's measure is set.
      assert.notEqual(await page.$eval('.teach-page', (a) => getComputedStyle(a).maxWidth), 'none');
      assert.equal(await page.locator('.questions > li.question').count(), 3);
      assert.equal(await page.locator('.questions a.preset').count(), 3);
      assert.match(await page.textContent('#licence + p'), /MIT licence/);
      await page.evaluate(AXE); // not a <script> tag, which the policy would refuse as inline
      const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`), []);
      assert.deepEqual(await page.evaluate(() => window.__violations), [], `${chapter}: violations on the teachers' page`);

      for (let i = 0; i < questions.length; i++) {
        await page.goto(`${site.origin}/www/teach/${chapter}.html`);
        await page.click(`.questions li[data-question="${i + 1}"] a.preset`);
        await page.waitForURL((url) => url.hash.includes(`chapter=${chapter}`));
        assert.ok(page.url().startsWith(`${site.origin}/index.html#`), page.url());
        await page.waitForSelector(`[data-page="${chapter}"]:not([hidden])`);
        const id = /[#&]fig=([^&]+)/.exec(questions[i].hash)?.[1] ?? 'backprop';
        // The figure builds its lanes from the preset (a refused setting would stop it with an alert).
        await page.locator(fig(id)).scrollIntoViewIfNeeded();
        await phaseIs(page, id, 'paused', 90000);
        assert.equal(await page.isHidden('[data-el="notices"]'), true, `${questions[i].hash}: a notice`);
        assert.equal(await page.isHidden(`${fig(id)} [data-el="alert"]`), true, `${questions[i].hash}: an alert`);
        assert.deepEqual(await page.evaluate(() => window.__violations), [], `${questions[i].hash}: violations`);
      }
      await page.close();
    });
  }

  it('each chapter links to its teachers\' page under its heading', async () => {
    const page = await open('');
    for (const { chapter } of PAGES) {
      await page.goto(`${site.origin}/#v=1&chapter=${chapter}`);
      const link = page.locator(`[data-page="${chapter}"] header.article [data-el="for-teachers"]`);
      await link.waitFor();
      assert.match(await link.textContent(), /^For teachers/);
      const href = await link.evaluate((a) => a.href);
      assert.equal(href, `${site.origin}/www/teach/${chapter}.html`);
      assert.equal((await fetch(href)).status, 200, href);
    }
    await page.close();
  });

  itStayedClean(site);
});
