// node --test tests/js/
// www/engine/mnist.js with a stand-in fetch: the file is put together piece by piece whatever
// size the server announces, and each lane gets its own copy, in a task of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';

globalThis.document = { baseURI: 'http://site.example/' };
const { sendDigits } = await import('../../www/engine/mnist.js');
/** A fresh copy of the module (it keeps its one download per page). */
let copies = 0;
const fresh = () => import(`../../www/engine/mnist.js?copy=${(copies += 1)}`);

/** A fetch answering with `bytes` in pieces of `piece`, announcing `announced` bytes (0: none). */
function serve(bytes, piece, announced) {
  globalThis.fetch = async () => {
    let at = 0;
    return {
      ok: true,
      headers: { get: (name) => (name === 'content-length' && announced ? String(announced) : null) },
      body: {
        getReader: () => ({
          read: async () => {
            if (at >= bytes.length) return { done: true };
            const value = bytes.slice(at, at + piece);
            at += piece;
            return { done: false, value };
          },
        }),
      },
    };
  };
}

test('the digits arrive whole, with the size announced, unannounced, or announced wrong', async () => {
  const file = Uint8Array.from({ length: 100003 }, (_, i) => (i * 7919) % 251);
  for (const announced of [file.length, 0, 1000, file.length + 50]) {
    serve(file, 4096, announced);
    const seen = [];
    const { loadDigits } = await fresh();
    const bytes = await loadDigits((received, total) => seen.push([received, total]));
    assert.deepEqual(bytes, file, `announced ${announced}`);
    assert.equal(seen.at(-1)[0], file.length);
    assert.ok(seen.every(([r], i) => i === 0 || r > seen[i - 1][0]), 'progress only grows');
  }
});

test('each engine gets a copy of its own, transferred, in a later task', async () => {
  const bytes = Uint8Array.from([1, 2, 3]);
  const sent = [];
  const client = { send: (message, transfer) => sent.push([message, transfer]) };
  sendDigits(client, bytes);
  sendDigits(client, bytes);
  assert.equal(sent.length, 0, 'not in the caller\'s task');
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(sent.length, 2);
  for (const [message, transfer] of sent) {
    assert.deepEqual({ ...message, bytes: [...message.bytes] }, { type: 'load_data', dataset: 'mnist', bytes: [1, 2, 3] });
    assert.equal(transfer[0], message.bytes.buffer);
    assert.notEqual(message.bytes.buffer, bytes.buffer, 'the page keeps its own');
  }
  assert.notEqual(sent[0][0].bytes.buffer, sent[1][0].bytes.buffer);
});
