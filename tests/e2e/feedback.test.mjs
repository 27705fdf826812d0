// End-to-end test of the Random feedback chapter in headless Chromium.
//   source scripts/env.sh && wasm_env trunk build --release
//   node --test --test-concurrency=1 tests/e2e/feedback.test.mjs
// Serves dist/ from a static server started here, trains each figure as a reader would, and
// checks what the reader sees: the readout tables, the charts' text alternatives, and the
// inked pixels of the charts. Screenshots go to artifacts/; the race is copied to docs/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACTS, ROOT, siteSuite, itStayedClean } from '../support/site.mjs';
import { fig, phaseIs, readouts, epochsReached, inkOf, openFromLanding, assertLeavingStops, assertEmbedsAlone, openWithNotices } from '../support/figures.mjs';

const COLORS = { bp: [0, 114, 178], fa: [213, 94, 0], dfa: [0, 158, 115], kp: [86, 180, 233], np: [120, 120, 120], wp: [240, 228, 66], shallow: [230, 159, 0] };

describe('the Random feedback chapter', { timeout: 240000 }, () => {
  const measured = {};
  const site = siteSuite(measured);
  const open = (hash, options) => site.open(hash, options);

  it('the landing card is live and the chapter shows its prose, papers and five figures', async () => {
    const page = await openFromLanding(site, 'Random feedback', 'feedback', ['weight transport', 'Lillicrap', 'Nature Communications', 'Nøkland (2016)', 'Liao', 'sign symmetry',
      'Kolen', 'node perturbation', 'weight perturbation', 'Williams', 'Jabri', 'Fiete', 'Akrout', 'Backpropagation and the brain']);
    assert.equal(await page.locator('.fb-figure').count(), 5);
    // Every Train button says which figure it trains; nothing trains by itself.
    const labels = await page.$$eval('.fb-figure [data-el="train"]', (bs) => bs.map((b) => b.getAttribute('aria-label')));
    assert.deepEqual(labels, [...[1, 2, 3, 4].map((n) => `Train (figure ${n})`), 'Run (figure 5)']);
    // Workers start when a figure comes into view; then the keyboard order inside it is:
    // the buttons, then its settings.
    assert.equal(await page.getAttribute(fig('race'), 'data-engine'), 'idle');
    await page.locator(fig('race')).scrollIntoViewIfNeeded();
    await phaseIs(page, 'race', 'paused', 40000);
    await page.focus(`${fig('race')} [data-el="train"]`);
    const order = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement.dataset.el || document.activeElement.name));
    }
    assert.deepEqual(order, ['step', 'reset', 'key-list']); // then the keys line, then the form
    assert.equal(await page.getAttribute(fig('linear'), 'data-engine'), 'idle', 'a figure out of view started');
    await page.close();
  });

  it('the linear toy trains to the end: FA follows BP, shallow stalls, the update angle is below 90°', async () => {
    const page = await open('#v=1&chapter=feedback&fig=linear');
    await phaseIs(page, 'linear', 'paused');
    const t0 = Date.now();
    await page.locator(`${fig('linear')} .figure-head h2`).click(); // the reader's figure now (keys act on it alone)
    await page.keyboard.press('Space');
    await phaseIs(page, 'linear', 'training', 3000);
    await phaseIs(page, 'linear', 'finished', 30000);
    measured.linearSeconds = (Date.now() - t0) / 1000;
    await page.waitForTimeout(600); // the readouts follow within 400 ms
    const r = await readouts(page, 'linear');
    assert.deepEqual(Object.keys(r), ['bp', 'fa', 'shallow']);
    for (const lane of Object.values(r)) {
      assert.equal(lane.epoch, 20);
      assert.equal(lane.state, 'finished');
    }
    measured.linear = { bp: r.bp.metric, fa: r.fa.metric, shallow: r.shallow.metric };
    assert.ok(r.fa.metric < 2 * r.bp.metric, `FA's test error ${r.fa.metric} is not within 2× BP's ${r.bp.metric}`);
    assert.ok(r.shallow.metric > 5 * r.bp.metric, `shallow (${r.shallow.metric}) should stall well above BP (${r.bp.metric})`);
    const update = await page.getAttribute(`${fig('linear')} canvas[data-chart="update"]`, 'aria-label');
    const angle = Number(/∠\(ΔW_FA, ΔW_BP\) (\d+)° after 20 epochs/.exec(update)?.[1]);
    measured.linearUpdateAngle = angle;
    assert.ok(angle < 90, `the update angle is ${angle}° (${update})`);
    const error = await page.getAttribute(`${fig('linear')} canvas[data-chart="error"]`, 'aria-label');
    assert.match(error, /^Test error \(mean squared error per example\): BP [\d.]+ after 20 epochs; FA [\d.]+ after 20 epochs; Shallow [\d.]+ after 20 epochs\.$/);
    for (const rule of ['bp', 'fa', 'shallow']) {
      assert.ok(await inkOf(page, `${fig('linear')} canvas[data-chart="error"]`, COLORS[rule]) > 100, `no ${rule} curve`);
    }
    assert.ok(await page.isDisabled(`${fig('linear')} [data-el="train"]`), 'Train stays enabled after the end');
    await page.locator(fig('linear')).screenshot({ path: join(ARTIFACTS, 'feedback-linear.png') });

    // Reset rebuilds the same run: same seed, same start.
    await page.keyboard.press('r');
    await phaseIs(page, 'linear', 'paused', 5000);
    await page.waitForTimeout(600);
    assert.deepEqual(Object.values(await readouts(page, 'linear')).map((l) => l.epoch), [0, 0, 0]);
    await page.close();
  });

  it('the MNIST race: four workers, four curves, BP, FA and KP above 80 % within two epochs', async () => {
    const page = await open('#v=1&chapter=feedback&fig=race');
    await phaseIs(page, 'race', 'paused', 40000); // loads the digits once, builds four networks
    // Only the settings of the lanes that run show: KP's weight decay, not the perturbation size.
    assert.ok(await page.isVisible('#race-weight-decay'));
    assert.ok(await page.isHidden('#race-perturbation'));
    const t0 = Date.now();
    await page.click(`${fig('race')} [data-el="train"]`);
    await phaseIs(page, 'race', 'training', 3000);
    assert.equal(await page.textContent(`${fig('race')} [data-el="train"]`), 'Pause');
    await epochsReached(page, 'race', ['bp', 'fa', 'kp'], 2, 90000);
    measured.raceTwoEpochsSeconds = (Date.now() - t0) / 1000;
    const r = await readouts(page, 'race');
    measured.raceAfterTwoEpochs = r;
    await page.locator(fig('race')).screenshot({ path: join(ARTIFACTS, 'feedback-race-live.png') });
    assert.deepEqual(Object.keys(r), ['bp', 'fa', 'kp', 'shallow']);
    for (const rule of ['bp', 'fa', 'kp']) {
      assert.ok(r[rule].metric > 80, `${rule} test accuracy after two epochs is ${r[rule].metricText}`);
    }
    for (const rule of Object.keys(r)) {
      assert.ok(r[rule].rate > 0, `no samples/s for ${rule}`);
      assert.equal(r[rule].state, 'training');
    }

    // Out of view, the race holds (its workers idle); back in view, it goes on.
    await page.locator(fig('deep')).scrollIntoViewIfNeeded();
    await phaseIs(page, 'race', 'paused', 3000);
    await page.waitForTimeout(400);
    const held = (await readouts(page, 'race')).bp.epoch;
    await page.waitForTimeout(1200);
    assert.equal((await readouts(page, 'race')).bp.epoch, held, 'the race trained while out of view');
    assert.match(await page.textContent(`${fig('race')} [data-el="status"]`), /paused while out of view$/);
    assert.equal(await page.getAttribute(fig('deep'), 'data-engine'), 'paused', 'the figure in view did not start');
    await page.locator(fig('race')).scrollIntoViewIfNeeded();
    await phaseIs(page, 'race', 'training', 3000);

    // Let it run to its end (20 epochs, under a minute here), then look at the chart.
    await phaseIs(page, 'race', 'finished', 150000);
    measured.raceTwentyEpochsSeconds = (Date.now() - t0) / 1000;
    await page.waitForTimeout(600);
    const end = await readouts(page, 'race');
    measured.raceAfterTwentyEpochs = end;
    for (const rule of ['fa', 'kp']) {
      assert.ok(end[rule].metric > end.shallow.metric + 5, `${rule} (${end[rule].metricText}) is not clearly above shallow (${end.shallow.metricText})`);
      assert.ok(end[rule].metric > end.bp.metric - 5, `${rule} (${end[rule].metricText}) is far below BP (${end.bp.metricText})`);
    }
    await page.locator(fig('race')).screenshot({ path: join(ARTIFACTS, 'feedback.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'feedback-page.png') });
    // Four curves: each rule has its colour on the chart.
    const chart = `${fig('race')} canvas[data-chart="acc"]`;
    for (const rule of ['bp', 'fa', 'kp', 'shallow']) {
      const ink = await inkOf(page, chart, COLORS[rule]);
      assert.ok(ink > 50, `the ${rule} curve is not visible (${ink} pixels)`);
    }
    const summary = await page.getAttribute(chart, 'aria-label');
    assert.match(summary, /^Test accuracy: BP [\d.]+ % after 20 epochs; FA [\d.]+ % after 20 epochs; KP [\d.]+ % after 20 epochs; Shallow [\d.]+ % after 20 epochs\.$/);
    assert.equal(await page.locator(`${fig('race')} .direct-label`).count(), 4);
    assert.doesNotMatch(await page.textContent(`${fig('race')} .legend`), /DFA/);
    // The README's screenshot is refreshed only on request (UPDATE_DOCS=1), so tests leave the tree clean.
    if (process.env.UPDATE_DOCS) await copyFile(join(ARTIFACTS, 'feedback.png'), join(ROOT, 'docs', 'feedback.png'));

    // DFA for shallow and another seed: the race rebuilds, and the URL says so.
    await page.uncheck(`${fig('race')} input[name="race.rules"][value="shallow"]`);
    await page.check(`${fig('race')} input[name="race.rules"][value="dfa"]`);
    await page.fill('#race-seed', '7');
    await page.press('#race-seed', 'Enter');
    await phaseIs(page, 'race', 'paused', 20000);
    assert.match(page.url(), /race\.rules=bp,fa,dfa,kp&race\.feedback_scale=5&race\.feedback_dist=gaussian&race\.weight_decay=[\d.e-]+&race\.perturbation=[\d.e-]+&race\.epochs=20&race\.stop_at=0&race\.seed=7&/);
    await page.waitForTimeout(600);
    assert.deepEqual(Object.keys(await readouts(page, 'race')), ['bp', 'fa', 'dfa', 'kp']);
    // Where DFA runs, the figure says why its curve is FA's; after an epoch the two lie on one line.
    const legend = `${fig('race')} .legend`;
    assert.match(await page.textContent(legend), /With one hidden layer DFA is FA: .*same matrix/);
    await page.click(`${fig('race')} [data-el="step"]`);
    await epochsReached(page, 'race', ['bp', 'fa', 'dfa', 'kp'], 1, 30000);
    await page.waitForFunction((selector) => /FA and DFA coincide/.test(document.querySelector(selector).textContent), legend, { timeout: 5000 });
    const stepped = await readouts(page, 'race');
    assert.equal(stepped.dfa.metricText, stepped.fa.metricText);
    // Leaving the chapter stops a training figure.
    await page.click(`${fig('race')} [data-el="train"]`);
    await assertLeavingStops(page, 'race', 'backprop');
    await page.close();
  });

  it('a race of KP, NP and WP beside BP trains an epoch, and its link round-trips', async () => {
    const hash = '#v=1&chapter=feedback&fig=race&race.rules=bp,kp,np,wp&race.weight_decay=0.0005&race.perturbation=0.02&race.epochs=1&race.seed=3';
    const page = await open(hash);
    await phaseIs(page, 'race', 'paused', 40000);
    const settings = 'race.rules=bp,kp,np,wp&race.feedback_scale=5&race.feedback_dist=gaussian&race.weight_decay=0.0005&race.perturbation=0.02&race.epochs=1&race.stop_at=0&race.seed=3';
    assert.ok(page.url().includes(`#v=1&chapter=feedback&fig=race&${settings}&`), page.url());
    const boxes = () => page.$$eval(`${fig('race')} input[name="race.rules"]:checked`, (bs) => bs.map((b) => b.value));
    assert.deepEqual(await boxes(), ['bp', 'kp', 'np', 'wp']);
    assert.equal(await page.inputValue('#race-perturbation'), '0.02');
    assert.equal(await page.inputValue('#race-weight-decay'), '0.0005');
    assert.ok(await page.isVisible('#race-perturbation'));
    // No FA or DFA lane: the scale of their random feedback is no setting of any lane here (KP's comes from its preset).
    assert.ok(await page.isHidden('#race-feedback-scale'));
    const t0 = Date.now();
    await page.click(`${fig('race')} [data-el="train"]`);
    await phaseIs(page, 'race', 'finished', 120000);
    measured.perturbationRaceOneEpochSeconds = (Date.now() - t0) / 1000;
    await page.waitForTimeout(600);
    const r = await readouts(page, 'race');
    measured.perturbationRace = r;
    assert.deepEqual(Object.keys(r), ['bp', 'kp', 'np', 'wp']);
    for (const [rule, lane] of Object.entries(r)) {
      assert.equal(lane.epoch, 1, rule);
      assert.equal(lane.state, 'finished', rule);
      assert.ok(lane.rate > 0, `no samples/s for ${rule}`);
    }
    assert.ok(r.kp.metric > 80, `KP after one epoch: ${r.kp.metricText}`);
    const chart = `${fig('race')} canvas[data-chart="acc"]`;
    assert.match(await page.getAttribute(chart, 'aria-label'), /^Test accuracy: BP [\d.]+ % after 1 epoch; KP [\d.]+ % after 1 epoch; NP [\d.]+ % after 1 epoch; WP [\d.]+ % after 1 epoch\.$/);
    for (const rule of ['kp', 'wp']) assert.ok(await inkOf(page, chart, COLORS[rule]) > 50, `no ${rule} curve`);
    await page.locator(fig('race')).screenshot({ path: join(ARTIFACTS, 'feedback-race-perturbation.png') });

    // The page's own link opens the same race in a fresh page.
    const again = await open(new URL(page.url()).hash);
    await phaseIs(again, 'race', 'paused', 40000);
    assert.ok(again.url().includes(`&${settings}&`), again.url());
    assert.equal(await again.inputValue('#race-perturbation'), '0.02');
    assert.equal(await again.inputValue('#race-weight-decay'), '0.0005');
    await again.close();

    // Without NP and WP the perturbation size is no setting of any lane: it hides, and stays in the link.
    await page.uncheck(`${fig('race')} input[name="race.rules"][value="np"]`);
    await page.uncheck(`${fig('race')} input[name="race.rules"][value="wp"]`);
    await page.waitForFunction(() => /race\.rules=bp,kp&/.test(location.hash));
    assert.ok(await page.isHidden('#race-perturbation'));
    assert.match(page.url(), /&race\.perturbation=0\.02&/);
    await page.close();
  });

  it('the alignment figure: FA\'s and KP\'s angles start near 90° and fall below 60°, KP\'s feedback closer to the transpose', async () => {
    const page = await open('#v=1&chapter=feedback&fig=align&align.epochs=3');
    await phaseIs(page, 'align', 'paused', 40000);
    const weights = `${fig('align')} canvas[data-chart="angles"]`;
    const errors = `${fig('align')} canvas[data-chart="delta"]`;
    const angles = (text) => Object.fromEntries([...text.matchAll(/(FA|KP) ∠\([^)]*\) (\d+)° after (\d+) epoch/g)].map((m) => [m[1], Number(m[2])]));
    // Both lanes' untrained rows drawn (the text alternatives follow the drawing).
    await page.waitForFunction((sels) => sels.every((s) => /FA ∠.*KP ∠/.test(document.querySelector(s)?.getAttribute('aria-label') ?? '')), [weights, errors], { timeout: 10000 });
    const start = { weights: angles(await page.getAttribute(weights, 'aria-label')), errors: angles(await page.getAttribute(errors, 'aria-label')) };
    measured.alignStart = start;
    for (const chart of Object.values(start)) {
      assert.deepEqual(Object.keys(chart), ['FA', 'KP']);
      for (const a of Object.values(chart)) assert.ok(a > 80 && a < 100, `starting angle ${a}° (${JSON.stringify(start)})`);
    }
    await page.click(`${fig('align')} [data-el="train"]`);
    await phaseIs(page, 'align', 'finished', 90000);
    // The status line speaks at most once a second.
    await page.waitForFunction(() => /^Epoch 3 of 3 · finished$/.test(document.querySelector('[data-figure="align"] [data-el="status"]').textContent), null, { timeout: 3000 });
    const text = await page.getAttribute(weights, 'aria-label');
    assert.match(text, /^Forward weights vs feedback: FA ∠\(W₁ᵀ, B\) \d+° after 3 epochs; KP ∠\(W₁ᵀ, B\) \d+° after 3 epochs\.$/);
    const end = { weights: angles(text), errors: angles(await page.getAttribute(errors, 'aria-label')) };
    measured.alignEnd = end;
    for (const chart of Object.values(end)) for (const a of Object.values(chart)) assert.ok(a < 60, `angle after 3 epochs is ${a}° (${JSON.stringify(end)})`);
    assert.ok(end.weights.KP < end.weights.FA, `KP's feedback (${end.weights.KP}°) is not closer to W₁ᵀ than FA's (${end.weights.FA}°)`);
    for (const chart of [weights, errors]) {
      assert.ok(await inkOf(page, chart, [120, 120, 120]) > 100, 'no 90° line');
      for (const rule of ['fa', 'kp']) assert.ok(await inkOf(page, chart, COLORS[rule]) > 50, `no ${rule} curve`);
    }
    assert.deepEqual(Object.keys(await readouts(page, 'align')), ['fa', 'kp']);
    // KP's weight decay is one of the figure's settings, and reaches only KP's lane.
    assert.ok(await page.isVisible('#align-weight-decay'));
    await page.locator(fig('align')).screenshot({ path: join(ARTIFACTS, 'feedback-align.png') });
    await page.close();
  });

  it('the estimates figure measures two widths: averaging helps BP and NP, FA stays below BP', async () => {
    const page = await open('#v=1&chapter=feedback&fig=estimates&estimates.widths=10,20&estimates.estimates=64');
    await phaseIs(page, 'estimates', 'paused', 40000);
    assert.equal(await page.textContent(`${fig('estimates')} [data-el="train"]`), 'Run');
    assert.equal(await page.inputValue('#estimates-widths'), '10,20');
    const t0 = Date.now();
    await page.click(`${fig('estimates')} [data-el="train"]`);
    await phaseIs(page, 'estimates', 'finished', 60000);
    measured.estimatesSeconds = (Date.now() - t0) / 1000;
    await page.waitForFunction(() => /^2 widths measured · finished$/.test(document.querySelector('[data-figure="estimates"] [data-el="status"]').textContent), null, { timeout: 3000 });
    const byK = await page.getAttribute(`${fig('estimates')} canvas[data-chart="k"]`, 'aria-label');
    measured.estimatesByK = byK;
    assert.match(byK, /at 10 hidden units: BP /);
    const cos = Object.fromEntries([...byK.matchAll(/(BP|FA|Sign|NP|WP) (-?[\d.e-]+) for one minibatch, (-?[\d.e-]+) for the average of 64/g)].map((m) => [m[1], [Number(m[2]), Number(m[3])]]));
    assert.deepEqual(Object.keys(cos), ['BP', 'FA', 'Sign', 'NP', 'WP'], byK);
    assert.ok(cos.BP[1] > 0.9 && cos.BP[1] > cos.BP[0], `BP: ${cos.BP}`);
    assert.ok(cos.NP[1] > 2 * cos.NP[0], `NP does not climb with averaging: ${cos.NP}`);
    assert.ok(cos.FA[1] < cos.BP[1], `FA (${cos.FA}) is not below BP (${cos.BP})`);
    const byWidth = await page.getAttribute(`${fig('estimates')} canvas[data-chart="width"]`, 'aria-label');
    assert.match(byWidth, /WP -?[\d.e-]+ at 10, -?[\d.e-]+ at 20\.$/);
    // The bands and the curves are drawn: BP's blue, and its lighter band.
    assert.ok(await inkOf(page, `${fig('estimates')} canvas[data-chart="k"]`, COLORS.bp) > 50, 'no BP curve');
    assert.match(await page.textContent(`${fig('estimates')} .legend`), /with one hidden layer it is FA/);
    assert.match(page.url(), /&fig=estimates&.*estimates\.widths=10,20&estimates\.estimates=64&/);
    await page.locator(fig('estimates')).screenshot({ path: join(ARTIFACTS, 'feedback-estimates.png') });
    await page.close();
  });

  it('a bad hash gives a notice and the defaults; an engine error shows in its figure', async () => {
    const { page, text } = await openWithNotices(site, '#v=1&chapter=feedback&race.seed=-1&race.feedback_scale=abc&linear.epochs=5000&race.rules=<b>x</b>&linear.feedback_scale=100&fig=linear');
    assert.match(text, /race seed: "-1" is not between 0 and 4294967295; using 1/);
    assert.match(text, /race scale of B: "abc" is not a number; using 5/);
    assert.match(text, /linear toy epochs: "5000" is above the maximum 500; using 500/);
    assert.match(text, /race rules: "<b>x<\/b>" is not one of/);
    assert.equal(await page.locator('[data-el="notices"] b').count(), 0);
    assert.equal(await page.inputValue('#race-seed'), '1');
    assert.equal(await page.inputValue('#race-feedback-scale'), '5');
    assert.equal(await page.inputValue('#linear-epochs'), '500');
    assert.ok(await page.isChecked(`${fig('race')} input[name="race.rules"][value="kp"]`));
    assert.match(page.url(), /race\.rules=bp,fa,kp,shallow&race\.feedback_scale=5&race\.feedback_dist=gaussian&race\.weight_decay=[\d.e-]+&race\.perturbation=[\d.e-]+&race\.epochs=20&race\.stop_at=0&race\.seed=1&/);

    // Feedback 100 times too strong: FA diverges, says so in the figure, the others go on.
    await phaseIs(page, 'linear', 'paused');
    await page.click(`${fig('linear')} [data-el="train"]`);
    const alert = page.locator(`${fig('linear')} [data-el="alert"]`);
    await alert.waitFor({ timeout: 20000 });
    assert.match(await alert.textContent(), /^FA: Training diverged at epoch [\d.]+/);
    await page.waitForFunction(() => /diverged/.test(document.querySelector('[data-figure="linear"] tr[data-rule="fa"] td[data-col="state"]')?.textContent));
    await page.fill('#linear-epochs', '20');
    await page.press('#linear-epochs', 'Enter');
    await page.fill('#linear-feedback-scale', '1');
    await page.press('#linear-feedback-scale', 'Enter');
    await page.waitForFunction(() => document.querySelector('[data-figure="linear"] [data-el="alert"]').hidden);
    // A value typed into a field is checked the same way, and refused visibly.
    await page.fill('#linear-feedback-scale', 'lots');
    await page.press('#linear-feedback-scale', 'Enter');
    assert.equal(await page.getAttribute('#linear-feedback-scale', 'aria-invalid'), 'true');
    assert.match(await page.textContent('#linear-feedback-scale-msg'), /not a number/);
    await page.close();
  });

  it('one figure embeds alone, and trains: DFA learns a deep net from zero, BP does not', async () => {
    const page = await open('#v=1&chapter=feedback&embed=1&fig=deep&deep.epochs=1');
    await phaseIs(page, 'deep', 'paused', 40000);
    await assertEmbedsAlone(page, 'feedback', 'deep', ['race', 'align', 'linear', 'estimates']);
    assert.ok(await page.isVisible(`${fig('deep')} h2`));
    const full = await page.getAttribute(`${fig('deep')} [data-el="open-full"]`, 'href');
    assert.match(full, /#v=1&chapter=feedback&fig=deep&deep\.depth=10&deep\.init=zero&deep\.epochs=1&deep\.seed=1$/);
    const t0 = Date.now();
    await page.click(`${fig('deep')} [data-el="train"]`);
    await phaseIs(page, 'deep', 'finished', 60000);
    measured.deepOneEpochSeconds = (Date.now() - t0) / 1000;
    await page.waitForTimeout(600);
    const r = await readouts(page, 'deep');
    measured.deep = r;
    assert.ok(r.dfa.metric > 70, `DFA after one epoch: ${r.dfa.metricText}`);
    assert.ok(r.bp.metric < 20, `BP from zero should not learn: ${r.bp.metricText}`);
    await page.screenshot({ path: join(ARTIFACTS, 'feedback-deep-embed.png') });

    // "Copy embed code" gives an iframe of exactly this figure.
    await site.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
    await page.click(`${fig('deep')} [data-el="copy-embed"]`);
    await page.waitForFunction(() => /Embed code copied/.test(document.querySelector('[data-figure="deep"] [data-el="share-message"]').textContent));
    const code = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/#v=1&amp;chapter=feedback&amp;fig=deep&amp;deep\.depth=10&amp;deep\.init=zero&amp;deep\.epochs=1&amp;deep\.seed=1&amp;embed=1" title="brainprop: Random feedback, figure 4: Deep, from zero"/);
    await page.close();
  });

  it('with reduced motion the linear toy still trains and draws, less often', async () => {
    const page = await open('#v=1&chapter=feedback&fig=linear&linear.epochs=5', { reducedMotion: 'reduce' });
    await phaseIs(page, 'linear', 'paused');
    await page.click(`${fig('linear')} [data-el="train"]`);
    await phaseIs(page, 'linear', 'finished', 20000);
    await page.waitForFunction(() => /FA [\d.]+ after 5 epochs/.test(document.querySelector('[data-figure="linear"] canvas[data-chart="error"]').getAttribute('aria-label')), null, { timeout: 3000 });
    assert.ok(await inkOf(page, `${fig('linear')} canvas[data-chart="error"]`, COLORS.fa) > 50);
    await page.close();
  });

  itStayedClean(site);
});
