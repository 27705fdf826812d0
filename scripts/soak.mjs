// The soak test: a tab left training for a long time must not grow. Headless Chromium opens the
// built site on the Backprop chapter with a toy data set at full speed and many epochs (by
// default 2,000 circles points a side, two hidden layers of 16, 10,000 epochs, speed "as fast as
// possible"), trains through a warm-up and on to the end of a run, then measures
//   - the engine worker's wasm memory (`self.engineMemoryBytes()`, www/worker.js), and
//   - the page's JS heap after a full garbage collection (CDP HeapProfiler.collectGarbage, then
//     Runtime.getHeapUsage),
// trains on for `--minutes` (a run that finishes is Reset and trained again, as a reader would)
// and to the end of the run then going, measures again, and fails (exit status 1) if either grew
// by more than `--max-growth` (10 %). Both measurements are taken just as a run has finished.
// The warm-up is three minutes (several whole runs): wasm memory only grows, in 64 KB pages, and
// the engine's allocator reached its high-water mark in the second minute of a first soak (one
// step of 256 KB, +11 %, then flat for eight minutes; BENCHMARKS.md), which is not a leak.
// Every minute it prints a line: epochs done, the two memories, and the page's main-thread long
// tasks so far.
//
//   node scripts/soak.mjs [--minutes 10] [--warmup 180] [--max-growth 0.10] [--hash HASH]
//       [--dist dist] [--json FILE]
// (--warmup in seconds; --dist defaults to $BRAINPROP_DIST, else dist/; scripts/soak.sh builds
// the site first.) Long: it runs only when asked, never in scripts/test.sh.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM } from '../tests/support/static-server.mjs';

const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const minutes = Number(arg('minutes', 10));
const warmup = Number(arg('warmup', 180));
const maxGrowth = Number(arg('max-growth', 0.1));
const hash = arg('hash', 'chapter=backprop&data=circles&points=2000&hidden=16,16&epochs=10000&speed=max');
const dist = arg('dist', process.env.BRAINPROP_DIST || 'dist');

const MB = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
const now = () => new Date().toISOString().slice(11, 19);
const log = (line) => console.log(`${now()} ${line}`);

