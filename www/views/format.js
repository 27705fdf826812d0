// How numbers read on the page: in readouts, direct labels and text alternatives.

export function percent(value) {
  return Number.isFinite(value) ? `${(100 * value).toFixed(1)} %` : '–';
}

export function degrees(value) {
  return Number.isFinite(value) ? `${Math.round(value)}°` : '–';
}

const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';
export function sub(n) {
  return String(n).replace(/\d/g, (d) => SUBSCRIPTS[d]);
}
