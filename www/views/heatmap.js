// The decision boundary of a 2-D toy problem: the network's probability of class 1 over the
// square [-1.25, 1.25]² (row 0 = top), orange for class 0 and blue for class 1, with the
// training points on top.
import { fit, imageCanvas } from './canvas.js';
import { setDiverging, BLUE_DARK, ORANGE_DARK, css } from './colors.js';

const EXTENT = 1.25;
/** The map stays light enough for the points to show on it. */
const MAP_STRENGTH = 0.62;

// The training points do not change during a run, so their layer is drawn once per data set and
// canvas size, and reused for every frame.
const pointLayers = new WeakMap(); // visible canvas → {key, layer}

function pointsKey(points, w, h) {
  const d = points.data;
  let hash = 0;
  for (let i = 0; i < d.length; i++) hash = (Math.imul(hash, 31) + Math.round(d[i] * 1e4)) | 0;
  return `${d.length}:${w}x${h}:${hash}`;
}

function drawPoints(canvas, points, box) {
  const { width, height, dpr } = box;
  const key = pointsKey(points, canvas.width, canvas.height);
  const cached = pointLayers.get(canvas);
  if (cached && cached.key === key) return cached.layer;
  const layer = document.createElement('canvas');
  layer.width = canvas.width;
  layer.height = canvas.height;
  const ctx = layer.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const [n] = points.shape;
  const d = points.data;
  const r = Math.max(2.5, Math.min(4, width / 90));
  ctx.lineWidth = 0.8;
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
  pointLayers.set(canvas, { key, layer });
  return layer;
}

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
      for (let i = 0; i < rows * cols; i++) setDiverging(bytes, i, MAP_STRENGTH * (2 * p[i] - 1));
    }, canvas);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(image, 0, 0, width, height);
    if (points) ctx.drawImage(drawPoints(canvas, points, box), 0, 0, width, height);
  }
  const share = Math.round((100 * blue) / p.length);
  const n = points ? points.shape[0] : 0;
  return `Decision boundary: the network assigns ${share}% of the plane to class 1 (blue) and ${100 - share}% to class 0 (orange); ${n} training points are drawn on top in their class colours.`;
}
