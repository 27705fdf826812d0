// Colours shared by every view. Blue and orange stay distinguishable with the common colour-vision
// deficiencies (they are from the Okabe–Ito set): blue = positive weight / class 1,
// orange = negative weight / class 0, near-white = zero / undecided.

export const BLUE = [0, 114, 178];
export const ORANGE = [230, 159, 0];
export const NEUTRAL = [246, 246, 242];
/** Darker variants for small marks drawn over the light map (training points). */
export const BLUE_DARK = [0, 84, 140];
export const ORANGE_DARK = [176, 104, 0];
export const INK = [34, 34, 34];

export function css([r, g, b], alpha = 1) {
  return alpha === 1 ? `rgb(${r},${g},${b})` : `rgba(${r},${g},${b},${alpha})`;
}

function mix(a, b, t) {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** t in [-1, 1] → orange … neutral … blue (values outside are clamped, NaN is grey). */
export function diverging(t) {
  if (!Number.isFinite(t)) return [150, 150, 150];
  const c = Math.max(-1, Math.min(1, t));
  return c < 0 ? mix(NEUTRAL, ORANGE, -c) : mix(NEUTRAL, BLUE, c);
}

/** t in [0, 1] → near-white … blue, for counts. */
export function sequential(t) {
  if (!Number.isFinite(t)) return [150, 150, 150];
  return mix([250, 250, 250], [8, 64, 120], Math.max(0, Math.min(1, t)));
}

/** Steps of the diverging scale's lookup table over [-1, 1] (finer than 8-bit colour can show). */
const LUT_STEPS = 1024;
/** `diverging` at LUT_STEPS + 1 points, as RGB bytes: images of many pixels look colours up. */
const DIVERGING_LUT = (() => {
  const lut = new Uint8ClampedArray(3 * (LUT_STEPS + 1));
  for (let k = 0; k <= LUT_STEPS; k++) lut.set(diverging((2 * k) / LUT_STEPS - 1), 3 * k);
  return lut;
})();

/**
 * Writes `diverging(t)` at pixel `i` of an RGBA byte array, from the lookup table: no arrays
 * made per pixel (a receptive-field image has 28,000 of them, many times a second).
 */
export function setDiverging(bytes, i, t) {
  const o = 4 * i;
  bytes[o + 3] = 255;
  if (!Number.isFinite(t)) {
    bytes[o] = 150;
    bytes[o + 1] = 150;
    bytes[o + 2] = 150;
    return;
  }
  const k = 3 * Math.round(((t < -1 ? -1 : t > 1 ? 1 : t) + 1) * (LUT_STEPS / 2));
  bytes[o] = DIVERGING_LUT[k];
  bytes[o + 1] = DIVERGING_LUT[k + 1];
  bytes[o + 2] = DIVERGING_LUT[k + 2];
}

/** Writes colour `rgb` at pixel `i` of an RGBA byte array. */
export function setPixel(bytes, i, rgb) {
  bytes[4 * i] = rgb[0];
  bytes[4 * i + 1] = rgb[1];
  bytes[4 * i + 2] = rgb[2];
  bytes[4 * i + 3] = 255;
}

/**
 * The curve colours of the charts, by index: the Okabe–Ito set in the order of src/charts.rs
 * PALETTE (blue, vermillion, bluish green, reddish purple, orange, sky blue, grey, yellow).
 */
export const PALETTE = [
  [0, 114, 178], [213, 94, 0], [0, 158, 115], [204, 121, 167],
  [230, 159, 0], [86, 180, 233], [120, 120, 120], [240, 228, 66],
];
