// The in-worker driver: runs a rule's benchmark experiment (`brainprop bench --print-experiments`:
// 784-500-10 at batch 32 on the MNIST 8k set for the learning rules) inside the site's own
// engine worker (www/worker.js) in headless Chromium, and reports samples/s: the
// median of the worker's own 1-second readings that end after a warm-up. Also counts main-thread
// long tasks (> 50 ms) seen while the worker trains (and, apart, those while it starts and loads
// the digits).
//
// scripts/bench-compare.mjs imports `measureEngine`; run alone, this prints one CSV row per rule:
//   node scripts/bench-browser.mjs [--seconds 10] [--warmup 3] [--rule bp,fa] [--dist dist]
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';

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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { chromium } = await import('playwright-core');
  const { serve, CHROMIUM } = await import('../tests/support/static-server.mjs');
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const server = await serve(arg('dist', 'dist'));
  const browser = await chromium.launch({ ...CHROMIUM, headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/index.html#v=1`);
    console.log('rule,where,samples_per_s_median,readings,long_tasks_over_50ms');
    for (const rule of arg('rule', 'bp').split(',')) {
      const r = await measureEngine(page, { rule, seconds: Number(arg('seconds', 10)), warmup: Number(arg('warmup', 3)) });
      console.log(`${rule},chromium-worker,${Math.round(r.median)},${r.n},${r.longTasks}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
