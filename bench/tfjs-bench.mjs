// Page side of the TF.js comparison: starts bench/tfjs-worker.js for one backend, counts the main
// thread's long tasks (> 50 ms) while it trains, and resolves to the worker's result.
// scripts/bench-compare.mjs calls `window.benchTfjs(options)`; opened by hand from a static server
// over the repository root (after `trunk build`), /bench/tfjs.html?backend=wasm&seconds=10 runs
// one backend and prints the result on the page.

/** Options: see bench/tfjs-worker.js. URLs default to the repository layout. */
export function benchTfjs(options) {
  const base = new URL('..', import.meta.url);
  const message = {
    backend: 'wasm', seconds: 10, warmup: 3, lr: 1.0, loop: 'minimize',
    data: new URL('dist/mnist.bin', base).href,
    wasmPaths: new URL('node_modules/@tensorflow/tfjs-backend-wasm/dist/', base).href,
    ...options,
  };
  return new Promise((ok, fail) => {
    const longTasks = [];
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
    observer.observe({ type: 'longtask', buffered: false });
    const worker = new Worker(new URL('tfjs-worker.js', import.meta.url));
    const done = () => { observer.disconnect(); worker.terminate(); };
    worker.onmessage = ({ data }) => {
      done();
      if (data.type === 'result') ok({ ...data, longTasks: longTasks.length });
      else fail(new Error(data.message));
    };
    worker.onerror = (event) => { done(); fail(new Error(event.message || 'the TF.js worker failed to start')); };
    worker.postMessage(message);
  });
}

window.benchTfjs = benchTfjs;

const query = new URLSearchParams(location.search);
if (query.has('backend')) {
  const out = document.querySelector('#out');
  const options = { backend: query.get('backend') };
  for (const key of ['seconds', 'warmup', 'lr']) if (query.has(key)) options[key] = Number(query.get(key));
  if (query.has('loop')) options.loop = query.get('loop');
  out.textContent = `training with TF.js ${options.backend}…`;
  benchTfjs(options).then((r) => { out.textContent = JSON.stringify(r, null, 2); },
    (e) => { out.textContent = String(e); });
}
