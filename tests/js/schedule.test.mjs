// node --test tests/js/: the page's drawing loop (www/figures/schedule.js), on a fake clock and
// fake animation frames.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameTask, frameStats, setFrameSource, throttle, FRAME_BUDGET_MS } from '../../www/figures/schedule.js';

let now = 0;
const frames = [];
const timers = []; // [due, fn]
setFrameSource({ now: () => now, frame: (fn) => frames.push(fn), timer: (fn, ms) => timers.push([now + ms, fn]) });
/** Moves the fake clock on by `ms`, firing the timers that fall due. */
function advance(ms) {
  now += ms;
  for (const t of timers.splice(0)) {
    if (t[0] <= now) t[1]();
    else timers.push(t);
  }
}
/** Runs the animation frames asked for so far (one browser frame). */
function frame() {
  const due = frames.splice(0);
  for (const fn of due) fn();
  return due.length;
}
/** A draw that takes `ms` of the fake clock and logs its name. */
const work = (log, name, ms) => () => {
  log.push(name);
  now += ms;
};

test('draws run in a frame until the budget is used; the rest wait, in order, for the next', () => {
  const log = [];
  const a = work(log, 'a', 5);
  const b = work(log, 'b', 5);
  const c = work(log, 'c', 5);
  frameTask(a);
  frameTask(b);
  frameTask(c);
  assert.equal(frames.length, 1, 'one animation frame asked for, however many draws');
  frame();
  assert.deepEqual(log, ['a', 'b'], `a and b use ${10} ms > ${FRAME_BUDGET_MS}: c waits`);
  frameTask(a); // asked again after c: runs after it
  frame();
  assert.deepEqual(log, ['a', 'b', 'c', 'a']);
  assert.equal(frame(), 0, 'nothing left, no frame asked for');
});

test('asking for the same draw many times before it runs draws it once', () => {
  const log = [];
  const a = work(log, 'a', 1);
  for (let i = 0; i < 100; i++) frameTask(a);
  frame();
  frame();
  assert.deepEqual(log, ['a']);
});

test('a draw over the budget still runs, alone in its frame, and drawing then rests as long', () => {
  const log = [];
  frameTask(work(log, 'slow', 30));
  frameTask(work(log, 'quick', 1));
  frame();
  assert.deepEqual(log, ['slow']);
  assert.equal(frame(), 0, 'no frame asked for while drawing rests');
  advance(20);
  assert.equal(frame(), 0, 'still resting after 20 of 30 ms');
  advance(10);
  frame();
  assert.deepEqual(log, ['slow', 'quick']);
  assert.ok(frameStats().longestMs >= 30);
  assert.ok(frameStats().restedMs >= 30);
});

test('a draw that asks for another draw gets the next frame', () => {
  const log = [];
  const again = () => {
    log.push('again');
    if (log.length < 3) frameTask(again);
  };
  frameTask(again);
  frame();
  assert.deepEqual(log, ['again']);
  frame();
  frame();
  assert.deepEqual(log, ['again', 'again', 'again']);
});

test('a failing draw is reported and does not stop the others', () => {
  const log = [];
  const errors = [];
  const before = globalThis.reportError;
  globalThis.reportError = (error) => errors.push(error.message);
  try {
    frameTask(() => { throw new Error('boom'); });
    frameTask(work(log, 'after', 1));
    frame();
  } finally {
    globalThis.reportError = before;
  }
  assert.deepEqual(log, ['after']);
  assert.deepEqual(errors, ['boom']);
});

test('throttle with frame: true draws through the budgeted loop, once per interval', async () => {
  let draws = 0;
  const request = throttle(() => { draws++; }, () => 0, { frame: true });
  request();
  request();
  request();
  frame();
  assert.equal(draws, 1);
  request();
  frame();
  assert.equal(draws, 2);
});

test('a keyed task keeps its place and runs only the newest callback given for its key', () => {
  const log = [];
  const view = {};
  frameTask(work(log, 'old', 1), view);
  frameTask(work(log, 'other', 1));
  frameTask(work(log, 'new', 1), view);
  frame();
  assert.deepEqual(log, ['new', 'other']);
});

test('frameStats says when everything asked for has been drawn, through throttles and the draws they queue', async () => {
  const log = [];
  const settled = () => frameStats().queued === 0 && frameStats().waiting === 0;
  // A figure's draw (throttled, on a real timer) queues one task per chart.
  const request = throttle(() => {
    frameTask(work(log, 'chart 1', 1));
    frameTask(work(log, 'chart 2', 1));
  }, () => 20, { frame: true });
  request();
  frame();
  while (frames.length) frame();
  assert.ok(settled(), 'all drawn after the first request');
  request(); // within the interval: a timer, not yet a frame task
  assert.equal(frameStats().queued, 0);
  assert.ok(!settled(), 'a throttled call on its timer is still to draw');
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.ok(!settled(), 'the throttled call is in the queue');
  frame();
  assert.ok(!settled(), 'the charts it asked for are queued');
  while (frames.length) frame();
  assert.ok(settled());
  assert.deepEqual(log, ['chart 1', 'chart 2', 'chart 1', 'chart 2']);
});
