// The engine's Web Worker (a module worker): it hosts one `Engine` (src/bin/engine_worker.rs)
// through www/engine/host.js, which forwards every page message to it and trains in ~10 ms slices
// while it is busy, yielding through a MessageChannel (setTimeout would be clamped to 4 ms once
// nested), so pause and configure messages get in at once.
import init, * as engineModule from '../engine_worker.js';
import { hostEngine } from './engine/host.js';

const wasm = await init();
/** Bytes of the engine's wasm memory (for the soak test and crash reports; it only grows). */
self.engineMemoryBytes = () => wasm.memory.buffer.byteLength;
const host = hostEngine(engineModule, wasm, (message, transfer) => postMessage(message, transfer), { sliceMs: 10 });
self.onmessage = (event) => host.receive(event.data);
host.start();
