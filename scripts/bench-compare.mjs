// Side-by-side benchmark, one Chromium session, one table: 784-500-10 (sigmoid hidden,
// softmax + cross-entropy, plain SGD lr 1, batch 32, the 8,000 MNIST training digits) trained by
//   - brainprop natively (`brainprop bench`, every rule),
//   - brainprop as wasm inside the site's own engine worker (scripts/bench-browser.mjs),
//   - TensorFlow.js 4.22, wasm backend (SIMD, no threads), in a worker (bench/tfjs-worker.js),
//   - TensorFlow.js 4.22, cpu backend, in a worker,
// then the site's first-load transfer size (the wasm, JS and CSS it fetches before any data; raw
// and gzip -9) and the data's, and the Performance issue's targets, met or not.
//
// Needs a release build of the CLI and `trunk build --release` (scripts/bench.sh does both).
//   node scripts/bench-compare.mjs [--seconds 10] [--warmup 3] [--rules bp,fa,dfa,sign,shallow,kp,np,wp,burstprop,eqprop,multiplex]
//       [--worker-rules (default: --rules)] [--repeats 5] [--batches 250] [--no-native]
//       [--tfjs-loop minimize|trainOnBatch] [--page-seconds 60] [--json FILE]
// Samples/s are medians of 1-second readings after the warm-up (native: of `--repeats` timed runs).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM } from '../tests/support/static-server.mjs';
import { measureEngine, benchmarkExperiments } from './bench-browser.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const seconds = Number(arg('seconds', 10));
const warmup = Number(arg('warmup', 3));
const rules = arg('rules', 'bp,fa,dfa,sign,shallow,kp,np,wp,burstprop,eqprop,multiplex');
const workerRules = arg('worker-rules', rules).split(',');
const tfjsLoop = arg('tfjs-loop', 'minimize');
const TARGETS = { ours: 12000, oursOverTfjsWasm: 10, wasmOverNative: 0.35, firstLoadBytes: 1.5e6, longTasks: 0 };

