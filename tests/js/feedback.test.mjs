// node --test tests/js/
// The Random feedback chapter's URL keys (www/state/state.js) and its figures as data
// (www/chapters/feedback/figures.js): lanes, experiments, charts and direct labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, serialize, defaults, coerce, prop, formOf, PROPS, FEEDBACK_FIGURES, presetOf } from '../../www/state/state.js';
import { FIGURES, RULES, MEASURED, experimentsOf, chartsOf, paceOf, progressText, middleWidth } from '../../www/chapters/feedback/figures.js';
import { spread, LABEL_HEIGHT } from '../../www/views/labelled-chart.js';
import { assertCarriesChapter, assertChapterDefaults } from '../support/links.mjs';
import { MetricTable } from '../../www/engine/metrics.js';

const FEEDBACK = { ...defaults(), chapter: 'feedback' };
/** Kolen–Pollack's and the perturbation rules' MNIST presets (the engine's tuned settings). */
const KP = presetOf('kp', 'mnist');
const NP = presetOf('np', 'mnist');

test('a feedback link with no settings gives every figure its defaults, without notices', () => {
  assertChapterDefaults('feedback', {
    'race.rules': ['bp', 'fa', 'kp', 'shallow'], 'race.seed': 1, 'race.epochs': 20,
    'race.feedback_scale': 5, // the engine's MNIST preset
    'race.feedback_dist': 'gaussian', 'align.lr': 0.1, 'align.feedback_scale': 5, 'linear.feedback_scale': 1,
    'linear.epochs': 20, 'deep.depth': 10, 'deep.init': 'zero', 'deep.epochs': 10,
    // Knobs of one or two lanes start where those lanes' presets do, not at backprop's…
    'race.weight_decay': KP.weight_decay, 'race.perturbation': NP.perturbation,
    // …unless the figure says otherwise: at the alignment figure's small rate, KP needs more decay.
    'align.weight_decay': 0.005,
  });
});

test('one perturbation size serves both NP and WP: their presets agree on it', () => {
  // If the engine ever tunes σ per rule, the race needs a knob for each.
  assert.equal(presetOf('wp', 'mnist').perturbation, NP.perturbation);
});

test('the race\'s form: the feedback, KP and perturbation knobs say which lanes they reach', () => {
  const groups = formOf('race');
  assert.deepEqual(groups.map((g) => [g.legend, g.props.map((p) => p.field)]), [
    ['Rules', ['rules']],
    ['Feedback (FA, DFA)', ['feedback_scale', 'feedback_dist']],
    ['Learned feedback (KP)', ['weight_decay']],
    ['Perturbation (NP, WP)', ['perturbation']],
    ['Training', ['epochs', 'stop_at', 'seed']],
  ]);
  assert.deepEqual(groups.flatMap((g) => g.props).map((p) => [p.field, p.reaches && [...p.reaches].sort()]), [
    ['rules', undefined], ['feedback_scale', ['dfa', 'fa']], ['feedback_dist', ['dfa', 'fa']],
    ['weight_decay', ['kp']], ['perturbation', ['np', 'wp']], ['epochs', null], ['stop_at', undefined], ['seed', null],
  ]);
  assert.deepEqual(prop('race.rules').values, ['bp', 'fa', 'dfa', 'sign', 'kp', 'np', 'wp', 'shallow']);
  // The alignment figure's feedback knobs reach FA and KP alike (the same initial B), and it
  // shows KP's weight decay beside them.
  assert.deepEqual(formOf('align')[0].props.map((p) => [p.field, p.reaches]), [
    ['feedback_scale', null], ['feedback_dist', null], ['weight_decay', ['kp']],
  ]);
});

test('the chapter link carries every feedback setting and no Backprop setting, and round-trips', () => {
  const state = {
    ...FEEDBACK, 'race.rules': ['fa', 'sign', 'np', 'wp'], 'race.seed': 4294967295, 'race.feedback_scale': 0.25,
    'race.feedback_dist': 'uniform', 'race.perturbation': 0.05, 'race.weight_decay': 0.002, 'align.weight_decay': 0.01,
    'align.lr': 1, 'linear.epochs': 500, 'deep.depth': 3, 'deep.init': 'xavier',
  };
  const hash = serialize(state);
  assertCarriesChapter(hash, 'feedback');
  assert.match(hash, /&race\.rules=fa,sign,np,wp&race\.feedback_scale=0\.25&race\.feedback_dist=uniform&race\.weight_decay=0\.002&race\.perturbation=0\.05&/);
  assert.match(hash, /&align\.weight_decay=0\.01&/);
  const back = parse(hash);
  assert.deepEqual(back.notices, []);
  assert.deepEqual(back.state, state);
  assert.equal(serialize(back.state), hash);
  // …and a Backprop link carries none of the feedback keys.
  assert.doesNotMatch(serialize({ ...defaults(), chapter: 'backprop' }), /race\.|align\.|linear\.|deep\.|fig=/);
});

