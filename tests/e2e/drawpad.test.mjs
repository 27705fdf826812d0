// End-to-end: draw a digit (issue 16; www/figures/drawpad.js). On the MNIST figures of the
// Backprop and Random feedback chapters the reader draws on a 28×28 pad, with the mouse or the
// keyboard, and every network of the figure answers with its class probabilities, again as it
// trains. Screenshots go to artifacts/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, siteSuite, itStayedClean } from '../support/site.mjs';
import { fig, phaseIs } from '../support/figures.mjs';

/** Each lane's answer as shown: {rule: {top, p: [10 numbers]}}, for lanes that have one. */
function answers(page, id) {
  return page.$$eval(`${fig(id)} .prediction`, (rows) => Object.fromEntries(rows.filter((r) => r.dataset.top !== undefined && r.dataset.top !== '').map((r) => [r.dataset.rule, {
    top: Number(r.dataset.top),
    text: r.querySelector('.prediction-top').textContent,
    p: [...r.querySelectorAll('.prediction-bars li')].map((li) => Number(li.dataset.p)),
  }])));
}

/** Waits until every one of `rules` shows an answer; returns the answers. */
async function answered(page, id, rules, timeout = 30000) {
  await page.waitForFunction(([sel, rules]) => rules.every((rule) => {
    const row = document.querySelector(`${sel} .prediction[data-rule="${rule}"]`);
    return row && row.dataset.top !== undefined && row.dataset.top !== '';
  }), [fig(id), rules], { timeout, polling: 100 });
  return answers(page, id);
}

function assertProbabilities(answer, rule) {
  assert.equal(answer.p.length, 10, `${rule}: ten classes`);
  assert.ok(answer.p.every((v) => v >= 0 && v <= 1), `${rule}: probabilities ${answer.p}`);
  const sum = answer.p.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-3, `${rule}: the probabilities sum to ${sum}`);
  assert.equal(answer.top, answer.p.indexOf(Math.max(...answer.p)), `${rule}: the top class is the most probable`);
  assert.match(answer.text, new RegExp(`^${answer.top} \\(\\d+(\\.\\d)? ?%\\)$`));
}

/** Draws a "7" with the mouse on the figure's pad. */
async function drawSeven(page, id) {
  const pad = page.locator(`${fig(id)} [data-el="pad-canvas"]`);
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  const at = (x, y) => [box.x + (x / 28) * box.width, box.y + (y / 28) * box.height];
  await page.mouse.move(...at(7, 6));
  await page.mouse.down();
  await page.mouse.move(...at(21, 6), { steps: 8 });
  await page.mouse.move(...at(12, 23), { steps: 10 });
  await page.mouse.up();
}

