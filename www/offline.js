// The offline copy (www/sw.js): the full page registers the service worker and, once it is in
// charge, hands it the list of files the page loaded (its modules), so that a reload without a
// network works. Embeds do not register it: an embed out of view must load nothing.

/** Registers the service worker (where the browser allows one: not in an opaque-origin frame). */
export function startOffline({ embed }) {
  if (embed || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  const register = async () => {
    try {
      await navigator.serviceWorker.register(new URL('../sw.js', import.meta.url), { scope: new URL('../', import.meta.url).pathname });
      const ready = await navigator.serviceWorker.ready;
      const urls = performance.getEntriesByType('resource').map((e) => e.name).filter((u) => u.startsWith(location.origin));
      ready.active?.postMessage({ type: 'cache', urls: [location.href.split('#')[0], ...urls] });
    } catch { /* no offline copy here (a sandboxed frame, storage off): the site works online */ }
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
