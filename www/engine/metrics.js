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
/**
 * Rows a table holds at most (a tab left training overnight must not grow without bound): past
 * it, the history is decimated (see `append`). Far more than a chart draws (MAX_POINTS).
 */
export const MAX_ROWS = 4096;

/**
 * A run's metric rows, bounded. Up to `maxRows` rows every row is kept. Past that the history is
 * decimated evenly: the table keeps every `stride`-th row appended (stride 2, then 4, 8, …,
 * doubling whenever the table is full again, which halves the rows kept), always the very first
 * row and always the newest one. So a chart still spans the whole run, from the untrained network
 * to the last reading, with its rows spread evenly over it, and `last(column)` is the newest
 * value; the memory is at most `maxRows` + 1 rows however long the run. `count` is the number of
 * rows ever appended (what the engine has sent), which `rows.length` no longer is once the
 * table thins. Thinning costs O(rows) once per doubling: O(1) per row appended on average.
 */
export class MetricTable {
  #index = []; // for each kept row, its position among all rows appended

  constructor(columns = [], rows = [], { maxRows = MAX_ROWS } = {}) {
    this.columns = columns.slice();
    this.rows = [];
    this.maxRows = Math.max(4, Math.floor(maxRows));
    this.count = 0; // rows appended since the table was made
    this.stride = 1; // the kept rows (first and newest aside) are those appended at multiples of it
    this.append(rows);
  }

  append(rows) {
    for (const r of rows || []) this.#push(r.slice());
  }

  #push(row) {
    const n = this.rows.length;
    // The newest row is kept even off the stride, but only while it is the newest.
    if (n > 1 && this.#index[n - 1] % this.stride !== 0) {
      this.rows.pop();
      this.#index.pop();
    }
    this.rows.push(row);
    this.#index.push(this.count++);
    if (this.rows.length > this.maxRows) this.#thin();
  }

  /** Doubles the stride: keeps the rows on it, the first and the newest. */
  #thin() {
    this.stride *= 2;
    const last = this.rows.length - 1;
    let k = 0;
    for (let j = 0; j <= last; j++) {
      if (j === 0 || j === last || this.#index[j] % this.stride === 0) {
        this.rows[k] = this.rows[j];
        this.#index[k] = this.#index[j];
        k++;
      }
    }
    this.rows.length = k;
    this.#index.length = k;
  }

  /** Drops all but the last `n` rows (a simulation's table would otherwise grow for ever). */
  keepLast(n) {
    if (this.rows.length > n) {
      this.rows.splice(0, this.rows.length - n);
      this.#index.splice(0, this.#index.length - n);
    }
  }

  index(name) {
    return this.columns.indexOf(name);
  }

  /** The last value of a column (undefined if absent or empty). */
  last(name) {
    const i = this.index(name);
    return i < 0 || this.rows.length === 0 ? undefined : this.rows[this.rows.length - 1][i];
  }

  /**
   * [[x, y], …] of a column against epochs (or against column `x`; against the row's position
   * when the table has no such column), thinned to at most `max` points (the last kept).
   */
  points(name, max = MAX_POINTS, x = X_COLUMN) {
    const xi = this.index(x);
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
