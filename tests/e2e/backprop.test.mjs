// End-to-end test of the Backprop chapter in headless Chromium.
//   PATH=$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH trunk build --release
//   node --test tests/e2e/
// Serves dist/ from a static server started here, drives the page with the keyboard and the
// settings form, and checks what a reader would see. Screenshots go to artifacts/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, siteSuite, itStayedClean } from '../support/site.mjs';
import { engineIs } from '../support/figures.mjs';

const STATUS = '[data-el="status"]';
const FIGURE = '[data-el="figure"]';

/** The epoch number in the status line. */
async function epochOf(page) {
  const text = await page.textContent(STATUS);
  const m = /Epoch ([\d.]+) of/.exec(text);
  assert.ok(m, `no epoch in the status line: ${JSON.stringify(text)}`);
  return Number(m[1]);
}

/** How many pixels of a canvas are not near-white, and a hash of all of them. */
function canvasPixels(page, selector) {
  return page.$eval(selector, (canvas) => {
    const { width, height } = canvas;
    if (width === 0 || height === 0) return { ink: 0, hash: 0, width, height };
    const d = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    let ink = 0;
    let hash = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) ink++;
      hash = (Math.imul(hash, 31) + d[i] + 3 * d[i + 1] + 7 * d[i + 2]) >>> 0;
    }
    return { ink, hash, width, height };
  });
}

const phaseIs = (page, phase, timeout = 15000) => engineIs(page, FIGURE, phase, timeout);

/** Waits for the status line (which updates at most once a second) to match `pattern`. */
const statusMatches = (page, pattern, timeout = 3000) =>
  page.waitForFunction(([source, flags]) => new RegExp(source, flags).test(document.querySelector('[data-el="status"]').textContent),
    [pattern.source, pattern.flags], { timeout });

