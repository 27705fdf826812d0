// node --test tests/js/
// www/engine/client.js with a stand-in Worker: the handshake queue and the heartbeat that tells a
// busy worker from a dead one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineClient, PROTOCOL, dutyFor } from '../../www/engine/client.js';

/** A stand-in for the browser's Worker: records what it is sent; `answers` decides if it pongs. */
class FakeWorker {
  static last = null;
  constructor() {
    this.sent = [];
    this.answers = true;
    this.terminated = false;
    FakeWorker.last = this;
  }

  postMessage(message) {
    this.sent.push(message);
    if (message.type === 'ping' && this.answers) setTimeout(() => this.say({ type: 'pong' }), 1);
  }

  say(message) {
    if (!this.terminated) this.onmessage({ data: message });
  }

  terminate() {
    this.terminated = true;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function client(timing) {
  globalThis.Worker = FakeWorker;
  const c = new EngineClient(new URL('file:///worker.js'), timing);
  const heard = [];
  for (const type of ['ready', 'error', 'pong', 'progress']) c.addEventListener(type, (e) => heard.push(e.detail));
  return { c, worker: FakeWorker.last, heard };
}

test('commands wait for the handshake, then go in order', () => {
  const { c, worker } = client();
  c.send({ type: 'configure' });
  c.send({ type: 'train' });
  assert.deepEqual(worker.sent, []);
  worker.say({ type: 'ready', protocol: PROTOCOL });
  assert.deepEqual(worker.sent.map((m) => m.type), ['configure', 'train']);
  c.terminate();
});

test('a quiet worker that answers pings lives; one that stops answering is stopped and reported as a crash', async () => {
  const { c, worker, heard } = client({ pingAfterMs: 10, deadAfterMs: 60 });
  worker.say({ type: 'ready', protocol: PROTOCOL });
  await sleep(150);
  assert.ok(worker.sent.filter((m) => m.type === 'ping').length >= 2, 'pinged while quiet');
  assert.equal(heard.filter((m) => m.type === 'pong').length, 0, 'pongs are not passed on');
  assert.equal(worker.terminated, false);
  worker.answers = false; // it dies without a word (the browser stopped it, or it hangs)
  await sleep(250);
  assert.equal(worker.terminated, true);
  const errors = heard.filter((m) => m.type === 'error');
  assert.equal(errors.length, 1);
  assert.deepEqual({ ...errors[0], message: undefined }, { type: 'error', kind: 'crash', reason: 'unresponsive', fatal: true, message: undefined });
  c.terminate();
});

test('a worker busy for a while (no pong, but progress) is not taken for dead', async () => {
  const { c, worker, heard } = client({ pingAfterMs: 10, deadAfterMs: 60 });
  worker.say({ type: 'ready', protocol: PROTOCOL });
  worker.answers = false;
  for (let i = 0; i < 10; i += 1) {
    await sleep(30);
    worker.say({ type: 'progress', rows: [] }); // any message answers a ping
  }
  assert.equal(worker.terminated, false);
  assert.equal(heard.filter((m) => m.type === 'error').length, 0);
  c.terminate();
});

test('where no worker may start, the client runs the engine on the page and says so', async () => {
  globalThis.Worker = class { constructor() { throw new Error("Failed to construct 'Worker': origin 'null'"); } };
  const c = new EngineClient(new URL('file:///worker.js'));
  const heard = [];
  for (const type of ['mode', 'error']) c.addEventListener(type, (e) => heard.push(e.detail));
  await sleep(200);
  assert.equal(c.mode, 'page');
  assert.equal(heard[0].type, 'mode');
  assert.equal(heard[0].mode, 'page');
  assert.match(heard[0].reason, /origin 'null'/);
  // Here (node) the engine's module is not built, so the page engine cannot start either: a fatal error says so.
  assert.equal(heard.at(-1).type, 'error');
  assert.equal(heard.at(-1).fatal, true);
  c.terminate();
});

test('dutyFor: training workers together use at most cores − ½ once they would crowd the page', () => {
  assert.equal(dutyFor(1, 2), 1, 'one worker on two cores trains flat out');
  assert.equal(dutyFor(2, 2), 0.75);
  assert.equal(dutyFor(4, 2), 0.375);
  assert.equal(dutyFor(4, 8), 1);
  assert.equal(dutyFor(1000, 2), 0.05, 'never starved');
  for (const [w, c] of [[0, 2], [3, 0], [NaN, 2]]) assert.equal(dutyFor(w, c), 1);
  for (let cores = 1; cores <= 16; cores += 1) {
    for (let workers = 1; workers <= 40; workers += 1) {
      const d = dutyFor(workers, cores);
      assert.ok(d > 0 && d <= 1);
      if (d > 0.05) assert.ok(workers * d <= Math.max(cores - 0.5, workers * 0.05) + 1e-12, `${workers} on ${cores}`);
    }
  }
});

test('the workers that train share the cores: each is told its duty when the count changes, and only then', () => {
  Object.defineProperty(globalThis, 'navigator', { value: { hardwareConcurrency: 2 }, configurable: true });
  const lanes = [client(), client(), client(), client()];
  const duties = (w) => w.sent.filter((m) => m.type === 'duty').map((m) => m.fraction);
  for (const { worker } of lanes) worker.say({ type: 'ready', protocol: PROTOCOL });
  lanes[0].worker.say({ type: 'progress', rows: [], running: true });
  assert.deepEqual(duties(lanes[0].worker), [], 'one of two cores: no change from 1');
  lanes[1].worker.say({ type: 'progress', rows: [], running: true });
  lanes[1].worker.say({ type: 'progress', rows: [], running: true }); // no change: no message
  assert.deepEqual(duties(lanes[0].worker), [0.75]);
  assert.deepEqual(duties(lanes[1].worker), [0.75]);
  lanes[2].worker.say({ type: 'progress', rows: [], running: true });
  lanes[3].worker.say({ type: 'progress', rows: [], running: true });
  assert.deepEqual(duties(lanes[0].worker), [0.75, 0.5, 0.375]);
  assert.deepEqual(duties(lanes[3].worker), [0.375]);
  lanes[3].worker.say({ type: 'progress', rows: [], running: false }); // paused or finished
  lanes[2].c.terminate(); // gone
  lanes[1].worker.say({ type: 'configured', rows: [] }); // rebuilt, paused
  assert.deepEqual(duties(lanes[0].worker), [0.75, 0.5, 0.375, 0.5, 0.75, 1]);
  assert.deepEqual(duties(lanes[3].worker), [0.375], 'a paused worker is told when it trains again');
  lanes[3].worker.say({ type: 'progress', rows: [], running: true });
  assert.deepEqual(duties(lanes[3].worker), [0.375, 0.75]);
  for (const { c } of lanes) c.terminate();
});
