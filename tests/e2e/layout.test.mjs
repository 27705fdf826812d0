// End-to-end (issue 16): every figure of every chapter in narrow frames and at a device pixel
// ratio of 2. At 320 and 400 CSS px wide nothing overflows sideways (neither the page nor a
// figure, no part of a figure sticks out of it, and no box inside it cuts off or scrolls its
// content, with every "More settings" open); every canvas in view has a backing store
// twice its CSS size from the moment it shows, drawn or not yet. And when the ratio changes while
// a figure is paused, its canvases are drawn again at the new ratio without training: the same
// pixels as the same figure opened at that ratio.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, siteSuite, itStayedClean } from '../support/site.mjs';
import { fig, phaseIs } from '../support/figures.mjs';
import { CHAPTERS, FIGURES_OF } from '../../www/state/state.js';

/** Phases of a figure whose engine has built its lanes (its readouts and charts are all there). */
const BUILT = ['paused', 'finished'];

/**
 * The canvases in view inside `selector` whose backing store is not `dpr` times their CSS content
 * box (the box inside border and padding, which the picture fills), ±1 px.
 */
function unsharpCanvases(page, selector, dpr) {
  return page.$$eval(`${selector} canvas`, (canvases, dpr) => canvases.filter((c) => c.getClientRects().length > 0).map((c) => {
    const box = c.getBoundingClientRect();
    const s = getComputedStyle(c);
    const px = (...names) => names.reduce((sum, n) => sum + parseFloat(s[n]), 0);
    const css = [box.width - px('borderLeftWidth', 'borderRightWidth', 'paddingLeft', 'paddingRight'), box.height - px('borderTopWidth', 'borderBottomWidth', 'paddingTop', 'paddingBottom')];
    return { name: c.dataset.el ?? c.dataset.chart ?? '?', width: c.width, height: c.height, css };
  }).filter(({ width, height, css }) => Math.abs(width - Math.round(css[0] * dpr)) > 1 || Math.abs(height - Math.round(css[1] * dpr)) > 1), dpr);
}

/** What sticks out sideways: the page, figure `selector`, or any visible element inside it. */
function overflows(page, selector) {
  return page.$eval(selector, (figure) => {
    const out = [];
    if (document.documentElement.scrollWidth > innerWidth) out.push(`the page: ${document.documentElement.scrollWidth} > ${innerWidth} px`);
    if (figure.scrollWidth > figure.clientWidth) out.push(`the figure: ${figure.scrollWidth} > ${figure.clientWidth} px`);
    const frame = figure.getBoundingClientRect();
    for (const e of figure.querySelectorAll('*')) {
      const box = e.getBoundingClientRect();
      // (Visually hidden text is a 1-px box, clipped on purpose.)
      if (box.width <= 1 || box.height <= 1 || !e.checkVisibility({ visibilityProperty: true })) continue; // (closed <details> too)
      const name = `${e.localName}.${[...e.classList].join('.')}[${e.dataset.el ?? ''}] "${(e.textContent ?? '').trim().slice(0, 30)}"`;
      if (box.right > frame.right + 1 || box.left < frame.left - 1) {
        out.push(`${name}: ${Math.round(box.left - frame.left)}…${Math.round(box.right - frame.left)} of ${Math.round(frame.width)} px`);
      }
      // Inside the figure, a box that clips or scrolls its content sideways hides part of it (a
      // text field scrolls its value, as every one does).
      if (!['input', 'textarea', 'select'].includes(e.localName) && getComputedStyle(e).overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1) {
        out.push(`${name} cuts off or scrolls its content: ${e.scrollWidth} > ${e.clientWidth} px`);
      }
    }
    return out;
  });
}