describe('the Backprop chapter', { timeout: 150000 }, () => {
  const site = siteSuite();
  const open = (hash, options) => site.open(hash, options);

  it('opens paused on a meaningful default figure', async () => {
    const page = await open('#v=1&chapter=backprop');
    await phaseIs(page, 'paused');
    await statusMatches(page, /^Epoch 0 of 200 · test accuracy [\d.]+% · paused$/);
    assert.equal(await page.textContent('[data-el="train"]'), 'Train');
    // Nothing trains by itself.
    await page.waitForTimeout(600);
    assert.equal(await epochOf(page), 0);
    assert.equal(await page.getAttribute(FIGURE, 'data-engine'), 'paused');
    // The default views are drawn, with text alternatives.
    await page.waitForFunction(() => /^Network diagram: 2 inputs, hidden layers of 8, 8 units, 2 outputs/.test(
      document.querySelector('[data-el="network"]').getAttribute('aria-label')));
    await page.waitForFunction(() => document.querySelector('canvas[data-chart="loss"]')?.width > 0);
    for (const selector of ['[data-el="network"]', '[data-el="boundary"]', 'canvas[data-chart="loss"]', 'canvas[data-chart="acc"]']) {
      const px = await canvasPixels(page, selector);
      assert.ok(px.ink > 500, `${selector} looks blank (${px.ink} inked pixels)`);
      assert.equal(await page.getAttribute(selector, 'role'), 'img');
    }
    assert.match(await page.getAttribute('[data-el="boundary"]', 'aria-label'), /^Decision boundary: .* 400 training points/);
    await page.close();
  });

  it('Space trains and pauses, the curves advance, → steps one epoch', async () => {
    const page = await open('#v=1&chapter=backprop');
    await phaseIs(page, 'paused');
    await page.waitForFunction(() => document.querySelector('canvas[data-chart="loss"]')?.width > 0);
    const lossBefore = await canvasPixels(page, 'canvas[data-chart="loss"]');
    const boundaryBefore = await canvasPixels(page, '[data-el="boundary"]');

    await page.click('[data-figure="backprop"] [data-el="status"]'); // the reader's figure now (keys act on it alone)
    await page.keyboard.press('Space');
    await phaseIs(page, 'training', 2000);
    assert.equal(await page.textContent('[data-el="train"]'), 'Pause');
    await statusMatches(page, /Epoch [1-9]/);
    const e1 = await epochOf(page);
    await page.waitForTimeout(1300);
    const e2 = await epochOf(page);
    assert.ok(e2 > e1, `the epoch did not advance while training (${e1} → ${e2})`);
    assert.match(await page.textContent(STATUS), /test accuracy \d+\.\d%/);
    assert.match(await page.textContent(STATUS), /[\d,]+ samples\/s · training/);
    await page.screenshot({ path: join(ARTIFACTS, 'backprop.png'), fullPage: true });
    const lossAfter = await canvasPixels(page, 'canvas[data-chart="loss"]');
    const boundaryAfter = await canvasPixels(page, '[data-el="boundary"]');
    assert.notEqual(lossAfter.hash, lossBefore.hash, 'the loss chart did not change');
    assert.notEqual(boundaryAfter.hash, boundaryBefore.hash, 'the decision boundary did not change');
    assert.match(await page.getAttribute('canvas[data-chart="loss"]', 'aria-label'), /^Loss curves: train [\d.]+, test [\d.]+ after epoch \d+/);

    await page.keyboard.press('Space');
    await phaseIs(page, 'paused', 2000);
    assert.equal(await page.textContent('[data-el="train"]'), 'Train');
    await page.waitForTimeout(1200); // the status line updates at most once a second
    const e3 = await epochOf(page);
    await page.waitForTimeout(1500);
    assert.equal(await epochOf(page), e3, 'the epoch kept increasing after pausing');
    assert.ok(e3 < 200, 'the run finished before it could be paused');

    await page.keyboard.press('ArrowRight');
    await statusMatches(page, new RegExp(`^Epoch ${e3 + 1} of 200`));
    await phaseIs(page, 'paused', 2000);
    await page.close();
  });

  it('settings go into the hash, and a reload restores them', async () => {
    const page = await open('#v=1&chapter=backprop');
    await phaseIs(page, 'paused');
    for (const [selector, value] of [['#backprop-lr', '0.03'], ['#backprop-seed', '42'], ['#backprop-hidden', '6,3']]) {
      await page.fill(selector, value);
      await page.press(selector, 'Enter');
      await phaseIs(page, 'paused');
    }
    await page.selectOption('#backprop-activation', 'relu');
    await phaseIs(page, 'paused');
    await page.waitForFunction(() => location.hash.includes('activation=relu'), null, { timeout: 1000 }); // within 100 ms of a burst
    const url = page.url();
    for (const part of ['chapter=backprop', 'lr=0.03', 'seed=42', 'hidden=6,3', 'activation=relu']) {
      assert.ok(url.includes(part), `${part} is not in ${url}`);
    }
    const labelBefore = await page.getAttribute('[data-el="network"]', 'aria-label');
    assert.match(labelBefore, /hidden layers of 6, 3 units/);

    await page.reload();
    await phaseIs(page, 'paused');
    assert.equal(page.url(), url);
    assert.equal(await page.inputValue('#backprop-lr'), '0.03');
    assert.equal(await page.inputValue('#backprop-seed'), '42');
    assert.equal(await page.inputValue('#backprop-hidden'), '6,3');
    assert.equal(await page.inputValue('#backprop-activation'), 'relu');
    await page.waitForFunction((l) => document.querySelector('[data-el="network"]').getAttribute('aria-label') === l, labelBefore);

    // "Copy link" copies exactly this state; "Copy embed code" the embed layout of it.
    await site.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
    await page.click('[data-el="copy-link"]');
    await page.waitForFunction(() => /Link copied/.test(document.querySelector('[data-el="share-message"]').textContent));
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
    await page.click('[data-el="copy-embed"]');
    await page.waitForFunction(() => /Embed code copied/.test(document.querySelector('[data-el="share-message"]').textContent));
    const code = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/#v=1&amp;chapter=backprop&amp;.*lr=0\.03.*&amp;embed=1" title="brainprop: Backprop"/);

    // A width the engine cannot take is refused in the field, visibly, and not applied.
    await page.fill('#backprop-hidden', '6,x');
    await page.press('#backprop-hidden', 'Enter');
    assert.equal(await page.getAttribute('#backprop-hidden', 'aria-invalid'), 'true');
    assert.match(await page.textContent('#backprop-hidden-msg'), /not a list of layer widths/);
    assert.ok(page.url().includes('hidden=6,3'));
    await page.close();
  });

  it('a hostile hash gives defaults, clamped values and a visible notice, never markup', async () => {
    const page = await open('#v=1&chapter=backprop&lr=abc&hidden=9999999,<script>window.pwned=1</script>&batch=-5&data=%3Cimg%20src=x%20onerror=window.pwned=2%3E');
    await phaseIs(page, 'paused');
    const notices = page.locator('[data-el="notices"]');
    assert.ok(await notices.isVisible(), 'no notice is shown');
    const text = await notices.textContent();
    assert.match(text, /learning rate: "abc" is not a number; using 0\.1/);
    assert.match(text, /batch size: "-5" is below the minimum 1; using 1/);
    assert.match(text, /hidden layers: "9999999,<script>/); // shown as text…
    assert.equal(await page.locator('[data-el="notices"] script, [data-el="notices"] img').count(), 0); // …not as markup
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.equal(await page.inputValue('#backprop-lr'), '0.1');
    assert.equal(await page.inputValue('#backprop-hidden'), '8,8');
    assert.equal(await page.inputValue('#backprop-batch'), '1');
    assert.equal(await page.inputValue('#backprop-data'), 'circles');
    // The hash now holds the repaired state, and the figure works.
    assert.match(page.url(), /&lr=0\.1&/);
    await page.click('[data-figure="backprop"] [data-el="status"]'); // the reader's figure now (keys act on it alone)
    await page.keyboard.press('ArrowRight');
    await statusMatches(page, /Epoch 1 of/, 5000);
    await page.click('[data-el="notices-dismiss"]');
    assert.equal(await notices.isVisible(), false);
    await page.close();
  });

  it('a diverging run stops with a visible message, and Reset recovers', async () => {
    const page = await open('#v=1&chapter=backprop&data=circles&activation=relu&loss=mse&lr=10&speed=max');
    await phaseIs(page, 'paused');
    const alert = page.locator('[data-page="backprop"] [data-el="alert"]');
    assert.equal(await alert.isVisible(), false);
    await page.click('[data-figure="backprop"] [data-el="status"]'); // the reader's figure now (keys act on it alone)
    await page.keyboard.press('Space');
    await phaseIs(page, 'diverged', 10000);
    assert.ok(await alert.isVisible(), 'the divergence is not shown');
    assert.match(await alert.textContent(), /diverged at epoch [\d.]+/i);
    assert.ok(await page.isDisabled('[data-el="train"]'), 'Train should be disabled after divergence');
    await statusMatches(page, /stopped: diverged$/);

    await page.keyboard.press('r');
    await phaseIs(page, 'paused', 5000);
    assert.equal(await alert.isVisible(), false);
    assert.ok(await page.isEnabled('[data-el="train"]'));
    await statusMatches(page, /^Epoch 0 of 200 · .* · paused$/);
    const boundary = await canvasPixels(page, '[data-el="boundary"]');
    assert.ok(boundary.ink > 500, 'the boundary is blank after Reset');
    // Lowering the learning rate gives a run that trains.
    await page.fill('#backprop-lr', '0.01');
    await page.press('#backprop-lr', 'Enter');
    await phaseIs(page, 'paused');
    await page.click('[data-el="step"]');
    await statusMatches(page, /Epoch 1 of/, 5000);
    assert.equal(await alert.isVisible(), false);
    await page.close();
  });

  it('MNIST loads the digits, and the receptive fields change with training', async () => {
    const page = await open('#v=1&chapter=backprop&data=mnist&hidden=500');
    await phaseIs(page, 'paused', 40000);
    assert.ok(await page.isHidden('[data-el="boundary"]'));
    await page.waitForFunction(() => /^Receptive fields of 36 of the 500/.test(document.querySelector('[data-el="fields"]').getAttribute('aria-label')));
    const before = await canvasPixels(page, '[data-el="fields"]');
    assert.ok(before.ink > 5000, `the receptive fields look blank (${before.ink})`);

    await page.click('[data-figure="backprop"] [data-el="status"]'); // the reader's figure now (keys act on it alone)
    await page.keyboard.press('Space');
    await statusMatches(page, /Epoch [1-9]/, 20000);
    await page.waitForFunction(() => /^Confusion matrix on 2000 test examples: \d/.test(document.querySelector('[data-el="confusion"]').getAttribute('aria-label')));
    await page.screenshot({ path: join(ARTIFACTS, 'backprop-mnist.png'), fullPage: true });
    const afterFields = await canvasPixels(page, '[data-el="fields"]');
    assert.notEqual(afterFields.hash, before.hash, 'the receptive fields did not change');
    const confusion = await canvasPixels(page, '[data-el="confusion"]');
    assert.ok(confusion.ink > 1000, 'the confusion matrix looks blank');
    const accuracy = Number(/test accuracy ([\d.]+)%/.exec(await page.textContent(STATUS))[1]);
    assert.ok(accuracy > 50, `test accuracy after an epoch is only ${accuracy}%`);
    await page.keyboard.press('Space');
    await phaseIs(page, 'paused', 3000);
    await page.close();
  });

  it('the landing page reads like the talk; embed=1 shows only the figure', async () => {
    const page = await open('');
    assert.equal(await page.textContent('h1:visible'), 'Can the brain do backprop?');
    assert.equal(await page.locator('.chapter-card').count(), 6);
    // Every chapter is live, the open problem of the talk (Through time) too.
    assert.equal(await page.locator('.chapter-card .badge:text-is("coming")').count(), 0);
    assert.equal(await page.locator('.chapter-card .badge:text-is("live")').count(), 6);
    assert.ok(await page.locator('.equation').isVisible());
    await page.click('.chapter-card h2 a:text-is("Through time")');
    assert.ok(await page.locator('[data-page="time"]').isVisible());
    assert.doesNotMatch(await page.textContent('[data-page="time"]'), /not built yet/);
    await page.close();

    const embed = await open('#v=1&chapter=backprop&embed=1');
    await phaseIs(embed, 'paused');
    assert.ok(await embed.isHidden('.site-header'));
    assert.ok(await embed.isHidden('[data-page="backprop"] > header.article'));
    assert.ok(await embed.isVisible('[data-el="open-full"]'));
    assert.doesNotMatch(await embed.getAttribute('[data-el="open-full"]', 'href'), /embed=1/);
    await embed.close();
  });

  it('with reduced motion the figure still trains and draws, less often', async () => {
    const page = await open('#v=1&chapter=backprop&data=xor', { reducedMotion: 'reduce' });
    await phaseIs(page, 'paused');
    await page.waitForTimeout(300);
    const before = await canvasPixels(page, '[data-el="boundary"]');
    await page.click('[data-el="train"]');
    await statusMatches(page, /Epoch [1-9]\d* of 200 .* training/);
    await page.waitForTimeout(800);
    const after = await canvasPixels(page, '[data-el="boundary"]');
    assert.notEqual(after.hash, before.hash, 'the boundary did not change under reduced motion');
    await page.click('[data-el="train"]');
    await phaseIs(page, 'paused', 2000);
    await page.close();
  });

  itStayedClean(site);
});
