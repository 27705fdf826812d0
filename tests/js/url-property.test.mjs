// A property test of the page's one URL parser (issue 15): at least 10,000 random and mutated
// hashes, seeded from real links (tests/fixtures/old-links.json, every figure's own link and the
// defaults of every data set), through parse(). It must never throw, and must always give a
// complete state whose every value is within its schema limits or choices (the checks of
// tests/js/schema.test.mjs, applied to every key), with notices that are sentences; the link
// the page writes from that state must read back without a notice and write itself again.
// Classroom links' `<key>_hide` keys are generated too, for known and unknown keys, with valid and
// hostile values. Deterministic (a seeded generator).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse, serialize, defaults, hideable, PROPS, CHAPTERS, FIGURES_OF, DATASETS, HIDE_SUFFIX } from '../../www/state/state.js';

const OLD_LINKS = JSON.parse(readFileSync(new URL('../fixtures/old-links.json', import.meta.url), 'utf8')).map((l) => l.hash);

/** A small deterministic generator (mulberry32). */
function generator(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const below = (n) => Math.floor(next() * n);
  const pick = (items) => items[below(items.length)];
  return { next, below, pick };
}

/** Real links: the old ones, each chapter's, each figure's own and each data set's defaults. */
function seeds() {
  const links = [...OLD_LINKS, '', '#', '#v=1'];
  for (const chapter of CHAPTERS) {
    const { state } = parse(`#v=1&chapter=${chapter}`);
    links.push(serialize(state));
    for (const figure of FIGURES_OF[chapter] ?? []) links.push(serialize(state, { figure }));
  }
  for (const data of DATASETS) links.push(serialize({ ...defaults(data), chapter: 'backprop' }));
  return links;
}

const KEYS = PROPS.map((p) => p.key);
/** Keys a classroom link may carry (`lr_hide`), and hide keys of settings that have no field. */
const HIDE_KEYS = KEYS.filter(hideable).map((k) => `${k}${HIDE_SUFFIX}`);
const BAD_HIDE_KEYS = [...KEYS.filter((k) => !hideable(k)).map((k) => `${k}${HIDE_SUFFIX}`), HIDE_SUFFIX, `x${HIDE_SUFFIX}`, `lr${HIDE_SUFFIX}${HIDE_SUFFIX}`];
/** The state's keys: one per prop, and `hide`. */
const STATE_KEYS = [...KEYS, 'hide'];
const HOSTILE_VALUES = [
  '', ' ', '0', '-0', '-1', '1', '1.5', '-1e308', '1e308', '1e309', '-1e309', '5e-324', '1e-400',
  'NaN', 'nan', 'Infinity', '-Infinity', 'null', 'undefined', 'true', 'false', '0x10', '0b1', '1_000',
  '  7  ', '+3', '.5', '5.', '1e3', '9007199254740993', '18446744073709551616', '4294967296', '-4294967296',
  '1,2,3', ',', ',,', '1,,2', '8,', ',8', '2048,2048,2048,2048,2048,2048,2048,2048,2048,2048,2048,2048,2048',
  Array(200).fill('7').join(','), '-5,3', '1e400,2', 'a,b', 'none', 'mnist', 'circles', 'relu', 'max', 'bp',
  '%', '%E0%A4%A', '%00', '%FF', '%2526', '%26', '%3D', '😀', 'é', '\u0000', '<script>', '__proto__',
  'constructor', 'toString', 'x'.repeat(5000),
];
const HOSTILE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype', 'V', 'CHAPTER', 'data ', ' lr', '', '=', 'x'.repeat(300), '%', '%00'];

function mutateValue(g, value) {
  switch (g.below(6)) {
    case 0: return g.pick(HOSTILE_VALUES);
    case 1: return encodeURIComponent(g.pick(HOSTILE_VALUES));
    case 2: return value + g.pick(HOSTILE_VALUES);
    case 3: return value.slice(0, g.below(value.length + 1));
    case 4: return String(Number(value) * g.pick([-1, 10, 1e6, 1e300, 0.5, NaN]));
    default: return value.split(',').map((v) => (g.below(2) ? v : g.pick(HOSTILE_VALUES))).join(',');
  }
}