const fmt = (x, digits = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–');
const notes = [];

// --- native: `brainprop bench`, before the browser starts so the two do not compete -----------
const rows = [];
if (!argv.includes('--no-native')) {
  const bin = arg('brainprop', join(ROOT, 'target/release/brainprop'));
  const run = spawnSync(bin, ['bench', '--rules', rules, '--repeats', arg('repeats', '5'), '--batches', arg('batches', '250')],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`${bin} bench failed (${run.error ?? `exit ${run.status}`}); build it with cargo build --release`);
  const [header, ...lines] = run.stdout.trim().split('\n');
  const col = Object.fromEntries(header.split(',').map((name, i) => [name, i]));
  for (const line of lines) {
    const c = line.split(',');
    rows.push({
      engine: 'brainprop', rule: c[col.rule], where: 'native', key: `native-${c[col.rule]}`,
      median: Number(c[col.samples_per_s_median]), min: Number(c[col.samples_per_s_min]), max: Number(c[col.samples_per_s_max]),
      n: Number(c[col.repeats]), longTasks: NaN,
    });
  }
}

// --- browser: one Chromium, a static server over the repository root ---------------------------
const server = await serve(ROOT);
const browser = await chromium.launch({ ...CHROMIUM, headless: true });
const chromiumVersion = browser.version();
let firstLoad;
let pageRun;
try {
  const context = await browser.newContext();
  const listen = (page) => page.on('console', (m) => {
    if (['warning', 'error'].includes(m.type())) notes.push(`${new URL(page.url()).pathname}: console ${m.type()}: ${m.text()}`);
  });

  // First load: every file the Backprop chapter fetches until its engine is up (it starts on the
  // circles set, so no digits yet); the page's own requests and its workers'.
  const loaded = new Set();
  const page0 = await context.newPage();
  listen(page0);
  page0.on('requestfinished', (r) => loaded.add(new URL(r.url()).pathname));
  await page0.goto(`${server.origin}/dist/index.html#v=1&chapter=backprop`);
  await page0.waitForSelector('[data-el="figure"]:not([data-engine="starting"])', { timeout: 30000 }).catch(() => notes.push('the Backprop chapter did not leave "starting" within 30 s'));
  await page0.waitForLoadState('networkidle');
  await page0.close();
  const files = [...loaded].filter((p) => p.startsWith('/dist/') && /\.(wasm|m?js|css)$/.test(p)).sort();
  const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
  const sized = files.map((p) => { const bytes = readFileSync(join(ROOT, p)); return { file: p.slice('/dist/'.length), raw: bytes.length, gzip: gz(bytes) }; });
  const mnist = readFileSync(join(ROOT, 'dist/mnist.bin'));
  firstLoad = {
    files: sized,
    raw: sized.reduce((s, f) => s + f.raw, 0),
    gzip: sized.reduce((s, f) => s + f.gzip, 0),
    data: { file: 'mnist.bin', raw: mnist.length, gzip: gz(mnist) },
  };
  for (const want of ['engine_worker_bg.wasm', 'engine_worker.js', 'www/worker.js']) {
    if (!sized.some((f) => f.file === want)) notes.push(`first load: ${want} was not fetched; the size below misses it`);
  }

  // Ours: the site's engine worker.
  const page1 = await context.newPage();
  listen(page1);
  await page1.goto(`${server.origin}/dist/index.html#v=1`);
  const experiments = benchmarkExperiments(workerRules, arg('brainprop', join(ROOT, 'target/release/brainprop')));
  for (const [i, rule] of workerRules.entries()) {
    const r = await measureEngine(page1, { rule, experiment: experiments[i], seconds, warmup });
    rows.push({ engine: 'brainprop', rule, where: 'wasm, site\'s engine worker', key: `worker-${rule}`, ...r });
    if (r.longTaskMs.length) notes.push(`brainprop ${rule}: main-thread long tasks while training (ms): ${r.longTaskMs.join(', ')}`);
    if (r.setupLongTaskMs.length) notes.push(`brainprop ${rule}: main-thread long tasks while starting the worker and loading the digits (ms): ${r.setupLongTaskMs.join(', ')} (not counted in the table)`);
  }
  await page1.close();

  // Responsiveness: the Backprop chapter itself training MNIST 784-500-10 at full speed for
  // `--page-seconds` (60 by default), drawing its curves, network, fields and confusion matrix as it
  // goes; long tasks are counted from the click on Train (the digits are already loaded).
  const pageSeconds = Number(arg('page-seconds', 60));
  if (pageSeconds > 0) {
    const page3 = await context.newPage();
    listen(page3);
    await page3.goto(`${server.origin}/dist/index.html#v=1&chapter=backprop&data=mnist&hidden=500&activation=sigmoid&lr=1&speed=max&epochs=10000`);
    const train = page3.locator('[data-page="backprop"] [data-el="train"]');
    await train.waitFor({ state: 'visible' });
    await page3.waitForFunction(() => !document.querySelector('[data-page="backprop"] [data-el="train"]').disabled, null, { timeout: 60000 });
    await page3.evaluate(() => {
      window.benchLongTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => window.benchLongTasks.push(Math.round(e.duration)))).observe({ type: 'longtask' });
    });
    await train.click();
    await page3.waitForTimeout(pageSeconds * 1000);
    const status = (await page3.textContent('[data-page="backprop"] [data-el="status"]'))?.trim();
    pageRun = { seconds: pageSeconds, longTaskMs: await page3.evaluate(() => window.benchLongTasks), status };
    await page3.close();
  }

  // TensorFlow.js: the same network in a worker, per backend.
  const page2 = await context.newPage();
  listen(page2);
  await page2.goto(`${server.origin}/bench/tfjs.html`);
  for (const backend of ['wasm', 'cpu']) {
    const r = await page2.evaluate((o) => window.benchTfjs(o), { backend, seconds, warmup, lr: 1.0, loop: tfjsLoop });
    const sorted = [...r.readings].sort((a, b) => a - b);
    const where = backend === 'wasm' ? `wasm (SIMD ${r.flags.simd ? 'on' : 'OFF'}, threads ${r.flags.threads ? 'ON' : 'off'}), worker` : 'cpu (plain JS), worker';
    rows.push({
      engine: `TF.js ${r.version}`, rule: `bp (${r.loop})`, where, key: `tfjs-${backend}`,
      median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length, longTasks: r.longTasks,
    });
    notes.push(`TF.js ${backend}: ${r.batches} minibatches, loss on the first 1,000 digits ${r.lossBefore.toFixed(3)} -> ${r.lossAfter.toFixed(3)}`);
    if (r.leaked !== 0) notes.push(`TF.js ${backend}: the timed loop left ${r.leaked} tensors behind`);
  }
  await page2.close();
  await context.close();
} finally {
  await browser.close();
  await server.close();
}

