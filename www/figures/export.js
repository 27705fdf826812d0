// Saving a figure: its charts as one PNG, and its curves' data as CSV (every lane's metric rows,
// the rows the charts are drawn from). Files are offered with an <a download> link; a frame
// sandboxed without allow-downloads refuses them silently, so the figure says what it saved.

/** Offers `blob` to the reader as a file named `name`. */
export function download(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

/** A CSV field: numbers in full, NaN and missing values empty, text quoted when it must be. */
function field(value) {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = String(value ?? '');
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The metric rows of every lane as CSV text: a header `lane,<columns…>` (the union of the lanes'
 * columns, in first-seen order) and one line per row a lane holds (a long run's tables are thinned
 * evenly, www/engine/metrics.js: these are the rows the charts draw).
 * @param {{name: string, table: import('../engine/metrics.js').MetricTable}[]} lanes
 */
export function lanesCsv(lanes) {
  const columns = [];
  for (const { table } of lanes) for (const c of table.columns) if (!columns.includes(c)) columns.push(c);
  const lines = [['lane', ...columns].map(field).join(',')];
  for (const { name, table } of lanes) {
    const at = columns.map((c) => table.columns.indexOf(c));
    for (const row of table.rows) lines.push([name, ...at.map((i) => (i < 0 ? '' : row[i]))].map(field).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** The charts (canvases at their backing-store size) stacked top to bottom on white, as a PNG Blob. */
export function stackedPng(canvases) {
  const shown = canvases.filter((c) => c.width > 0 && c.height > 0);
  const out = document.createElement('canvas');
  out.width = Math.max(1, ...shown.map((c) => c.width));
  out.height = Math.max(1, shown.reduce((h, c) => h + c.height, 0));
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  let y = 0;
  for (const c of shown) {
    ctx.drawImage(c, 0, y);
    y += c.height;
  }
  return new Promise((resolve, reject) => out.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the browser could not encode the PNG'))), 'image/png'));
}
