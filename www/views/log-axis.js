// A logarithmic x axis for the line charts (www/views/labelled-chart.js), as a transform of the
// chart's description: every x becomes log₁₀ x, and the axis is named for it. plotters draws the
// ticks of the transformed axis (…, −2, −1, 0); the chart view writes `xDecades` (10⁻², 10⁻¹,
// 10⁰: `decades`) over them.

const SUPERSCRIPTS = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/** 10^k as text: 10⁻³, 10⁰, 10². */
export function powerOfTen(k) {
  return `10${String(k).replace(/[-\d]/g, (c) => SUPERSCRIPTS[c])}`;
}

/** The whole decades k with lo ≤ 10^k ≤ hi (lo, hi > 0): [{k, value, text}]. */
export function decades(lo, hi) {
  const out = [];
  for (let k = Math.ceil(Math.log10(lo) - 1e-9); k <= Math.floor(Math.log10(hi) + 1e-9); k++) out.push({ k, value: 10 ** k, text: powerOfTen(k) });
  return out;
}

/** log₁₀ of a positive finite x; NaN otherwise (a point the chart leaves out). */
export function log10(x) {
  return Number.isFinite(x) && x > 0 ? Math.log10(x) : NaN;
}

/**
 * The chart with its x axis on a log scale: points' x, xMin and xMax become log₁₀ values (points
 * at x ≤ 0 are dropped), and xLabel says so (`β, log scale` with `symbol` β, else `<xLabel>,
 * log scale`). The chart keeps its other fields; `xDecades` lists the 10^k ticks.
 */
export function logAxis(chart, { symbol } = {}) {
  const xMin = log10(chart.xMin);
  const xMax = log10(chart.xMax);
  const series = chart.series.map((s) => ({ ...s, points: s.points.map(([x, y]) => [log10(x), y]).filter(([x]) => Number.isFinite(x)) }));
  const name = symbol ?? chart.xLabel;
  return {
    ...chart, series, xMin, xMax, xLabel: `${name}, log scale`, xLog: true,
    xDecades: Number.isFinite(xMin) && Number.isFinite(xMax) ? decades(chart.xMin, chart.xMax) : [],
  };
}

/**
 * The chart with its y axis on a log scale: points' y, the series' values and yRange become
 * log₁₀ values (points at y ≤ 0 are dropped), yLabel says so, and `yDecades` lists the 10^k
 * ticks the chart view writes over plotters' numbers.
 */
export function logY(chart) {
  const [lo, hi] = chart.yRange;
  const series = chart.series.map((s) => ({
    ...s, value: log10(s.value), points: s.points.map(([x, y]) => [x, log10(y)]).filter(([, y]) => Number.isFinite(y)),
  }));
  return { ...chart, series, yRange: [log10(lo), log10(hi)], yLabel: `${chart.yLabel}, log scale`, yLog: true, yDecades: decades(lo, hi) };
}