/** A string URL-encoded twice; as it is when it holds a lone surrogate (a value cut inside an emoji). */
function encodeTwice(s) {
  try {
    return encodeURIComponent(encodeURIComponent(s));
  } catch {
    return s;
  }
}

/** One mutation of a hash: keys, values, versions, separators, encodings, duplicates. */
function mutate(g, hash) {
  let text = hash.startsWith('#') ? hash.slice(1) : hash;
  const parts = text.split('&').filter((p) => p !== '').map((p) => {
    const eq = p.indexOf('=');
    return eq < 0 ? [p, null] : [p.slice(0, eq), p.slice(eq + 1)];
  });
  const i = g.below(parts.length + 1);
  switch (g.below(13)) {
    case 0: case 1: case 2: // a value
      if (parts[i]) parts[i][1] = mutateValue(g, parts[i][1] ?? '');
      break;
    case 3: // a key: another known one, an unknown one, or a broken one
      if (parts[i]) parts[i][0] = g.below(2) ? g.pick(KEYS) : g.pick(HOSTILE_KEYS);
      break;
    case 4: // a key that is real, with a hostile value
      parts.push([g.pick(KEYS), g.pick(HOSTILE_VALUES)]);
      break;
    case 5: // duplicates
      if (parts[i]) parts.splice(g.below(parts.length + 1), 0, [parts[i][0], mutateValue(g, parts[i][1] ?? '')]);
      break;
    case 6: // a version
      parts.unshift(['v', g.pick(['0', '2', '-1', '1.0', 'abc', '', '999999999999', '1e3'])]);
      break;
    case 7: // a missing '=' or value
      if (parts[i]) parts[i][1] = g.below(2) ? null : '';
      break;
    case 8: // a dropped part
      parts.splice(i, 1);
      break;
    case 9: { // separators
      const joined = parts.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join('&');
      return '#' + joined.replace(/&/g, () => g.pick(['&', ';', '&&', '&=&', '?', '#', '%26']));
    }
    case 10: // a classroom link's hide key: of a field, of a key with no field, hostile values
    { // mostly of a setting the hash has (so of its chapter), else of any setting or of none
      const own = parts.map(([k]) => k).filter(hideable).map((k) => `${k}${HIDE_SUFFIX}`);
      const key = own.length && g.below(3) ? g.pick(own) : g.below(2) ? g.pick(HIDE_KEYS) : g.pick(BAD_HIDE_KEYS);
      parts.push([key, g.below(3) ? '1' : g.pick(['0', '', 'true', ...HOSTILE_VALUES])]);
      break;
    }
    case 11: // an encoded key or value
      if (parts[i]) parts[i] = parts[i].map((s) => (s === null ? s : g.below(2) ? encodeTwice(s) : s.replace(/./g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)));
      break;
    default: { // a cut anywhere, or no leading '#', or a '?'
      const joined = parts.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join('&');
      return g.pick(['', '#', '?', '#?', '##']) + joined.slice(0, g.below(joined.length + 1));
    }
  }
  return '#' + parts.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join('&');
}

/** Why `value` is not a valid value of `p`, or '' when it is (state.js's `defaults`). */
function invalid(p, value) {
  // A setting the form does not show may stay unset: each lane then keeps its rule's preset.
  if (value === undefined && p.shown === false) return '';
  const inRange = (x) => Number.isFinite(x) && (p.minOpen ? x > p.min : x >= p.min) && (p.maxOpen ? x < p.max : x <= p.max);
  switch (p.kind) {
    case 'enum': return p.values.includes(value) ? '' : 'not one of its values';
    case 'bool': return typeof value === 'boolean' ? '' : 'not a boolean';
    case 'int': return Number.isInteger(value) && inRange(value) ? '' : `not a whole number in [${p.min}, ${p.max}]`;
    case 'number': return typeof value === 'number' && inRange(value) ? '' : `not a number in ${p.minOpen ? '(' : '['}${p.min}, ${p.max}${p.maxOpen ? ')' : ']'}`;
    case 'list':
      if (!Array.isArray(value) || value.length > p.maxLength) return `not a list of at most ${p.maxLength}`;
      return value.every((x) => typeof x === 'number' && Number.isFinite(x) && (p.minOpen ? x > p.min : x >= p.min) && x <= p.max && (!p.integer || Number.isInteger(x))) ? '' : `an item outside [${p.min}, ${p.max}]`;
    case 'set': return Array.isArray(value) && value.length > 0 && value.every((v) => p.values.includes(v)) ? '' : 'not a non-empty subset of its values';
    default: return `an unknown kind ${p.kind}`;
  }
}

