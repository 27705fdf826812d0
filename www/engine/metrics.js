// The metric table a run reports (`configured` gives the columns and first rows, every `progress`
// appends rows), and how its columns become charts. Pure: no DOM, covered by node --test.
//
// Columns are grouped by name so that rules which add columns later get charts without code
// here: `*_loss` → the loss chart, `*_acc` → the accuracy chart (0–1), anything else → one chart
// per name prefix (`angle_w1` and `angle_w2` share "angle").

const X_COLUMN = 'epoch';
const SKIPPED = new Set([X_COLUMN, 'samples']);
/** Curves are thinned to at most this many points before drawing. */
export const MAX_POINTS = 600;

export class MetricTable {
  constructor(columns = [], rows = []) {
    this.columns = columns.slice();
    this.rows = rows.map((r) => r.slice());
  }

  append(rows) {
    for (const r of rows || []) this.rows.push(r.slice());
  }

  /** Drops all but the last `n` rows (a simulation's table would otherwise grow for ever). */
  keepLast(n) {
    if (this.rows.length > n) this.rows.splice(0, this.rows.length - n);
  }

  index(name) {
    return this.columns.indexOf(name);
  }

  /** The last value of a column (undefined if absent or empty). */
  last(name) {
    const i = this.index(name);
    return i < 0 || this.rows.length === 0 ? undefined : this.rows[this.rows.length - 1][i];
  }

  /** [[x, y], …] of a column against epochs, thinned to at most `max` points (the last kept). */
  points(name, max = MAX_POINTS) {
    const xi = this.index(X_COLUMN);
    const yi = this.index(name);
    if (yi < 0) return [];
    const n = this.rows.length;
    const stride = Math.max(1, Math.ceil(n / max));
    const out = [];
    for (let r = 0; r < n; r += stride) out.push(this.#point(r, xi, yi));
    if (n > 0 && (n - 1) % stride !== 0) out.push(this.#point(n - 1, xi, yi));
    return out;
  }

  #point(r, xi, yi) {
    const row = this.rows[r];
    return [xi < 0 ? r : row[xi], row[yi]];
  }

  /** The charts to draw: [{id, title, yLabel, yRange, format, series: [{column, name, color}]}]. */
  groups() {
    const groups = new Map();
    for (const column of this.columns) {
      if (SKIPPED.has(column)) continue;
      const g = groupOf(column);
      if (!groups.has(g.id)) groups.set(g.id, { ...g, series: [] });
      const group = groups.get(g.id);
      group.series.push({ column, name: seriesName(column, g.id), color: colorOf(column, group.series.length) });
    }
    return [...groups.values()];
  }
}

function groupOf(column) {
  if (column.endsWith('_loss')) return { id: 'loss', title: 'Loss', yLabel: 'loss per example', yRange: null, percent: false };
  if (column.endsWith('_acc')) return { id: 'acc', title: 'Accuracy', yLabel: 'fraction correct', yRange: [0, 1], percent: true };
  const prefix = column.split('_')[0];
  return { id: prefix, title: words(prefix), yLabel: words(prefix), yRange: null, percent: false };
}

function seriesName(column, groupId) {
  if (groupId === 'loss' || groupId === 'acc') return words(column.replace(/_(loss|acc)$/, ''));
  return words(column);
}

/** Train is blue and test vermillion in every chart; other curves take the next colours. */
function colorOf(column, position) {
  if (column.startsWith('train')) return 0;
  if (column.startsWith('test')) return 1;
  return 2 + position;
}

function words(name) {
  return name.replace(/_/g, ' ');
}

/**
 * The Pearson correlation of two equally long series (as the engine's `pearson` in
 * src/bursts/multiplexing.rs); NaN if either is constant, they differ in length or are
 * shorter than 2.
 */
export function pearson(a, b) {
  const n = a.length;
  if (n !== b.length || n < 2) return NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const dx = a[i] - ma;
    const dy = b[i] - mb;
    ab += dx * dy;
    aa += dx * dx;
    bb += dy * dy;
  }
  const r = ab / Math.sqrt(aa * bb);
  return Number.isFinite(r) ? r : NaN;
}