const server = await serve(dist);
const browser = await chromium.launch({ ...CHROMIUM, headless: true });
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.addInitScript(() => {
    window.soakLongTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.soakLongTasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask', buffered: true });
  });
  const cdp = await context.newCDPSession(page);
  await page.goto(`${server.origin}/index.html#v=1&${hash}`);
  const chapter = /chapter=([\w-]+)/.exec(hash)?.[1] ?? 'backprop';
  const figure = page.locator(`[data-page="${chapter}"] [data-figure]`).first();
  const train = figure.locator('[data-el="train"]');
  const reset = figure.locator('[data-el="reset"]');
  await train.waitFor({ state: 'visible', timeout: 60000 });
  await page.waitForFunction((el) => !el.disabled, await train.elementHandle(), { timeout: 120000 });

  const phase = () => figure.getAttribute('data-engine');
  const status = async () => (await figure.locator('[data-el="status"]').textContent())?.trim() ?? '';
  let runs = 1;
  let lastPhase = '';
  /** Keeps the figure training: Train when paused, Reset and Train when a run has finished. */
  async function keepTraining() {
    const p = await phase();
    if (p !== lastPhase) {
      log(`phase: ${p} (${await status()})`);
      lastPhase = p;
    }
    if (p === 'finished') {
      await reset.click();
      await page.waitForFunction((el) => !el.disabled, await train.elementHandle(), { timeout: 60000 });
      await train.click();
      runs++;
    } else if (p === 'paused') {
      await train.click();
    }
  }
  /** Trains on until the current run finishes (at most five minutes). */
  async function untilFinished() {
    const give = Date.now() + 300000;
    while ((await phase()) !== 'finished' && Date.now() < give) {
      await page.waitForTimeout(500);
      if ((await phase()) === 'paused') await train.click();
    }
  }
  /** The engine worker (the one that exposes engineMemoryBytes). */
  async function engineBytes() {
    for (const worker of page.workers()) {
      const bytes = await worker.evaluate(() => (typeof self.engineMemoryBytes === 'function' ? self.engineMemoryBytes() : null)).catch(() => null);
      if (bytes !== null) return bytes;
    }
    return NaN;
  }
  async function heapBytes() {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize;
  }
  async function measure() {
    return { wasm: await engineBytes(), heap: await heapBytes(), status: await status(), longTasks: await page.evaluate(() => window.soakLongTasks.length) };
  }

  await train.click();
  log(`soak: ${hash}, warm-up ${warmup} s, then ${minutes} min; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const warmEnd = Date.now() + warmup * 1000;
  while (Date.now() < warmEnd) {
    await page.waitForTimeout(Math.min(5000, Math.max(0, warmEnd - Date.now())));
    await keepTraining();
  }
  // Both measurements are taken where a run has just finished (its table as long as it gets, the
  // engine's metric rows all there), so that they compare like with like.
  await untilFinished();
  const start = await measure();
  log(`start (after the warm-up): wasm ${MB(start.wasm)}, JS heap ${MB(start.heap)}; ${start.status}`);
  if (!/^Epoch [1-9]/.test(start.status) || !Number.isFinite(start.wasm)) {
    throw new Error(`the figure did not train during the warm-up (${start.status}; engine memory ${start.wasm})`);
  }
  const samples = [{ at: 0, ...start }];
  const t0 = Date.now();
  const end = t0 + minutes * 60000;
  let nextReport = t0 + 60000;
  while (Date.now() < end) {
    await page.waitForTimeout(Math.min(5000, Math.max(0, end - Date.now())));
    await keepTraining();
    if (Date.now() >= nextReport) {
      nextReport += 60000;
      const m = await measure();
      samples.push({ at: (Date.now() - t0) / 1000, ...m });
      log(`${((Date.now() - t0) / 60000).toFixed(1)} min: wasm ${MB(m.wasm)}, JS heap ${MB(m.heap)}, runs ${runs}, long tasks ${m.longTasks}; ${m.status}`);
    }
  }
  await untilFinished();
  const stop = await measure();
  samples.push({ at: (Date.now() - t0) / 1000, ...stop });
  const growth = { wasm: stop.wasm / start.wasm - 1, heap: stop.heap / start.heap - 1 };
  const pct = (x) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
  console.log('');
  console.log(`| memory | start (after ${warmup} s warm-up) | end (after ${minutes} min more) | growth | limit |`);
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| engine worker's wasm memory | ${MB(start.wasm)} | ${MB(stop.wasm)} | ${pct(growth.wasm)} | ${pct(maxGrowth)} |`);
  console.log(`| page's JS heap (after GC) | ${MB(start.heap)} | ${MB(stop.heap)} | ${pct(growth.heap)} | ${pct(maxGrowth)} |`);
  console.log('');
  console.log(`trained ${minutes} min after the warm-up (${runs} run${runs === 1 ? '' : 's'} in all); at the end: ${stop.status}`);
  console.log(`main-thread long tasks > 50 ms over the whole soak: ${stop.longTasks}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  if (errors.length) console.log(`page errors: ${[...new Set(errors)].join(' | ')}`);
  failed = !(growth.wasm <= maxGrowth && growth.heap <= maxGrowth) || errors.length > 0 || !Number.isFinite(growth.wasm);
  console.log(failed ? 'soak: FAILED' : 'soak: passed (neither memory grew by more than the limit)');
  const json = arg('json');
  if (json) writeFileSync(json, JSON.stringify({ hash, minutes, warmup, maxGrowth, start, stop, growth, runs, samples, errors }, null, 2));
} finally {
  await browser.close();
  await server.close();
}
process.exitCode = failed ? 1 : 0;