test('a link to one figure carries only that figure\'s settings, and opens it', () => {
  for (const id of FEEDBACK_FIGURES) {
    const hash = serialize({ ...FEEDBACK, embed: true }, { figure: id });
    assert.ok(hash.startsWith(`#v=1&chapter=feedback&embed=1&fig=${id}&`), hash);
    const keys = hash.slice(1).split('&').map((part) => part.split('=')[0]);
    for (const key of keys.slice(4)) assert.ok(key.startsWith(`${id}.`), `${key} in the ${id} link`);
    assert.equal(keys.length - 4, PROPS.filter((p) => p.figure === id && p.shown).length);
    const { state, notices } = parse(hash);
    assert.deepEqual(notices, []);
    assert.equal(state.fig, id);
    assert.equal(state.embed, true);
  }
});

test('bad feedback values fall back to the defaults, with a notice naming the figure', () => {
  const { state, notices } = parse('#v=1&chapter=feedback&race.seed=-1&race.feedback_scale=abc&race.feedback_dist=cauchy&race.rules=bp,nope&align.lr=0&deep.depth=40&fig=nine');
  assert.equal(state['race.seed'], 1);
  assert.equal(state['race.feedback_scale'], 5);
  assert.equal(state['race.feedback_dist'], 'gaussian');
  assert.deepEqual(state['race.rules'], ['bp', 'fa', 'kp', 'shallow']);
  assert.equal(state['align.lr'], 0.1); // refused: the engine's learning rate is above 0 (an open end)
  assert.equal(state['deep.depth'], 12);
  assert.equal(state.fig, '');
  assert.equal(notices.length, 7, notices.join('\n'));
  assert.ok(notices.includes('race seed: "-1" is not between 0 and 4294967295; using 1.'), notices.join('\n'));
  assert.ok(notices.includes('race scale of B: "abc" is not a number; using 5.'), notices.join('\n'));
  assert.ok(notices.some((n) => n.startsWith('race rules: "nope" is not one of bp, fa, dfa, sign, kp, np, wp, shallow; using bp,fa,kp,shallow')), notices.join('\n'));
  assert.ok(notices.some((n) => n.startsWith('deep network depth: "40" is above the maximum 12')), notices.join('\n'));
  assert.deepEqual(parse(serialize(state)).notices, []);
});

test('a rule set is read in the page\'s order, without repeats, and never empty', () => {
  const rules = prop('race.rules');
  assert.deepEqual(coerce(rules, 'shallow, fa,fa ,bp'), { value: ['bp', 'fa', 'shallow'], notes: [] });
  assert.match(coerce(rules, '').error, /choose at least one/);
  assert.match(coerce(rules, ',,').error, /choose at least one/);
  assert.match(coerce(rules, 'BP').error, /"BP" is not one of/);
  // A seed out of range is refused rather than clamped (another seed is another experiment).
  assert.ok(coerce(prop('linear.seed'), '4294967296').error);
  assert.equal(coerce(prop('linear.seed'), '42').value, 42);
});

