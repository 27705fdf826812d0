// The "Classroom link" panel's markup (www/figures/classroom.js): one labelled checkbox per
// setting a figure's form shows, for every figure, with unique ids; its copy controls use the
// `classroom-` names bindShare looks up. The panel at work: tests/e2e/classroom.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classroomMarkup } from '../../www/figures/classroom.js';
import { formOf, hideable, PROPS } from '../../www/state/state.js';

const FIGURE_IDS = [...new Set(PROPS.filter((p) => p.figure).map((p) => p.figure))];

test('every figure\'s panel has one labelled checkbox per setting its form shows, each a key a link may hide', () => {
  const ids = new Set();
  for (const id of FIGURE_IDS) {
    const groups = formOf(id);
    const html = classroomMarkup(id, groups);
    const boxes = [...html.matchAll(/<label><input type="checkbox" id="([^"]+)" data-hide="([^"]+)" \/> ([^<]|<(?!\/label>))+<\/label>/g)];
    assert.deepEqual(boxes.map((m) => m[2]), groups.flatMap((g) => g.props.map((p) => p.key)), id);
    for (const [, elementId, key] of boxes) {
      assert.ok(hideable(key), `${id}: ${key}`);
      assert.ok(!ids.has(elementId), `duplicate id ${elementId}`);
      ids.add(elementId);
    }
    assert.equal((html.match(/<legend>/g) || []).length, groups.length, id);
    for (const name of ['classroom-url', 'classroom-copy-link', 'classroom-copy-embed', 'classroom-share-text', 'classroom-share-message']) {
      assert.equal(html.split(`data-el="${name}"`).length, 2, `${id}: one ${name}`);
    }
    assert.match(html, new RegExp(`<label for="${id}-classroom-url">`));
  }
});
