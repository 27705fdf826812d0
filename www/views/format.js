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

/** A signed number with a true minus sign: `+0.42`, `−0.031` (`digits` decimals from 0.1 up, else significant digits). */
export function signed(value, digits = 2) {
  if (!Number.isFinite(value)) return '–';
  const text = Math.abs(value) >= 0.1 ? value.toFixed(digits) : value.toPrecision(digits);
  return value > 0 ? `+${text}` : text.replace('-', '−');
}
