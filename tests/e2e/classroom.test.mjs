// End-to-end: classroom links (issue 16). A teacher opens a figure, ticks two settings in its
// "Classroom link" panel and takes the link the panel builds; opened in a new page, that link
// shows the figure without those two fields (their values still applied), with every other field,
// and the figure trains. The panel's embed code holds the same link with `embed=1`; the share
// block's own "Copy link" keeps the hidden fields too.
//   BRAINPROP_DIST=/tmp/dist node --test --test-concurrency=1 tests/e2e/classroom.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { siteSuite, itStayedClean } from '../support/site.mjs';
import { fig, phaseIs } from '../support/figures.mjs';

/** A field of a figure's settings form, by its setting's key. */
const field = (id, key) => `${fig(id)} .controls [data-key="${key}"]`;

/** Waits for the panel's (or the share block's) message, then reads the text it gave to copy. */
async function copied(page, id, prefix) {
  await page.waitForFunction((s) => document.querySelector(s).textContent !== '', `${fig(id)} [data-el="${prefix}share-message"]`);
  return page.inputValue(`${fig(id)} [data-el="${prefix}share-text"]`);
}

describe('classroom links', { timeout: 120000 }, () => {
  const site = siteSuite();

  for (const { chapter, id, set, hide, keep, status } of [
    // The Backprop chapter (one figure, links carry the whole chapter) on the XOR points.
    { chapter: 'backprop', id: 'backprop', set: 'data=xor&lr=0.3&batch=20', hide: { lr: ['Learning rate', '0.3'], batch: ['Batch size', '20'] }, keep: ['data', 'hidden', 'activation', 'epochs'], status: /^Epoch [1-9]/ },
    // A figure of a chapter of several (links carry `fig=…` and prefixed keys).
    { chapter: 'feedback', id: 'linear', set: 'fig=linear&linear.feedback_scale=2&linear.seed=7', hide: { 'linear.feedback_scale': ['Scale of B', '2'], 'linear.seed': ['Seed', '7'] }, keep: ['linear.feedback_dist', 'linear.epochs'], status: /[1-9]/ },
  ]) {
    it(`${chapter}: the panel's link hides the two ticked fields, keeps their values, and the figure trains`, async () => {
      const page = await site.open(`#v=1&chapter=${chapter}&${set}`);
      await phaseIs(page, id, 'paused', 40000);
      const panel = page.locator(`${fig(id)} [data-el="classroom"]`);
      await panel.locator('summary').click();
      // Tick each by its label, within the group of the form that holds it.
      for (const [key, [label]] of Object.entries(hide)) {
        const box = panel.locator(`input[data-hide="${key}"]`);
        assert.equal(await panel.getByLabel(label, { exact: true }).count() >= 1, true, `a checkbox labelled ${label}`);
        await box.check();
      }
      const link = await page.inputValue(`${fig(id)} [data-el="classroom-url"]`);
      const params = new URLSearchParams(new URL(link).hash.slice(1));
      for (const [key, [, value]] of Object.entries(hide)) {
        assert.equal(params.get(`${key}_hide`), '1', `${link} hides ${key}`);
        assert.equal(params.get(key), value, `${link} keeps ${key}=${value}`);
      }
      assert.doesNotMatch(link, /embed=1/);

      // The panel's embed code: the same link, with embed=1.
      await page.click(`${fig(id)} [data-el="classroom-copy-embed"]`);
      const code = await copied(page, id, 'classroom-');
      const src = /<iframe src="([^"]+)"/.exec(code)?.[1].replace(/&amp;/g, '&');
      assert.equal(src, `${link}&embed=1`, code);
      // The panel's own Copy link gives the built link.
      await page.click(`${fig(id)} [data-el="classroom-copy-link"]`);
      await page.waitForFunction((s) => /Link/.test(document.querySelector(s).textContent), `${fig(id)} [data-el="classroom-share-message"]`);
      assert.equal(await page.inputValue(`${fig(id)} [data-el="classroom-share-text"]`), link);
      // The teacher's own page hides nothing.
      for (const key of Object.keys(hide)) assert.ok(await page.isVisible(field(id, key)), `${key} still shown on the teacher's page`);
      await page.close();

      // The student's page.
      const student = site.watch(await site.context.newPage());
      await student.goto(link);
      await phaseIs(student, id, 'paused', 40000);
      assert.equal(await student.isHidden('[data-el="notices"]'), true, 'no notice');
      for (const [key, [, value]] of Object.entries(hide)) {
        assert.equal(await student.locator(field(id, key)).count(), 1, `${key}'s field exists`);
        assert.ok(await student.isHidden(field(id, key)), `${key}'s field is hidden`);
        // Its value still applies (the control holds it; the hash the page writes keeps it).
        assert.equal(await student.inputValue(`${field(id, key)} input`), value);
      }
      for (const key of keep) assert.ok(await student.isVisible(field(id, key)), `${key}'s field is shown`);
      // The hash the page writes back (the whole chapter's state) keeps the values and the hiding.
      const written = new URLSearchParams(new URL(student.url()).hash.slice(1));
      for (const [key, [, value]] of Object.entries(hide)) {
        assert.equal(written.get(key), value, `the page's hash keeps ${key}`);
        assert.equal(written.get(`${key}_hide`), '1', `the page's hash keeps ${key}_hide`);
      }
      // The share block's own link keeps the hidden fields; the panel starts from them.
      await student.click(`${fig(id)} [data-el="copy-link"]`);
      const shared = await copied(student, id, '');
      for (const key of Object.keys(hide)) assert.ok(shared.includes(`${key}_hide=1`), `${shared} keeps ${key}_hide`);
      for (const key of Object.keys(hide)) assert.ok(await student.isChecked(`${fig(id)} input[data-hide="${key}"]`));
      // The figure trains.
      await student.click(`${fig(id)} [data-el="train"]`);
      await student.waitForFunction(([s, re]) => new RegExp(re).test(document.querySelector(s).textContent), [`${fig(id)} [data-el="status"]`, status.source], { timeout: 30000 });
      if (await student.getAttribute(fig(id), 'data-engine') === 'training') await student.click(`${fig(id)} [data-el="train"]`);
      await student.close();
    });
  }

  it('a group whose every field is hidden is hidden too; an unknown hide key gets the notice', async () => {
    const page = await site.open('#v=1&chapter=feedback&fig=linear&linear.feedback_scale_hide=1&linear.feedback_dist_hide=1&fig_hide=1');
    await phaseIs(page, 'linear', 'paused', 40000);
    assert.ok(await page.isHidden(field('linear', 'linear.feedback_scale')));
    const group = `${fig('linear')} .controls > :is(fieldset, details):has([data-key="linear.feedback_scale"])`;
    const keys = await page.$$eval(`${group} [data-key]`, (fields) => fields.map((f) => f.dataset.key));
    if (keys.every((k) => ['linear.feedback_scale', 'linear.feedback_dist'].includes(k))) assert.ok(await page.isHidden(group), 'the emptied group is hidden');
    else assert.ok(await page.isVisible(group), 'the group keeps its other fields');
    await page.waitForSelector('[data-el="notices"]:not([hidden])');
    assert.match(await page.textContent('[data-el="notice-list"]'), /does not know: "fig_hide"/);
    await page.close();
  });

  itStayedClean(site);
});
