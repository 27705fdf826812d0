// The teachers' pages (www/teach/<chapter>.html, issue 16) are what scripts/teach-pages.mjs
// writes, and every preset link on them is one the page's own parser reads without a notice,
// opening its chapter (and its figure). In the browser: tests/e2e/teach.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGES, writePages, presetHref } from '../../scripts/teach-pages.mjs';
import { parse, CHAPTERS, FIGURES_OF } from '../../www/state/state.js';

test('one page per chapter, each with a sentence on every figure and three questions', () => {
  assert.deepEqual(PAGES.map((p) => p.chapter), CHAPTERS);
  for (const page of PAGES) {
    // The Backprop chapter's one figure has no id among FIGURES_OF.
    assert.equal(page.figures.length, Math.max(1, (FIGURES_OF[page.chapter] ?? []).length), page.chapter);
    assert.equal(page.questions.length, 3, page.chapter);
  }
});

test('every preset link opens its chapter, and its figure, with no notice', () => {
  for (const page of PAGES) {
    for (const { hash } of page.questions) {
      assert.match(hash, new RegExp(`^#v=1&chapter=${page.chapter}(&|$)`), hash);
      assert.ok(presetHref(hash).endsWith(hash));
      const { state, notices } = parse(hash);
      assert.deepEqual(notices, [], hash);
      assert.equal(state.chapter, page.chapter, hash);
      const fig = /[#&]fig=([^&]+)/.exec(hash)?.[1];
      if (fig) assert.equal(state.fig, fig, hash);
    }
  }
});

test('the pages in www/teach/ are what scripts/teach-pages.mjs writes (run it after changing the content)', () => {
  assert.deepEqual(writePages({ check: true }), []);
});
