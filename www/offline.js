// The offline copy (www/sw.js): the full page registers the service worker, which saves the whole
// build when it installs, and says how far that is: on <html> as data-offline (saving, ready or
// unavailable), data-offline-version (the saved build's version) and data-offline-done /
// data-offline-total (files saved while saving), and in words in a line of the site's footer,
// which is what a reader wants to know before going offline. Embeds do not register it: an
// embed out of view must load nothing.

/** How long the page waits for the service worker's answer to a status question (ms). */
const ASK_MS = 10000;

let line = null; // the footer line, once made

/**
 * The footer line that says whether the site works offline (made once, and kept: the saving
 * reports a line per file, and looking it up in the document each time cost the page 8–15 ms).
 */
function statusLine() {
  if (!line) {
    line = document.createElement('p');
    line.className = 'offline-status';
    line.dataset.el = 'offline-status';
    line.setAttribute('role', 'status');
    (document.querySelector('.site-footer') ?? document.body).append(line);
  }
  return line;
}

/** Sets the copy's state on <html> and, when `text` is given, the footer line. */
function show(state, text, data = {}) {
  const root = document.documentElement;
  root.dataset.offline = state;
  for (const [key, value] of Object.entries(data)) root.dataset[key] = String(value);
  if (text !== undefined) {
    const line = statusLine();
    if (line.textContent !== text) line.textContent = text;
  }
}

/**
 * Asks a service worker how much of its build the copy holds. Resolves with {version, total,
 * cached, bytes} (see www/sw.js), or null when it does not answer within ASK_MS.
 */
function ask(worker) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), ASK_MS);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      resolve(event.data);
    };
    worker.postMessage({ type: 'status' }, [channel.port2]);
  });
}

const SAVING = 'Saving the site in this browser for offline use…';

/** Registers the service worker (where the browser allows one: not in an opaque-origin frame). */
export function startOffline({ embed }) {
  if (embed) return;
  if (!('serviceWorker' in navigator) || !window.isSecureContext) {
    show('unavailable', 'This browser cannot keep an offline copy of the site here: it needs the network.');
    return;
  }
  navigator.serviceWorker.addEventListener('message', (event) => {
    const m = event.data;
    if (m?.type !== 'offline-progress') return;
    if (document.documentElement.dataset.offline !== 'ready') show('saving', SAVING, { offlineDone: m.done, offlineTotal: m.total });
  });
  const register = async () => {
    let registration;
    try {
      registration = await navigator.serviceWorker.register(new URL('../sw.js', import.meta.url), { scope: new URL('../', import.meta.url).pathname });
    } catch (error) {
      show('unavailable', `No offline copy of the site: the browser refused its service worker (${error.message}).`);
      return;
    }
    /** Reads the state of the registration's workers and says it; again whenever one changes. */
    const check = async () => {
      const pending = registration.installing ?? registration.waiting;
      if (pending) {
        if (document.documentElement.dataset.offline !== 'ready') show('saving', SAVING);
        pending.addEventListener('statechange', () => {
          if (pending.state === 'activated' || pending.state === 'redundant') check();
        });
        return;
      }
      const status = registration.active ? await ask(registration.active) : null;
      if (status && status.total > 0 && status.cached === status.total) {
        show('ready', `Available offline: the whole site (${(status.bytes / 1e6).toFixed(1)} MB) is saved in this browser.`, { offlineVersion: status.version });
      } else {
        show('unavailable', 'The site could not be saved for offline use; it will try again on your next visit.');
      }
    };
    registration.addEventListener('updatefound', check);
    check();
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
