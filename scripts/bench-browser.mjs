// The in-worker driver: runs a rule's benchmark experiment (`brainprop bench --print-experiments`:
// 784-500-10 at batch 32 on the MNIST 8k set for the learning rules) inside the site's own
// engine worker (www/worker.js) in headless Chromium, and reports samples/s: the
// median of the worker's own 1-second readings that end after a warm-up. Also counts main-thread
// long tasks (> 50 ms) seen while the worker trains (and, apart, those while it starts and loads
// the digits).
//
// With --long-tasks it measures the page itself instead (`measureChapter`): it opens every live
// chapter in turn, at the fastest speed setting of every figure that has one, trains the
// chapter's figures one after the other as a reader would (scrolls to each, presses Train, lets it
// run its share of the chapter's time), and counts the main thread's long tasks (a buffered
// PerformanceObserver 'longtask'), with the Long Animation Frames that hold them (which script
// ran), the drawing scheduler's deferrals and, with --frames, the median interval between animation frames
// (www/figures/schedule.js). A Chromium trace (category toplevel) gives the processor time the
// main thread spent inside each long task, which tells the page's own work from waiting for a
// busy machine's processor. One table, one row per chapter.
//
// scripts/bench-compare.mjs imports `measureEngine`; run alone, this prints one CSV row per rule:
//   node scripts/bench-browser.mjs [--seconds 10] [--warmup 3] [--rule bp,fa] [--dist dist]
// or the chapters' long tasks (scripts/bench.sh --long-tasks runs this after building the site):
//   node scripts/bench-browser.mjs --long-tasks [--seconds 60] [--chapters backprop,nudging,…]
//       [--speed max|default] [--dist dist] [--json FILE] [--no-trace] [--frames]
// or the long tasks of loading each chapter (and the landing page), nothing trained, each page
// opened --repeats times in a fresh context and watched for 4 s:
//   node scripts/bench-browser.mjs --load-tasks [--repeats 4] [--chapters …] [--dist dist]
// (--seconds: per chapter; --dist defaults to $BRAINPROP_DIST, else dist/.)
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { readFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Median, min and max of a list of numbers (NaN when empty). */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN,
    min: sorted.length ? sorted[0] : NaN,
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    n: sorted.length,
  };
}

/**
 * The experiment each rule is timed with, exactly as the native benchmark runs it (asked of the
 * CLI, so the two cannot drift apart): MNIST 784-500-10 at batch 32 for the learning rules, the
 * 300-neuron population (samples = simulated ms) for `multiplex`.
 */
