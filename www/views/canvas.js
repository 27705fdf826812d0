// Canvas helpers shared by the views.

/**
 * Sizes a canvas's backing store to its CSS box times the device pixel ratio and returns the
 * 2-D context with its transform set so that drawing happens in CSS pixels.
 * Returns null while the canvas is not laid out (hidden).
 */
export function fit(canvas) {
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (width === 0 || height === 0) return null;
  const dpr = globalThis.devicePixelRatio || 1;
  const w = Math.round(width * dpr);
  const h = Math.round(height * dpr);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, width, height, dpr };
}

/** `fit`, then paints the whole canvas white: a clean page to draw on (null while not laid out). */
export function blank(canvas) {
  const box = fit(canvas);
  if (!box) return null;
  const { ctx, width, height } = box;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  return box;
}

// The image layers of `imageCanvas` calls with an owner, reused from one draw to the next.
const layers = new WeakMap(); // owner → {canvas, ctx, image}

/**
 * A small canvas holding an RGBA image, to be scaled onto a visible canvas with drawImage.
 * `fill(bytes)` writes the pixels. With an `owner` (the visible canvas it is drawn onto), the
 * small canvas and its pixel buffer are kept and reused while the size stays, so a view redrawn
 * many times a second allocates nothing (fill must then write every pixel).
 */
export function imageCanvas(width, height, fill, owner = null) {
  let layer = owner ? layers.get(owner) : null;
  if (!layer || layer.canvas.width !== width || layer.canvas.height !== height) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    layer = { canvas, ctx, image: ctx.createImageData(width, height) };
    if (owner) layers.set(owner, layer);
  }
  fill(layer.image.data);
  layer.ctx.putImageData(layer.image, 0, 0);
  return layer.canvas;
}

/** Frames of a snapshot by name. */
export function framesByName(snapshot) {
  const map = new Map();
  for (const frame of (snapshot && snapshot.frames) || []) map.set(frame.name, frame);
  return map;
}

/** Largest absolute finite value of an array (0 if none). */
export function maxAbs(data) {
  let m = 0;
  for (let i = 0; i < data.length; i++) {
    const a = Math.abs(data[i]);
    if (a > m && Number.isFinite(a)) m = a;
  }
  return m;
}
