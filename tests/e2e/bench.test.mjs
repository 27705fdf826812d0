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
