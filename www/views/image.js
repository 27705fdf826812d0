// A grey-scale image (an MNIST digit) from a snapshot frame of shape [rows, columns]: ink dark on
// white, scaled to fit the canvas with sharp pixels.
import { fit, imageCanvas } from './canvas.js';

/** Grey level (0–255) of a pixel value in [lo, hi]: lo white, hi near-black. */
export function grey(value, lo, hi) {
  if (!Number.isFinite(value)) return 200;
  const t = hi > lo ? Math.max(0, Math.min(1, (value - lo) / (hi - lo))) : 0;
  return Math.round(255 - 235 * t);
}

/** Draws `frame` ({shape: [h, w], data}) onto `canvas`. Returns false if there is nothing to draw. */
export function drawGrey(canvas, frame) {
  if (!frame || frame.shape.length !== 2) return false;
  const [h, w] = frame.shape;
  const box = fit(canvas);
  if (!box || h * w === 0) return false;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of frame.data) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const image = imageCanvas(w, h, (bytes) => {
    for (let i = 0; i < h * w; i++) {
      const g = grey(frame.data[i], lo, hi);
      bytes[4 * i] = g;
      bytes[4 * i + 1] = g;
      bytes[4 * i + 2] = g;
      bytes[4 * i + 3] = 255;
    }
  }, canvas);
  const { ctx, width, height } = box;
  ctx.clearRect(0, 0, width, height);
  const s = Math.min(width / w, height / h);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(image, (width - w * s) / 2, (height - h * s) / 2, w * s, h * s);
  return true;
}