test('every lane of a figure gets the same experiment but its rule, its own rate, and only the settings its rule reads', () => {
  const state = { ...FEEDBACK, 'race.rules': ['bp', 'fa', 'dfa', 'sign', 'shallow'], 'race.seed': 7, 'race.feedback_scale': 2, 'race.feedback_dist': 'uniform' };
  const race = experimentsOf('race', state);
  assert.deepEqual(race.map((e) => e.rule), ['bp', 'fa', 'dfa', 'sign', 'shallow']);
  // Each lane's learning rate is its rule's MNIST preset (tuned per rule in the engine).
  for (const e of race) assert.equal(e.lr, presetOf(e.rule, 'mnist').lr, e.rule);
  const OWN = ['feedback_scale', 'feedback_dist', 'lr'];
  const common = ({ rule, ...rest }) => Object.fromEntries(Object.entries(rest).filter(([k]) => !OWN.includes(k)));
  for (const e of race) assert.deepEqual(common(e), common(race[0]), e.rule);
  // The feedback knobs reach the random feedback of FA and DFA; sign symmetry keeps its preset.
  assert.deepEqual(race.map((e) => [e.rule, e.feedback_scale, e.feedback_dist]), [
    ['bp', 5, 'gaussian'], ['fa', 2, 'uniform'], ['dfa', 2, 'uniform'], ['sign', presetOf('sign', 'mnist').feedback_scale, 'gaussian'], ['shallow', 5, 'gaussian'],
  ]);
  assert.deepEqual(race[0], { rule: 'bp', ...presetOf('bp', 'mnist'), epochs: 20, seed: 7 });
  assert.deepEqual(
    [race[0].data, race[0].hidden, race[0].activation, race[0].loss, race[0].lr, race[0].momentum, race[0].batch, race[0].init],
    ['mnist', [500], 'sigmoid', 'crossentropy', 1, 0, 32, 'xavier'],
  );
  race[0].hidden.push(3); // a copy: the next call is not changed through it
  assert.deepEqual(experimentsOf('race', state)[0].hidden, [500]);

  const align = experimentsOf('align', { ...FEEDBACK, 'align.weight_decay': 0.02 });
  assert.deepEqual(align.map((e) => [e.rule, e.lr, e.data, e.weight_decay]), [['fa', 0.1, 'mnist', 0], ['kp', 0.1, 'mnist', 0.02]]);
  const linear = experimentsOf('linear', FEEDBACK);
  assert.deepEqual(linear.map((e) => e.rule), ['bp', 'fa', 'shallow']);
  assert.deepEqual([linear[0].data, linear[0].hidden, linear[0].activation, linear[0].loss, linear[0].batch, linear[0].lr],
    ['linear', [20], 'linear', 'mse', 1, 0.0005]);
  const deep = experimentsOf('deep', { ...FEEDBACK, 'deep.depth': 4 });
  assert.deepEqual(deep.map((e) => e.rule), ['dfa', 'bp']);
  assert.deepEqual(deep[0].hidden, [100, 100, 100, 100]);
  assert.deepEqual([deep[0].activation, deep[0].init, deep[0].lr, deep[0].epochs], ['tanh', 'zero', 0.1, 10]);
});

test('the new lanes: KP alone gets the weight decay, NP and WP alone the perturbation size, each its own preset otherwise', () => {
  const state = { ...FEEDBACK, 'race.rules': ['bp', 'fa', 'dfa', 'sign', 'kp', 'np', 'wp', 'shallow'], 'race.perturbation': 0.03, 'race.weight_decay': 0.001 };
  const race = experimentsOf('race', state);
  assert.deepEqual(race.map((e) => e.rule), ['bp', 'fa', 'dfa', 'sign', 'kp', 'np', 'wp', 'shallow']);
  for (const e of race) {
    const preset = presetOf(e.rule, 'mnist');
    assert.equal(e.weight_decay, e.rule === 'kp' ? 0.001 : preset.weight_decay, `${e.rule}'s weight decay`);
    assert.equal(e.perturbation, ['np', 'wp'].includes(e.rule) ? 0.03 : preset.perturbation, `${e.rule}'s perturbation`);
    // Every lane's learning rate is its own rule's preset (tuned in the engine), never the page's.
    assert.equal(e.lr, preset.lr, `${e.rule}'s learning rate`);
  }
  // In the race KP's first feedback is its own preset's; in the alignment figure it is FA's.
  const kp = experimentsOf('race', { ...state, 'race.feedback_scale': 2, 'race.feedback_dist': 'uniform' }).find((e) => e.rule === 'kp');
  assert.deepEqual([kp.feedback_scale, kp.feedback_dist], [KP.feedback_scale, KP.feedback_dist]);
  const [faB, kpB] = experimentsOf('align', { ...FEEDBACK, 'align.feedback_scale': 2, 'align.feedback_dist': 'uniform' }).map((e) => [e.feedback_scale, e.feedback_dist]);
  assert.deepEqual([faB, kpB], [[2, 'uniform'], [2, 'uniform']]);
  // A link that chose its rules before KP, NP and WP existed races the same lanes.
  assert.deepEqual(experimentsOf('race', parse('#v=1&chapter=feedback&race.rules=bp,fa,dfa,shallow').state).map((e) => e.rule), ['bp', 'fa', 'dfa', 'shallow']);
});

