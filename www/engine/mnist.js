// The MNIST digits file (data/mnist.bin, 7.8 MB), fetched once per page and shared by every
// engine worker that asks for it (`needs_data`). Each worker gets its own copy of the bytes,
// transferred, so the page's copy stays usable for the next one.

const DIGITS_URL = 'mnist.bin';

let download = null; // the one fetch in flight or done: Promise<Uint8Array>
const watchers = new Set(); // progress callbacks of the callers waiting for it

async function fetchDigits() {
  const response = await fetch(new URL(DIGITS_URL, document.baseURI));
  if (!response.ok) throw new Error(`the server answered ${response.status}`);
  const total = Number(response.headers.get('content-length')) || 0;
  const reader = response.body.getReader();
  // Each piece is copied into place as it arrives (into a buffer of the announced size), so no
  // task of the page copies the whole file at once.
  let bytes = new Uint8Array(total);
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (received + value.length > bytes.length) {
      const grown = new Uint8Array(Math.max(2 * bytes.length, received + value.length));
      grown.set(bytes.subarray(0, received));
      bytes = grown;
    }
    bytes.set(value, received);
    received += value.length;
    for (const watch of watchers) watch(received, total);
  }
  return received === bytes.length ? bytes : bytes.slice(0, received);
}

/**
 * Resolves with the digits file's bytes (never transfer these: use `sendDigits`).
 * `onProgress(received, total)` is called while the file downloads; total is 0 when unknown.
 * A failed download is forgotten, so the next call tries again.
 */
export function loadDigits(onProgress) {
  if (onProgress) watchers.add(onProgress);
  if (!download) {
    download = fetchDigits().catch((error) => {
      download = null;
      throw error;
    });
  }
  return download.finally(() => {
    if (onProgress) watchers.delete(onProgress);
  });
}

/**
 * Hands a copy of the digits to an engine (an EngineClient), transferring the copy. The copy is
 * made in a task of its own: the lanes of a race all get theirs when the one download ends, and
 * 7.8 MB copied for each of four lanes in one task held the page for tens of milliseconds.
 */
export function sendDigits(client, bytes) {
  setTimeout(() => {
    const copy = bytes.slice();
    client.send({ type: 'load_data', dataset: 'mnist', bytes: copy }, [copy.buffer]);
  });
}