export function benchmarkExperiments(rules, bin = new URL('../target/release/brainprop', import.meta.url).pathname) {
  const run = spawnSync(bin, ['bench', '--print-experiments', '--rules', rules.join(',')], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${bin} bench --print-experiments failed: ${run.stderr || run.error}`);
  return run.stdout.trim().split('\n').map((line) => JSON.parse(line));
}

/**
 * Trains `rule` in a fresh engine worker started from `page`, which must already show the built
 * site (its base URL is where `www/worker.js` and `mnist.bin` are). Resolves to
 * { median, min, max, n, longTasks (count while training), longTaskMs, setupLongTaskMs }.
 */
export async function measureEngine(page, { rule = 'bp', experiment = benchmarkExperiments([rule])[0], seconds = 10, warmup = 3 } = {}) {
  const result = await page.evaluate(async ({ experiment, seconds, warmup }) => {
    const longTasks = [];
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push({ at: e.startTime, ms: e.duration })));
    observer.observe({ type: 'longtask', buffered: false });
    const worker = new Worker(new URL('www/worker.js', document.baseURI), { type: 'module' });
    const next = (type) => new Promise((ok, fail) => {
      const on = ({ data }) => {
        if (data.type === type) { worker.removeEventListener('message', on); ok(data); }
        if (data.type === 'error') fail(new Error(data.message));
      };
      worker.addEventListener('message', on);
    });
    await next('ready');
    worker.postMessage({ type: 'configure', experiment });
    if (experiment.data === 'mnist') {
      await next('needs_data');
      const bytes = new Uint8Array(await (await fetch('mnist.bin')).arrayBuffer());
      worker.postMessage({ type: 'load_data', dataset: 'mnist', bytes }, [bytes.buffer]);
    }
    await next('configured');
    // The worker's rate is over ~1 s windows; a new value is a new reading.
    const readings = [];
    let last = 0;
    const start = performance.now();
    worker.addEventListener('message', ({ data }) => {
      if (data.type === 'progress' && data.samples_per_s > 0 && data.samples_per_s !== last) {
        last = data.samples_per_s;
        readings.push({ at: (performance.now() - start) / 1000, rate: data.samples_per_s });
      }
    });
    worker.postMessage({ type: 'train' });
    await new Promise((ok) => setTimeout(ok, (warmup + seconds) * 1000 + 100));
    worker.postMessage({ type: 'pause' });
    worker.terminate();
    observer.disconnect();
    // Long tasks while the worker trains, and before (starting the worker, loading the digits).
    const training = longTasks.filter((t) => t.at >= start).map((t) => Math.round(t.ms));
    const setup = longTasks.filter((t) => t.at < start).map((t) => Math.round(t.ms));
    return { readings, training, setup };
  }, { experiment, seconds, warmup });
  let steady = result.readings.filter((r) => r.at >= warmup).map((r) => r.rate);
  if (!steady.length && result.readings.length) steady = [result.readings[result.readings.length - 1].rate];
  return { ...summarize(steady), longTasks: result.training.length, longTaskMs: result.training, setupLongTaskMs: result.setup };
}

// ---- the chapters' main-thread long tasks --------------------------------------------------------

/**
 * The live chapters, each as the benchmark opens it: its hash (the fastest speed of every figure
 * that has a speed setting, and runs long enough not to finish early) and, for the default-speed
 * run, the same without the speed keys. The Backprop chapter runs on the digits (its heaviest
 * views: receptive fields, confusion matrix) and, apart, on the circles (an epoch a millisecond).
 */
export const CHAPTER_RUNS = [
  { name: 'backprop', chapter: 'backprop', hash: 'data=mnist&hidden=500&activation=sigmoid&lr=1&epochs=10000', speed: 'speed=max' },
  { name: 'backprop (circles)', chapter: 'backprop', hash: 'epochs=10000', speed: 'speed=max' },
  { name: 'nudging', chapter: 'nudging', hash: '', speed: 'settling.speed=max' },
  { name: 'feedback', chapter: 'feedback', hash: '', speed: '' },
  { name: 'spikes', chapter: 'spikes', hash: '', speed: '' },
  { name: 'dendrites', chapter: 'dendrites', hash: '', speed: 'dendrites_trace.speed=max&multiplex.speed=max' },
  { name: 'time', chapter: 'time', hash: '', speed: '' },
];

/** The chapters that CHAPTER_RUNS opens, each once, in order. */
const CHAPTERS = [...new Set(CHAPTER_RUNS.map((r) => r.chapter))];

/** Installed before the page's own scripts: long tasks, long animation frames, frame intervals. */
function installProbes() {
  const bench = { long: [], loaf: [], frames: [], trainFrom: Infinity };
  window.benchProbe = bench;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) bench.long.push({ at: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.duration <= 50) continue;
        bench.loaf.push({
          at: e.startTime, ms: e.duration, blocking: e.blockingDuration, render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
          scripts: e.scripts.map((x) => ({ ms: x.duration, invoker: x.invoker, src: x.sourceURL, fn: x.sourceFunctionName, at: x.sourceCharPosition, layout: x.forcedStyleAndLayoutDuration })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch { /* an older browser: long tasks only */ }
  // Frame intervals only when asked (--frames): a requestAnimationFrame loop of its own makes the
  // page render every frame, and so adds main-thread tasks of its own.
  if (!window.benchFrames) return;
  let last = null;
  const tick = (t) => {
    if (last !== null && t >= bench.trainFrom) bench.frames.push(t - last);
    last = t;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

const median = (values) => summarize(values).median;

/**
 * Opens `run` (one of CHAPTER_RUNS) in a new page of `context` and trains its figures one after
 * the other for `seconds` in all. Resolves to {name, figures: [{id, status}], training: [ms…],
 * loading: [ms…], frameMs (median interval between animation frames while training),
 * frames, slowFrames (> 50 ms), loaf (long animation frames with their scripts), deferred}.
 */
export async function measureChapter(context, origin, run, { seconds = 60, speed = 'max', trace = true, frames = false } = {}) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  if (frames) await page.addInitScript(() => { window.benchFrames = true; });
  await page.addInitScript(installProbes);
  const tracePath = trace ? join(tmpdir(), `bench-long-tasks-${process.pid}-${Date.now()}.json`) : null;
  if (trace) await context.browser().startTracing(page, { path: tracePath, categories: ['toplevel', 'blink.user_timing'] });
  const keys = [run.hash, speed === 'max' ? run.speed : ''].filter(Boolean).join('&');
  await page.goto(`${origin}/index.html#v=1&chapter=${run.chapter}${keys ? `&${keys}` : ''}`);
  const article = `[data-page="${run.chapter}"]`;
  await page.waitForSelector(`${article} [data-figure] [data-el="train"]`, { timeout: 30000 });
  const ids = await page.$$eval(`${article} [data-figure]`, (sections) => sections.filter((s) => !s.hidden && s.querySelector('[data-el="train"]')).map((s) => s.dataset.figure));
  const slice = (seconds * 1000) / Math.max(1, ids.length);
  const figures = [];
  await page.evaluate(() => {
    window.benchProbe.trainFrom = performance.now();
    performance.mark('bench-train');
  });
  for (const id of ids) {
    const root = page.locator(`${article} [data-figure="${id}"]`);
    const end = Date.now() + slice;
    await root.scrollIntoViewIfNeeded();
    const train = root.locator('[data-el="train"]').first();
    // Train is disabled while a figure that is already built loads or rebuilds: wait for it.
    await page.waitForFunction((el) => el && !el.disabled, await train.elementHandle(), { timeout: Math.max(1000, slice), polling: 100 }).catch(() => {});
    const phase = await root.getAttribute('data-engine');
    if (phase !== 'training' && !(await train.isDisabled())) await train.click();
    await page.waitForTimeout(Math.max(0, end - Date.now()));
    figures.push({ id, phase: await root.getAttribute('data-engine'), status: (await root.locator('[data-el="status"]').first().textContent())?.trim() });
  }
  const probe = await page.evaluate(() => {
    performance.mark('bench-end');
    return { ...window.benchProbe, scheduler: window.brainpropFrameStats ? window.brainpropFrameStats() : null };
  });
  const cpu = trace ? await mainThreadTasks(context.browser(), tracePath) : null;
  await page.close();
  const from = probe.trainFrom;
  const training = probe.long.filter((t) => t.at >= from).map((t) => Math.round(t.ms));
  const loading = probe.long.filter((t) => t.at < from).map((t) => Math.round(t.ms));
  return {
    name: run.name, chapter: run.chapter, speed, seconds, figures, training, loading, errors,
    frameMs: median(probe.frames), frames: probe.frames.length, slowFrames: probe.frames.filter((f) => f > 50).length,
    loaf: probe.loaf.filter((f) => f.at >= from), deferred: probe.scheduler ? probe.scheduler.deferred : null,
    scheduler: probe.scheduler, cpu,
  };
}

/**
 * Stops the trace and reads the page's main thread from it: every task over 50 ms (wall clock)
 * between the `bench-train` and `bench-end` marks, with the processor time the thread spent in it. A task that is
 * long on the wall clock but short in processor time waited for the processor (other threads and
 * processes had it): the machine's load, not the page's work.
 */
async function mainThreadTasks(browser, path) {
  await browser.stopTracing();
  const { traceEvents } = JSON.parse(readFileSync(path, 'utf8'));
  unlinkSync(path);
  const key = (e) => `${e.pid}:${e.tid}`;
  const mains = new Set(traceEvents.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map(key));
  const tasks = traceEvents.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && mains.has(key(e)));
  const mark = traceEvents.find((e) => e.name === 'bench-train' && mains.has(key(e)));
  // Up to the end mark: stopping the trace makes each thread write its buffer out, a long task of its own.
  const endMark = traceEvents.find((e) => e.name === 'bench-end' && mains.has(key(e)));
  // The page's main thread: the one that made the mark (else the busiest renderer).
  const counts = new Map();
  for (const t of tasks) counts.set(key(t), (counts.get(key(t)) || 0) + 1);
  const main = mark ? key(mark) : [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  const from = mark ? mark.ts : -Infinity;
  const to = endMark ? endMark.ts : Infinity;
  const mine = tasks.filter((t) => key(t) === main && t.ts >= from && t.ts + t.dur <= to);
  const long = mine.filter((t) => t.dur > 50000).map((t) => ({ ms: t.dur / 1000, cpuMs: (t.tdur ?? t.dur) / 1000 }));
  const busy = mine.reduce((s, t) => s + (t.tdur ?? 0), 0) / 1000;
  const span = mine.length ? (mine.at(-1).ts + mine.at(-1).dur - mine[0].ts) / 1000 : 0;
  return { long, cpuShare: span > 0 ? busy / span : NaN };
}

/** A long animation frame's scripts as one line: the slowest first. */
function loafText(f) {
  const scripts = [...f.scripts].sort((a, b) => b.ms - a.ms).slice(0, 3)
    .map((x) => `${Math.round(x.ms)} ms ${x.invoker || '?'}${x.fn ? ` ${x.fn}` : ''}${x.src ? ` (${x.src.replace(/^.*\//, '')}:${x.at})` : ''}${x.layout > 1 ? `, ${Math.round(x.layout)} ms forced layout` : ''}`);
  return `${Math.round(f.ms)} ms frame${f.render > 1 ? ` (${Math.round(f.render)} ms rendering)` : ''}: ${scripts.join('; ') || 'no script'}`;
}

/** Prints the long-task table of `results` (measureChapter's). */
export function printLongTasks(results, { seconds, speed, chromium, load }) {
  const fmtMs = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–');
  console.log(`# main-thread long tasks while each live chapter trains its figures one after the other, ${seconds} s per chapter, speed: ${speed === 'max' ? 'the fastest setting' : 'the default'}`);
  console.log(`# ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC, headless Chromium ${chromium}, 1280×1000; load average before / after: ${load.before} / ${load.after}`);
  console.log('');
  console.log('| chapter | figures trained | tasks > 50 ms | longest task (ms) | long tasks (ms) | processor time in them: longest (ms) | tasks with > 50 ms of processor time | main thread busy | while loading: > 50 ms (longest) | median frame interval (ms) | frames > 50 ms | draws deferred |');
  console.log('|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const longest = r.training.length ? Math.max(...r.training) : 0;
    const list = r.training.length ? [...r.training].sort((a, b) => b - a).slice(0, 8).join(', ') + (r.training.length > 8 ? ', …' : '') : '';
    const loading = r.loading.length ? `${r.loading.length} (${Math.max(...r.loading)})` : '0';
    const cpuLongest = r.cpu ? (r.cpu.long.length ? fmtMs(Math.max(...r.cpu.long.map((t) => t.cpuMs))) : '–') : 'not traced';
    const cpuOver = r.cpu ? String(r.cpu.long.filter((t) => t.cpuMs > 50).length) : '';
    const busy = r.cpu && Number.isFinite(r.cpu.cpuShare) ? `${Math.round(100 * r.cpu.cpuShare)} %` : '';
    console.log(`| ${r.name} | ${r.figures.length} | ${r.training.length} | ${longest ? fmtMs(longest) : '–'} | ${list} | ${cpuLongest} | ${cpuOver} | ${busy} | ${loading} | ${r.frames ? r.frameMs.toFixed(1) : '–'} | ${r.frames ? r.slowFrames : '–'} | ${r.deferred ?? '–'} |`);
  }
  const total = results.reduce((s, r) => s + r.training.length, 0);
  console.log('');
  console.log(`none over 50 ms while training, on any chapter: ${total === 0 ? 'met' : `NOT met (${total} tasks)`}`);
  const cpuTotal = results.reduce((s, r) => s + (r.cpu ? r.cpu.long.filter((t) => t.cpuMs > 50).length : 0), 0);
  if (results.some((r) => r.cpu)) {
    console.log(`tasks with over 50 ms of the main thread's own processor time (the rest of each long task it waited for the processor): ${cpuTotal}`);
  }
  console.log('figures (state at the end of each one\'s turn):');
  for (const r of results) console.log(`  ${r.name}: ${r.figures.map((f) => `${f.id} [${f.phase}] ${f.status}`).join(' | ')}`);
  const frames = results.flatMap((r) => r.loaf.map((f) => `  ${r.name}: ${loafText(f)}`));
  if (frames.length) {
    console.log('long animation frames while training (the scripts that ran in them):');
    for (const line of frames.slice(0, 40)) console.log(line);
    if (frames.length > 40) console.log(`  … ${frames.length - 40} more`);
  }
  const errors = results.flatMap((r) => r.errors.map((e) => `  ${r.name}: ${e}`));
  if (errors.length) {
    console.log('page errors:');
    for (const line of [...new Set(errors)]) console.log(line);
  }
  return total;
}

/**
 * The main thread's long tasks (> 50 ms, each its length in ms, in order) while `chapter`
 * ('' for the landing page) loads in a fresh context and sits for `waitMs`, nothing trained.
 */
export async function measureLoad(browser, origin, chapter, waitMs = 4000) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.loadLongTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => window.loadLongTasks.push(Math.round(e.duration))))
        .observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`${origin}/#v=1&chapter=${chapter}`);
    await page.waitForTimeout(waitMs);
    return await page.evaluate(() => window.loadLongTasks);
  } finally {
    await context.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { chromium } = await import('playwright-core');
  const { serve, CHROMIUM } = await import('../tests/support/static-server.mjs');
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const server = await serve(arg('dist', process.env.BRAINPROP_DIST || 'dist'));
  const browser = await chromium.launch({ ...CHROMIUM, headless: true });
  try {
    if (process.argv.includes('--load-tasks')) {
      const repeats = Number(arg('repeats', 4));
      const chapters = ['', ...arg('chapters', CHAPTERS.join(',')).split(',')];
      console.log(`# headless Chromium ${browser.version()}, 1280×1000: long tasks (ms) while each page loads, nothing trained, ${repeats} loads each`);
      console.log('| page | each load\'s tasks > 50 ms | longest (median of loads) |');
      console.log('|---|---|---:|');
      for (const chapter of chapters) {
        const loads = [];
        for (let i = 0; i < repeats; i++) loads.push(await measureLoad(browser, server.origin, chapter));
        const longest = summarize(loads.map((l) => Math.max(0, ...l))).median;
        console.log(`| ${chapter || 'landing'} | ${loads.map((l) => `[${l.join(', ')}]`).join(' ')} | ${longest} |`);
      }
    } else if (process.argv.includes('--long-tasks')) {
      const { loadavg } = await import('node:os');
      const { writeFileSync } = await import('node:fs');
      const seconds = Number(arg('seconds', 60));
      const speed = arg('speed', 'max');
      const trace = !process.argv.includes('--no-trace');
      const names = arg('chapters', CHAPTERS.join(',')).split(',');
      const runs = CHAPTER_RUNS.filter((r) => names.includes(r.chapter) || names.includes(r.name));
      const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
      const before = load();
      const results = [];
      for (const run of runs) {
        // A fresh context per chapter, so no chapter inherits another's workers or heap.
        const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
        const r = await measureChapter(context, server.origin, run, { seconds, speed, trace, frames: process.argv.includes('--frames') });
        await context.close();
        results.push(r);
        console.error(`${run.name}: ${r.training.length} long tasks > 50 ms${r.training.length ? ` (${r.training.join(', ')} ms)` : ''}`);
      }
      const total = printLongTasks(results, { seconds, speed, chromium: browser.version(), load: { before, after: load() } });
      const json = arg('json');
      if (json) writeFileSync(json, JSON.stringify({ seconds, speed, results }, null, 2));
      process.exitCode = total === 0 ? 0 : 1;
    } else {
      const page = await browser.newPage();
      await page.goto(`${server.origin}/index.html#v=1`);
      console.log('rule,where,samples_per_s_median,readings,long_tasks_over_50ms');
      for (const rule of arg('rule', 'bp').split(',')) {
        const r = await measureEngine(page, { rule, seconds: Number(arg('seconds', 10)), warmup: Number(arg('warmup', 3)) });
        console.log(`${rule},chromium-worker,${Math.round(r.median)},${r.n},${r.longTasks}`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
