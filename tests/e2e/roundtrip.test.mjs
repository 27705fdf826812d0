// End-to-end (issue 16): the URL round trip of every chapter. A link with a fixed seed and
// settings that are not the defaults is opened and one figure of the chapter runs; its rows come
// from "Save data (CSV)", which prints every number in full. The figure's own "Copy link" (the
// share field) must carry those settings, and opened in a fresh page it must give the same first
// rows, string for string: the untrained row and 5 epochs, or the first 6 rows of a simulation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { siteSuite, itStayedClean } from '../support/site.mjs';
import { fig, phaseIs } from '../support/figures.mjs';
import { CHAPTERS } from '../../www/state/state.js';

/** Rows compared: the untrained network's and the first 5 epochs (or a simulation's first 6). */
const ROWS = 6;

/**
 * One figure per chapter, with short runs (the Through time figure measures every 10th
 * iteration: 50 iterations give its first 6 rows). `until`: a simulation with no end of its own is paused
 * once its status line matches this (then its first rows are in the CSV).
 */
const CASES = [
  { chapter: 'backprop', id: 'backprop', settings: 'data=xor&hidden=5,3&activation=relu&lr=0.05&batch=7&epochs=6&seed=11&speed=max' },
  { chapter: 'nudging', id: 'settling', settings: 'settling.digit=12&settling.beta=0.5&settling.speed=max&settling.free_steps=8&settling.nudged_steps=6&settling.seed=3' },
  { chapter: 'feedback', id: 'linear', settings: 'linear.feedback_scale=2&linear.feedback_dist=uniform&linear.epochs=6&linear.seed=3' },
  { chapter: 'spikes', id: 'neuron', settings: 'neuron.lr=0.3&neuron.beta=2&neuron.epochs=6&neuron.seed=5' },
  {
    chapter: 'dendrites', id: 'multiplex', until: /^([1-9]\d*\.\d|0\.[1-9]) s simulated/,
    settings: 'multiplex.somatic_mean=350&multiplex.dendritic_amplitude=120&multiplex.speed=0.25&multiplex.neurons=60&multiplex.seed=4',
  },
  { chapter: 'time', id: 'time_fit', settings: 'time_fit.method=random&time_fit.iterations=50&time_fit.seed=5&time_fit.neurons=40&time_fit.duration=400' },
];

/** The figure's CSV: {header, lanes: {lane name → its lines, in order}}. */
async function saveCsv(page, id) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`${fig(id)} [data-el="save-csv"]`)]);
  const [header, ...lines] = (await readFile(await file.path(), 'utf8')).trim().split('\n');
  const lanes = {};
  for (const line of lines) (lanes[line.split(',')[0]] ??= []).push(line);
  return { header, lanes };
}

/** Runs figure `id` of `page` (to its end, or until its status matches `until`) and saves its CSV. */
async function runAndSave(page, { id, until }) {
  await phaseIs(page, id, 'paused', 90000);
  await page.locator(fig(id)).scrollIntoViewIfNeeded(); // a figure out of view holds
  await page.click(`${fig(id)} [data-el="train"]`);
  if (until) {
    await page.waitForFunction(([s, re]) => new RegExp(re).test(document.querySelector(s).textContent), [`${fig(id)} [data-el="status"]`, until.source], { timeout: 60000 });
    await page.click(`${fig(id)} [data-el="train"]`); // pause
    await phaseIs(page, id, 'paused', 30000);
  } else {
    await phaseIs(page, id, 'finished', 90000);
  }
  return saveCsv(page, id);
}

/** The first ROWS lines of every lane. */
const firstRows = ({ header, lanes }) => ({ header, lanes: Object.fromEntries(Object.entries(lanes).map(([lane, lines]) => [lane, lines.slice(0, ROWS)])) });

describe('the URL round trip of every chapter', { timeout: 300000 }, () => {
  const site = siteSuite();

  it('covers every chapter', () => {
    assert.deepEqual(CASES.map((c) => c.chapter).sort(), [...CHAPTERS].sort());
  });

  for (const c of CASES) {
    it(`${c.chapter}: the figure's own link gives the same first ${ROWS} rows, bit for bit`, async () => {
      const hash = `#v=1&chapter=${c.chapter}${c.id === 'backprop' ? '' : `&fig=${c.id}`}&${c.settings}`;
      const page = await site.open(hash);
      assert.equal(await page.locator('[data-el="notices"]:visible').count(), 0, 'the link gave notices');
      const first = firstRows(await runAndSave(page, c));
      for (const [lane, lines] of Object.entries(first.lanes)) {
        assert.equal(lines.length, ROWS, `${lane}: ${lines.length} rows`);
        // The rows are numbers in full (a rounded CSV would compare equal too easily), and they
        // change as the figure runs.
        const digits = lines.flatMap((l) => l.split(',').slice(1)).map((v) => v.replace(/^-?0*\.?0*|e.*$|\./g, '').length);
        assert.ok(Math.max(...digits) >= 12, `${lane}: no number with 12 significant digits in\n${lines.join('\n')}`);
        assert.notEqual(lines[1].split(',').slice(2).join(), lines[ROWS - 1].split(',').slice(2).join(), `${lane}: the rows do not change`);
      }

      await page.click(`${fig(c.id)} [data-el="copy-link"]`);
      await page.waitForFunction((s) => document.querySelector(s).value !== '', `${fig(c.id)} [data-el="share-text"]`);
      const link = await page.inputValue(`${fig(c.id)} [data-el="share-text"]`);
      assert.ok(link.startsWith(`${site.origin}/#v=1&chapter=${c.chapter}&`), link);
      for (const pair of c.settings.split('&')) assert.ok(link.includes(`&${pair}`), `${pair} is not in the copied link ${link}`);
      await page.close();

      const again = site.watch(await site.context.newPage());
      await again.goto(link);
      const second = firstRows(await runAndSave(again, c));
      assert.equal(second.header, first.header);
      assert.deepEqual(second.lanes, first.lanes);
      await again.close();
    });
  }

  itStayedClean(site);
});
