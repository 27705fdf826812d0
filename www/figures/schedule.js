// Rate limits for drawing and announcing.

/**
 * Returns `request()`: calls `fn` at most once per `interval()` ms, always eventually after the
 * last request (trailing edge). With `frame: true` the call happens in an animation frame.
 */
export function throttle(fn, interval, { frame = false } = {}) {
  let last = -Infinity;
  let pending = false;
  const run = () => {
    pending = false;
    last = performance.now();
    fn();
  };
  return function request() {
    if (pending) return;
    pending = true;
    const wait = Math.max(0, last + interval() - performance.now());
    const go = frame ? () => requestAnimationFrame(run) : run;
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