test('MNIST figures train flat out; the millisecond-epoch linear toy is paced', () => {
  assert.equal(paceOf('race', FEEDBACK), Infinity);
  assert.equal(paceOf('deep', FEEDBACK), Infinity);
  assert.ok(paceOf('linear', FEEDBACK) >= 6 && paceOf('linear', FEEDBACK) < 20);
});

const COLUMNS = ['epoch', 'samples', 'train_loss', 'train_acc', 'test_loss', 'test_acc'];

test('the race chart: one curve per rule in its own colour, labelled with its last accuracy', () => {
  const lanes = [
    { rule: 'bp', table: new MetricTable(COLUMNS, [[0, 0, 2.4, 0.1, 2.4, 0.108], [1, 8000, 0.9, 0.9, 0.3, 0.899]]) },
    { rule: 'shallow', table: new MetricTable(COLUMNS, [[0, 0, 2.4, 0.1, 2.4, 0.108]]) },
    { rule: 'fa', table: new MetricTable() }, // not built yet
  ];
  const [chart] = chartsOf('race', FEEDBACK, lanes);
  assert.deepEqual(chart.yRange, [0, 1]);
  assert.equal(chart.xMax, 20);
  assert.deepEqual(chart.series.map((s) => [s.name, s.color]), [['BP', RULES.bp.color], ['Shallow', RULES.shallow.color], ['FA', RULES.fa.color]]);
  assert.deepEqual(chart.series.map((s) => s.label), ['BP 89.9 %', 'Shallow 10.8 %', 'FA']);
  assert.equal(chart.summary, 'Test accuracy: BP 89.9 % after 1 epoch; Shallow 10.8 % after 0 epochs.');
  const drawn = Object.entries(RULES).filter(([rule]) => rule !== 'estimates'); // a lane that draws no curve of its own
  assert.equal(new Set(drawn.map(([, r]) => r.color)).size, drawn.length);
  assert.equal(chart.note, undefined, 'no word on DFA without a DFA lane');
});

test('where DFA races with one hidden layer, the race\'s chart says why it is FA', () => {
  const lanes = ['bp', 'fa', 'dfa'].map((rule) => ({ rule, table: new MetricTable(COLUMNS, [[0, 0, 2.4, 0.1, 2.4, 0.108]]) }));
  const [chart] = chartsOf('race', FEEDBACK, lanes);
  assert.match(chart.note, /^With one hidden layer DFA is FA: .*one random matrix.*same seed draws the same matrix/);
  assert.ok(chartsOf('race', FEEDBACK, lanes.slice(2))[0].note, 'DFA alone still says it');
  // With two hidden layers they differ, and nothing is said.
  assert.equal(chartsOf('race', parse('#v=1&chapter=feedback&race.hidden=500,100').state, lanes)[0].note, undefined);
});

test('the alignment charts: FA\'s and KP\'s angles side by side, one chart per measure, with the 90° line', () => {
  const columns = [...COLUMNS, 'angle_w_b0', 'angle_delta0', 'angle_update0'];
  const fa = new MetricTable(columns, [[0, 0, 2, 0.1, 2, 0.1, 89.7, 90.0, 90.8], [1, 8000, 1, 0.8, 1, 0.8, 62.4, 64.9, 68.6]]);
  const kp = new MetricTable(columns, [[0, 0, 2, 0.1, 2, 0.1, 89.7, 90.0, 90.8], [1, 8000, 1, 0.8, 1, 0.8, 21.2, 25.4, 30.1]]);
  const [weights, errors] = chartsOf('align', FEEDBACK, [{ rule: 'fa', table: fa }, { rule: 'kp', table: kp }]);
  assert.deepEqual([weights.id, errors.id], ['angles', 'delta']);
  assert.deepEqual([weights.title, errors.title], ['Weights vs feedback', 'Error sent vs backprop\'s']); // short enough for a phone
  assert.deepEqual(weights.series.map((s) => [s.name, s.color]), [['FA ∠(W₁ᵀ, B)', RULES.fa.color], ['KP ∠(W₁ᵀ, B)', RULES.kp.color], ['90°', 6]]);
  assert.deepEqual(weights.series.map((s) => s.label), ['FA 62°', 'KP 21°', '90°']);
  assert.deepEqual(weights.series[2].points, [[0, 90], [20, 90]]);
  assert.deepEqual(weights.yRange, [0, 100]);
  assert.equal(weights.summary, 'Forward weights vs feedback: FA ∠(W₁ᵀ, B) 62° after 1 epoch; KP ∠(W₁ᵀ, B) 21° after 1 epoch.');
  assert.deepEqual(errors.series.map((s) => s.name), ['FA ∠(δ, δ_BP)', 'KP ∠(δ, δ_BP)', '90°']);
  assert.match(errors.summary, /FA ∠\(δ, δ_BP\) 65° after 1 epoch; KP ∠\(δ, δ_BP\) 25° after 1 epoch/);
  // Before the lanes are built, both charts are there with only their 90° line.
  const empty = chartsOf('align', FEEDBACK, [{ rule: 'fa', table: new MetricTable() }, { rule: 'kp', table: new MetricTable() }]);
  assert.deepEqual(empty.map((c) => c.series.map((s) => s.name)), [['90°'], ['90°']]);
});

