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
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    for (const watch of watchers) watch(received, total);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
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

/** Hands a copy of the digits to an engine (an EngineClient), transferring the copy. */
export function sendDigits(client, bytes) {
  const copy = bytes.slice();
  client.send({ type: 'load_data', dataset: 'mnist', bytes: copy }, [copy.buffer]);
}
