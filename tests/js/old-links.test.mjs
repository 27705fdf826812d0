// Links made before every setting was declared once still open the same figures: for each link
// in tests/fixtures/old-links.json, the experiments the site sent to its workers then (recorded
// by running the page's code of 876a8a9 on the link) are the experiments it sends now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SCHEMA } from '../../www/state/schema.js';
import { parse, experimentsOf } from '../../www/state/state.js';

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
 * Settings of the other feed-forward rules that backprop never reads (tests/backprop.rs
 * `backprop_ignores_the_other_rules_settings`): a BP lane now carries the MNIST preset's
 * feedback scale, where the old page left it out.
 */
const NOT_READ_BY_BP = ['feedback_scale', 'feedback_dist', 'p_baseline', 'learn_feedback'];

function comparable(experiment) {
  if (experiment.rule !== 'bp') return experiment;
  return Object.fromEntries(Object.entries(experiment).filter(([k]) => !NOT_READ_BY_BP.includes(k)));
}

for (const { hash, figures } of OLD) {
  test(`an old link opens the same figures: ${hash}`, () => {
    const { state, notices } = parse(hash);
    assert.deepEqual(notices, []);
    for (const [figure, experiments] of Object.entries(figures)) {
      assert.deepEqual(experimentsOf(figure, state).map(comparable), experiments.map(asEngineReadsIt).map(comparable), figure);
    }
  });
}