test('the linear toy: test error relative to the start, and FA\'s update angle', () => {
  const columns = [...COLUMNS, 'angle_w_b0', 'angle_delta0', 'angle_update0'];
  const table = (losses) => new MetricTable(columns, losses.map((l, i) => [i, i * 1000, l, NaN, l, NaN, 80, 80, 90 - 10 * i]));
  const [error, update] = chartsOf('linear', FEEDBACK, [{ rule: 'bp', table: table([14, 2, 0.05]) }, { rule: 'fa', table: table([14, 4, 0.07]) }]);
  assert.deepEqual(error.series[0].points, [[0, 1], [1, 2 / 14], [2, 0.05 / 14]]);
  assert.deepEqual(error.yRange, [0, 1.02]);
  assert.equal(error.summary, 'Test error (mean squared error per example): BP 0.050 after 2 epochs; FA 0.070 after 2 epochs.');
  assert.equal(update.series[0].label, 'FA 70°');
  assert.equal(update.series.at(-1).value, 90);
});

test('labels beside the curves are pushed apart just enough, and stay in the chart', () => {
  assert.deepEqual(spread([50, 100], 0, 200), [50, 100]);
  assert.deepEqual(spread([50, 55, 56], 0, 200), [50, 50 + LABEL_HEIGHT, 50 + 2 * LABEL_HEIGHT]);
  const low = spread([195, 198], 0, 200);
  assert.deepEqual(low, [200 - LABEL_HEIGHT, 200]);
  assert.deepEqual(spread([], 0, 10), []);
  const crowded = spread([5, 5, 5, 5], 0, 30);
  for (let i = 1; i < crowded.length; i++) assert.equal(crowded[i] - crowded[i - 1], LABEL_HEIGHT);
  assert.equal(crowded[0], 0);
});

test('every figure is described: number, title and its rules', () => {
  assert.deepEqual(Object.keys(FIGURES), FEEDBACK_FIGURES);
  assert.deepEqual(FEEDBACK_FIGURES.map((id) => FIGURES[id].number), [1, 2, 3, 4, 5]);
  assert.deepEqual(FIGURES.race.rules({ ...FEEDBACK, 'race.rules': ['dfa'] }), ['dfa']);
});

/** An estimates table as the engine writes it: one row per (width, k), each rule's mean and sd. */
function estimatesTable(widths, ks, cos) {
  const columns = ['width', 'k', ...MEASURED.flatMap((r) => [r, `${r}_sd`])];
  const rows = widths.flatMap((w) => ks.map((k) => [w, k, ...MEASURED.flatMap((r) => [cos(r, w, k), k === ks.at(-1) ? NaN : 0.05])]));
  return new MetricTable(columns, rows);
}

test('the estimates figure: one engine lane with the figure\'s settings, its progress counted in widths', () => {
  const [e] = experimentsOf('estimates', FEEDBACK);
  assert.deepEqual(e, { rule: 'estimates', ...presetOf('estimates', null) });
  const state = parse('#v=1&chapter=feedback&estimates.widths=20,40&estimates.estimates=64&estimates.perturbation=0.05').state;
  assert.deepEqual(experimentsOf('estimates', state)[0], { ...e, widths: [20, 40], estimates: 64, perturbation: 0.05 });
  assert.deepEqual(formOf('estimates').map((g) => g.props.map((p) => p.field)), [['widths', 'estimates', 'perturbation'], ['batch', 'warmup', 'seed']]);
  assert.equal(progressText('race', state, [{ epoch: 1 }]), null);
  assert.equal(progressText('estimates', state, [{ epoch: 0.2 }]), 'Width 1 of 2: warming up 20 hidden units');
  assert.equal(progressText('estimates', state, [{ epoch: 1.7 }]), 'Width 2 of 2: measuring 40 hidden units');
  assert.equal(progressText('estimates', state, [{ epoch: 2 }]), '2 widths measured');
  assert.equal(middleWidth([10, 30, 100]), 30);
  assert.equal(middleWidth([25, 50, 100, 200]), 50);
});

