// The front end's folders have a direction: chapters use figures, figures use views, the engine
// client and the URL state; views draw and import only views. A view that imported a chapter (or
// a figure that imported a chapter) would tie a drawing to one page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const WWW = new URL('../../www/', import.meta.url);

/** The folders (under www/) that the modules of `folder` import from. */
function importedFolders(folder) {
  const used = new Map();
  for (const file of readdirSync(new URL(`${folder}/`, WWW)).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(new URL(`${folder}/${file}`, WWW), 'utf8');
    for (const [, path] of text.matchAll(/^\s*(?:import|export)\s[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
      const resolved = new URL(path, new URL(`${folder}/${file}`, WWW)).pathname.slice(WWW.pathname.length);
      used.set(`${file} → ${path}`, resolved.split('/')[0]);
    }
  }
  return used;
}

const ALLOWED = {
  views: ['views'],
  engine: ['engine'],
  state: ['state'],
  figures: ['figures', 'views', 'engine', 'state'],
};

for (const [folder, allowed] of Object.entries(ALLOWED)) {
  test(`www/${folder}/ imports only from ${allowed.join(', ')}`, () => {
    for (const [edge, target] of importedFolders(folder)) assert.ok(allowed.includes(target), `www/${folder}/${edge} (${target})`);
  });
}
