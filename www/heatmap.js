// The decision boundary of a 2-D toy problem: the network's probability of class 1 over the
// square [-1.25, 1.25]² (row 0 = top), orange for class 0 and blue for class 1, with the
// training points on top.
import { fit, imageCanvas } from './canvas.js';
import { diverging, setPixel, BLUE_DARK, ORANGE_DARK, css } from './colors.js';

const EXTENT = 1.25;

/** Draws the map from a snapshot's frames. Returns its text alternative, or null. */
export function drawBoundary(canvas, frames) {
  const boundary = frames.get('boundary');
  if (!boundary) return null;
  const [rows, cols] = boundary.shape;
  const p = boundary.data;
  let blue = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0.5) blue++;

  const box = fit(canvas);
  const points = frames.get('points');
  if (box) {
    const { ctx, width, height } = box;
    const image = imageCanvas(cols, rows, (bytes) => {
      for (let i = 0; i < rows * cols; i++) setPixel(bytes, i, diverging(2 * p[i] - 1));
    });
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(image, 0, 0, width, height);
    if (points) {
      const [n] = points.shape;
      const d = points.data;
      const r = Math.max(2, Math.min(3.5, width / 110));
      ctx.lineWidth = 1;
      ctx.strokeStyle = '#fff';
      for (let i = 0; i < n; i++) {
        const x = ((d[3 * i] + EXTENT) / (2 * EXTENT)) * width;
        const y = ((EXTENT - d[3 * i + 1]) / (2 * EXTENT)) * height;
        ctx.fillStyle = css(d[3 * i + 2] > 0.5 ? BLUE_DARK : ORANGE_DARK);
        ctx.beginPath();
        ctx.arc(x, y, r, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      }
    }
  }
  const share = Math.round((100 * blue) / p.length);
  const n = points ? points.shape[0] : 0;
  return `Decision boundary: the network assigns ${share}% of the plane to class 1 (blue) and ${100 - share}% to class 0 (orange); ${n} training points are drawn on top in their class colours.`;
}