test('the estimates charts: cosine against k at the middle width with ±sd bands, and one minibatch\'s cosine against width', () => {
  const state = { ...FEEDBACK, 'estimates.widths': [10, 30, 100], 'estimates.estimates': 4 };
  const bias = { bp: 1, fa: 0.8, sign: 0.85, np: 1, wp: 1 };
  const start = { bp: 0.3, fa: 0.25, sign: 0.28, np: 0.03, wp: 0.002 };
  const cos = (r, w, k) => Math.min(bias[r], start[r] * Math.sqrt(k) * (r === 'wp' ? 10 / w : 1));
  const table = estimatesTable([10, 30, 100], [1, 2, 4], cos);
  const [byK, byWidth] = chartsOf('estimates', state, [{ rule: 'estimates', table }]);
  assert.deepEqual([byK.id, byWidth.id], ['k', 'width']);
  // (A) at 30 hidden units, x = log₂ k, ticks 1, 2, 4; the band is mean ± sd where an sd exists.
  assert.deepEqual(byK.series.map((s) => [s.name, s.color]), MEASURED.map((r) => [RULES[r].name, RULES[r].color]));
  const wp = byK.series.find((s) => s.name === 'WP');
  assert.deepEqual(wp.points, [[0, cos('wp', 30, 1)], [1, cos('wp', 30, 2)], [2, cos('wp', 30, 4)]]);
  assert.deepEqual(wp.band.map((b) => b.map((v) => +v.toFixed(6))), [[0, +(cos('wp', 30, 1) - 0.05).toFixed(6), +(cos('wp', 30, 1) + 0.05).toFixed(6)], [1, +(cos('wp', 30, 2) - 0.05).toFixed(6), +(cos('wp', 30, 2) + 0.05).toFixed(6)]]);
  assert.deepEqual(byK.xDecades, [{ k: 0, text: '1' }, { k: 1, text: '2' }, { k: 2, text: '4' }]);
  assert.deepEqual([byK.xMin, byK.xMax], [0, 2]);
  assert.deepEqual(byK.yRange, [-0.1, 1]); // room for the bands below 0
  assert.equal(byK.series[0].label, 'BP 0.60');
  assert.match(byK.note, /DFA .* with one hidden layer it is FA/);
  assert.match(byK.summary, /at 30 hidden units: BP 0\.30 for one minibatch, 0\.60 for the average of 4; FA 0\.25 for one minibatch, 0\.50 for the average of 4;/);
  // (B) k = 1 at each width, on log axes: x = log₁₀ width with a tick per width, y from the decade below the smallest.
  const wpB = byWidth.series.find((s) => s.name === 'WP');
  assert.deepEqual(wpB.points.map(([x, y]) => [+x.toFixed(6), +y.toFixed(6)]), [[1, Math.log10(0.002)], [Math.log10(30), Math.log10(0.002 / 3)], [2, Math.log10(0.0002)]].map(([x, y]) => [+x.toFixed(6), +y.toFixed(6)]));
  assert.deepEqual(byWidth.xDecades.map((d) => d.text), ['10', '30', '100']);
  assert.deepEqual(byWidth.yRange, [-4, 0]);
  assert.match(byWidth.yLabel, /log scale/);
  assert.match(byWidth.summary, /WP 0\.0020 at 10, 0\.00067 at 30, 0\.00020 at 100\.$/);
  assert.equal(wpB.label, 'WP 0.00020');
  // Before any width is measured: empty curves, and the same axes.
  const empty = chartsOf('estimates', state, [{ rule: 'estimates', table: new MetricTable() }]);
  assert.deepEqual(empty.map((c) => c.series.every((s) => s.points.length === 0)), [true, true]);
  assert.match(empty[0].summary, /no data yet/);
});
