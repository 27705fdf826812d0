// The page state that lives in the URL hash: `#v=1&chapter=backprop&data=circles&hidden=8,8&…`.
//
// PROPS is the one table of keys, kinds, defaults and limits. `parse` and `serialize` are pure:
// they take and return strings and never touch `window`, so `node --test` covers them.
// The experiment fields mirror the engine's `FeedforwardConfig` (src/experiment.rs), and
// `experimentOf` turns a state into exactly the JSON the worker's `configure` expects.
//
// Each key belongs to one chapter (`chapter:`), and a chapter's link carries only its own keys.
// The Random feedback and Dendrites & Bursts chapters have several figures on one page, so their
// keys are named `<figure>.<setting>` (`race.seed`, `multiplex.dendritic_mean`) and marked with
// `figure:`; a link to one figure (`fig=race`, for sharing and embedding) carries only that
// figure's keys. Figure ids are unique across chapters, and `fig` must name a figure of the
// link's chapter.

export const VERSION = 1;

/** Chapter ids in the order of the talk; '' is the landing page. */
export const CHAPTERS = ['backprop', 'nudging', 'feedback', 'spikes', 'dendrites', 'time'];

export const DATASETS = ['circles', 'xor', 'spiral', 'blobs', 'mnist'];

/** Hashes longer than this are cut before parsing (a hostile link cannot make us loop for long). */
const MAX_HASH_LENGTH = 2000;
/** Raw values quoted in notices are cut to this many characters. */
const QUOTE_LENGTH = 40;

/** The learning rules of the Random feedback chapter, in the order the page lists them. */
export const FEEDBACK_RULES = ['bp', 'fa', 'dfa', 'sign', 'shallow'];
/** The figures of the Random feedback chapter ('' is the whole chapter). */
export const FEEDBACK_FIGURES = ['race', 'align', 'linear', 'deep'];
/** The figures of the Dendrites & Bursts chapter. */
export const DENDRITES_FIGURES = ['multiplex', 'plasticity', 'burstprop'];
/** The figures of each chapter that has several. */
export const FIGURES_OF = Object.freeze({ feedback: FEEDBACK_FIGURES, dendrites: DENDRITES_FIGURES });

const SEED = { kind: 'int', min: 0, max: 4294967295, default: 1, clamp: false };
/** The scale of B relative to the forward init: the engine's MNIST preset uses 5 (src/experiment.rs). */
const feedbackScale = (value) => ({ kind: 'number', min: 0.01, max: 100, default: value });
const FEEDBACK_DIST = { kind: 'enum', values: ['gaussian', 'uniform'], default: 'gaussian' };

/** The settings of one figure of a chapter, keyed `<figure>.<name>`. */
function figureProps(figure, title, props, chapter = 'feedback') {
  return props.map(([name, spec, label]) => ({ ...spec, key: `${figure}.${name}`, chapter, figure, label: `${title} ${label}` }));
}

/** An input current of the multiplexing figure (pA). */
const current = (min, max, value) => ({ kind: 'number', min, max, default: value });

/**
 * Every key the hash may carry. kind: 'enum' (values), 'int' / 'number' (min, max),
 * 'list' (positive integers min..max, at most maxLength of them), 'set' (a non-empty subset of
 * values, comma-separated), 'bool'. `experiment: true` marks fields sent to the engine by the
 * Backprop chapter. Numbers out of range are clamped, except with `clamp: false` (seeds), where
 * they are refused like unreadable values and the default is used.
 */
