// node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figureUrl, embedCode } from '../../www/figures/share.js';

const PAGE = 'https://example.org/course/brainprop/#v=1&chapter=backprop&lr=0.3&hidden=8,4';

test('the figure URL keeps the path and the state, and toggles only the embed flag', () => {
  assert.equal(figureUrl(PAGE, false), PAGE);
  assert.equal(figureUrl(PAGE, true), `${PAGE}&embed=1`);
  assert.equal(figureUrl(`${PAGE}&embed=1`, false), PAGE);
  assert.equal(figureUrl(`${PAGE}&embed=1`, true), `${PAGE}&embed=1`);
});

test('the embed code is an iframe whose attributes cannot be broken out of', () => {
  const code = embedCode(PAGE, 'brainprop: "Backprop" <&>');
  assert.match(code, /^<iframe src="https:\/\/example\.org\/course\/brainprop\/#v=1&amp;chapter=backprop&amp;lr=0\.3&amp;hidden=8,4&amp;embed=1" /);
  assert.match(code, / title="brainprop: &quot;Backprop&quot; &lt;&amp;>" /);
  assert.equal((code.match(/"/g) || []).length % 2, 0);
  assert.ok(code.endsWith('></iframe>'));
});
