// The engine's Web Worker (a module worker). It owns one `Engine` (src/bin/engine_worker.rs),
// forwards every page message to it, and trains in ~10 ms slices while the engine is busy.
// Between slices it yields through a MessageChannel (setTimeout would be clamped to 4 ms once
// nested), so pause and configure messages get in at once.
import init, { Engine } from '../engine_worker.js';

const wasm = await init();
const engine = new Engine();
/** Bytes of the engine's wasm memory (for the soak test and crash reports; it only grows). */
self.engineMemoryBytes = () => wasm.memory.buffer.byteLength;
const SLICE_MS = 10;

/** Posts replies; snapshot arrays are copies out of wasm memory, so their buffers can move. */
function post(replies) {
  for (const reply of replies) {
    const transfer = reply.type === 'snapshot' ? reply.snapshot.frames.map((f) => f.data.buffer) : [];
    postMessage(reply, transfer);
  }
}

// A JsError thrown by `handle` is a message the engine could not read: report it and go on.
// A WebAssembly.RuntimeError is a panic, and a failing `tick` would fail again on the next
// slice: then the engine cannot be trusted any more, so stop.
let broken = false;
function fail(error, fatal = false) {
  broken = fatal || error instanceof WebAssembly.RuntimeError;
  const message = error && error.message ? error.message : String(error);
  postMessage({ type: 'error', kind: 'protocol', fatal: broken, message: broken ? `The engine stopped: ${message}` : message });
}

const channel = new MessageChannel();
let sliceQueued = false;
function schedule() {
  if (!broken && !sliceQueued && engine.busy()) {
    sliceQueued = true;
    channel.port2.postMessage(null);
  }
}
channel.port1.onmessage = () => {
  sliceQueued = false;
  try {
    post(engine.tick(SLICE_MS));
  } catch (error) {
    fail(error, true);
  }
  schedule();
};

self.onmessage = (event) => {
  if (broken) {
    postMessage({ type: 'error', kind: 'protocol', fatal: true, message: 'The engine stopped after an internal error; reload the page.' });
    return;
  }
  try {
    post(engine.handle(event.data));
  } catch (error) {
    fail(error);
  }
  schedule();
};

postMessage(engine.ready()[0]); // the handshake: the page queues its commands until this arrives
