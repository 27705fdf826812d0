// Receptive fields of an MNIST network: the weights from the 784 pixels into each of up to 36
// first-layer hidden units, drawn as 28×28 images. Each field has its own symmetric scale
// (±its largest weight): blue positive, orange negative, near-white zero.
import { fit, imageCanvas, maxAbs } from './canvas.js';
import { setDiverging } from './colors.js';

const SIDE = 28;
const GAP = 2;

/** Draws the fields from a snapshot's frames. Returns its text alternative, or null. */
export function drawFields(canvas, frames, hiddenUnits) {
  const fields = frames.get('receptive_fields');
  if (!fields) return null;
  const [k, pixels] = fields.shape;
  if (pixels !== SIDE * SIDE || k === 0) return null;
  const columns = Math.ceil(Math.sqrt(k));
  const rows = Math.ceil(k / columns);
  const w = columns * SIDE + (columns + 1) * GAP;
  const h = rows * SIDE + (rows + 1) * GAP;

  const box = fit(canvas);
  if (box) {
    const image = imageCanvas(w, h, (bytes) => {
      bytes.fill(255);
      for (let f = 0; f < k; f++) {
        const field = fields.data.subarray(f * pixels, (f + 1) * pixels);
        const scale = maxAbs(field) || 1;
        const x0 = GAP + (f % columns) * (SIDE + GAP);
        const y0 = GAP + Math.floor(f / columns) * (SIDE + GAP);
        for (let r = 0, i = 0; r < SIDE; r++) {
          const row = (y0 + r) * w + x0;
          for (let c = 0; c < SIDE; c++, i++) setDiverging(bytes, row + c, field[i] / scale);
        }
      }
    }, canvas);
    const { ctx, width, height } = box;
    ctx.clearRect(0, 0, width, height);
    const s = Math.min(width / w, height / h);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(image, (width - w * s) / 2, (height - h * s) / 2, w * s, h * s);
  }
  const of = hiddenUnits && hiddenUnits > k ? ` of the ${hiddenUnits}` : '';
  return `Receptive fields of ${k}${of} first-layer hidden units: each 28 by 28 image shows the weights from the pixels into one unit, blue positive and orange negative.`;
}
