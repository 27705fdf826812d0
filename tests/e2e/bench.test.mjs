// Guards the benchmark machinery (scripts/bench-compare.mjs, bench/): with a one-second budget per
// engine it must run in headless Chromium and print a table with a positive samples/s on every
// row. No timing assertions: the numbers come from scripts/bench.sh, on a quiet machine.
// Needs `trunk build --release` (dist/) and the npm packages; uses the release CLI for the native
// row when it has been built (scripts/test.sh builds it with `cargo test --release`).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

it('the side-by-side benchmark runs and prints its table', { timeout: 90000 }, async () => {
  const native = existsSync(join(ROOT, 'target/release/brainprop'));
  const args = ['scripts/bench-compare.mjs', '--seconds', '1', '--warmup', '0.5', '--rules', 'bp', '--repeats', '1', '--batches', '5', '--page-seconds', '2'];
  if (!native) args.push('--no-native');
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT, timeout: 80000 });
  const rows = stdout.split('\n').filter((l) => /^\| (brainprop|TF\.js)/.test(l)).map((l) => l.split('|').map((c) => c.trim()));
  const where = rows.map((c) => c[3]);
  assert.equal(rows.length, native ? 4 : 3, `rows: ${JSON.stringify(where)}\n${stdout}`);
  for (const prefix of ["wasm, site's engine worker", 'wasm (SIMD', 'cpu']) {
    assert.ok(where.some((w) => w.startsWith(prefix)), `no row for ${prefix}:\n${stdout}`);
  }
  if (native) assert.ok(where.includes('native'), stdout);
  for (const c of rows) {
    const rate = Number(c[4].replace(/,/g, ''));
    assert.ok(rate > 0, `samples/s of ${c[1]} ${c[2]} ${c[3]}: ${c[4]}`);
  }
  const ratio = /ours \/ tfjs-wasm >= 10x: ([\d.]+)x/.exec(stdout);
  assert.ok(ratio && Number(ratio[1]) > 0, stdout);
  const load = /first load before data \(wasm \+ JS \+ CSS, (\d+) files\): ([\d,]+) B raw.*?([\d,]+) B gzip/.exec(stdout);
  assert.ok(load && Number(load[1]) > 0 && Number(load[3].replace(/,/g, '')) > 0, stdout);
  assert.match(stdout, /data: mnist\.bin [\d,]+ B raw/);
  // The chapter page trained (its status moved past the untrained network) while long tasks were counted.
  const page = /Backprop chapter training MNIST at full speed for 2 s \(page: "([^"]*)"\): main-thread long tasks > 50 ms: (\d+)/.exec(stdout);
  assert.ok(page, stdout);
  assert.match(page[1], /epoch|training|running/i, stdout);
});

it('the long-task benchmark opens each chapter, trains its figures and prints one row per chapter', { timeout: 120000 }, async () => {
  const dist = process.env.BRAINPROP_DIST ? resolve(process.env.BRAINPROP_DIST) : join(ROOT, 'dist');
  const args = ['scripts/bench-browser.mjs', '--long-tasks', '--seconds', '4', '--chapters', 'backprop,time', '--dist', dist];
  // Exit status 1 means long tasks were seen: on a busy machine that may happen; the table is what is checked.
  const run = await promisify(execFile)(process.execPath, args, { cwd: ROOT, timeout: 110000 }).catch((error) => error);
  const stdout = run.stdout ?? '';
  const rows = stdout.split('\n').filter((l) => /^\| (backprop|time)/.test(l)).map((l) => l.split('|').map((c) => c.trim()));
  assert.deepEqual(rows.map((c) => c[1]), ['backprop', 'backprop (circles)', 'time'], stdout + (run.stderr ?? ''));
  for (const c of rows) {
    assert.ok(Number(c[2]) >= 1, `no figure trained on ${c[1]}:\n${stdout}`);
    assert.match(c[3], /^\d+$/, stdout);
    assert.match(c[6], /^(\d+|–)$/, `processor time of ${c[1]}: ${c[6]}`);
  }
  assert.match(stdout, /none over 50 ms while training, on any chapter: (met|NOT met)/);
  // Each figure was trained: its state at the end of its turn is listed.
  assert.match(stdout, /backprop: backprop \[(training|finished|paused)\] Epoch/);
});
