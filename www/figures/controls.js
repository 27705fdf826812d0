// The settings form of a chapter: native, labelled controls whose `name` is a key of the state's
// PROPS table. Reading a control uses the same validation as the URL hash (state.js `coerce`);
// a value that cannot be read stays in the field, marked invalid, and is not applied.
import { prop, coerce, formatValue } from '../state/state.js';
import { capitalized as capitalize } from './form.js';

export class Controls {
  /**
   * @param {HTMLFormElement} form
   * @param {(key: string, value: unknown) => void} onChange called with a valid value
   */
  constructor(form, onChange) {
    this.form = form;
    this.onChange = onChange;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const active = document.activeElement;
      if (active && active.form === form) this.#read(active);
    });
    form.addEventListener('change', (event) => this.#read(event.target));
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && event.target.matches('input[type="text"]')) {
        event.preventDefault();
        this.#read(event.target);
      }
    });
    form.addEventListener('input', (event) => this.#echo(event.target));
    // data-new-seed names the seed's key when it is not plain `seed`.
    for (const button of form.querySelectorAll('[data-new-seed]')) {
      button.addEventListener('click', () => this.onChange(button.dataset.newSeed || 'seed', randomSeed()));
    }
  }

  /** Writes the state into every control (and clears field messages). */
  show(state) {
    for (const element of this.form.elements) {
      const p = element.name && prop(element.name);
      if (!p || !(p.key in state)) continue;
      if (element.type === 'checkbox') {
        // One box per value of a set: checked when the set holds it.
        element.checked = p.kind === 'set' ? state[p.key].includes(element.value) : Boolean(state[p.key]);
        this.#message(element, '');
        continue;
      }
      const text = formatValue(p, state[p.key]);
      if (element.value !== text) element.value = text;
      this.#message(element, '');
      this.#echo(element);
    }
  }

  #read(element) {
    const p = element && element.name && prop(element.name);
    if (!p) return;
    let raw = element.value;
    if (element.type === 'checkbox') {
      const boxes = [...this.form.elements].filter((e) => e.name === element.name && e.type === 'checkbox');
      raw = p.kind === 'set' ? boxes.filter((b) => b.checked).map((b) => b.value).join(',') : (element.checked ? '1' : '0');
    }
    const result = coerce(p, raw);
    if (result.error) {
      if (element.type === 'checkbox') element.checked = !element.checked; // keep what was valid
      this.#message(element, `${capitalize(result.error)}.`, element.type !== 'checkbox');
      return;
    }
    this.onChange(p.key, result.value);
    // onChange re-renders the form through show(), which clears messages: set the note after.
    if (result.notes.length) this.#message(element, `${capitalize(result.notes.join('; '))}.`);
  }

  /** Shows a range input's value in its <output>. */
  #echo(element) {
    if (element.type !== 'range') return;
    const output = this.form.querySelector(`output[for="${element.id}"]`);
    if (output) output.textContent = element.value;
  }

  #message(element, text, invalid = false) {
    // A field's message names its id; a group of boxes shares one message named after the key.
    const key = element.type === 'checkbox' ? element.name : element.id;
    const note = key ? this.form.querySelector(`[data-message-for="${CSS.escape(key)}"]`) : null;
    if (invalid) element.setAttribute('aria-invalid', 'true');
    else element.removeAttribute('aria-invalid');
    if (note) {
      note.textContent = text;
      note.classList.toggle('invalid', invalid);
      note.hidden = text === '';
    }
  }
}

/** A fresh seed, short enough to read aloud. */
export function randomSeed() {
  const word = new Uint32Array(1);
  globalThis.crypto.getRandomValues(word);
  return word[0] % 100000;
}
