// What the end-to-end tests read off a figure of the built site (www/figures/figure.js): its
// engine phase, its readout table, and the ink of its canvases; and the way in from the landing page.
import assert from 'node:assert/strict';

/** The selector of a figure by id. */
export const fig = (id) => `[data-figure="${id}"]`;

/** Engine phases in which a figure stops asking for draws once it has drawn what it has. */
const RESTING = ['paused', 'finished', 'error'];

/**
 * Waits for a figure's engine phase (its data-engine attribute), shown or not. A resting phase
 * also waits (see `drawn`) until the page has drawn what it was sent: the phase is set when the
 * engine's message arrives, while the charts, their text alternatives, the readouts and the
 * status line follow in the page's budgeted animation frames (www/figures/schedule.js).
 */
export const phaseIs = (page, id, phase, timeout = 30000) => engineIs(page, fig(id), phase, timeout);

/** `phaseIs` for any figure element (`selector`) of a page or frame (`target`). */
export async function engineIs(target, selector, phase, timeout = 30000) {
  await target.waitForSelector(`${selector}[data-engine="${phase}"]`, { timeout, state: 'attached' });
  if (RESTING.includes(phase)) await drawn(target);
}

/**
 * Waits until the drawing scheduler of a page or frame (`target`) has nothing queued and no throttled draw waiting, in
 * two animation frames running: everything asked for so far is drawn. A figure that trains keeps
 * asking, so after `timeout` ms this gives up quietly, and the test reads what is there.
 */
export async function drawn(target, timeout = 5000) {
  await target.waitForFunction(() => new Promise((resolve) => {
    const idle = () => {
      const s = window.brainpropFrameStats?.();
      return !s || (s.queued === 0 && s.waiting === 0);
    };
    if (!idle()) resolve(false);
    else requestAnimationFrame(() => requestAnimationFrame(() => resolve(idle())));
  }), null, { timeout, polling: 50 }).catch(() => {});
}

/** The readout table of a race figure: {rule: {epoch, metricText, metric, rate, state}}. */
export function readouts(page, id) {
  return page.$$eval(`${fig(id)} tbody tr[data-rule]`, (rows) => Object.fromEntries(rows.map((row) => {
    const cell = (col) => row.querySelector(`td[data-col="${col}"]`).textContent;
    const number = (text) => Number(text.replace(/[^\d.]/g, ''));
    return [row.dataset.rule, { epoch: Number(cell('epoch')), metricText: cell('metric'), metric: number(cell('metric')), rate: number(cell('rate')), state: cell('state') }];
  })));
}

/** Waits until every listed rule of a figure's table has reached `epochs`. */
/**
 * The readouts of figure `id` (a moment after it reached its epochs): exactly the lanes `rules`,
 * in order, each above `atLeast` % test accuracy and with a samples/s reading.
 */
export async function assertLanesAbove(page, id, rules, atLeast, after) {
  await page.waitForTimeout(600);
  const r = await readouts(page, id);
  assert.deepEqual(Object.keys(r), rules);
  for (const rule of rules) {
    assert.ok(r[rule].metric > atLeast, `${rule} test accuracy after ${after} is ${r[rule].metricText}`);
    assert.ok(r[rule].rate > 0, `no samples/s for ${rule}`);
  }
  return r;
}

export const epochsReached = (page, id, rules, epochs, timeout) => page.waitForFunction(([selector, rules, epochs]) => rules.every((rule) => {
  const cell = document.querySelector(`${selector} tbody tr[data-rule="${rule}"] td[data-col="epoch"]`);
  return cell && Number(cell.textContent) >= epochs;
}), [fig(id), rules, epochs], { timeout, polling: 200 });

/** Pixels of a canvas close to an RGB colour. */
export function inkOf(page, selector, rgb) {
  return page.$eval(selector, (canvas, [r, g, b]) => {
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - r) < 30 && Math.abs(d[i + 1] - g) < 30 && Math.abs(d[i + 2] - b) < 30) n++;
    }
    return n;
  }, rgb);
}

