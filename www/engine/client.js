// A small wrapper around the engine worker: it queues commands until the worker's `ready`
// handshake (a module worker drops messages that arrive before its handler is installed), and
// re-dispatches every reply as an event named after its `type`:
//   client.addEventListener('progress', (e) => e.detail.rows …)
// Worker failures (the module not loading, a panic) arrive as 'error' events with
// detail {type:'error', kind, message, fatal}.
//
// A worker can also die without a word (the browser stops it, or it hangs): a heartbeat finds
// out. Once the worker is ready, the client sends `ping` whenever it has heard nothing for
// PING_AFTER_MS; any message clears the ping. A ping unanswered for DEAD_AFTER_MS (a build or
// an epoch's end takes at most a few seconds, see src/experiment/cost.rs) means the worker is
// gone: the client stops it and reports {type:'error', kind:'crash', reason:'unresponsive',
// fatal:true}.
//
// Where the browser will not start a worker (a frame with sandbox="allow-scripts" has an opaque
// origin), the client hosts the engine on the page itself (PageWorker, in short slices), sets
// `mode` to 'page' and dispatches a 'mode' event, so that the figure can say so.

import { hostEngine } from './host.js';

export const PROTOCOL = 3;
/** Quiet time after which the client asks the worker whether it is still there (ms). */
export const PING_AFTER_MS = 1000;
/** Time an unanswered ping waits before the worker is taken for dead (ms). */
export const DEAD_AFTER_MS = 15000;

/**
 * The share of time each of `workers` training workers should train on `cores` processors so
 * that together they use at most cores − ½ and the page keeps half a processor for drawing and
 * input: 1 while they fit (one worker on two cores), 0.375 for four on two. Never below 0.05.
 */
export function dutyFor(workers, cores) {
  if (!(workers > 0) || !(cores > 0)) return 1;
  return Math.max(0.05, Math.min(1, (cores - 0.5) / workers));
}

/** The clients whose worker is training now (its last progress said `running`), on this page. */
const training = new Set();

/** Tells every training worker its share, when it changed (the count of training workers did). */
function rebalance() {
  const duty = dutyFor(training.size, globalThis.navigator?.hardwareConcurrency || 2);
  for (const client of training) client.setDuty(duty);
}

/** Equal values: the same numbers and strings, arrays item by item, objects key by key in any order. */
function same(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => same(a[k], b[k]));
}

/** True when the engine's echo of an experiment matches what the page asked for (every field it asked for). */
export function sameExperiment(echo, wanted) {
  if (!echo || !wanted) return false;
  return Object.keys(wanted).every((k) => same(echo[k], wanted[k]));
}

/** The engine's wasm module on the page, loaded once for every PageWorker. */
let pageModule = null;

/**
 * A stand-in for a Worker that hosts the engine on the page (www/engine/host.js), for browsers
 * or frames that will not start a worker (a sandboxed iframe). Same surface as a Worker: messages
 * both ways are delivered in later tasks, as a worker's are. Slices are short (4 ms) so the page
 * stays responsive.
 */
class PageWorker {
  onmessage = null;
  onerror = null;
  onmessageerror = null;
  #host = null;
  #closed = false;

