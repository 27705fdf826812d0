// The engine's Web Worker (a module worker). It owns one `Engine` (src/bin/engine_worker.rs),
// forwards every page message to it, and trains in ~10 ms slices while the engine is busy.
// Between slices it yields through a MessageChannel (setTimeout would be clamped to 4 ms once
// nested), so pause and configure messages get in at once.
import init, { Engine, crash_report as crashReport } from '../engine_worker.js';

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

/**
 * What stopped the engine, from its crash report: `memory` when an allocation was refused (a trap
 * then says only "unreachable"), else `panic` with the panic's message.
 * @returns {{type: 'error', kind: 'crash', fatal: true, reason: string, message: string,
 *   memory_bytes: number, requested_bytes: number}}
 */
function crashMessage(error) {
  let report = { panic: null, failed_allocation_bytes: 0 };
  try {
    report = crashReport();
  } catch { /* the module is too broken to say more */ }
  const memory = wasm.memory.buffer.byteLength;
  const requested = report.failed_allocation_bytes || 0;
  const outOfMemory = requested > 0 || error instanceof RangeError || /out of memory|allocation/i.test(report.panic || error?.message || '');
  const detail = report.panic ? report.panic.split('\n')[0] : error?.message || String(error);
  return {
    type: 'error', kind: 'crash', fatal: true, reason: outOfMemory ? 'memory' : 'panic', memory_bytes: memory, requested_bytes: requested,
    message: outOfMemory ? 'the engine ran out of memory' : `the engine hit an internal error (${detail})`,
  };
}

// A JsError thrown by `handle` is a message the engine could not read: report it and go on.
// A WebAssembly.RuntimeError is a trap (a panic, or memory refused), and a RangeError from the
// glue is memory that could not grow; then the engine cannot be trusted any more: say why, and
// answer nothing more (the page starts a new worker).
let broken = false;
function fail(error) {
  if (error instanceof WebAssembly.RuntimeError || error instanceof RangeError) {
    broken = true;
    postMessage(crashMessage(error));
    return;
  }
  postMessage({ type: 'error', kind: 'protocol', fatal: false, message: error && error.message ? error.message : String(error) });
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
    // A tick that fails would fail again on the next slice: whatever it was, stop.
    fail(error instanceof WebAssembly.RuntimeError || error instanceof RangeError ? error : new WebAssembly.RuntimeError(error?.message || String(error)));
  }
  schedule();
};

self.onmessage = (event) => {
  if (broken) return; // the page has been told, and replaces this worker
  try {
    post(engine.handle(event.data));
  } catch (error) {
    fail(error);
  }
  schedule();
};

postMessage(engine.ready()[0]); // the handshake: the page queues its commands until this arrives
