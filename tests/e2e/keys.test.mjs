// End-to-end: the keyboard (issue 16). Single-key shortcuts act only on the figure that has the
// focus or was last used; R pressed outside any figure changes nothing; a visible setting turns
// them off; ? lists them; and the keyboard alone trains, pauses and resets through the buttons.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, siteSuite, itStayedClean } from '../support/site.mjs';

const FIG = '[data-figure="backprop"]';
const STATUS = `${FIG} [data-el="status"]`;
const phaseIs = (page, phase, timeout = 20000) => page.waitForSelector(`${FIG}[data-engine="${phase}"]`, { timeout });

async function epochOf(page) {
  const m = /Epoch ([\d.]+) of/.exec(await page.textContent(STATUS));
  return m ? Number(m[1]) : NaN;
}

describe('the keyboard', { timeout: 120000 }, () => {
  const site = siteSuite();

  it('the keyboard alone trains, pauses and resets, through the figure\'s own buttons', async () => {
    const page = await site.open('#v=1&chapter=backprop&speed=max&epochs=100000');
    await phaseIs(page, 'paused');
    // Tab from the top of the page to the figure's Train button.
    for (let i = 0; i < 60 && !(await page.evaluate(() => document.activeElement?.dataset?.el === 'train')); i += 1) await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.el), 'train');
    await page.keyboard.press('Enter');
    await phaseIs(page, 'training', 5000);
    await page.waitForFunction((s) => /Epoch [1-9]/.test(document.querySelector(s).textContent), STATUS, { timeout: 5000 });
    await page.keyboard.press('Space'); // on the button: the button's own action
    await phaseIs(page, 'paused', 5000);
    await page.keyboard.press('r'); // focus is in the figure: R resets it
    await page.waitForFunction((s) => /^Epoch 0 of/.test(document.querySelector(s).textContent), STATUS, { timeout: 5000 });
    await page.close();
  });

  it('R pressed outside any figure changes nothing; ? lists the keys', async () => {
    const page = await site.open('#v=1&chapter=backprop&speed=max&epochs=100000');
    await phaseIs(page, 'paused');
    await page.keyboard.press('r'); // a fresh page: no figure was used
    await page.keyboard.press('Space');
    await page.waitForTimeout(600);
    assert.equal(await page.getAttribute(FIG, 'data-engine'), 'paused', 'a key acted on a figure the reader never touched');
    await page.click(`${FIG} [data-el="train"]`);
    await page.waitForTimeout(800);
    await page.click(`${FIG} [data-el="train"]`); // pause
    await phaseIs(page, 'paused');
    await page.waitForTimeout(1100); // the status line catches up
    const epoch = await epochOf(page);
    assert.ok(epoch > 0);
    await page.click('[data-page="backprop"] h1'); // the reader goes back to the prose
    await page.keyboard.press('r');
    await page.waitForTimeout(1100);
    assert.equal(await epochOf(page), epoch, 'R in the prose reset the figure');
    await page.keyboard.press('?');
    const dialog = page.locator('dialog.key-list');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await dialog.textContent(), /Space.*train or pause/s);
    await page.screenshot({ path: join(ARTIFACTS, 'keys-list.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.close();
  });

  it('with single-key shortcuts off, no single key acts, and the setting is kept', async () => {
    const page = await site.open('#v=1&chapter=backprop&speed=max&epochs=100000');
    await phaseIs(page, 'paused');
    await page.uncheck(`${FIG} [data-el="shortcuts"]`);
    await page.click(STATUS); // the reader's figure
    for (const key of ['Space', 'ArrowRight', 'r', '?']) await page.keyboard.press(key);
    await page.waitForTimeout(800);
    assert.equal(await page.getAttribute(FIG, 'data-engine'), 'paused');
    assert.equal(await epochOf(page), 0);
    assert.equal(await page.locator('dialog.key-list').count(), 0);
    await page.reload();
    await phaseIs(page, 'paused');
    assert.equal(await page.isChecked(`${FIG} [data-el="shortcuts"]`), false, 'the setting was not kept');
    await page.check(`${FIG} [data-el="shortcuts"]`);
    await page.click(STATUS);
    await page.keyboard.press('Space');
    await phaseIs(page, 'training', 5000);
    await page.close();
  });

  itStayedClean(site);
});
