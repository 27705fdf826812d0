// Checks on the links (URL hashes) of www/state/state.js shared by the chapters' unit tests.
import assert from 'node:assert/strict';
import { PROPS, parse } from '../../www/state/state.js';

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
