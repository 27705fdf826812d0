// node --test tests/js/
// scripts/precache.mjs: the offline copy's manifest, written into the built sw.js by trunk's
// post_build hook (Trunk.toml).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifestOf, writeManifest } from '../../scripts/precache.mjs';

async function site(files) {
  const dir = await mkdtemp(join(tmpdir(), 'brainprop-precache-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const SW = await readFile(new URL('../../www/sw.js', import.meta.url), 'utf8');

test('the manifest lists every built file but the service workers, with hashes and sizes', async () => {
  const dir = await site({ 'index.html': '<p>page</p>', 'sw.js': SW, 'www/sw.js': SW, 'www/main.js': 'main', 'mnist.bin': 'digits' });
  try {
    const { version, files } = await manifestOf(dir);
    assert.deepEqual(Object.keys(files), ['index.html', 'mnist.bin', 'www/main.js']);
    assert.deepEqual(files['www/main.js'], { sha256: createHash('sha256').update('main').digest('hex'), size: 4 });
    assert.match(version, /^[0-9a-f]{16}$/);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('any change to any file changes the version, and so sw.js', async () => {
  const dir = await site({ 'index.html': 'page', 'sw.js': SW, 'www/main.js': 'main' });
  try {
    const first = await writeManifest(dir);
    const built = await readFile(join(dir, 'sw.js'), 'utf8');
    assert.ok(built.includes(`const MANIFEST = ${JSON.stringify(first)};`));
    await assert.rejects(writeManifest(dir), /no manifest line to fill/, 'a filled sw.js is not filled twice');
    await writeFile(join(dir, 'www/main.js'), 'main, changed');
    await writeFile(join(dir, 'sw.js'), SW);
    const second = await writeManifest(dir);
    assert.notEqual(second.version, first.version);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('a folder without sw.js is refused, saying where it should come from', async () => {
  const dir = await site({ 'index.html': 'page' });
  try {
    await assert.rejects(writeManifest(dir), /sw\.js is missing: index\.html copies www\/sw\.js/);
  } finally {
    await rm(dir, { recursive: true });
  }
});