export const PROPS = Object.freeze([
  { key: 'chapter', kind: 'enum', values: ['', ...CHAPTERS], default: '', label: 'chapter' },
  { key: 'embed', kind: 'bool', default: false, label: 'embed layout' },
  ...[
  { key: 'speed', kind: 'enum', values: ['10', '30', '100', 'max'], default: '30', label: 'speed' },
  { key: 'data', kind: 'enum', values: DATASETS, default: 'circles', experiment: true, label: 'data set' },
  { key: 'hidden', kind: 'list', min: 1, max: 2048, maxLength: 12, default: [8, 8], experiment: true, label: 'hidden layers' },
  { key: 'activation', kind: 'enum', values: ['tanh', 'sigmoid', 'relu', 'linear'], default: 'tanh', experiment: true, label: 'activation' },
  { key: 'loss', kind: 'enum', values: ['crossentropy', 'mse'], default: 'crossentropy', experiment: true, label: 'loss' },
  { key: 'lr', kind: 'number', min: 0.0001, max: 10, default: 0.1, experiment: true, label: 'learning rate' },
  { key: 'momentum', kind: 'number', min: 0, max: 0.99, default: 0, experiment: true, label: 'momentum' },
  { key: 'batch', kind: 'int', min: 1, max: 1024, default: 10, experiment: true, label: 'batch size' },
  { key: 'epochs', kind: 'int', min: 1, max: 10000, default: 200, experiment: true, label: 'epochs' },
  { key: 'seed', kind: 'int', min: 0, max: 4294967295, default: 1, experiment: true, label: 'seed' },
  { key: 'noise', kind: 'number', min: 0, max: 1, default: 0.05, experiment: true, label: 'noise' },
  { key: 'points', kind: 'int', min: 10, max: 5000, default: 400, experiment: true, label: 'points' },
  { key: 'init', kind: 'enum', values: ['xavier', 'zero'], default: 'xavier', experiment: true, label: 'initial weights' },
  { key: 'init_scale', kind: 'number', min: 0, max: 10, default: 1, experiment: true, label: 'initial scale' },
  ].map((p) => ({ ...p, chapter: 'backprop' })),
  // `fig` belongs to whichever chapter has figures; parse checks it against the link's chapter.
  { key: 'fig', kind: 'enum', values: ['', ...FEEDBACK_FIGURES, ...DENDRITES_FIGURES], default: '', label: 'figure' },
  ...figureProps('race', 'race', [
    ['rules', { kind: 'set', values: FEEDBACK_RULES, default: ['bp', 'fa', 'dfa', 'shallow'] }, 'rules'],
    ['seed', SEED, 'seed'],
    ['epochs', { kind: 'int', min: 1, max: 100, default: 20 }, 'epochs'],
    ['feedback_scale', feedbackScale(5), 'feedback scale'],
    ['feedback_dist', FEEDBACK_DIST, 'feedback distribution'],
  ]),
  ...figureProps('align', 'alignment', [
    ['seed', SEED, 'seed'],
    ['epochs', { kind: 'int', min: 1, max: 100, default: 20 }, 'epochs'],
    ['lr', { kind: 'number', min: 0.001, max: 10, default: 0.1 }, 'learning rate'],
    ['feedback_scale', feedbackScale(5), 'feedback scale'],
    ['feedback_dist', FEEDBACK_DIST, 'feedback distribution'],
  ]),
  ...figureProps('linear', 'linear toy', [
    ['seed', SEED, 'seed'],
    ['epochs', { kind: 'int', min: 1, max: 500, default: 20 }, 'epochs'],
    ['feedback_scale', feedbackScale(1), 'feedback scale'],
    ['feedback_dist', FEEDBACK_DIST, 'feedback distribution'],
  ]),
  ...figureProps('deep', 'deep network', [
    ['seed', SEED, 'seed'],
    ['epochs', { kind: 'int', min: 1, max: 50, default: 10 }, 'epochs'],
    ['depth', { kind: 'int', min: 1, max: 12, default: 10 }, 'depth'],
    ['init', { kind: 'enum', values: ['zero', 'xavier'], default: 'zero' }, 'initial weights'],
  ]),
  // Dendrites & Bursts. The multiplexing inputs start at the engine's MultiplexConfig defaults
  // (src/bursts/multiplexing.rs); the slider ranges keep the population in its working regime.
  ...figureProps('multiplex', 'multiplexing', [
    ['somatic_mean', current(0, 800, 300), 'somatic mean'],
    ['somatic_amplitude', current(0, 400, 150), 'somatic amplitude'],
    ['dendritic_mean', current(-300, 500, 20), 'dendritic mean'],
    ['dendritic_amplitude', current(0, 400, 150), 'dendritic amplitude'],
    ['neurons', { kind: 'int', min: 10, max: 2000, default: 300 }, 'neurons'],
    ['speed', { kind: 'enum', values: ['0.25', '1', 'max'], default: '1' }, 'speed'],
    ['seed', SEED, 'seed'],
  ], 'dendrites'),
  ...figureProps('plasticity', 'plasticity', [
    ['seed', SEED, 'seed'],
  ], 'dendrites'),
  ...figureProps('burstprop', 'BurstProp', [
    ['feedback', { kind: 'enum', values: ['learned', 'fixed'], default: 'learned' }, 'feedback'],
    ['seed', SEED, 'seed'],
    ['epochs', { kind: 'int', min: 1, max: 100, default: 20 }, 'epochs'],
  ], 'dendrites'),
].map(Object.freeze));

const BY_KEY = new Map(PROPS.map((p) => [p.key, p]));

/**
 * Starting values that differ by data set (the engine's `FeedforwardConfig::preset`):
 * MNIST gets the 784-500-10 sigmoid network, lr 1, batch 32, 20 epochs.
 */
