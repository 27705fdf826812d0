// Wiring: the URL hash → the state → the page that is shown, the settings forms and the figures.
// Every change goes back into the hash with history.replaceState, so a reload or a shared link
// rebuilds the same figure.
import { parse, serialize, withData } from './state/state.js';
import { BackpropChapter } from './chapters/backprop.js';
import { FeedbackChapter } from './chapters/feedback/index.js';
import { DendritesChapter } from './chapters/dendrites/index.js';
import { SpikesChapter } from './chapters/spikes/index.js';
import { NudgingChapter } from './chapters/nudging/index.js';
import { TimeChapter } from './chapters/time/index.js';
import { TITLES, renderCards, renderNav } from './chapters/landing.js';
import { shortcutsOn, showKeyList } from './figures/keys.js';
import { startEmbedApi } from './embed-api.js';
import { startOffline } from './offline.js';

/** The chapters with figures, each made when first shown. */
const CHAPTERS = { backprop: BackpropChapter, nudging: NudgingChapter, feedback: FeedbackChapter, spikes: SpikesChapter, dendrites: DendritesChapter, time: TimeChapter };

function start() {
  const $ = (name) => document.querySelector(`[data-el="${name}"]`);
  let state;
  const chapters = {}; // chapter id → its FigureChapter, once shown

  function showNotices(notices) {
    const box = $('notices');
    const list = $('notice-list');
    list.replaceChildren(...notices.map((text) => {
      const li = document.createElement('li');
      li.textContent = text; // never markup: notices quote what the link said
      return li;
    }));
    box.hidden = notices.length === 0;
  }

  // The hash follows the state at once. Chromium ignores history updates beyond 200 in 10 s,
  // which would leave the link stale, so after 100 writes in 10 s (an arrow key held on a slider)
  // the writes come at most every 250 ms, the last one trailing; leaving the page writes at once.
  let hashTimer = null;
  const hashWrites = []; // times of the writes of the last 10 s
  let onStateWritten = () => {}; // the embedding API's `state` message
  function writeHash() {
    if (hashTimer !== null) clearTimeout(hashTimer);
    hashTimer = null;
    hashWrites.push(performance.now());
    const hash = serialize(state);
    if (location.hash !== hash) history.replaceState(null, '', hash);
    onStateWritten();
  }
  function requestHashWrite() {
    const now = performance.now();
    while (hashWrites.length && now - hashWrites[0] > 10000) hashWrites.shift();
    if (hashWrites.length < 100 && hashTimer === null) writeHash();
    else hashTimer ??= setTimeout(writeHash, Math.max(0, hashWrites.at(-1) + 250 - now));
  }
  window.addEventListener('pagehide', () => { if (hashTimer !== null) writeHash(); });

  function setState(next) {
    state = next;
    requestHashWrite();
    render(false);
  }

  /** A setting changed in a form: choosing another data set also loads its starting values. */
  function onChange(key, value) {
    setState(key === 'data' ? withData(state, value) : { ...state, [key]: value });
  }

  function render(moveFocus) {
    document.body.classList.toggle('embed', state.embed);
    const page = state.chapter;
    for (const section of document.querySelectorAll('[data-page]')) section.hidden = section.dataset.page !== page;
    for (const link of document.querySelectorAll('[data-chapter-link]')) {
      if (link.dataset.chapterLink === page) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    document.title = page ? `${TITLES[page]} · brainprop` : 'brainprop · Can the brain do backprop?';

    for (const [id, Chapter] of Object.entries(CHAPTERS)) {
      if (id === page) {
        chapters[id] ??= new Chapter(document.querySelector(`[data-page="${id}"]`), onChange);
        chapters[id].apply(state);
      } else {
        chapters[id]?.leave();
      }
    }
    if (moveFocus) {
      const heading = document.querySelector(`[data-page="${page}"] h1`);
      if (heading && !state.embed) heading.focus({ preventScroll: true });
      window.scrollTo(0, 0);
    }
  }

  function load(moveFocus) {
    if (hashTimer !== null) clearTimeout(hashTimer); // the new hash wins over a pending write
    hashTimer = null;
    const parsed = parse(location.hash);
    showNotices(parsed.notices);
    state = parsed.state;
    if (location.hash) history.replaceState(null, '', serialize(state));
    render(moveFocus);
    onStateWritten();
  }

  renderNav($('chapter-nav'));
  renderCards($('chapter-cards'));
  const dismiss = document.createElement('button');
  dismiss.type = 'button';
  dismiss.dataset.el = 'notices-dismiss';
  dismiss.textContent = 'Dismiss';
  dismiss.addEventListener('click', () => showNotices([]));
  $('notices').append(dismiss);
  // The skip link must not touch the hash, which holds the state.
  document.querySelector('[data-skip]').addEventListener('click', (event) => {
    event.preventDefault();
    const target = document.querySelector(`[data-page="${state.chapter}"] h1`) || document.getElementById('main');
    target.focus();
  });
  window.addEventListener('hashchange', () => load(true));

  // Keyboard (www/figures/keys.js): Space train/pause, → one step, R reset, ? the list; only
  // while single-key shortcuts are on, only on the figure that has the focus or was last used,
  // and never while typing or on a control that uses the key itself.
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || !shortcutsOn()) return;
    const target = event.target instanceof Element ? event.target : document.body;
    if (target.closest('input, textarea, select, dialog, [contenteditable=""], [contenteditable="true"]')) return;
    if (event.key === '?') {
      event.preventDefault();
      showKeyList();
      return;
    }
    const figure = chapters[state.chapter]?.keyTarget();
    if (!figure) return;
    if (event.key === ' ') {
      if (target.closest('button, a, summary')) return;
      event.preventDefault();
      figure.toggle();
    } else if (event.key === 'ArrowRight') {
      event.preventDefault();
      figure.step();
    } else if (event.key === 'r' || event.key === 'R') {
      event.preventDefault();
      figure.reset();
    }
  });

  const api = startEmbedApi({
    state: () => state,
    hash: () => serialize(state),
    setHash: (hash) => { location.hash = hash; },
    set: (key, value) => {
      // As a link would say it: parsed and clamped like the URL (unknown keys get a notice).
      const parsed = parse(`${serialize(state)}&${encodeURIComponent(key)}=${encodeURIComponent(Array.isArray(value) ? value.join(',') : String(value))}`);
      showNotices(parsed.notices);
      setState(parsed.state);
    },
    chapter: () => chapters[state.chapter] ?? null,
    figureIds: () => [...(chapters[state.chapter]?.figures.keys() ?? [])],
  });
  onStateWritten = () => api?.post('state', { hash: serialize(state) });

  load(false);
  startOffline({ embed: state.embed || window.parent !== window });
  api?.post('ready', { chapter: state.chapter, figures: [...(chapters[state.chapter]?.figures.keys() ?? [])], hash: serialize(state) });
}

start();
