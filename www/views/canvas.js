// Canvas helpers shared by the views.

/**
 * Sizes a canvas's backing store to its CSS box times the device pixel ratio and returns the
 * 2-D context with its transform set so that drawing happens in CSS pixels.
 * Returns null while the canvas is not laid out (hidden).
 */
export function fit(canvas) {
  const size = wantedSize(canvas);
  if (!size) return null;
  const { width, height, dpr, w, h } = size;
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  painted.add(canvas);
  return { ctx, width, height, dpr };
}

/**
 * The backing store a canvas should have: its CSS box (`width` × `height`, CSS pixels) times the
 * device pixel ratio `dpr`, rounded (`w` × `h`, device pixels). Null while it is not laid out.
 */
function wantedSize(canvas) {
  const { width, height } = cssSize(canvas);
  if (width === 0 || height === 0) return null;
  const dpr = globalThis.devicePixelRatio || 1;
  return { width, height, dpr, w: Math.round(width * dpr), h: Math.round(height * dpr) };
}

/**
 * A canvas's content box in CSS pixels, {width, height}: as the page's ResizeObserver last
 * reported it for a canvas `keepSharp` watches, else read from the layout (`clientWidth`). Drawing
 * reads sizes here, so that a frame whose figures have just written text does not force the
 * browser to lay the page out again in the middle of drawing (a forced layout of the whole page
 * took 10–20 ms of a frame); a size that changes is reported after the next layout, and the
 * figure redraws then.
 */
export function cssSize(canvas) {
  return observedSizes.get(canvas) ?? { width: canvas.clientWidth, height: canvas.clientHeight };
}

const observedSizes = new WeakMap(); // watched canvas → its content box as last observed

// ---- keeping canvases sharp -----------------------------------------------------------------
//
// A view sizes its canvas when it draws (`fit`), but a canvas waits for its first picture (a
// digit before any training, a figure scrolled to later) and a paused figure draws nothing new.
// `keepSharp` closes both gaps for every canvas of a figure, present or added later: as soon as a
// canvas is laid out, and whenever its CSS size or the device pixel ratio changes (a window moved
// to another screen, a browser zoom), its backing store is resized to match at once, its old
// picture scaled into it so nothing flashes blank, and the figure is asked to draw again.

const painted = new WeakSet(); // canvases a view has drawn on (their picture is worth keeping)
const owners = new Map(); // watched canvas → the redraw of the figure it belongs to
let sizeObserver = null;
let ratioQuery = null;

/** Resizes `canvas`'s backing store to `w` × `h` device pixels, keeping its picture (scaled). */
function resizeKeeping(canvas, w, h) {
  let copy = null;
  if (painted.has(canvas) && canvas.width > 0 && canvas.height > 0) {
    copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    copy.getContext('2d').drawImage(canvas, 0, 0);
  }
  canvas.width = w;
  canvas.height = h;
  const ctx = copy && canvas.getContext('2d');
  if (ctx) ctx.drawImage(copy, 0, 0, w, h);
}

/** Sizes each of `canvases` for the current pixel ratio; each figure whose canvas changed redraws once. */
function resizeAll(canvases) {
  const redraws = new Set();
  for (const canvas of canvases) {
    const size = owners.has(canvas) && wantedSize(canvas);
    if (!size || (canvas.width === size.w && canvas.height === size.h)) continue;
    resizeKeeping(canvas, size.w, size.h);
    redraws.add(owners.get(canvas));
  }
  for (const redraw of redraws) redraw();
}

/** Listens for the next change of the device pixel ratio (a media query on the current one). */
function watchRatio() {
  if (!globalThis.matchMedia) return;
  ratioQuery?.removeEventListener('change', onRatio);
  ratioQuery = globalThis.matchMedia(`(resolution: ${globalThis.devicePixelRatio || 1}dppx)`);
  ratioQuery.addEventListener('change', onRatio);
}

function onRatio() {
  watchRatio();
  resizeAll([...owners.keys()]);
}

function observe(canvas, redraw) {
  if (owners.has(canvas)) return;
  owners.set(canvas, redraw);
  if (!sizeObserver) {
    sizeObserver = new ResizeObserver((entries) => {
      for (const entry of entries) {
        const box = entry.contentBoxSize?.[0];
        observedSizes.set(entry.target, box ? { width: box.inlineSize, height: box.blockSize } : { width: entry.contentRect.width, height: entry.contentRect.height });
      }
      resizeAll(entries.map((e) => e.target));
    });
    watchRatio();
  }
  // The device-pixel box also catches a move by a fraction of a pixel that changes the rounding;
  // a change of the pixel ratio itself is heard by the media query (watchRatio), which every
  // browser reports.
  try {
    sizeObserver.observe(canvas, { box: 'device-pixel-content-box' });
  } catch {
    sizeObserver.observe(canvas);
  }
}

function forget(canvas) {
  if (!owners.delete(canvas)) return;
  observedSizes.delete(canvas);
  sizeObserver.unobserve(canvas);
}

/** The canvases in `node` (itself included), for a node added to or removed from the page. */
function canvasesIn(node) {
  if (node.nodeType !== 1) return [];
  return node.localName === 'canvas' ? [node] : [...node.querySelectorAll('canvas')];
}

/**
 * Keeps every <canvas> inside `root` (those there now and those added later) sized for the
 * device pixel ratio: its backing store is its CSS box times `devicePixelRatio`, rounded, from the
 * moment it is laid out, through changes of its size or of the ratio, even while nothing new is
 * drawn (a paused figure). After a resize, the old picture stays, scaled, and `redraw()` (the
 * figure's: it should queue a draw of every view, `fit` then sizes nothing) is called once per
 * batch of resized canvases. A canvas taken out of the page is forgotten.
 * @param {Element} root a figure's element
 * @param {() => void} redraw asks the figure to draw all its views again
 */
export function keepSharp(root, redraw) {
  for (const canvas of canvasesIn(root)) observe(canvas, redraw);
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) for (const canvas of canvasesIn(node)) observe(canvas, redraw);
      for (const node of record.removedNodes) for (const canvas of canvasesIn(node)) if (!canvas.isConnected) forget(canvas);
    }
  }).observe(root, { childList: true, subtree: true });
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
