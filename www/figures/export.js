// Saving a figure: its charts as one PNG, its curves' data as CSV (every lane's metric rows,
// the rows the charts are drawn from), and its models' weights as JSON, which loads back. Files
// are offered with an <a download> link; a frame sandboxed without allow-downloads refuses them
// silently, so the figure says what it saved.
import { SCHEMA } from '../state/schema.js';

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

/**
 * Whether the models of `rule` save and load weights: the engine's declaration
 * (`RuleId::has_weights`, each rule's `weights` in the schema). Other models answer
 * `export_weights` with an error.
 */
export function savesWeights(rule) {
  return SCHEMA.rules[rule]?.weights === true;
}

/** What a file of several lanes' weights says it is (one lane's is the engine's own object). */
export const WEIGHTS_SET_FORMAT = 'brainprop-weights-set';

/**
 * The weights file of a figure: one lane's weights as the engine gave them (format
 * `brainprop-weights`, named `brainprop-<figure>-<rule>.json`), or several lanes' in one object
 * `{format: 'brainprop-weights-set', version: 1, figure, lanes: {<rule>: weights}}` named
 * `brainprop-<figure>-<rule>-<rule>….json`.
 * @param {string} figure the figure's id
 * @param {Map<string, object>} byRule each lane's weights (the engine's `weights` reply), in lane order
 * @returns {{name: string, text: string}}
 */
export function weightsFile(figure, byRule) {
  const rules = [...byRule.keys()];
  const name = `brainprop-${figure}-${rules.join('-')}.json`;
  // One lane named by its rule is the engine's object itself; a lane named by a variant of its
  // rule (the depth race's `one`, a `dendrites` model) keeps its name in a set of one.
  const alone = rules.length === 1 && byRule.get(rules[0]).rule === rules[0];
  const content = alone ? byRule.get(rules[0]) : { format: WEIGHTS_SET_FORMAT, version: 1, figure, lanes: Object.fromEntries(byRule) };
  return { name, text: JSON.stringify(content) };
}

/**
 * The lanes' weights in a file's text, keyed by rule (the inverse of `weightsFile`).
 * Throws an Error whose message says what is wrong when the text is not such a file.
 * @param {string} text
 * @returns {Map<string, object>}
 */
export function weightsOfFile(text) {
  let file;
  try {
    file = JSON.parse(text);
  } catch {
    throw new Error('the file is not JSON: choose a weights file saved by a figure');
  }
  if (file && file.format === 'brainprop-weights' && typeof file.rule === 'string') return new Map([[file.rule, file]]);
  if (file && file.format === WEIGHTS_SET_FORMAT && file.lanes && typeof file.lanes === 'object') return new Map(Object.entries(file.lanes));
  throw new Error('the file is not a brainprop weights file: choose one saved with "Save weights (JSON)"');
}
