// node --test tests/js/
// www/engine/host.js with a stand-in engine and clock: the duty cycle a page sets with `duty`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostEngine } from '../../www/engine/host.js';

test('at duty d the host rests t·(1/d − 1) after a slice of t ms, and not at all at duty 1', async () => {
  let now = 0;
  const timers = [];
  const realTimeout = globalThis.setTimeout;
  const realPerformance = globalThis.performance;
  Object.defineProperty(globalThis, 'performance', { value: { now: () => now }, configurable: true });
  globalThis.setTimeout = (fn, ms) => timers.push([fn, ms]);
  try {
    let ticks = 0;
    const module = {
      Engine: class {
        ready() { return [{ type: 'ready', protocol: 3 }]; }
        busy() { return true; }
        tick() { ticks += 1; now += 10; return []; } // every slice takes 10 ms
        handle() { return []; }
        free() {}
      },
    };
    const host = hostEngine(module, { memory: { buffer: { byteLength: 0 } } }, () => {}, { sliceMs: 10, yieldWith: 'timeout' });
    host.start();
    host.receive({ type: 'duty', fraction: 0.25 });
    assert.deepEqual(timers.map((t) => t[1]), [0], 'the first slice is queued at once');
    timers.shift()[0]();
    assert.equal(ticks, 1);
    assert.deepEqual(timers.map((t) => t[1]), [30], '10 ms of work, 30 ms of rest');
    host.receive({ type: 'train' }); // a message during the rest queues no second slice
    assert.equal(timers.length, 1);
    host.receive({ type: 'duty', fraction: 1 });
    timers.shift()[0]();
    assert.deepEqual(timers.map((t) => t[1]), [0], 'duty 1: no rest');
    for (const bad of [0, -1, 2, 'x', null]) {
      host.receive({ type: 'duty', fraction: bad });
      timers.shift()[0]();
      assert.deepEqual(timers.map((t) => t[1]), [0], `fraction ${bad} is taken as 1`);
    }
    host.stop();
  } finally {
    globalThis.setTimeout = realTimeout;
    Object.defineProperty(globalThis, 'performance', { value: realPerformance, configurable: true });
  }
});
