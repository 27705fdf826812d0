// node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, serialize, defaults, experimentOf, withData, coerce, prop, PROPS, VERSION } from '../../www/state/state.js';

test('the empty hash gives the engine defaults and no notices', () => {
  for (const hash of ['', '#', '#v=1']) {
    const { state, notices } = parse(hash);
    assert.deepEqual(notices, []);
    assert.equal(state.chapter, '');
    assert.equal(state.data, 'circles');
    assert.deepEqual(state.hidden, [8, 8]);
    assert.equal(state.activation, 'tanh');
    assert.equal(state.lr, 0.1);
    assert.equal(state.batch, 10);
    assert.equal(state.embed, false);
  }
});

test('serialize then parse gives back the same state', () => {
  const states = [
    { ...defaults(), chapter: 'backprop' },
    { ...defaults(), chapter: 'backprop', lr: 0.037, seed: 4294967295, hidden: [], activation: 'relu', loss: 'mse', embed: true },
    { ...defaults('mnist'), chapter: 'backprop', hidden: [500, 100, 3], batch: 1024, noise: 0, momentum: 0.9, speed: 'max' },
    { ...defaults('spiral'), chapter: 'backprop', init: 'zero', init_scale: 0, points: 5000, epochs: 10000 },
  ];
  for (const state of states) {
    const hash = serialize(state);
    assert.ok(hash.startsWith(`#v=${VERSION}&chapter=backprop`), hash);
    const back = parse(hash);
    assert.deepEqual(back.notices, [], hash);
    assert.deepEqual(back.state, state, hash);
    assert.equal(serialize(back.state), hash);
  }
});

test('a chapter link names every setting its form shows; the landing page only the version', () => {
  const hash = serialize({ ...defaults(), chapter: 'backprop' });
  for (const p of PROPS) {
    if (p.key === 'embed') continue;
    if (p.key === 'chapter' || (p.chapter === 'backprop' && p.shown)) assert.match(hash, new RegExp(`[#&]${p.key}=`), p.key);
    else assert.doesNotMatch(hash, new RegExp(`[#&]${p.key.replace('.', '\\.')}=`), p.key);
  }
  assert.doesNotMatch(hash, /embed=/);
  assert.equal(serialize(defaults()), '#v=1');
  assert.equal(serialize({ ...defaults(), embed: true }), '#v=1&embed=1');
  assert.match(serialize({ ...defaults(), chapter: 'backprop', hidden: [8, 4] }), /&hidden=8,4&/);
});

test('missing keys take the defaults of the chosen data set', () => {
  const { state, notices } = parse('#v=1&chapter=backprop&data=mnist&hidden=500');
  assert.deepEqual(notices, []);
  assert.equal(state.data, 'mnist');
  assert.deepEqual(state.hidden, [500]);
  assert.equal(state.activation, 'sigmoid');
  assert.equal(state.lr, 1);
  assert.equal(state.batch, 32);
  assert.equal(state.epochs, 20);
  // …and explicit values still win over the preset.
  assert.equal(parse('#data=mnist&lr=0.5&activation=relu').state.lr, 0.5);
  assert.equal(parse('#data=mnist&lr=0.5&activation=relu').state.activation, 'relu');
});

test('out-of-range numbers are clamped, with a notice naming the setting; seeds are refused', () => {
  const { state, notices } = parse('#v=1&chapter=backprop&lr=50&batch=-5&epochs=0&noise=3&seed=99999999999');
  assert.equal(state.lr, 10);
  assert.equal(state.batch, 1);
  assert.equal(state.epochs, 1);
  assert.equal(state.noise, 1);
  // The engine declares seeds exact (another seed is another run): refused, not clamped.
  assert.equal(state.seed, 1);
  assert.ok(notices.includes('seed: "99999999999" is not between 0 and 4294967295; using 1.'), notices.join('\n'));
  assert.equal(notices.length, 5);
  assert.ok(notices.some((n) => n.startsWith('learning rate') && n.includes('maximum 10')), notices.join('\n'));
  assert.ok(notices.some((n) => n.startsWith('batch size') && n.includes('minimum 1')), notices.join('\n'));
});

