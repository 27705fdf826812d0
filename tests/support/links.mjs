// Checks on the links (URL hashes) of www/state/state.js shared by the chapters' unit tests.
import assert from 'node:assert/strict';
import { PROPS, parse, serialize } from '../../www/state/state.js';

/**
 * A chapter's link carries `chapter` and exactly the settings its forms show (embed and fig
 * aside); the engine settings a form does not show travel only when a link sets them.
 */
export function assertCarriesChapter(hash, chapter) {
  for (const p of PROPS) {
    if (p.key === 'embed' || p.key === 'fig') continue;
    const present = new RegExp(`[#&]${p.key.replace('.', '\\.')}=`).test(hash);
    assert.equal(present, p.key === 'chapter' || (p.chapter === chapter && p.shown !== false), `${p.key} in ${hash}`);
  }
}

/** A chapter's link with no settings opens every figure at `expected` (key → value), without notices. */
export function assertChapterDefaults(chapter, expected) {
  const { state, notices } = parse(`#v=1&chapter=${chapter}`);
  assert.deepEqual(notices, []);
  assert.equal(state.fig, '');
  for (const [key, value] of Object.entries(expected)) assert.deepEqual(state[key], value, key);
  return state;
}

/**
 * Figure `id`'s own link from `state` opens `chapter` at that figure, carries exactly the
 * settings its form shows (and only its own), and reads back without notices to the same values.
 */
export function assertFigureLinkRoundTrips(state, chapter, id) {
  const hash = serialize(state, { figure: id });
  assert.ok(hash.startsWith(`#v=1&chapter=${chapter}&fig=${id}&`), hash);
  const keys = hash.slice(1).split('&').slice(3).map((part) => part.split('=')[0]);
  for (const key of keys) assert.ok(key.startsWith(`${id}.`), `${key} in the ${id} link`);
  assert.equal(keys.length, PROPS.filter((p) => p.figure === id && p.shown).length);
  const again = parse(hash);
  assert.deepEqual(again.notices, []);
  assert.equal(again.state.fig, id);
  for (const key of keys) assert.deepEqual(again.state[key], state[key], key);
}