/**
 * Opens the landing page, checks that `title`'s card is live, follows it, and checks the chapter
 * is built and mentions every one of `needles`. Resolves to the page.
 */
export async function openFromLanding(site, title, chapter, needles) {
  const page = await site.open('');
  const card = page.locator(`.chapter-card[data-chapter="${chapter}"]`);
  assert.equal(await card.locator('h2 a').first().textContent(), title);
  assert.equal(await card.locator('.badge').textContent(), 'live');
  await card.locator('a.cta').click();
  await page.waitForURL(new RegExp(`chapter=${chapter}`));
  await page.locator(`[data-page="${chapter}"]`).waitFor(); // shown once the page has read the new hash
  assert.equal(await page.textContent('h1:visible'), title);
  const text = await page.textContent(`[data-page="${chapter}"]`);
  for (const needle of needles) {
    assert.ok(text.toLowerCase().includes(needle.toLowerCase()), `the chapter does not mention ${needle}`);
  }
  assert.doesNotMatch(text, /not built yet/);
  return page;
}

/** The training figure `id` stops when the reader leaves its chapter for `chapter` (the nav link). */
export async function assertLeavingStops(page, id, chapter) {
  await phaseIs(page, id, 'training', 3000);
  await page.click(`.chapter-nav a[data-chapter-link="${chapter}"]`);
  await phaseIs(page, id, 'paused', 3000);
}

/** The embed layout shows figure `id` of `chapter` alone: no site header, no chapter prose, none of `others`. */
export async function assertEmbedsAlone(page, chapter, id, others) {
  assert.ok(await page.isHidden('.site-header'));
  assert.ok(await page.isHidden(`[data-page="${chapter}"] > header.article`));
  for (const other of others) assert.ok(await page.isHidden(fig(other)), `${other} is shown in the embed`);
  assert.ok(await page.isVisible(`${fig(id)} [data-el="open-full"]`));
}

/** Opens a link with values the page must repair, and waits for its notices: {page, text}. */
export async function openWithNotices(site, hash) {
  const page = await site.open(hash);
  const notices = page.locator('[data-el="notices"]');
  await notices.waitFor();
  return { page, text: await notices.textContent() };
}

/** A link's settings: its hash without the version. */
export const settingsOf = (url) => new URL(url).hash.replace(/^#v=1&/, '');

/**
 * Opens figure `id` of `chapter` from a link with `settings` (`key=value&…`) and checks the round
 * trip: no notices, every pair in the page's URL and in the figure's own link, that link opens
 * the same figure with the same settings, and the engine accepts them (the figure pauses within
 * `timeout` ms). `open(hash)` opens a page. Returns both pages (the caller closes them).
 */
export async function assertLinkRoundTrips(open, chapter, id, settings, timeout = 60000) {
  const page = await open(`#v=1&chapter=${chapter}&fig=${id}&${settings}`);
  assert.equal(await page.locator('[data-el="notices"]:visible').count(), 0, `${id}: the link gave notices`);
  for (const pair of settings.split('&')) assert.ok(page.url().includes(pair), `${id}: ${pair} is not in ${page.url()}`);
  // The figure's own link ("Open full page") carries the same settings, and opens them again.
  const href = await page.getAttribute(`${fig(id)} [data-el="open-full"]`, 'href');
  for (const pair of settings.split('&')) assert.ok(href.includes(pair), `${id}: ${pair} is not in its own link ${href}`);
  const again = await open(new URL(href).hash);
  assert.equal(new URL(again.url()).hash.match(/fig=(\w+)/)?.[1], id);
  assert.equal(settingsOf(again.url()), settingsOf(page.url()));
  await phaseIs(again, id, 'paused', timeout); // the engine accepted the linked settings
  return { page, again };
}