describe('draw a digit', { timeout: 240000 }, () => {
  const site = siteSuite();

  it('Backprop on MNIST: a digit drawn with the mouse gets class probabilities, which change as the network trains', async () => {
    const page = await site.open('#v=1&chapter=backprop&data=mnist&hidden=16&epochs=30');
    await phaseIs(page, 'backprop', 'paused', 60000);
    await page.click(`${fig('backprop')} [data-el="step"]`);
    await page.waitForFunction((s) => /^Epoch 1 of/.test(document.querySelector(s).textContent), `${fig('backprop')} [data-el="status"]`, { timeout: 60000 });
    await drawSeven(page, 'backprop');
    const first = await answered(page, 'backprop', ['bp']);
    assertProbabilities(first.bp, 'bp');
    assert.match(await page.getAttribute(`${fig('backprop')} [data-el="pad-canvas"]`, 'aria-label'), /^Drawing pad: ink in \d+ of 784 pixels/);
    assert.match(await page.getAttribute(`${fig('backprop')} [data-el="pad-preview"]`, 'aria-label'), /centred and scaled/);
    // Training on: the answer follows the network.
    await page.click(`${fig('backprop')} [data-el="train"]`);
    await page.locator(`${fig('backprop')} .drawpad-panel`).scrollIntoViewIfNeeded(); // only a pad in view asks
    await page.waitForFunction(([sel, before]) => {
      const bars = [...document.querySelectorAll(`${sel} .prediction[data-rule="bp"] .prediction-bars li`)].map((li) => li.dataset.p);
      return bars.join() !== before;
    }, [fig('backprop'), first.bp.p.map(String).join()], { timeout: 30000, polling: 100 });
    await page.click(`${fig('backprop')} [data-el="train"]`); // pause
    assertProbabilities((await answers(page, 'backprop')).bp, 'bp');
    await page.locator(`${fig('backprop')} .drawpad-panel`).screenshot({ path: join(ARTIFACTS, 'drawpad-backprop.png') });
    // Clear: no drawing, no answer.
    await page.click(`${fig('backprop')} [data-el="pad-clear"]`);
    await page.waitForFunction((sel) => document.querySelector(`${sel} .prediction[data-rule="bp"]`).dataset.top === '', fig('backprop'));
    assert.equal(await page.getAttribute(`${fig('backprop')} [data-el="pad-canvas"]`, 'aria-label'), 'Drawing pad: empty.');
    await page.close();
  });

  it('the keyboard draws too, and its keys do not reach the figure\'s shortcuts', async () => {
    const page = await site.open('#v=1&chapter=backprop&data=mnist&hidden=16&epochs=30');
    await phaseIs(page, 'backprop', 'paused', 60000);
    await page.locator(`${fig('backprop')} [data-el="pad"]`).scrollIntoViewIfNeeded();
    await page.focus(`${fig('backprop')} [data-el="pad"]`);
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'BUTTON', 'the pad is a native button');
    // A "1": up from the centre, then a vertical stroke down with Shift held.
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Space');
    for (let i = 0; i < 16; i++) await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('ArrowRight'); // moves the cursor, does not step the figure
    const answer = await answered(page, 'backprop', ['bp']);
    assertProbabilities(answer.bp, 'bp');
    assert.equal(await page.getAttribute(fig('backprop'), 'data-engine'), 'paused', 'Space painted, and did not start training');
    await page.waitForTimeout(1100); // the status line is written at most once a second
    assert.match(await page.textContent(`${fig('backprop')} [data-el="status"]`), /^Epoch 0 of/, '→ did not step');
    assert.match(await page.textContent(`${fig('backprop')} [data-el="pad-ink"]`), /^Ink in \d+ of 784 pixels, rows \d+–\d+ and columns 1[2-5]–1[4-7]\./);
    await page.keyboard.press('Delete');
    await page.waitForFunction((sel) => document.querySelector(`${sel} [data-el="pad-ink"]`).textContent === 'Empty.', fig('backprop'));
    await page.close();
  });

  it('Random feedback: every lane of the race answers for the drawing, and the 2-D data sets have no pad', async () => {
    const page = await site.open('#v=1&chapter=feedback&fig=race');
    await page.locator(fig('race')).scrollIntoViewIfNeeded();
    await phaseIs(page, 'race', 'paused', 90000);
    const rules = await page.$$eval(`${fig('race')} [data-el="readouts"] tr`, (rows) => rows.map((r) => r.dataset.rule));
    assert.ok(rules.length >= 2, `several lanes: ${rules}`);
    await drawSeven(page, 'race');
    const all = await answered(page, 'race', rules, 60000);
    assert.deepEqual(Object.keys(all).sort(), [...rules].sort(), 'one answer per lane');
    for (const rule of rules) assertProbabilities(all[rule], rule);
    await page.locator(`${fig('race')} .drawpad-panel`).screenshot({ path: join(ARTIFACTS, 'drawpad-feedback.png') });
    // The linear toy trains on no digits: no pad.
    assert.equal(await page.locator(`${fig('linear')} .drawpad-panel`).count(), 0);
    await page.close();
    const planar = await site.open('#v=1&chapter=backprop&data=circles');
    await phaseIs(planar, 'backprop', 'paused', 60000);
    assert.equal(await planar.locator(`${fig('backprop')} .drawpad-panel`).isVisible(), false);
    await planar.close();
  });

  it('a finger draws too (touch events: the whole stroke, not a scroll of the page)', async () => {
    const context = await site.browser.newContext({ viewport: { width: 400, height: 800 }, hasTouch: true, isMobile: true });
    try {
      const page = site.watch(await context.newPage());
      await page.goto(`${site.origin}/#v=1&chapter=backprop&data=mnist&hidden=16&epochs=30`);
      await phaseIs(page, 'backprop', 'paused', 60000);
      const pad = page.locator(`${fig('backprop')} [data-el="pad-canvas"]`);
      await pad.scrollIntoViewIfNeeded();
      const box = await pad.boundingBox();
      const cdp = await context.newCDPSession(page);
      const point = (x, y) => [{ x: box.x + (x / 28) * box.width, y: box.y + (y / 28) * box.height }];
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point(14, 4) });
      for (let y = 5; y <= 24; y++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: point(14, y) });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
      const answer = await answered(page, 'backprop', ['bp']);
      assertProbabilities(answer.bp, 'bp');
      // The whole stroke, top to bottom: a page that scrolled under the finger instead would have
      // cancelled the pointer after a few moves (it does without the pad's touch-action: none).
      assert.match(await page.textContent(`${fig('backprop')} [data-el="pad-ink"]`), /rows [3-6]–2[4-7]/, 'the stroke runs the pad\'s height');
    } finally {
      await context.close();
    }
  });

  it('at 320 px the pad and the answers fit: nothing overflows sideways', async () => {
    const page = await site.open('#v=1&chapter=backprop&data=mnist&hidden=16&epochs=30');
    await page.setViewportSize({ width: 320, height: 900 });
    await phaseIs(page, 'backprop', 'paused', 60000);
    await drawSeven(page, 'backprop');
    await answered(page, 'backprop', ['bp']);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(over <= 0, `the page overflows by ${over} px`);
    const panel = await page.locator(`${fig('backprop')} .drawpad-panel`).boundingBox();
    assert.ok(panel.x >= 0 && panel.x + panel.width <= 320, `the pad's panel spans ${panel.x}–${panel.x + panel.width}`);
    await page.locator(`${fig('backprop')} .drawpad-panel`).screenshot({ path: join(ARTIFACTS, 'drawpad-320.png') });
    await page.close();
  });

  itStayedClean(site);
});