  constructor() {
    pageModule ??= import(new URL('../../engine_worker.js', import.meta.url).href).then(async (module) => ({ module, wasm: await module.default() }));
    pageModule.then(({ module, wasm }) => {
      if (this.#closed) return;
      this.#host = hostEngine(module, wasm, (message) => setTimeout(() => { if (!this.#closed) this.onmessage?.({ data: message }); }), { sliceMs: 4, yieldWith: 'timeout' });
      this.#host.start();
    }, (error) => {
      if (!this.#closed) this.onerror?.({ message: error.message, preventDefault() {} });
    });
  }

  postMessage(message) {
    setTimeout(() => this.#host?.receive(message));
  }

  terminate() {
    this.#closed = true;
    this.#host?.stop();
  }
}

export class EngineClient extends EventTarget {
  #worker;
  #queue = [];
  #ready = false;
  #readyPromise;
  #lastHeard = 0;
  #pingSentAt = null;
  #heartbeat = null;

  /**
   * @param {URL} url the worker script
   * @param {{pingAfterMs?: number, deadAfterMs?: number}} timing the heartbeat's (tests shorten it)
   */
  constructor(url = new URL('../worker.js', import.meta.url), { pingAfterMs = PING_AFTER_MS, deadAfterMs = DEAD_AFTER_MS } = {}) {
    super();
    let resolveReady;
    this.#readyPromise = new Promise((resolve) => {
      resolveReady = resolve;
    });
    this.#resolveReady = resolveReady;
    this.#timing = { pingAfterMs, deadAfterMs };
    let worker = null;
    try {
      worker = new Worker(url, { type: 'module' });
    } catch (error) {
      // A sandboxed iframe (an opaque origin) may not start workers: run the engine on the page.
      this.#usePage(error.message);
      return;
    }
    this.#attach(worker);
  }

  /**
   * Where the engine runs: 'worker' (its own thread), or 'page' where the browser would not start
   * a worker (the engine then trains on the page in short slices, and the figure says so).
   */
  mode = 'worker';
  #resolveReady;
  #timing;

  #attach(worker) {
    this.#worker = worker;
    worker.onmessage = (event) => {
      const message = event.data;
      this.#lastHeard = performance.now();
      this.#pingSentAt = null;
      if (message && message.type === 'pong') return;
      if (message && (message.type === 'progress' || message.type === 'configured' || (message.type === 'error' && message.fatal))) {
        this.#training(message.type === 'progress' && message.running);
      }
      if (message && message.type === 'ready') {
        const { pingAfterMs, deadAfterMs } = this.#timing;
        this.#heartbeat = setInterval(() => this.#listen(pingAfterMs, deadAfterMs), Math.min(pingAfterMs, 1000));
        if (message.protocol !== PROTOCOL) {
          this.#emit({ type: 'error', kind: 'protocol', fatal: true, message: `The engine speaks protocol ${message.protocol}; this page expects ${PROTOCOL}. Reload the page.` });
          return;
        }
        this.#ready = true;
        for (const [msg, transfer] of this.#queue.splice(0)) this.#worker.postMessage(msg, transfer);
        this.#resolveReady();
      }
      this.#emit(message);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.#training(false);
      if (this.#ready) this.#emit({ type: 'error', kind: 'crash', reason: 'panic', fatal: true, message: `the engine hit an internal error (${event.message || 'in the worker script'})` });
      else if (this.mode === 'worker') this.#usePage(event.message || 'the worker script failed to load');
      else this.#emit({ type: 'error', kind: 'protocol', fatal: true, message: `The engine could not start: ${event.message || 'its script failed to load'}` });
    };
    worker.onmessageerror = () => {
      this.#emit({ type: 'error', kind: 'protocol', fatal: false, message: 'A message from the engine could not be read.' });
    };
  }

  /** Runs the engine on the page instead of in a worker, and says so ('mode' event). */
  #usePage(reason) {
    this.#worker?.terminate();
    this.mode = 'page';
    this.#attach(new PageWorker());
    queueMicrotask(() => this.#emit({ type: 'mode', mode: 'page', reason }));
  }

  /** Resolves once the worker has said `ready`. */
  get ready() {
    return this.#readyPromise;
  }

  get isReady() {
    return this.#ready;
  }

  /** Sends a command now, or when the worker is ready. `transfer` lists buffers to move. */
  send(message, transfer = []) {
    if (!this.#worker) return;
    if (this.#ready) this.#worker.postMessage(message, transfer);
    else this.#queue.push([message, transfer]);
  }

  /** The share of time the worker trains while busy (see `dutyFor`; sent only when it changes). */
  setDuty(fraction) {
    if (fraction === this.#duty) return;
    this.#duty = fraction;
    this.send({ type: 'duty', fraction });
  }

  #duty = 1;

  /** Counts this client among the training ones, or not, and rebalances the shares on a change. */
  #training(running) {
    if (running === training.has(this)) return;
    if (running) training.add(this);
    else training.delete(this);
    rebalance();
  }

  /** Stops the worker for good. */
  terminate() {
    this.#training(false);
    if (this.#worker) this.#worker.terminate();
    this.#worker = null;
    this.#queue.length = 0;
    clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  /** The heartbeat: ping a quiet worker; a ping unanswered for too long means it died. */
  #listen(pingAfterMs, deadAfterMs) {
    if (!this.#worker) return;
    const now = performance.now();
    if (this.#pingSentAt !== null && now - this.#pingSentAt > deadAfterMs) {
      this.terminate();
      this.#emit({ type: 'error', kind: 'crash', reason: 'unresponsive', fatal: true, message: 'the engine stopped answering' });
    } else if (this.#pingSentAt === null && now - this.#lastHeard > pingAfterMs) {
      this.#pingSentAt = now;
      this.#worker.postMessage({ type: 'ping' });
    }
  }

  #emit(message) {
    if (!message || typeof message.type !== 'string') return;
    this.dispatchEvent(new CustomEvent(message.type, { detail: message }));
  }
}
