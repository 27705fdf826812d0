// Links made before every setting was declared once still open the same figures: for each link
// in tests/fixtures/old-links.json, the experiments the site sent to its workers then (recorded
// by running the page's code of 876a8a9 on the link) are the experiments it sends now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SCHEMA } from '../../www/state/schema.js';
import { parse, experimentsOf, presetOf } from '../../www/state/state.js';

const OLD = JSON.parse(readFileSync(new URL('../fixtures/old-links.json', import.meta.url), 'utf8'));

/**
 * An experiment as the engine reads it: the fields the JSON leaves out take the config's
 * defaults (serde's `#[serde(default)]`, which is the first feed-forward rule's default for every
 * feed-forward rule), and the old `output_lr` is the rate of the last layer (`layer_lr`).
 */
function asEngineReadsIt({ rule, output_lr: outputLr, ...settings }) {
  const config = SCHEMA.rules[rule].config;
  const first = Object.keys(SCHEMA.rules).find((r) => SCHEMA.rules[r].config === config);
  const full = { ...SCHEMA.rules[first].default, ...settings };
  if (outputLr !== undefined) full.layer_lr = [outputLr];
  return { rule, ...full };
}

/**
 * An experiment without the settings its rule does not read (the schema's `only`; for backprop
 * tests/backprop.rs shows it). The old page sent, say, the race's feedback scale to the BP lane
 * too; now only the lanes that read a setting get it.
 */
function comparable(experiment) {
  const unread = SCHEMA.configs[SCHEMA.rules[experiment.rule].config].filter((f) => f.only && !f.only.includes(experiment.rule));
  return Object.fromEntries(Object.entries(experiment).filter(([k]) => !unread.some((f) => f.name === k)));
}

/**
 * The lanes a figure runs now that it did not run when the links were recorded, and why. Every
 * lane the old page ran is still there, with the same experiment; a figure may gain lanes (and a
 * link that chose no rules may see another default choice), never change an old lane.
 *  - align: Kolen–Pollack's learned feedback runs beside FA's fixed one (issue 14).
 *  - race, for a link that names no rules (`race.rules`; every link the page writes names them):
 *    the default race is BP, FA, KP and shallow. DFA, whose curve lies on FA's with one hidden
 *    layer, is one click away.
 */
function lanesNow(figure, hash, oldRules) {
  if (figure === 'align') return ['fa', 'kp'];
  if (figure === 'race' && !/[#&]race\.rules=/.test(hash)) return ['bp', 'fa', 'kp', 'shallow'];
  return oldRules;
}

/**
 * Settings of old lanes that changed since the record, on purpose, each with its reason: the
 * lanes now take them from their rule's engine preset (so whatever the engine's preset says now),
 * where the old page gave them something else. Nothing else of an old lane may differ.
 *  - race, sign symmetry's feedback scale: the race's "scale of B" knob, which the old form
 *    already listed under "Feedback (FA, DFA)", reaches only FA's and DFA's random feedback;
 *    sign symmetry, whose feedback is the forward weights' signs, starts from its own preset.
 *  - race, every lane's learning rate: the race has no learning-rate knob, and a link never set
 *    one, so each lane races at its rule's MNIST rate, which the engine tunes per rule
 *    (reports/feedback.md); the old page's lanes all took 1.
 */
const FROM_PRESET = [
  { figure: 'race', rule: 'sign', fields: ['feedback_scale'] },
  { figure: 'race', rule: '*', fields: ['lr'] },
];

/** An old lane as it is expected now: the settings FROM_PRESET names take the lane's preset. */
function expectedNow(figure, experiment) {
  const changed = FROM_PRESET.filter((c) => c.figure === figure && [experiment.rule, '*'].includes(c.rule)).flatMap((c) => c.fields);
  const preset = presetOf(experiment.rule, experiment.data);
  return { ...experiment, ...Object.fromEntries(changed.map((f) => [f, preset[f]])) };
}

for (const { hash, figures } of OLD) {
  test(`an old link opens the same figures: ${hash}`, () => {
    const { state, notices } = parse(hash);
    assert.deepEqual(notices, []);
    for (const [figure, experiments] of Object.entries(figures)) {
      const now = experimentsOf(figure, state).map(comparable);
      const old = experiments.map(asEngineReadsIt).map(comparable);
      const rules = lanesNow(figure, hash, old.map((e) => e.rule));
      assert.deepEqual(now.map((e) => e.rule), rules, figure);
      for (const e of old.filter((o) => rules.includes(o.rule))) {
        assert.deepEqual(now.find((n) => n.rule === e.rule), expectedNow(figure, e), `${figure}: ${e.rule}`);
      }
    }
  });
}
