// The page and the engine read settings from one declaration (the engine's schema): every engine
// field of every rule a figure runs has a URL key, and the page clamps a hash to exactly the
// values the engine accepts. The engine's verdict comes from the native command line
// (`brainprop check`, built by `cargo test --release` before these tests run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCHEMA } from '../../www/state/schema.js';
import { FIGURES } from '../../www/state/figures.js';
import { PROPS, prop, parse, experimentsOf, experimentFor, ruleOf } from '../../www/state/state.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BINARY = `${ROOT}target/release/brainprop`;

/** The engine's verdict on each experiment: 'ok' or 'invalid: …'. */
function engineCheck(experiments) {
  assert.ok(existsSync(BINARY), `${BINARY} is missing: build it with cargo build --release`);
  let out;
  // A named lane's `lane` is the page's (the race keys lanes by it); the engine never sees it.
  const engine = experiments.map(({ lane, ...e }) => e);
  try {
    out = execFileSync(BINARY, ['check', '-'], { input: engine.map((e) => JSON.stringify(e)).join('\n'), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    out = e.stdout; // exit 1 when any is invalid; the verdicts are on stdout
  }
  return out.trim().split('\n');
}

/** The URL key of figure `id`'s setting `field`. */
function keyOf(id, field) {
  const prefix = FIGURES[id].prefix ?? id;
  return prefix ? `${prefix}.${field}` : field;
}

const chapterOf = (id) => FIGURES[id].chapter;

test('every engine field of every rule a figure runs is a URL key of that figure, and reaches the experiment', () => {
  const onPage = new Set();
  for (const id of Object.keys(FIGURES)) {
    const base = parse(`#v=1&chapter=${chapterOf(id)}`).state;
    // The rules a figure can run: its lanes, and every rule its reader may add to them.
    // A figure of lanes of one rule (the Spikes chapter's) names its lanes instead.
    const lanes = new Set([...FIGURES[id].rules(base), ...(FIGURES[id].page?.rules?.values ?? []), ...Object.keys(FIGURES[id].lanes?.of ?? {})]);
    for (const lane of lanes) {
      const rule = ruleOf(id, lane);
      const own = FIGURES[id].lanes?.of[lane] ?? {}; // what makes the lane that lane: not the link's
      onPage.add(rule);
      for (const field of SCHEMA.configs[SCHEMA.rules[rule].config]) {
        if (field.kind === 'object') continue; // nested constants: --config files only
        const p = prop(keyOf(id, field.name));
        assert.ok(p, `${id}: no URL key for ${rule}'s ${field.name}`);
        assert.equal(p.field, field.name);
      }
      // A value set in the link lands in the lane's experiment (the first int/number field that
      // the figure does not derive, moved to its other end).
      for (const field of SCHEMA.configs[SCHEMA.rules[rule].config].filter((f) => f.kind === 'int' || f.kind === 'number')) {
        const p = prop(keyOf(id, field.name));
        if (FIGURES[id].derived && field.name in FIGURES[id].derived(base)) continue;
        if (field.only && !field.only.includes(rule)) continue; // a setting this rule does not read
        if (field.name in own) continue;
        const value = p.maxOpen ? (p.min + p.max) / 2 : p.max;
        const { state, notices } = parse(`#v=1&chapter=${chapterOf(id)}&${p.key}=${value}`);
        assert.deepEqual(notices, [], `${p.key}=${value}`);
        // A knob that names its lanes (Kolen–Pollack's weight decay) leaves the others at their preset.
        const expected = p.lanes && !p.lanes.includes(rule) ? experimentFor(id, lane, base)[field.name] : value;
        assert.equal(experimentFor(id, lane, state)[field.name], expected, `${p.key}=${value} in ${lane}'s experiment`);
      }
    }
  }
  const unplaced = Object.keys(SCHEMA.rules).filter((r) => !onPage.has(r));
  assert.deepEqual(unplaced, [], 'an engine rule no figure runs');
});

test('the page clamps every number of every figure to values the engine accepts, at the engine\'s own limits', () => {
  const experiments = [];
  const cases = [];
  for (const p of PROPS) {
    if (!p.figure || p.page || !(p.kind === 'int' || p.kind === 'number')) continue;
    // A figure may narrow a setting's range (a slider's useful span), never widen it.
    assert.ok(p.min >= p.engine.min && p.max <= p.engine.max, `${p.key}: [${p.min}, ${p.max}] within the engine's [${p.engine.min}, ${p.engine.max}]`);
    const narrowed = p.min !== p.engine.min || p.max !== p.engine.max;
    for (const raw of [p.max + 1, p.max * 10 + 1, p.min - 1, p.max, p.min]) {
      const { state } = parse(`#v=1&chapter=${p.chapter}&${p.key}=${raw}`);
      const value = state[p.key];
      if (!narrowed && !p.maxOpen && raw > p.max && p.clamp !== false) assert.equal(value, p.engine.max, `${p.key}=${raw}`);
      if (!narrowed && !p.minOpen && raw < p.min && p.clamp !== false) assert.equal(value, p.engine.min, `${p.key}=${raw}`);
      for (const e of experimentsOf(p.figure, state)) {
        experiments.push(e);
        cases.push(`${p.key}=${raw} (${e.rule})`);
      }
    }
  }
  const verdicts = engineCheck(experiments);
  assert.equal(verdicts.length, experiments.length);
  verdicts.forEach((v, i) => assert.equal(v, 'ok', cases[i]));
});

test('values just past the engine\'s limits are refused by the engine, so the page\'s clamp is the boundary', () => {
  const experiments = [];
  const cases = [];
  for (const p of PROPS) {
    if (!p.figure || p.page || !(p.kind === 'int' || p.kind === 'number')) continue;
    // A lane whose rule reads the field (EqProp's β is no setting of the BP lane beside it).
    const rules = FIGURES[p.figure].rules(parse(`#v=1&chapter=${p.chapter}`).state);
    const reads = (r) => SCHEMA.configs[SCHEMA.rules[r].config].some((f) => f.name === p.field && (!f.only || f.only.includes(r)));
    const lane = rules.find((l) => reads(ruleOf(p.figure, l)));
    if (!lane) continue; // a key for a setting none of this figure's lanes reads (BP's feedback scale)
    const base = experimentFor(p.figure, lane, parse(`#v=1&chapter=${p.chapter}`).state);
    const step = p.kind === 'int' ? 1 : 1e-6 * Math.max(1, Math.abs(p.engine.max)); // f32 settings round finer steps away
    experiments.push({ ...base, [p.field]: p.engine.maxOpen ? p.engine.max : p.engine.max + step });
    cases.push(`${p.key} above ${p.engine.max}`);
    experiments.push({ ...base, [p.field]: p.engine.minOpen ? p.engine.min : p.engine.min - Math.max(step, 1e-9) });
    cases.push(`${p.key} below ${p.engine.min}`);
  }
  const verdicts = engineCheck(experiments);
  verdicts.forEach((v, i) => assert.match(v, /^invalid: /, cases[i]));
});
