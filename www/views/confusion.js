// The confusion matrix on the test set: row = true class, column = predicted class, shaded by
// the share of the row, with the counts written in.
import { fit } from './canvas.js';
import { sequential, INK, css } from './colors.js';

const drawn = new WeakMap(); // canvas → what it shows (size and counts)

/** Draws the matrix from a snapshot's frames. Returns its text alternative, or null. */
export function drawConfusion(canvas, frames) {
  const frame = frames.get('confusion');
  if (!frame) return null;
  const [c] = frame.shape;
  const m = frame.data;
  const rowSums = Array.from({ length: c }, (_, i) => m.subarray(i * c, (i + 1) * c).reduce((a, b) => a + b, 0));
  const total = rowSums.reduce((a, b) => a + b, 0);
  let correct = 0;
  let worst = { count: 0, truth: 0, predicted: 0 };
  for (let i = 0; i < c; i++) {
    correct += m[i * c + i];
    for (let j = 0; j < c; j++) {
      if (i !== j && m[i * c + j] > worst.count) worst = { count: m[i * c + j], truth: i, predicted: j };
    }
  }

  const box = fit(canvas);
  // The matrix changes once an epoch, snapshots come 30 times a second: draw only what changed.
  const key = box ? `${canvas.width}x${canvas.height}:${m.join(',')}` : '';
  if (box && drawn.get(canvas) !== key) {
    drawn.set(canvas, key);
    const { ctx, width, height } = box;
    ctx.clearRect(0, 0, width, height);
    const margin = 38;
    const size = Math.min(width, height) - margin - 8;
    const cell = size / c;
    const x0 = margin + (width - margin - 8 - size) / 2;
    const y0 = margin;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.font = `${Math.max(9, Math.min(13, cell * 0.38))}px system-ui, sans-serif`;
    for (let i = 0; i < c; i++) {
      for (let j = 0; j < c; j++) {
        const v = m[i * c + j];
        const share = rowSums[i] > 0 ? v / rowSums[i] : 0;
        ctx.fillStyle = css(sequential(share));
        ctx.fillRect(x0 + j * cell, y0 + i * cell, cell - 1, cell - 1);
        if (cell >= 18 && v > 0) {
          ctx.fillStyle = share > 0.5 ? '#fff' : css(INK);
          ctx.fillText(String(Math.round(v)), x0 + (j + 0.5) * cell, y0 + (i + 0.5) * cell);
        }
      }
    }
    ctx.fillStyle = css(INK);
    ctx.font = '12px system-ui, sans-serif';
    for (let k = 0; k < c; k++) {
      ctx.fillText(String(k), x0 + (k + 0.5) * cell, y0 - 9);
      ctx.fillText(String(k), x0 - 10, y0 + (k + 0.5) * cell);
    }
    ctx.fillText('predicted', x0 + size / 2, 10);
    ctx.save();
    ctx.translate(10, y0 + size / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText('true', 0, 0);
    ctx.restore();
  }
  if (total === 0) return 'Confusion matrix: no test predictions yet.';
  const accuracy = ((100 * correct) / total).toFixed(1);
  const mistake = worst.count > 0 ? ` The most common mistake: ${worst.truth} read as ${worst.predicted} (${worst.count} times).` : '';
  return `Confusion matrix on ${total} test examples: ${accuracy}% correct.${mistake}`;
}
