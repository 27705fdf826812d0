// A small wrapper around the engine worker: it queues commands until the worker's `ready`
// handshake (a module worker drops messages that arrive before its handler is installed), and
// re-dispatches every reply as an event named after its `type`:
//   client.addEventListener('progress', (e) => e.detail.rows …)
// Worker failures (the module not loading, a panic) arrive as 'error' events with
// detail {type:'error', kind, message, fatal}.

export const PROTOCOL = 2;

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

export class EngineClient extends EventTarget {
  #worker;
  #queue = [];
  #ready = false;
  #readyPromise;

  constructor(url = new URL('../worker.js', import.meta.url)) {
    super();
    let resolveReady;
    this.#readyPromise = new Promise((resolve) => {
      resolveReady = resolve;
    });
    try {
      this.#worker = new Worker(url, { type: 'module' });
    } catch (error) {
      queueMicrotask(() => this.#emit({ type: 'error', kind: 'protocol', fatal: true, message: `The engine could not start here: ${error.message}` }));
      return;
    }
    this.#worker.onmessage = (event) => {
      const message = event.data;
      if (message && message.type === 'ready') {
        if (message.protocol !== PROTOCOL) {
          this.#emit({ type: 'error', kind: 'protocol', fatal: true, message: `The engine speaks protocol ${message.protocol}; this page expects ${PROTOCOL}. Reload the page.` });
          return;
        }
        this.#ready = true;
        for (const [msg, transfer] of this.#queue.splice(0)) this.#worker.postMessage(msg, transfer);
        resolveReady();
      }
      this.#emit(message);
    };
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.#emit({ type: 'error', kind: 'protocol', fatal: true, message: `The engine could not start: ${event.message || 'the worker script failed to load'}` });
    };
    this.#worker.onmessageerror = () => {
      this.#emit({ type: 'error', kind: 'protocol', fatal: false, message: 'A message from the engine could not be read.' });
    };
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

  /** Stops the worker for good. */
  terminate() {
    if (this.#worker) this.#worker.terminate();
    this.#worker = null;
    this.#queue.length = 0;
  }

  #emit(message) {
    if (!message || typeof message.type !== 'string') return;
    this.dispatchEvent(new CustomEvent(message.type, { detail: message }));
  }
}
