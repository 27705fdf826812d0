// brainprop's service worker: an offline copy of the site. Copied to the site's root (index.html,
// `copy-file`), so that its scope is the whole site, and registered by the full page only
// (www/offline.js): an embed out of view still loads nothing.
//
// What it caches is the build's manifest, written into this file by trunk's post_build hook
// (scripts/precache.mjs): every built file with the SHA-256 of its bytes, and the build's version.
// A new build therefore changes this file, so the browser installs the new worker, which caches
// the new build whole under its own name (brainprop-<version>); once it is active the older
// copies are deleted.
//
// - Install caches every file of the manifest, each checked against its hash, before the worker
//   may take over. A file that cannot be fetched, or whose bytes are not the manifest's (a deploy
//   in the middle of the install), fails the install, and the browser tries again on a later
//   load; so a copy is only ever one build, whole, never a mix of two. (index.html is the one file
//   not compared byte for byte, since some hosts rewrite the pages they serve (an analytics or
//   e-mail-protection snippet); it must name the build's hashed files instead.) Files cached by
//   an earlier, failed attempt at the same version are kept, so a slow connection gets there in
//   steps, and a file whose bytes an older copy already holds (same hash) is copied from it
//   rather than downloaded again.
// - Fetch: network first, so that online nothing is ever stale; when the network fails, the copy.
//   Network answers are not written into the copy, which stays one build. Matching ignores the
//   query string (no file of the build has variants) and the request's Vary and mode.
// - Messages: {type: 'status'} with a MessagePort answers {version, total, cached, bytes} on the
//   port. While installing, the worker posts {type: 'offline-progress', version, done, total}
//   to every window of the site.

const MANIFEST = null; // filled in by scripts/precache.mjs at build time
const PREFIX = 'brainprop-';
const CACHE = MANIFEST ? `${PREFIX}${MANIFEST.version}` : null;
/** The header under which a cached file keeps its SHA-256 (so a later build may reuse it). */
const SHA_HEADER = 'x-brainprop-sha256';
/** How many files the install fetches at once. */
const PARALLEL = 4;

const urlOf = (path) => new URL(path, self.registration.scope).href;
const paths = () => Object.keys(MANIFEST.files);

async function sha256(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Trunk's hashed root files (ui-<hash>.js and its wasm), which the page must name. */
function hashedRootFiles() {
  return paths().filter((p) => !p.includes('/') && /-[0-9a-f]{8,}(_bg)?\.(js|wasm)$/.test(p));
}

/**
 * Copies `path` from an older copy when that holds the same bytes (its recorded hash is this
 * build's), so that a new build downloads only the files that changed. True when copied.
 */
async function reuse(cache, path) {
  const want = MANIFEST.files[path].sha256;
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const old = await (await caches.open(name)).match(urlOf(path));
    if (old && old.headers.get(SHA_HEADER) === want) {
      await cache.put(urlOf(path), old);
      return true;
    }
  }
  return false;
}

/** Fetches `path`, checks it against the manifest, and caches it; throws saying what was wrong. */
async function fetchChecked(cache, path) {
  if (await reuse(cache, path)) return;
  const response = await fetch(urlOf(path), { cache: 'no-cache' });
  if (!response.ok) throw new Error(`${path}: the server answered ${response.status}`);
  const bytes = await response.arrayBuffer();
  const headers = new Headers(response.headers);
  if (path === 'index.html') {
    const html = new TextDecoder().decode(bytes);
    const missing = hashedRootFiles().filter((p) => !html.includes(p));
    if (missing.length) throw new Error(`index.html is not this build's page (it does not name ${missing.join(', ')})`);
    await cache.put(urlOf('./'), new Response(bytes, { status: 200, headers })); // the folder itself is the page
  } else {
    const hash = await sha256(bytes);
    if (hash !== MANIFEST.files[path].sha256) throw new Error(`${path} is not this build's file (a new deploy?)`);
    headers.set(SHA_HEADER, hash);
  }
  await cache.put(urlOf(path), new Response(bytes, { status: 200, headers }));
}

async function tell(message) {
  for (const client of await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) client.postMessage(message);
}

async function precache() {
  if (!MANIFEST) throw new Error('this sw.js has no manifest: it was not built by trunk (scripts/precache.mjs)');
  const cache = await caches.open(CACHE);
  const have = new Set((await cache.keys()).map((r) => r.url));
  const todo = paths().filter((p) => !have.has(urlOf(p)));
  let done = paths().length - todo.length;
  const total = paths().length;
  await tell({ type: 'offline-progress', version: MANIFEST.version, done, total });
  const next = async () => {
    for (let path = todo.shift(); path !== undefined; path = todo.shift()) {
      await fetchChecked(cache, path);
      done += 1;
      await tell({ type: 'offline-progress', version: MANIFEST.version, done, total });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, next));
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    // Older builds' copies (and the first offline copy's 'brainprop-v1') go.
    for (const name of await caches.keys()) if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

/** How much of this build the copy holds: {version, total, cached (files), bytes (of those)}. */
async function status() {
  if (!MANIFEST) return { version: null, total: 0, cached: 0, bytes: 0 };
  const cache = await caches.open(CACHE);
  const have = new Set((await cache.keys()).map((r) => r.url));
  const cached = paths().filter((p) => have.has(urlOf(p)));
  const bytes = cached.reduce((sum, p) => sum + MANIFEST.files[p].size, 0);
  return { version: MANIFEST.version, total: paths().length, cached: cached.length, bytes };
}

self.addEventListener('message', (event) => {
  if (event.data?.type === 'status' && event.ports[0]) event.waitUntil(status().then((s) => event.ports[0].postMessage(s)));
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (!CACHE || request.method !== 'GET' || request.headers.has('range')) return;
  if (new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    try {
      return await fetch(request);
    } catch (error) {
      const cache = await caches.open(CACHE);
      const navigate = request.mode === 'navigate';
      const cached = await cache.match(request.url, { ignoreSearch: true, ignoreVary: true })
        ?? (navigate ? await cache.match(urlOf('./'), { ignoreSearch: true }) : undefined);
      if (cached) return cached;
      throw error;
    }
  })());
});
