#!/usr/bin/env node
// Trunk's post_build hook (Trunk.toml): writes the offline copy's manifest into the built
// service worker. It lists every file of the build (the page, trunk's hashed chart module and
// wasm, the engine worker and its wasm, www/, the digits), each with the SHA-256 of its bytes,
// and a version: a digest of the whole list. Any change to any file so changes sw.js itself,
// which is how a browser learns of a new deploy: it installs the new worker, which caches the
// new build whole under its own cache name (www/sw.js).
//
// Usage: run by trunk with TRUNK_STAGING_DIR set (the build before it is moved to dist/), or by
// hand: node scripts/precache.mjs <built folder>. Fails (exit 1, with the reason) when the folder
// has no sw.js, or its sw.js has no manifest line to fill.
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The line of www/sw.js that the manifest replaces. */
const PLACEHOLDER = 'const MANIFEST = null; // filled in by scripts/precache.mjs at build time';
/** Files the offline copy leaves out: the service workers themselves (www/ holds a copy). */
const SKIP = new Set(['sw.js', 'www/sw.js']);

/** Every file under `dir`, as '/'-separated paths relative to `root`, sorted. */
async function filesUnder(root, dir = root) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await filesUnder(root, path));
    else if (entry.isFile()) out.push(relative(root, path).split(sep).join('/'));
  }
  return out.sort();
}

/**
 * The manifest of the build in `root`: {version, files: {path: {sha256 (hex), size (bytes)}}}.
 * Paths are relative to the site's root, '/'-separated. `version` is the
 * first 16 hex digits of the SHA-256 of every path and hash, in order.
 */
export async function manifestOf(root) {
  const files = {};
  for (const path of await filesUnder(root)) {
    if (SKIP.has(path)) continue;
    const bytes = await readFile(join(root, path));
    files[path] = { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
  }
  const version = createHash('sha256').update(Object.entries(files).map(([p, f]) => `${p} ${f.sha256}\n`).join('')).digest('hex').slice(0, 16);
  return { version, files };
}

/**
 * Fills the manifest line of `root`/sw.js with the manifest of the build in `root`; resolves
 * with the manifest. Throws when sw.js is missing or has no manifest line (already filled).
 */
export async function writeManifest(root) {
  const swPath = join(root, 'sw.js');
  const sw = await readFile(swPath, 'utf8').catch(() => {
    throw new Error(`${swPath} is missing: index.html copies www/sw.js to the site's root`);
  });
  if (!sw.includes(PLACEHOLDER)) throw new Error(`${swPath} has no manifest line to fill ("${PLACEHOLDER}")`);
  const manifest = await manifestOf(root);
  await writeFile(swPath, sw.replace(PLACEHOLDER, `const MANIFEST = ${JSON.stringify(manifest)};`));
  return manifest;
}

async function main() {
  const root = process.env.TRUNK_STAGING_DIR || process.argv[2];
  if (!root) throw new Error('no built folder: run from trunk (TRUNK_STAGING_DIR) or pass the folder');
  const manifest = await writeManifest(root);
  console.log(`offline copy: ${Object.keys(manifest.files).length} files, version ${manifest.version}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(`precache: ${error.message}`);
    process.exit(1);
  });
}