test('whole-number settings are rounded, with a notice', () => {
  const { state, notices } = parse('#batch=12.6');
  assert.equal(state.batch, 13);
  assert.equal(notices.length, 1);
  assert.match(notices[0], /rounded to 13/);
});

test('malformed values fall back to the default with a notice', () => {
  const { state, notices } = parse('#v=1&chapter=backprop&lr=abc&activation=softmax&data=imagenet&hidden=8,,8&embed=maybe&seed=0x10&lr_=1');
  const d = defaults();
  assert.equal(state.lr, d.lr);
  assert.equal(state.activation, d.activation);
  assert.equal(state.data, 'circles');
  assert.deepEqual(state.hidden, d.hidden);
  assert.equal(state.embed, false);
  assert.equal(state.seed, d.seed);
  assert.equal(notices.length, 7, notices.join('\n'));
  assert.ok(notices.some((n) => n.includes('"abc"') && n.includes('using 0.1')), notices.join('\n'));
  assert.ok(notices.some((n) => n.includes('does not know: "lr_"')), notices.join('\n'));
  assert.ok(notices.some((n) => n.includes('"imagenet"')), notices.join('\n'));
});

test('a hostile hash gives defaults and clamped values, never markup', () => {
  const hash = '#v=1&lr=abc&hidden=9999999,<script>&batch=-5&chapter=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E';
  const { state, notices } = parse(hash);
  assert.equal(state.lr, 0.1);
  assert.deepEqual(state.hidden, [8, 8]);
  assert.equal(state.batch, 1);
  assert.equal(state.chapter, '');
  assert.equal(notices.length, 4, notices.join('\n'));
  // The state holds only allowed values, so nothing the link said can reach the page as markup.
  for (const [key, value] of Object.entries(state)) {
    if (value !== undefined) assert.doesNotMatch(JSON.stringify(value), /[<>]/, key);
  }
  // The round trip is clean once the bad values are replaced.
  assert.deepEqual(parse(serialize(state)).notices, []);
});

test('widths are clamped one by one, and at most 12 layers are kept', () => {
  assert.deepEqual(parse('#hidden=9999999,4').state.hidden, [2048, 4]);
  assert.deepEqual(parse('#hidden=0').state.hidden, [1]);
  const many = parse(`#hidden=${Array(20).fill(3).join(',')}`);
  assert.equal(many.state.hidden.length, 12);
  assert.equal(many.notices.length, 1);
  assert.deepEqual(parse('#hidden=').state.hidden, []);
  assert.deepEqual(parse('#hidden=%208%20,%204').state.hidden, [8, 4]);
});

test('unknown keys are ignored with one notice naming them; the last of repeated keys wins', () => {
  const { state, notices } = parse('#v=1&foo=bar&__proto__=x&constructor=1&lr=0.3&lr=0.2&&=&toString');
  assert.deepEqual(notices, ['Ignored settings this page does not know: "foo", "__proto__", "constructor" and 2 more.']);
  assert.deepEqual(parse('#v=1&chapter=backprop&speed=max&colour=red').notices, ['Ignored a setting this page does not know: "colour".']);
  assert.equal(state.lr, 0.2);
  assert.equal(Object.getPrototypeOf(state), Object.prototype);
  assert.equal({}.polluted, undefined);
});

test('bad URL encoding, other versions and huge hashes give notices, not exceptions', () => {
  const bad = parse('#v=1&lr=%E0%A4%A&batch=20');
  assert.equal(bad.state.batch, 20);
  assert.equal(bad.state.lr, 0.1);
  assert.equal(bad.notices.length, 1);
  assert.match(parse('#v=2&lr=0.3').notices[0], /version "2"/);
  assert.equal(parse('#v=2&lr=0.3').state.lr, 0.3);
  const huge = parse(`#lr=0.2&${'x'.repeat(100000)}`);
  assert.equal(huge.state.lr, 0.2);
  assert.equal(huge.notices.length, 2, huge.notices.join('\n')); // too long, and the cut key is unknown
  for (const junk of [undefined, null, 42, '#%', '#=&=&', '#&&&', '#chapter']) {
    assert.doesNotThrow(() => parse(junk));
  }
});

