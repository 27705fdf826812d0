// TensorFlow.js side of the comparison (a classic Web Worker, so TF.js never blocks the page).
// Trains the network our engine trains: 784-500-10, sigmoid hidden layer, softmax + cross-entropy,
// plain SGD, batch 32, on the 8,000 MNIST training digits of mnist.bin, and reports samples/s as
// 1-second readings after a warm-up.
//
// Message in:  { backend: 'wasm' | 'cpu', seconds, warmup, lr, loop: 'minimize' | 'trainOnBatch',
//                data: URL of mnist.bin, wasmPaths: URL of tfjs-backend-wasm/dist/ }
// Message out: { type: 'result', backend, version, flags, loop, readings: [samples/s],
//                batches (all trained, warm-up included), leaked (tensors the timed loop left behind),
//                lossBefore, lossAfter (mean cross-entropy on the first 1,000 digits) }
//           or { type: 'error', message }
//
// To be fair to TF.js the 250 minibatches are cut once, before timing (in file order, no per-epoch
// shuffle), so the timed loop is forward + backward + update and nothing else; no test evaluation.
/* global tf, importScripts */
importScripts('../node_modules/@tensorflow/tfjs/dist/tf.min.js',
  '../node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js');

const BATCH = 32;

/** The training digits of mnist.bin (format: src/data/mnist.rs): x in [0, 1], labels 0–9. */
function parseMnist(buffer) {
  const bytes = new Uint8Array(buffer);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== 'BPMNIST1') throw new Error(`mnist.bin: wrong magic ${JSON.stringify(magic)}`);
  const view = new DataView(buffer);
  const [nTrain, nTest, rows, cols] = [0, 1, 2, 3].map((k) => view.getUint32(8 + 4 * k, true));
  const n = nTrain + nTest;
  const pixels = rows * cols;
  const labels = bytes.subarray(24, 24 + nTrain);
  const images = bytes.subarray(24 + n, 24 + n + nTrain * pixels);
  const x = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) x[i] = images[i] / 255;
  return { x, labels: Int32Array.from(labels), n: nTrain, pixels };
}

/** Glorot-uniform weights, zero biases, as our engine's default initialisation. */
function dense(inputs, outputs) {
  const limit = Math.sqrt(6 / (inputs + outputs));
  return { w: tf.variable(tf.randomUniform([inputs, outputs], -limit, limit, 'float32', 1)), b: tf.variable(tf.zeros([outputs])) };
}

/**
 * { step(xb, yb), sync(), loss(x, y) } for the chosen loop: `step` trains one minibatch (already on
 * the backend); `sync` reads a value back, so that no work is still pending when the clock is read;
 * `loss` is the mean cross-entropy (a number), to show that the network did learn.
 */
function makeTrainer(loop, lr, pixels) {
  if (loop === 'trainOnBatch') {
    // The Layers API (what model.fit runs per batch); Keras' cross-entropy on a softmax output.
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [pixels], units: 500, activation: 'sigmoid' }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(lr), loss: 'categoricalCrossentropy' });
    // trainOnBatch resolves after reading the loss back, so it needs no extra sync.
    return {
      step: (xb, yb) => model.trainOnBatch(xb, yb),
      sync: async () => {},
      loss: (x, y) => tf.tidy(() => tf.metrics.categoricalCrossentropy(y, model.predict(x)).mean().dataSync()[0]),
    };
  }
  // The Core API: variables and optimizer.minimize, with the fused softmax cross-entropy.
  const l0 = dense(pixels, 500);
  const l1 = dense(500, 10);
  const optimizer = tf.train.sgd(lr);
  const loss = (xb, yb) => {
    const hidden = tf.sigmoid(tf.add(tf.matMul(xb, l0.w), l0.b));
    const logits = tf.add(tf.matMul(hidden, l1.w), l1.b);
    return tf.losses.softmaxCrossEntropy(yb, logits); // mean over the batch
  };
  return {
    step: (xb, yb) => { optimizer.minimize(() => loss(xb, yb), false); },
    sync: () => l1.b.data(),
    loss: (x, y) => tf.tidy(() => loss(x, y).dataSync()[0]),
  };
}

async function run({ backend, seconds, warmup, lr, loop, data, wasmPaths }) {
  tf.enableProdMode(); // skips TF.js' debug-only checks
  if (backend === 'wasm') {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false); // SIMD, one thread
    tf.wasm.setWasmPaths(wasmPaths);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
  const flags = backend === 'wasm'
    ? { simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), threads: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') }
    : {};

  const { x, labels, n, pixels } = parseMnist(await (await fetch(data)).arrayBuffer());
  const batches = [];
  const probe = []; // the first 1,000 digits, for the loss before and after
  tf.tidy(() => {
    const X = tf.tensor2d(x, [n, pixels]);
    const Y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat();
    probe.push(tf.keep(X.slice([0, 0], [1000, pixels])), tf.keep(Y.slice([0, 0], [1000, 10])));
    for (let start = 0; start + BATCH <= n; start += BATCH) {
      batches.push([tf.keep(X.slice([start, 0], [BATCH, pixels])), tf.keep(Y.slice([start, 0], [BATCH, 10]))]);
    }
  });
  const { step, sync, loss } = makeTrainer(loop, lr, pixels);
  const lossBefore = loss(...probe);

  // Warm-up (at least a few batches), then 1-second readings until `seconds` have passed.
  let b = 0;
  const next = async () => { const [xb, yb] = batches[b++ % batches.length]; await step(xb, yb); };
  const warmupEnd = performance.now() + warmup * 1000;
  for (let i = 0; i < 3 || performance.now() < warmupEnd; i++) await next();
  await sync();
  const tensorsBefore = tf.memory().numTensors;
  const readings = [];
  const end = performance.now() + seconds * 1000;
  let windowStart = performance.now();
  let windowBatches = 0;
  while (windowStart < end) {
    await next();
    windowBatches++;
    const now = performance.now();
    if (now - windowStart >= 1000 || now >= end) {
      await sync(); // cpu and wasm run kernels synchronously; this only makes sure of it
      readings.push((windowBatches * BATCH) / ((performance.now() - windowStart) / 1000));
      windowStart = performance.now();
      windowBatches = 0;
    }
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  return { backend, version: tf.version.tfjs, flags, loop, readings, batches: b, leaked, lossBefore, lossAfter: loss(...probe) };
}

self.onmessage = async ({ data }) => {
  try {
    postMessage({ type: 'result', ...(await run(data)) });
  } catch (error) {
    postMessage({ type: 'error', message: error && error.stack ? error.stack : String(error) });
  }
};