// --- the table -------------------------------------------------------------------------------
const get = (key) => rows.find((r) => r.key === key)?.median ?? NaN;
const ours = get('worker-bp');
const ratio = {
  wasmOverNative: ours / get('native-bp'),
  oursOverTfjsWasm: ours / get('tfjs-wasm'),
  oursOverTfjsCpu: ours / get('tfjs-cpu'),
};
console.log('# 784-500-10, sigmoid hidden, softmax + cross-entropy, SGD lr 1, batch 32, 8,000 MNIST training digits');
console.log('# (burstprop: its preset on the same network; eqprop: batch 20, 20 free + 4 nudged steps; multiplex: 300 two-compartment neurons at dt 0.1 ms, where a "sample" is a simulated millisecond, so samples/s / 1000 = times real time)');
console.log(`# ${new Date().toISOString().slice(0, 10)}, ${cpus().length} logical CPUs (${cpus()[0]?.model ?? '?'}), headless Chromium ${chromiumVersion}, node ${process.version}`);
const git = (...a) => spawnSync('git', a, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '?';
const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'Cargo.toml', 'Cargo.lock', '.cargo', 'www', 'index.html') ? ' + uncommitted changes to the engine or site' : '';
const engineHash = createHash('sha256').update(readFileSync(join(ROOT, 'dist/engine_worker_bg.wasm'))).digest('hex').slice(0, 12);
console.log(`# code: commit ${git('rev-parse', '--short', 'HEAD')}${dirty}; dist/engine_worker_bg.wasm sha256 ${engineHash}…`);
console.log(`# samples/s: median of 1-second readings after a ${warmup} s warm-up over ${seconds} s (native: of ${arg('repeats', '5')} runs of ${arg('batches', '250')} minibatches)`);
console.log('');
console.log('| engine | rule | where | samples/s (median) | min – max | readings | wasm / native | ours / this | long tasks > 50 ms |');
console.log('|---|---|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const wasmNative = r.key.startsWith('worker-') ? fmt(r.median / get(`native-${r.rule}`), 2) : '';
  const oursThis = r.key.startsWith('tfjs-') || r.key === 'worker-bp' ? `${fmt(ours / r.median, 2)}×` : '';
  console.log(`| ${r.engine} | ${r.rule} | ${r.where} | ${fmt(r.median)} | ${fmt(r.min)} – ${fmt(r.max)} | ${r.n} | ${wasmNative} | ${oursThis} | ${Number.isFinite(r.longTasks) ? r.longTasks : ''} |`);
}
console.log('');
const kb = (b) => `${fmt(b / 1000, 1)} kB`;
console.log(`first load before data (wasm + JS + CSS, ${firstLoad.files.length} files): ${fmt(firstLoad.raw)} B raw (${kb(firstLoad.raw)}), ${fmt(firstLoad.gzip)} B gzip -9 (${kb(firstLoad.gzip)})`);
console.log(`  ${firstLoad.files.map((f) => `${f.file} ${kb(f.raw)}/${kb(f.gzip)}`).join(', ')}`);
console.log(`data: ${firstLoad.data.file} ${fmt(firstLoad.data.raw)} B raw (${kb(firstLoad.data.raw)}), ${fmt(firstLoad.data.gzip)} B gzip -9 (${kb(firstLoad.data.gzip)})`);
const longTasks = rows.reduce((s, r) => s + (Number.isFinite(r.longTasks) ? r.longTasks : 0), 0) + (pageRun?.longTaskMs.length ?? 0);
if (pageRun) {
  console.log(`Backprop chapter training MNIST at full speed for ${pageRun.seconds} s (page: "${pageRun.status}"): main-thread long tasks > 50 ms: ${pageRun.longTaskMs.length}${pageRun.longTaskMs.length ? ` (${pageRun.longTaskMs.join(', ')} ms)` : ''}`);
}
const check = (ok) => (ok ? 'met' : 'NOT met');
console.log('targets (Performance issue):');
console.log(`  ours (bp, worker) >= ${fmt(TARGETS.ours)} samples/s: ${fmt(ours)}, ${check(ours >= TARGETS.ours)}`);
console.log(`  ours / tfjs-wasm >= ${TARGETS.oursOverTfjsWasm}x: ${fmt(ratio.oursOverTfjsWasm, 2)}x, ${check(ratio.oursOverTfjsWasm >= TARGETS.oursOverTfjsWasm)} (ours / tfjs-cpu: ${fmt(ratio.oursOverTfjsCpu, 2)}x)`);
console.log(`  wasm / native (bp) >= ${TARGETS.wasmOverNative}: ${fmt(ratio.wasmOverNative, 2)}, ${Number.isFinite(ratio.wasmOverNative) ? check(ratio.wasmOverNative >= TARGETS.wasmOverNative) : 'not measured'}`);
console.log(`  first load <= 1.5 MB: ${kb(firstLoad.raw)} raw, ${kb(firstLoad.gzip)} gzip, ${check(firstLoad.raw <= TARGETS.firstLoadBytes)}`);
console.log(`  main-thread long tasks > 50 ms while training (bare workers${pageRun ? ` + the Backprop chapter for ${pageRun.seconds} s` : ''}): ${longTasks}, ${check(longTasks <= TARGETS.longTasks)}`);
if (notes.length) {
  console.log('notes:');
  for (const n of [...new Set(notes)]) console.log(`  ${n}`);
}
const json = arg('json');
if (json) writeFileSync(json, JSON.stringify({ chromium: chromiumVersion, seconds, warmup, rows, ratio, firstLoad, pageRun, longTasks, notes }, null, 2));