test('the experiment is the engine JSON: the rule tag plus every experiment field', () => {
  const state = { ...defaults(), chapter: 'backprop', hidden: [4], speed: 'max', embed: true };
  const e = experimentOf(state);
  assert.equal(e.rule, 'bp');
  assert.deepEqual(e.hidden, [4]);
  assert.equal(e.lr, 0.1);
  for (const key of ['chapter', 'speed', 'embed']) assert.ok(!(key in e), key);
  e.hidden.push(9); // a copy: the state is not changed through it
  assert.deepEqual(state.hidden, [4]);
});

test('switching between toy sets keeps the settings; to MNIST and back loads presets', () => {
  const toy = { ...defaults(), chapter: 'backprop', lr: 0.3, hidden: [5], seed: 7 };
  const spiral = withData(toy, 'spiral');
  assert.equal(spiral.lr, 0.3);
  assert.deepEqual(spiral.hidden, [5]);
  const mnist = withData(spiral, 'mnist');
  assert.deepEqual(mnist.hidden, [500]);
  assert.equal(mnist.lr, 1);
  assert.equal(mnist.seed, 7);
  assert.equal(mnist.chapter, 'backprop');
  const back = withData(mnist, 'xor');
  assert.deepEqual(back.hidden, [8, 8]);
  assert.equal(back.activation, 'tanh');
  assert.equal(withData(toy, 'nonsense'), toy);
});

test('coerce reads control values with the same rules as the hash', () => {
  assert.deepEqual(coerce(prop('hidden'), '16, 4'), { value: [16, 4], notes: [] });
  assert.ok(coerce(prop('hidden'), '16;4').error);
  // The engine's learning rate is above 0 (an open end): 0 is refused, not moved.
  assert.match(coerce(prop('lr'), '0').error, /must be above 0/);
  assert.ok(coerce(prop('lr'), '').error);
  assert.ok(coerce(prop('lr'), 'Infinity').error);
  assert.ok(coerce(prop('lr'), '1e999').error);
  assert.equal(coerce(prop('lr'), '1e-3').value, 0.001);
});

test('a classroom link hides the fields of known settings; their values still apply', () => {
  const { state, notices } = parse('#v=1&chapter=backprop&lr=0.3&batch_hide=1&lr_hide=1&epochs_hide=0');
  assert.deepEqual(notices, []);
  assert.deepEqual(state.hide, ['lr', 'batch']); // in link order, whatever the hash's order
  assert.equal(state.lr, 0.3);
  const hash = serialize(state);
  assert.match(hash, /&lr=0\.3&/);
  assert.ok(hash.endsWith('&lr_hide=1&batch_hide=1'), hash);
  assert.deepEqual(parse(hash).state, state);
  assert.deepEqual(defaults().hide, []);
});

test('hide keys of unknown settings, of page keys and of settings with no field get the unknown-key notice', () => {
  const { state, notices } = parse('#v=1&chapter=backprop&chapter_hide=1&nope_hide=1&race.lr_hide=1&_hide=1');
  assert.deepEqual(state.hide, []);
  assert.equal(notices.length, 1);
  assert.match(notices[0], /does not know: "chapter_hide", "nope_hide", "race\.lr_hide" and 1 more\./);
});

test('a hide key with an unreadable value names the setting and shows the field', () => {
  const { state, notices } = parse('#v=1&chapter=backprop&lr_hide=maybe');
  assert.deepEqual(state.hide, []);
  assert.deepEqual(notices, ['hiding learning rate: "maybe" is not 0 or 1; the field is shown.']);
});

test('a figure link keeps only that figure\'s hidden fields; a chapter link only its chapter\'s', () => {
  const { state } = parse('#v=1&chapter=feedback&linear.seed_hide=1&align.seed_hide=1&lr_hide=1');
  assert.deepEqual(state.hide, ['lr', 'align.seed', 'linear.seed']);
  assert.match(serialize(state, { figure: 'linear' }), /&linear\.seed_hide=1$/);
  assert.doesNotMatch(serialize(state, { figure: 'linear' }), /align\.seed_hide|[#&]lr_hide/);
  assert.ok(serialize(state).endsWith('&align.seed_hide=1&linear.seed_hide=1'));
});
