// Rate limits for drawing and announcing, and the page's one drawing loop.
//
// Every figure on the page draws through one animation-frame scheduler (`frameTask`): a draw
// request joins a queue (once: asking again before it ran changes nothing), and each frame runs
// queued draws, oldest first, until FRAME_BUDGET_MS of the frame are used; the rest wait for the
// next frame, ahead of anything asked for later. So however many figures, lanes and messages
// there are, a frame holds at most one draw of each view plus one that overruns, and a view that
// is asked to draw ten times while it waits draws once, with what is newest when it runs: frames
// are skipped, never queued. A frame whose drawing took more than twice the budget is followed by
// a rest as long (at most 100 ms) before the next drawing frame.

/** Milliseconds of an animation frame that queued drawing may use; the rest is the browser's. */
export const FRAME_BUDGET_MS = 8;
/** The longest rest after a frame that ran over (see runFrame). */
const MAX_REST_MS = 100;

const queue = new Map(); // key → callback waiting for a frame, in the order the keys were asked for
let frameAsked = false;
let restUntil = -Infinity; // after a frame that ran over, drawing rests until then
let restTimer = null;
const stats = { frames: 0, runs: 0, deferred: 0, longestMs: 0, restedMs: 0 };
let waiting = 0; // throttled calls asked for and not yet made (see throttle)

/** Clock and frame source; tests replace them (`setFrameSource`). */
let clock = () => performance.now();
let nextFrame = (fn) => requestAnimationFrame(fn);
let later = (fn, ms) => setTimeout(fn, ms);

function askFrame() {
  if (frameAsked || queue.size === 0 || restTimer !== null) return;
  const rest = restUntil - clock();
  if (rest > 0) {
    restTimer = later(() => {
      restTimer = null;
      askFrame();
    }, rest);
    return;
  }
  frameAsked = true;
  nextFrame(runFrame);
}

function runFrame() {
  frameAsked = false;
  stats.frames++;
  const start = clock();
  // Only what was queued before this frame began runs in it: a draw that asks for another gets
  // the next frame.
  const due = [...queue.keys()];
  let ran = 0;
  for (const key of due) {
    if (ran > 0 && clock() - start >= FRAME_BUDGET_MS) break;
    const fn = queue.get(key);
    if (!fn) continue; // cancelled
    queue.delete(key);
    ran++;
    const t0 = clock();
    try {
      fn();
    } catch (error) {
      // One view's failure must not stop the others' drawing: report it and go on.
      if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
      else setTimeout(() => { throw error; });
    }
    stats.longestMs = Math.max(stats.longestMs, clock() - t0);
  }
  stats.runs += ran;
  stats.deferred += due.length - ran;
  // A frame whose drawing ran well over the budget (slow draws, or a busy processor that took
  // the thread away mid-draw) is followed by as long a rest, so that a slow machine draws less
  // often instead of falling behind: the next frame goes to the browser's own work and input.
  const used = clock() - start;
  if (used > 2 * FRAME_BUDGET_MS) {
    const rest = Math.min(MAX_REST_MS, used);
    restUntil = clock() + rest;
    stats.restedMs += rest;
  }
  askFrame();
}

/**
 * Runs `fn` in an animation frame, within the page's drawing budget (see above). Asking again
 * with the same `key` (by default `fn` itself) before it ran keeps its place in the queue and
 * runs only the newest `fn` given: one view, one draw, with what is newest.
 */
export function frameTask(fn, key = fn) {
  queue.set(key, fn);
  askFrame();
}

/** Drops the queued task of `key` (a view that was removed). */
export function cancelFrameTask(key) {
  queue.delete(key);
}

/**
 * What the scheduler has done: {frames, runs, deferred (draws moved to a later frame for the
 * budget), longestMs (the longest single draw), restedMs (rests after frames that ran over),
 * queued (draws waiting for a frame), waiting (throttled calls not yet made)}. For benchmarks,
 * and for tests: with queued and waiting both 0, everything asked for has been drawn.
 */
export function frameStats() {
  return { ...stats, queued: queue.size, waiting };
}

/** Replaces the clock, the frame source and the timer (node tests, which have no animation frames). */
export function setFrameSource({ now, frame, timer }) {
  if (now) clock = now;
  if (frame) nextFrame = frame;
  if (timer) later = timer;
}

/**
 * Returns `request()`: calls `fn` at most once per `interval()` ms, always eventually after the
 * last request (trailing edge). With `frame: true` the call happens in an animation frame,
 * through the page's budgeted drawing loop (`frameTask`).
 */
export function throttle(fn, interval, { frame = false } = {}) {
  let last = -Infinity;
  let pending = false;
  const run = () => {
    pending = false;
    waiting--;
    last = clock();
    fn();
  };
  return function request() {
    if (pending) return;
    pending = true;
    waiting++;
    const wait = Math.max(0, last + interval() - clock());
    const go = frame ? () => frameTask(run) : run;
    if (wait > 0) setTimeout(go, wait);
    else if (frame) go();
    else setTimeout(go, 0);
  };
}

/** A live view of `prefers-reduced-motion: reduce`. */
export function reducedMotion() {
  const query = globalThis.matchMedia ? globalThis.matchMedia('(prefers-reduced-motion: reduce)') : null;
  return { get reduce() { return Boolean(query && query.matches); } };
}

// Benchmarks read the scheduler's figures from the page.
if (typeof window !== 'undefined') window.brainpropFrameStats = frameStats;
