// The network diagram: layers as columns of units, links coloured by the sign of their weight
// (blue positive, orange negative) and as thick as its size relative to the largest weight shown
// in the same layer (input weights of an MNIST net are far smaller than output weights). Wide layers show up to 12 evenly
// spaced units (the engine picks them: `diagram.units{l}`) and say how many there are.
import { fit, maxAbs } from './canvas.js';
import { BLUE, ORANGE, INK, css } from './colors.js';

const MAX_LINK_WIDTH = 6;
/** Link sizes are drawn in this many steps (of 1/24 of the largest weight: too fine to see). */
const LINK_LEVELS = 25;

function layerName(l, last, short) {
  if (l === 0) return short ? 'in' : 'input';
  if (l === last) return short ? 'out' : 'output';
  if (short) return `h${l}`;
  return last > 2 ? `hidden ${l}` : 'hidden';
}

/** Draws the diagram from a snapshot's frames (a Map by name). Returns its text alternative. */
export function drawNetwork(canvas, frames) {
  const sizesFrame = frames.get('sizes');
  if (!sizesFrame) return null;
  const sizes = Array.from(sizesFrame.data, Math.round);
  const last = sizes.length - 1;
  const shown = sizes.map((n, l) => {
    const f = frames.get(`diagram.units${l}`);
    return f ? Array.from(f.data, Math.round) : Array.from({ length: Math.min(n, 12) }, (_, i) => i);
  });
  const weights = [];
  const biggest = [];
  for (let l = 0; l < last; l++) {
    const f = frames.get(`diagram.w${l}`);
    weights.push(f || null);
    biggest.push(f ? maxAbs(f.data) : 0);
  }

  const box = fit(canvas);
  if (box) {
    const { ctx, width, height } = box;
    ctx.clearRect(0, 0, width, height);
    const top = 34;
    const bottom = height - 26;
    const left = 34;
    const right = width - 34;
    const xs = sizes.map((_, l) => (last === 0 ? width / 2 : left + ((right - left) * l) / last));
    const ys = shown.map((units) => {
      const k = units.length;
      const step = Math.min(30, (bottom - top) / Math.max(1, k));
      const start = (top + bottom) / 2 - (step * (k - 1)) / 2;
      return units.map((_, i) => start + step * i);
    });
    const columnGap = last > 0 ? (right - left) / last : Infinity;
    const radius = Math.max(3, Math.min(9, columnGap / 3, ...ys.map((y) => (y.length > 1 ? (y[1] - y[0]) / 2.6 : 9))));

    // Links, thin and faint for small weights. They are stroked in LINK_LEVELS sizes per sign,
    // one path each, smallest first (a stroke per link cost a frame's worth of time).
    const paths = Array.from({ length: 2 * LINK_LEVELS }, () => []);
    for (let l = 0; l < last; l++) {
      const f = weights[l];
      if (!f) continue;
      const [kin, kout] = f.shape;
      for (let i = 0; i < kin; i++) {
        for (let j = 0; j < kout; j++) {
          const w = f.data[i * kout + j];
          const size = biggest[l] > 0 && Number.isFinite(w) ? Math.abs(w) / biggest[l] : 0;
          const level = Math.min(LINK_LEVELS - 1, Math.round(size * (LINK_LEVELS - 1)));
          paths[2 * level + (w >= 0 ? 0 : 1)].push(xs[l], ys[l][i], xs[l + 1], ys[l + 1][j]);
        }
      }
    }
    paths.forEach((path, k) => {
      if (!path.length) return;
      const size = Math.floor(k / 2) / (LINK_LEVELS - 1);
      ctx.strokeStyle = css(k % 2 === 0 ? BLUE : ORANGE, 0.2 + 0.8 * size);
      ctx.lineWidth = 0.4 + (MAX_LINK_WIDTH - 0.4) * size;
      ctx.beginPath();
      for (let p = 0; p < path.length; p += 4) {
        ctx.moveTo(path[p], path[p + 1]);
        ctx.lineTo(path[p + 2], path[p + 3]);
      }
      ctx.stroke();
    });

    // Units and labels (shortened when many layers crowd the canvas).
    const short = last > 0 && (right - left) / last < 64;
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    for (let l = 0; l <= last; l++) {
      ctx.fillStyle = css(INK);
      ctx.textBaseline = 'bottom';
      ctx.fillText(layerName(l, last, short), xs[l], top - 12);
      ctx.textBaseline = 'top';
      const more = sizes[l] > shown[l].length;
      const count = short ? `${more ? '…' : ''}${sizes[l]}` : more ? `… ${sizes[l]} units` : `${sizes[l]} unit${sizes[l] === 1 ? '' : 's'}`;
      ctx.fillText(count, xs[l], bottom + 8);
      for (const y of ys[l]) {
        ctx.beginPath();
        ctx.arc(xs[l], y, radius, 0, 2 * Math.PI);
        ctx.fillStyle = '#fff';
        ctx.fill();
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = css(INK);
        ctx.stroke();
      }
    }
  }

  const hidden = sizes.slice(1, -1);
  const hiddenText = hidden.length === 0 ? 'no hidden layer' : `hidden layer${hidden.length > 1 ? 's' : ''} of ${hidden.join(', ')} units`;
  const largest = biggest.map((b) => b.toPrecision(2)).join(', ');
  return `Network diagram: ${sizes[0]} inputs, ${hiddenText}, ${sizes[last]} outputs. Links are coloured by the sign of the weight and sized by its magnitude within each layer; the largest shown weight per layer is ${largest}.`;
}
