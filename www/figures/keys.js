// Single-key shortcuts: Space trains or pauses, → steps, R resets, ? lists them. They act only
// on the figure that has the focus or was last used (clicked, tabbed into, trained or stepped),
// never on a figure the reader has not touched, and a visible setting on every figure turns them
// all off (WCAG 2.1.4: speech input and stray typing must not reset a run). The setting is kept
// in localStorage where the page may use it (not in a sandboxed frame); the checkboxes of every
// figure follow it.

const STORE_KEY = 'brainprop.shortcuts';
let enabled = readSetting();
const boxes = new Set();

function readSetting() {
  try {
    return globalThis.localStorage?.getItem(STORE_KEY) !== 'off';
  } catch {
    return true; // storage refused (a sandboxed frame): on, for this page only
  }
}

/** True while single-key shortcuts are on. */
export function shortcutsOn() {
  return enabled;
}

/** Turns single-key shortcuts on or off, everywhere on the page (and for later visits). */
export function setShortcuts(on) {
  enabled = Boolean(on);
  try {
    globalThis.localStorage?.setItem(STORE_KEY, enabled ? 'on' : 'off');
  } catch { /* kept for this page only */ }
  for (const box of boxes) box.checked = enabled;
}

/** The keys line of a figure: the shortcuts, the ? button and the setting. */
export function keysLine(id) {
  return `<div class="keys">
      <span>Keys: <kbd>Space</kbd> train or pause · <kbd>→</kbd> one step · <kbd>R</kbd> reset</span>
      <button type="button" class="link" data-el="key-list" aria-haspopup="dialog">All keys (<kbd>?</kbd>)</button>
      <label><input type="checkbox" data-el="shortcuts" id="${id}-shortcuts" /> single-key shortcuts</label>
    </div>`;
}

/** Wires a figure's keys line (rendered by keysLine) inside `root`. */
export function bindKeysLine(root) {
  const box = root.querySelector('[data-el="shortcuts"]');
  if (box) {
    box.checked = enabled;
    boxes.add(box);
    box.addEventListener('change', () => setShortcuts(box.checked));
  }
  root.querySelector('[data-el="key-list"]')?.addEventListener('click', (event) => showKeyList(event.currentTarget));
}

let dialog = null;

/** Opens the list of shortcuts (a modal <dialog>); focus goes back to `opener` when it closes. */
export function showKeyList(opener = document.activeElement) {
  if (!dialog) {
    dialog = document.createElement('dialog');
    dialog.className = 'key-list';
    dialog.setAttribute('aria-labelledby', 'key-list-title');
    dialog.innerHTML = `
      <h2 id="key-list-title">Keyboard shortcuts</h2>
      <p>They act on the figure you last clicked, tabbed into or trained; the buttons of every figure do the same.</p>
      <dl>
        <div><dt><kbd>Space</kbd></dt><dd>train or pause</dd></div>
        <div><dt><kbd>→</kbd></dt><dd>train one step (an epoch, a trial)</dd></div>
        <div><dt><kbd>R</kbd></dt><dd>reset: rebuild the networks from the same seed</dd></div>
        <div><dt><kbd>?</kbd></dt><dd>this list</dd></div>
      </dl>
      <p>Turn them off with “single-key shortcuts” under any figure's buttons, e.g. if you use speech input.</p>
      <form method="dialog"><button type="submit">Close</button></form>`;
    document.body.append(dialog);
  }
  dialog.addEventListener('close', () => opener?.focus?.(), { once: true });
  dialog.showModal();
}
