// Trains BP 784-500-10 (sigmoid, softmax-CE, batch 32, MNIST 8k) inside the site's own engine
// worker in headless Chromium, and prints samples/s: the median of 1-second readings after a
// warm-up. Also reports main-thread long tasks (> 50 ms) seen while the worker trains.
//
//   node scripts/bench-browser.mjs [--seconds 20] [--rule bp] [--dist dist]
import { chromium } from 'playwright-core';
import { serve, CHROMIUM } from '../tests/support/static-server.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const seconds = Number(arg('seconds', 20));
const rules = arg('rule', 'bp').split(',');
const server = await serve(arg('dist', 'dist'));
const browser = await chromium.launch({ ...CHROMIUM, headless: true });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/index.html#v=1`);
  console.log('rule,network,batch,where,samples_per_s_median,readings,long_tasks_over_50ms');
  for (const rule of rules) {
    const result = await page.evaluate(async ({ rule, seconds }) => {
      const longTasks = [];
      const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
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
      const experiment = { rule, data: 'mnist', hidden: [500], activation: 'sigmoid', loss: 'crossentropy', lr: 0.1, batch: 32, epochs: 10000, seed: 1 };
      worker.postMessage({ type: 'configure', experiment });
      await next('needs_data');
      const bytes = new Uint8Array(await (await fetch('mnist.bin')).arrayBuffer());
      worker.postMessage({ type: 'load_data', dataset: 'mnist', bytes }, [bytes.buffer]);
      await next('configured');
      const readings = [];
      let last = 0;
      worker.addEventListener('message', ({ data }) => {
        if (data.type === 'progress' && data.samples_per_s > 0 && data.samples_per_s !== last) {
          last = data.samples_per_s;
          readings.push(data.samples_per_s);
        }
      });
      worker.postMessage({ type: 'train' });
      await new Promise((ok) => setTimeout(ok, seconds * 1000));
      worker.postMessage({ type: 'pause' });
      worker.terminate();
      observer.disconnect();
      return { readings, longTasks };
    }, { rule, seconds });
    const steady = result.readings.slice(2).sort((a, b) => a - b);
    const median = steady.length ? steady[Math.floor(steady.length / 2)] : NaN;
    console.log(`${rule},784-500-10,32,chromium-worker,${Math.round(median)},${steady.length},${result.longTasks.length}`);
  }
} finally {
  await browser.close();
  await server.close();
}
