// End-to-end: an axe-core scan (npm axe-core, the rules of WCAG 2.1 A and AA) of the landing page
// and every chapter, once its figures have drawn: no serious or critical violation (issue 16).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { siteSuite, itStayedClean } from '../support/site.mjs';

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

describe('accessibility (axe-core)', { timeout: 240000 }, () => {
  const site = siteSuite();

  for (const chapter of ['', 'backprop', 'nudging', 'feedback', 'spikes', 'dendrites', 'time']) {
    it(`${chapter || 'the landing page'} has no serious or critical violation`, async () => {
      const page = await site.open(`#v=1${chapter ? `&chapter=${chapter}` : ''}`);
      // Scroll through, so that every figure starts and draws.
      const height = await page.evaluate(() => document.body.scrollHeight);
      for (let y = 0; y < height; y += 800) {
        await page.evaluate((top) => window.scrollTo(0, top), y);
        await page.waitForTimeout(150);
      }
      await page.waitForTimeout(1500);
      await page.addScriptTag({ content: AXE });
      const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`), []);
      await page.close();
    });
  }

  itStayedClean(site);
});
