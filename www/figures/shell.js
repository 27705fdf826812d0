// The figure shell: what every figure on the page has around its views, rendered into the
// figure's placeholder (`<section class="figure" data-figure="…">` with its heading and prose in
// index.html): the toolbar (play, step, reset and the status line), the keys line, the alert,
// the loading box, and the body holding the views and the settings form (fields from the
// settings declarations, www/figures/form.js, then the share block with its classroom-link
// panel, www/figures/classroom.js).
import { formOf } from '../state/state.js';
import { renderForm } from './form.js';
import { classroomMarkup } from './classroom.js';
import { keysLine, bindKeysLine } from './keys.js';

function html(markup) {
  const template = document.createElement('template');
  template.innerHTML = markup.trim();
  return template.content;
}

/** `text` safe inside HTML text and double-quoted attributes. */
export function escape(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The charts of a race figure and, optionally, its table of per-lane readouts ({caption, header}:
 * the metric's column; `epoch` and `rate` rename the progress columns, e.g. Iteration, Trials/s).
 */
export function raceViews(readouts) {
  const table = readouts ? `
    <table class="readouts">
      <caption class="visually-hidden">${escape(readouts.caption)}</caption>
      <thead><tr><th scope="col">Rule</th><th scope="col">${escape(readouts.epoch ?? 'Epoch')}</th><th scope="col">${escape(readouts.header)}</th><th scope="col">${escape(readouts.rate ?? 'Samples/s')}</th><th scope="col">State</th></tr></thead>
      <tbody data-el="readouts"></tbody>
    </table>` : '';
  return `<div class="fb-views"><div class="fb-charts" data-el="charts"></div>${table}</div>`;
}

/**
 * Renders the shell into `root`.
 * @param {HTMLElement} root the figure's placeholder
 * @param {{id: string, playWord: string, stepLabel: string, status: string, views: string,
 *   formFirst?: boolean, formLabel: string, show?: Function}} options
 *   id: the figure id (its form, element ids); playWord: the play button (Train, Play, Run);
 *   stepLabel: the step button; status: the first status line; views: the views' markup (from
 *   a chapter file, trusted); formFirst: settings before the
 *   views (a side column); formLabel: the form's accessible name; show: a field's data-show
 */
export function renderShell(root, { id, playWord, stepLabel, status, views, formFirst = false, formLabel, show }) {
  root.append(html(`
    <div class="toolbar">
      <div class="buttons">
        <button type="button" class="primary" data-el="train" aria-keyshortcuts="Space">${escape(playWord)}</button>
        <button type="button" data-el="step" aria-keyshortcuts="ArrowRight" disabled>${escape(stepLabel)}</button>
        <button type="button" data-el="reset" aria-keyshortcuts="R" disabled>Reset</button>
      </div>
      <p class="status" data-el="status" role="status" aria-live="polite">${escape(status)}</p>
    </div>
    ${keysLine(id)}
    <div class="alert" data-el="alert" role="alert" hidden></div>
    <div class="loading" data-el="loading" hidden>
      <span data-el="loading-text">Loading digits…</span>
      <progress data-el="loading-bar" max="1" aria-label="Loading digits"></progress>
    </div>
    <div class="figure-body"></div>`));
  const form = html(`<form class="controls" data-el="controls" aria-label="${escape(formLabel)}" novalidate></form>`).firstElementChild;
  const groups = formOf(id);
  renderForm(form, id, groups, { show });
  form.append(html(`
    <div class="share">
      <button type="button" data-el="copy-link">Copy link</button>
      <button type="button" data-el="copy-embed">Copy embed code</button>
      <button type="button" data-el="save-png">Save charts (PNG)</button>
      <button type="button" data-el="save-csv">Save data (CSV)</button>
      <span class="weights" data-el="weights" hidden>
        <button type="button" data-el="save-weights">Save weights (JSON)</button>
        <label for="${id}-load-weights">Load weights…</label>
        <input id="${id}-load-weights" data-el="load-weights" type="file" accept=".json,application/json" />
      </span>
      <a class="open-full" data-el="open-full" href="./" target="_blank" rel="noopener">Open full page ↗</a>
      <label class="visually-hidden" for="${id}-share">Text to copy</label>
      <input id="${id}-share" class="share-text" data-el="share-text" type="text" readonly hidden />
      <p class="message" data-el="share-message" role="status"></p>
      ${classroomMarkup(id, groups)}
    </div>`));
  bindKeysLine(root);
  const body = root.querySelector('.figure-body');
  const parts = [html(views), form];
  body.append(...(formFirst ? parts.reverse() : parts));
  return (name) => root.querySelector(`[data-el="${name}"]`);
}
