// Classroom mode (issue 16): a link that opens a figure with some of its settings' fields hidden,
// so students see only the knobs the lesson is about. For a setting of key `k`, the link carries
// `k_hide=1` (www/state/state.js parses it into `state.hide`); a hidden setting still takes its
// value from the link, only its field is not shown.
//
// Two pieces: `hideFields` hides the fields a state names in a figure's settings form, and the
// "Classroom link" panel in the share block (a <details> with one labelled checkbox per setting
// the form shows) builds such a link live, with its own "Copy link" and "Copy embed code"
// buttons (www/figures/share.js's, bound with the `classroom-` prefix).
import { bindShare } from './share.js';
import { fieldId, capitalized } from './form.js';

/** The attribute that hides a field (and a group left with no field) for a classroom link. */
const HIDDEN = 'data-classroom-hidden';

/**
 * Hides, in a figure's settings form, the field of every key in `hide` and shows the others; a
 * group (fieldset or details) whose every field is hidden, for the link or because no lane it
 * reaches runs (the `hidden` attribute), is hidden too. Call after the figure has taken the
 * state (www/figures/figure.js shows the fields of the lanes that run).
 * @param {HTMLFormElement} form the settings form (fields carry `data-key`, www/figures/form.js)
 * @param {string[]} hide URL keys of the settings to hide (`lr`, `race.feedback_scale`)
 */
export function hideFields(form, hide) {
  const keys = new Set(hide);
  for (const field of form.querySelectorAll('[data-key]')) field.toggleAttribute(HIDDEN, keys.has(field.dataset.key));
  for (const group of form.querySelectorAll(':scope > fieldset, :scope > details')) {
    const fields = [...group.querySelectorAll('[data-key]')];
    group.toggleAttribute(HIDDEN, fields.length > 0 && fields.some((f) => f.hasAttribute(HIDDEN)) && fields.every((f) => f.hidden || f.hasAttribute(HIDDEN)));
  }
}

/**
 * The markup of a figure's "Classroom link" panel: per group of its form (formOf's layout,
 * [{legend, props}]), a fieldset of checkboxes, one per setting, each labelled with the
 * setting's own label (keys, legends and labels are trusted markup from the declarations); then the built link, read-only,
 * and the two copy buttons with their message.
 * @param {string} id the figure id (element ids)
 * @param {{legend: string, props: {key: string, label: string}[]}[]} groups
 */
export function classroomMarkup(id, groups) {
  const boxes = groups.map(({ legend, props }) => `
    <fieldset class="classroom-group">
      <legend>${legend}</legend>
      ${props.map((p) => `<label><input type="checkbox" id="${fieldId(id, p.key)}-hide" data-hide="${p.key}" /> ${capitalized(p.label)}</label>`).join('\n')}
    </fieldset>`).join('');
  return `
    <details class="classroom" data-el="classroom">
      <summary>Classroom link</summary>
      <p class="help">Tick the settings students should not see. The link keeps every value, hidden ones included; the figure still trains with them.</p>
      <div class="classroom-groups">${boxes}</div>
      <label for="${id}-classroom-url">Link with the ticked settings hidden</label>
      <input id="${id}-classroom-url" class="share-text" data-el="classroom-url" type="text" readonly />
      <div class="classroom-buttons">
        <button type="button" data-el="classroom-copy-link">Copy link</button>
        <button type="button" data-el="classroom-copy-embed">Copy embed code</button>
      </div>
      <label class="visually-hidden" for="${id}-classroom-share">Text to copy</label>
      <input id="${id}-classroom-share" class="share-text" data-el="classroom-share-text" type="text" readonly hidden />
      <p class="message" data-el="classroom-share-message" role="status"></p>
    </details>`;
}

/** A figure's "Classroom link" panel (classroomMarkup), bound to the figure's links. */
export class ClassroomPanel {
  /**
   * @param {HTMLDetailsElement} panel the panel's element
   * @param {{title: () => string, href: (hide: string[]) => string}} link
   *   title: the figure's title for the embed code; href: the figure's full-page URL with the
   *   fields of keys `hide` hidden
   */
  constructor(panel, { title, href }) {
    this.panel = panel;
    this.href = href;
    this.boxes = [...panel.querySelectorAll('input[data-hide]')];
    this.url = panel.querySelector('[data-el="classroom-url"]');
    this.shown = null; // the state's hide list the ticks were last set from
    panel.addEventListener('change', (event) => {
      if (event.target.matches('input[data-hide]')) this.update();
    });
    bindShare(panel, title, () => this.link(), 'classroom-');
  }

  /** The keys ticked, in form order. */
  get ticked() {
    return this.boxes.filter((b) => b.checked).map((b) => b.dataset.hide);
  }

  /** The link the panel gives now (the full page; the embed code adds `embed=1`). */
  link() {
    return this.href(this.ticked);
  }

  /**
   * Follows a new page state: the link keeps the figure's current values, and the ticks start
   * from the fields the state hides (a classroom link opened again), but a change of values
   * keeps what the teacher ticked.
   * @param {{hide: string[]}} state
   */
  show(state) {
    const hide = state.hide.join('&');
    if (hide !== this.shown) {
      this.shown = hide;
      for (const box of this.boxes) box.checked = state.hide.includes(box.dataset.hide);
    }
    this.update();
  }

  /** Writes the built link into the panel's field. */
  update() {
    const link = this.link();
    if (this.url.value !== link) this.url.value = link;
  }
}