function checkState(hash, result) {
  assert.ok(result && typeof result === 'object', hash);
  const { state, notices } = result;
  assert.ok(Array.isArray(notices) && notices.every((n) => typeof n === 'string' && n.length > 0), `${hash}: notices`);
  assert.deepEqual(Object.keys(state).sort(), STATE_KEYS.slice().sort(), `${hash}: the state has exactly the schema's keys and hide`);
  // The hidden fields: known settings that have a field, each once.
  assert.ok(Array.isArray(state.hide) && state.hide.every(hideable) && new Set(state.hide).size === state.hide.length, `${hash}: hide ${JSON.stringify(state.hide)}`);
  for (const p of PROPS) {
    // `fig` is checked against the chapter's figures below (PROPS lists only the prefixed ones:
    // the Backprop chapter's one figure, `fig=backprop`, is not among its values).
    if (p.key === 'fig') continue;
    const why = invalid(p, state[p.key]);
    assert.equal(why, '', `${hash}: ${p.key} = ${JSON.stringify(state[p.key])} is ${why}`);
  }
  // The figure belongs to the chapter.
  assert.equal(typeof state.fig, 'string', `${hash}: fig`);
  if (state.fig) assert.ok((FIGURES_OF[state.chapter] ?? []).includes(state.fig), `${hash}: fig ${state.fig} in ${state.chapter}`);
}

test('10,000 random and mutated hashes never throw and always give a valid state', () => {
  const g = generator(20261201);
  const pool = seeds();
  assert.ok(pool.length > 20, 'real links to start from');
  let cases = 0;
  let withNotices = 0;
  let withHidden = 0;
  while (cases < 12000) {
    let hash = g.pick(pool);
    const rounds = 1 + g.below(4);
    for (let r = 0; r < rounds; r++) hash = mutate(g, hash);
    let result;
    assert.doesNotThrow(() => { result = parse(hash); }, hash);
    checkState(hash, result);
    if (result.notices.length) withNotices += 1;
    // The link the page writes back from it reads without a notice and writes the same link.
    const written = serialize(result.state);
    if (written.includes(`${HIDE_SUFFIX}=1`)) withHidden += 1;
    const again = parse(written);
    assert.deepEqual(again.notices, [], `${hash} → ${written}`);
    assert.equal(serialize(again.state), written, `${hash}: serialize → parse → serialize`);
    checkState(written, again);
    // Keep some mutants as seeds, so mutations pile up.
    if (g.below(10) === 0 && hash.length < 3000) pool.push(hash);
    cases += 1;
  }
  // The mutations reach the parser's refusals and clamps, not only its happy path.
  assert.ok(withNotices > 3000, `${withNotices} of ${cases} hashes gave notices`);
  // …and classroom links: written links that hide fields, not only refused hide keys.
  assert.ok(withHidden > 500, `${withHidden} of ${cases} written links hide a field`);
});

test('non-string and huge inputs give the defaults without throwing', () => {
  for (const input of [undefined, null, 42, {}, [], Symbol.iterator, `#${'lr=1&'.repeat(100000)}`, `#${'%'.repeat(10000)}`]) {
    let result;
    assert.doesNotThrow(() => { result = parse(input); }, String(typeof input));
    checkState(String(typeof input), result);
  }
});