export const PRESETS = Object.freeze({
  mnist: Object.freeze({ hidden: [500], activation: 'sigmoid', lr: 1, batch: 32, epochs: 20 }),
});

/** Looks up a prop by key (undefined for unknown keys). */
export function prop(key) {
  return BY_KEY.get(key);
}

function copy(value) {
  return Array.isArray(value) ? value.slice() : value;
}

/** The default state, with the preset of `data` applied. */
export function defaults(data = 'circles') {
  const state = {};
  for (const p of PROPS) state[p.key] = copy(p.default);
  state.data = DATASETS.includes(data) ? data : 'circles';
  Object.assign(state, clonePreset(state.data));
  return state;
}

function clonePreset(data) {
  const preset = PRESETS[data] || {};
  const out = {};
  for (const [k, v] of Object.entries(preset)) out[k] = copy(v);
  return out;
}

function quote(raw) {
  const s = String(raw);
  return JSON.stringify(s.length > QUOTE_LENGTH ? `${s.slice(0, QUOTE_LENGTH)}…` : s);
}

export function formatValue(p, value) {
  if (p.kind === 'list' || p.kind === 'set') return value.join(',');
  if (p.kind === 'bool') return value ? '1' : '0';
  return String(value);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(p, raw) {
  const text = raw.trim();
  if (!NUMBER.test(text)) return { error: `${p.label}: ${quote(raw)} is not a number` };
  let value = Number(text);
  if (!Number.isFinite(value)) return { error: `${p.label}: ${quote(raw)} is not a finite number` };
  const notes = [];
  if (p.kind === 'int' && !Number.isInteger(value)) {
    value = Math.round(value);
    notes.push(`${p.label}: ${quote(raw)} is not a whole number; rounded to ${value}`);
  }
  return clampNumber(p, value, raw, notes);
}

function clampNumber(p, value, raw, notes = []) {
  if (p.clamp === false && (value < p.min || value > p.max)) {
    return { error: `${p.label}: ${quote(raw)} is not between ${p.min} and ${p.max}` };
  }
  if (value < p.min) {
    notes.push(`${p.label}: ${quote(raw)} is below the minimum ${p.min}; using ${p.min}`);
    value = p.min;
  } else if (value > p.max) {
    notes.push(`${p.label}: ${quote(raw)} is above the maximum ${p.max}; using ${p.max}`);
    value = p.max;
  }
  return { value, notes };
}

function parseList(p, raw) {
  const text = raw.trim();
  if (text === '' || text === 'none') return { value: [], notes: [] };
  const items = text.split(',').map((s) => s.trim());
  if (!items.every((s) => /^\d+$/.test(s))) {
    return { error: `${p.label}: ${quote(raw)} is not a list of layer widths such as 8,8` };
  }
  const notes = [];
  let widths = items.map(Number);
  if (widths.length > p.maxLength) {
    notes.push(`${p.label}: at most ${p.maxLength} hidden layers; kept the first ${p.maxLength}`);
    widths = widths.slice(0, p.maxLength);
  }
  const clamped = widths.map((w) => Math.min(p.max, Math.max(p.min, w)));
  if (clamped.some((w, i) => w !== widths[i])) {
    notes.push(`${p.label}: layer widths must be ${p.min}–${p.max}; using ${clamped.join(',')}`);
  }
  return { value: clamped, notes };
}

function parseSet(p, raw) {
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = items.filter((s) => !p.values.includes(s));
  if (unknown.length) return { error: `${p.label}: ${quote(unknown[0])} is not one of ${p.values.join(', ')}` };
  if (items.length === 0) return { error: `${p.label}: choose at least one` };
  return { value: p.values.filter((v) => items.includes(v)), notes: [] };
}

/**
 * Reads one raw string as a value of `p`. Returns {value, notes} (notes: clamping or rounding
 * that happened) or {error} when the string cannot be read at all.
 */
export function coerce(p, raw) {
  raw = String(raw);
  switch (p.kind) {
    case 'enum':
      return p.values.includes(raw) ? { value: raw, notes: [] } : { error: `${p.label}: ${quote(raw)} is not one of ${p.values.filter(Boolean).join(', ')}` };
    case 'bool':
      if (['1', 'true', 'yes'].includes(raw)) return { value: true, notes: [] };
      if (['0', 'false', 'no', ''].includes(raw)) return { value: false, notes: [] };
      return { error: `${p.label}: ${quote(raw)} is not 0 or 1` };
    case 'int':
    case 'number':
      return parseNumber(p, raw);
    case 'list':
      return parseList(p, raw);
    case 'set':
      return parseSet(p, raw);
    default:
      return { error: `${p.label}: unknown kind` };
  }
}

function decode(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * Reads a location hash (with or without the leading '#'). Never throws.
 * Returns {state, notices}: the complete state, and human-readable sentences about every value
 * that was replaced, clamped or ignored.
 */
export function parse(hash) {
  const notices = [];
  let text = typeof hash === 'string' ? hash : '';
  if (text.startsWith('#')) text = text.slice(1);
  if (text.length > MAX_HASH_LENGTH) {
    notices.push(`The link is too long; only its first ${MAX_HASH_LENGTH} characters were read.`);
    text = text.slice(0, MAX_HASH_LENGTH);
  }
  const raw = new Map();
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value = decode(eq < 0 ? '' : part.slice(eq + 1));
    if (key === null || value === null) {
      notices.push(`Ignored a part of the link that is not valid URL encoding: ${quote(part)}.`);
      continue;
    }
    raw.set(key, value); // the last occurrence wins; unknown keys are dropped below
  }

  if (raw.has('v') && raw.get('v') !== String(VERSION)) {
    notices.push(`This link says version ${quote(raw.get('v'))}; this page reads version ${VERSION}, so some settings may differ.`);
  }

  // The data set comes first: it decides the defaults of the other fields.
  let data = 'circles';
  if (raw.has('data')) {
    const r = coerce(BY_KEY.get('data'), raw.get('data'));
    if (r.error) notices.push(`${r.error}; using circles.`);
    else data = r.value;
  }
  const state = defaults(data);
  for (const p of PROPS) {
    if (p.key === 'data' || p.key === 'fig' || !raw.has(p.key)) continue;
    const r = coerce(p, raw.get(p.key));
    if (r.error) {
      notices.push(`${r.error}; using ${formatValue(p, state[p.key]) || 'the default'}.`);
    } else {
      state[p.key] = r.value;
      for (const n of r.notes) notices.push(`${n}.`);
    }
  }
  // The figure last: it must be one of the chapter's own.
  if (raw.has('fig') && raw.get('fig') !== '') {
    const figures = FIGURES_OF[state.chapter] || [];
    const r = coerce({ ...BY_KEY.get('fig'), values: ['', ...figures] }, raw.get('fig'));
    if (r.error) {
      notices.push(figures.length ? `${r.error}; showing the whole chapter.` : `figure: this page has no figure ${quote(raw.get('fig'))}; ignored.`);
    } else {
      state.fig = r.value;
    }
  }
  return { state, notices };
}

/**
 * Writes a state as a hash string starting with '#'. The landing page carries only the version;
 * a chapter carries every setting of that chapter explicitly, so a shared link keeps its meaning
 * even if defaults change later. With `figure`, the hash opens that one figure of the chapter
 * (`fig=…`) and carries only its settings: the link that "Copy link" and "Copy embed code" give.
 */
export function serialize(state, { figure = '' } = {}) {
  const parts = [`v=${VERSION}`];
  const s = { ...defaults(state && state.data), ...state };
  if (figure) s.fig = figure;
  if (s.chapter) parts.push(`chapter=${encodeURIComponent(s.chapter)}`);
  for (const p of PROPS) {
    if (p.key === 'chapter') continue;
    if (p.key === 'embed') {
      if (s.embed) parts.push('embed=1');
      continue;
    }
    if (p.key === 'fig') {
      if ((FIGURES_OF[s.chapter] || []).includes(s.fig)) parts.push(`fig=${encodeURIComponent(s.fig)}`);
      continue;
    }
    if (!s.chapter || p.chapter !== s.chapter) continue;
    if (figure && p.figure !== figure) continue;
    parts.push(`${p.key}=${encodeURIComponent(formatValue(p, s[p.key])).replace(/%2C/g, ',')}`);
  }
  return `#${parts.join('&')}`;
}

/** The experiment JSON for the worker's `configure` message. */
export function experimentOf(state) {
  const experiment = { rule: 'bp' };
  for (const p of PROPS) {
    if (p.experiment) experiment[p.key] = copy(state[p.key]);
  }
  return experiment;
}

/** True when the data set is one of the 2-D toy problems. */
export function isPlanar(data) {
  return data !== 'mnist';
}

/**
 * The state after choosing another data set. Moving between a toy set and MNIST loads the new
 * set's starting values (a 2-8-8-2 tanh net makes no sense on 784 pixels); between toy sets the
 * other settings are kept.
 */
export function withData(state, data) {
  if (!DATASETS.includes(data)) return state;
  if (isPlanar(data) === isPlanar(state.data)) return { ...state, data };
  const fresh = defaults(data);
  for (const key of ['chapter', 'embed', 'speed', 'seed', 'noise', 'points']) fresh[key] = state[key];
  return fresh;
}