describe('narrow frames and a device pixel ratio of 2', { timeout: 900000 }, () => {
  const site = siteSuite();

  for (const width of [320, 400]) {
    it(`at ${width} px, no figure of any chapter overflows, and every canvas is sharp at DPR 2`, async () => {
      const context = await site.browser.newContext({ viewport: { width, height: 800 }, deviceScaleFactor: 2 });
      const problems = [];
      for (const chapter of CHAPTERS) {
        const page = site.watch(await context.newPage());
        await page.goto(`${site.origin}/#v=1&chapter=${chapter}`);
        await page.locator(`[data-page="${chapter}"]`).waitFor();
        for (const id of FIGURES_OF[chapter]) {
          const selector = `[data-page="${chapter}"] ${fig(id)}`;
          await page.locator(selector).scrollIntoViewIfNeeded(); // in view, the figure builds its lanes
          await page.waitForFunction(([s, phases]) => phases.includes(document.querySelector(s).dataset.engine), [selector, BUILT], { timeout: 90000 });
          // Drawing runs in animation frames: give it a moment, then look.
          await page.waitForFunction(async ([s]) => {
            await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
            return true;
          }, [selector]);
          await page.$$eval(`${selector} details`, (ds) => ds.forEach((d) => { d.open = true; })); // More settings too
          for (const p of await overflows(page, selector)) problems.push(`${chapter}/${id}: ${p}`);
          for (const c of await unsharpCanvases(page, selector, 2)) problems.push(`${chapter}/${id}: canvas ${c.name} is ${c.width}×${c.height} for a CSS box of ${c.css.map((v) => v.toFixed(1)).join('×')}`);
        }
        if (width === 320) await page.screenshot({ path: join(ARTIFACTS, `layout-${chapter}-${width}.png`), fullPage: false });
        await page.close();
      }
      await context.close();
      assert.deepEqual(problems, []);
    });
  }

  it('a paused figure draws its canvases again when the pixel ratio changes, without training', async () => {
    const hash = '#v=1&chapter=backprop&data=xor&hidden=6,4&epochs=5&seed=3&speed=max';
    const selector = '[data-figure="backprop"]';
    /** Every canvas in view of the figure: name → its pixels, as a PNG data URL. */
    const pixels = (page) => page.$$eval(`${selector} canvas`, (cs) => Object.fromEntries(cs.filter((c) => c.getClientRects().length > 0)
      .map((c) => [c.dataset.el ?? c.dataset.chart, c.toDataURL()])));
    const train = async (page) => {
      await page.locator(`${selector} [data-el="train"]`).scrollIntoViewIfNeeded(); // out of view, a figure waits
      await phaseIs(page, 'backprop', 'paused', 60000);
      await page.click(`${selector} [data-el="train"]`);
      await phaseIs(page, 'backprop', 'finished', 60000);
      await page.waitForFunction(() => /after epoch 5/.test(document.querySelector('canvas[data-chart="loss"]')?.getAttribute('aria-label')));
      // (The status line is rewritten at most once a second.)
      await page.waitForFunction((s) => /^Epoch 5 of 5 .*finished/.test(document.querySelector(`${s} [data-el="status"]`).textContent), selector);
    };

    // Both pages in windows of the browser's own size (no emulated viewport), so that the
    // emulated ratio is all that changes: no resize, no new layout.
    const context = await site.browser.newContext({ viewport: null });
    const ratio = async (page, deviceScaleFactor) => (await context.newCDPSession(page))
      .send('Emulation.setDeviceMetricsOverride', { width: 0, height: 0, deviceScaleFactor, mobile: false });

    // The reference: the figure opened at DPR 2.
    const sharp = site.watch(await context.newPage());
    await ratio(sharp, 2);
    await sharp.goto(`${site.origin}/${hash}`);
    await train(sharp);
    const expected = await pixels(sharp);
    assert.ok(Object.keys(expected).length >= 3, JSON.stringify(Object.keys(expected)));

    // The same figure opened at DPR 1, trained, then moved to a DPR 2 screen while it rests.
    // (No override first: Chromium reports a change of an emulated ratio to the page's media
    // queries only when there was none before; a real screen change is always reported.)
    const page = site.watch(await context.newPage());
    await page.goto(`${site.origin}/${hash}`);
    assert.equal(await page.evaluate(() => devicePixelRatio), 1);
    await train(page);
    assert.deepEqual(await unsharpCanvases(page, selector, 1), []);
    const status = await page.textContent(`${selector} [data-el="status"]`);
    const size = await page.evaluate(() => [innerWidth, innerHeight]);
    const before = await pixels(page);
    await ratio(page, 2);
    await page.waitForFunction(() => devicePixelRatio === 2);
    assert.deepEqual(await page.evaluate(() => [innerWidth, innerHeight]), size, 'the window changed size');
    await page.waitForFunction(async (s) => {
      await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
      return [...document.querySelectorAll(`${s} canvas`)].filter((c) => c.getClientRects().length > 0)
        .every((c) => Math.abs(c.width - c.clientWidth * 2) <= 1 && Math.abs(c.height - c.clientHeight * 2) <= 1);
    }, selector, { timeout: 10000 }).catch(() => {});
    assert.deepEqual(await unsharpCanvases(page, selector, 2), []);
    // Each canvas is drawn again, not only stretched: its pixels become other than its DPR-1
    // picture scaled up (what it shows in between). The charts, drawn from the same rows, become
    // exactly the reference's (the other views draw the last snapshot, which may be a later one).
    const stretched = await page.evaluate(async ([s, urls]) => {
      const out = {};
      for (const canvas of document.querySelectorAll(`${s} canvas`)) {
        const name = canvas.dataset.el ?? canvas.dataset.chart;
        if (!urls[name]) continue;
        const image = new Image();
        image.src = urls[name];
        await image.decode();
        const copy = document.createElement('canvas');
        copy.width = canvas.width;
        copy.height = canvas.height;
        copy.getContext('2d').drawImage(image, 0, 0, copy.width, copy.height);
        out[name] = copy.toDataURL();
      }
      return out;
    }, [selector, before]);
    const charts = { loss: expected.loss, acc: expected.acc };
    await page.waitForFunction(([s, st, ch]) => [...document.querySelectorAll(`${s} canvas`)].every((c) => {
      const name = c.dataset.el ?? c.dataset.chart;
      return !(name in st) || (c.toDataURL() !== st[name] && (!(name in ch) || c.toDataURL() === ch[name]));
    }), [selector, stretched, charts], { timeout: 15000, polling: 200 }).catch(() => {}); // then the asserts say which
    const after = await pixels(page);
    for (const name of Object.keys(before)) assert.notEqual(after[name], stretched[name], `canvas ${name} was only stretched, not drawn again at DPR 2`);
    for (const name of Object.keys(charts)) assert.ok(after[name] === charts[name], `chart ${name} differs from the same chart opened at DPR 2`);
    assert.equal(await page.getAttribute(selector, 'data-engine'), 'finished', 'the figure trained');
    assert.equal(await page.textContent(`${selector} [data-el="status"]`), status);
    await context.close();
  });

  itStayedClean(site);
});
