// brainprop's service worker: an offline copy of the site. Copied to the site's root (index.html,
// `copy-file`), so that its scope is the whole site. Registered by the full page only
// (www/offline.js), never by an embed, so an embed out of view still loads nothing.
//
// Install: caches the page and every file it names (the stylesheet, the modules, the chart wasm)
// plus the engine worker's files. The page then sends the list of modules it loaded (`cache`
// message), and every later same-origin GET is fetched from the network first and its answer
// cached (the digits, once a figure asked for them): online, nothing is ever served stale; offline,
// the last copy is.
const CACHE = 'brainprop-v1';
const WORKER_FILES = ['./www/worker.js', './www/engine/host.js', './engine_worker.js', './engine_worker_bg.wasm'];

const sameOrigin = (url) => new URL(url, self.registration.scope).origin === self.location.origin;

async function cacheAll(urls) {
  const cache = await caches.open(CACHE);
  await Promise.all([...new Set(urls)].filter(sameOrigin).map(async (url) => {
    try {
      const response = await fetch(url, { cache: 'no-cache' });
      if (response.ok) await cache.put(url, response);
    } catch { /* offline or gone: the runtime cache may still get it */ }
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const index = await fetch('./', { cache: 'no-cache' });
    const html = await index.clone().text();
    await (await caches.open(CACHE)).put('./', index);
    const named = [...html.matchAll(/(?:src|href)="([^"#]+)"/g)].map((m) => new URL(m[1].replace(/&amp;/g, '&'), self.registration.scope).href);
    await cacheAll([...named, ...WORKER_FILES.map((f) => new URL(f, self.registration.scope).href)]);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
  if (event.data?.type === 'cache' && Array.isArray(event.data.urls)) event.waitUntil(cacheAll(event.data.urls.map(String)));
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !sameOrigin(request.url) || request.headers.has('range')) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
      return response;
    } catch (error) {
      // By URL, whatever the request's mode and headers (a module's request and the page's list
      // of files differ in both; matching on them missed modules the cache held).
      const cached = await cache.match(request.url, { ignoreSearch: request.mode === 'navigate', ignoreVary: true })
        ?? (request.mode === 'navigate' ? await cache.match('./') : undefined);
      if (cached) return cached;
      throw error;
    }
  })());
});
