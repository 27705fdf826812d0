// The engine's host: one wasm `Engine` (src/bin/engine_worker.rs) serving one page client. It
// forwards every message to the engine, trains in slices while the engine is busy, yielding
// between them so that pause and configure messages get in at once, and reports a trap (a panic,
// or memory refused) with its cause. The Web Worker (www/worker.js) hosts an engine this way, and
// so does the page itself where no worker can start (a sandboxed iframe: www/engine/client.js).

/**
 * What stopped the engine, from its crash report: `memory` when an allocation was refused (a trap
 * then says only "unreachable"), else `panic` with the panic's message.
 * @returns {{type: 'error', kind: 'crash', fatal: true, reason: string, message: string,
 *   memory_bytes: number, requested_bytes: number}}
 */
function crashMessage(module, wasm, error) {
  let report = { panic: null, failed_allocation_bytes: 0 };
  try {
    report = module.crash_report();
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

/**
 * Hosts a new `Engine` of the initialised wasm-bindgen `module` (its exports; `wasm` is what its
 * init returned). `post(message, transfer)` sends a reply to the page. Returns
 * {start(): posts the `ready` handshake, receive(message), stop()}.
 * @param {{sliceMs: number, yieldWith?: 'channel'|'timeout'}} options sliceMs: how long each
 *   training slice runs; yieldWith: how to yield between slices (a MessageChannel is not clamped
 *   like nested timeouts; the page uses timeouts, so that rendering gets its turn)
 */
export function hostEngine(module, wasm, post, { sliceMs, yieldWith = 'channel' }) {
  const engine = new module.Engine();
  let broken = false;
  let stopped = false;

  /** Posts replies; snapshot arrays are copies out of wasm memory, so their buffers can move. */
  function send(replies) {
    for (const reply of replies) {
      const transfer = reply.type === 'snapshot' ? reply.snapshot.frames.map((f) => f.data.buffer) : [];
      post(reply, transfer);
    }
  }

  // A JsError thrown by `handle` is a message the engine could not read: report it and go on. A
  // WebAssembly.RuntimeError is a trap (a panic, or memory refused), and a RangeError from the glue
  // is memory that could not grow; then the engine cannot be trusted any more: say why, and answer
  // nothing more (the page starts a new one).
  function fail(error, fatal = false) {
    if (fatal || error instanceof WebAssembly.RuntimeError || error instanceof RangeError) {
      broken = true;
      post(crashMessage(module, wasm, error), []);
      return;
    }
    post({ type: 'error', kind: 'protocol', fatal: false, message: error && error.message ? error.message : String(error) }, []);
  }

  // The share of time spent training while busy (the page's `duty` command): after a slice of
  // t ms the engine rests t·(1/duty − 1) ms, so that workers that outnumber the cores leave the
  // page a share of a processor.
  let duty = 1;
  let sliceQueued = false;
  function slice() {
    sliceQueued = false;
    if (broken || stopped) return;
    const start = performance.now();
    try {
      send(engine.tick(sliceMs));
    } catch (error) {
      fail(error, true); // a tick that fails would fail again on the next slice: whatever it was, stop
    }
    schedule(duty < 1 ? (performance.now() - start) * (1 / duty - 1) : 0);
  }
  const channel = yieldWith === 'channel' ? new MessageChannel() : null;
  if (channel) channel.port1.onmessage = slice;
  /** Queues the next slice while the engine is busy, after `restMs` (messages still get in at once). */
  function schedule(restMs = 0) {
    if (broken || stopped || sliceQueued || !engine.busy()) return;
    sliceQueued = true;
    if (restMs >= 1) setTimeout(slice, restMs);
    else if (channel) channel.port2.postMessage(null);
    else setTimeout(slice, 0);
  }

  return {
    start() {
      post(engine.ready()[0], []); // the handshake: the page queues its commands until this arrives
    },
    receive(message) {
      if (broken || stopped) return; // the page has been told, and replaces this engine
      if (message && message.type === 'duty') {
        const fraction = Number(message.fraction);
        duty = fraction > 0 && fraction <= 1 ? fraction : 1;
      }
      try {
        send(engine.handle(message));
      } catch (error) {
        fail(error);
      }
      schedule();
    },
    stop() {
      stopped = true;
      channel?.port1.close();
      try {
        engine.free();
      } catch { /* a broken engine may not free */ }
    },
  };
}
