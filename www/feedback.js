// The Random feedback chapter: four figures on one page, each a race of engine workers
// (www/feedback-figure.js), with its own settings form, share buttons and URL keys
// (`race.seed`, `linear.epochs`, … in www/state.js).
//
// Workers start when their figure first scrolls into view. Only one figure trains at a time
// (starting one pauses the others, so they do not share the processor), and a training figure
// holds while it is out of view or the page is hidden, and goes on when it is back.
import { Controls } from './controls.js';
import { bindShare, figureUrl } from './share.js';
import { serialize, FEEDBACK_FIGURES } from './state.js';
import { FeedbackFigure } from './feedback-figure.js';
import { FIGURES } from './feedback-figures.js';

export class FeedbackChapter {
  /**
   * @param {HTMLElement} page the chapter's <article>
   * @param {(key: string, value: unknown) => void} onChange a setting changed (valid value)
   */
  constructor(page, onChange) {
    this.page = page;
    this.state = null;
    this.shown = false;
    this.active = null; // the figure the keyboard drives
    this.scrolledTo = '';
    this.figures = new Map(); // id → {figure, controls, root}
    for (const id of FEEDBACK_FIGURES) {
      const root = page.querySelector(`[data-figure="${id}"]`);
      const figure = new FeedbackFigure(id, root, { onPlay: (f) => this.#onPlay(f) });
      const controls = new Controls(root.querySelector('[data-el="controls"]'), onChange);
      const { number, title } = FIGURES[id];
      bindShare(root.querySelector('.share'), () => `brainprop: Random feedback, figure ${number}: ${title}`, () => this.figureHref(id));
      for (const type of ['focusin', 'pointerdown']) root.addEventListener(type, () => { this.active = figure; });
      this.figures.set(id, { figure, controls, root });
    }
    this.observer = new IntersectionObserver((entries) => this.#onIntersect(entries));
    document.addEventListener('visibilitychange', () => {
      for (const { figure } of this.figures.values()) {
        if (document.hidden) figure.suspend('hidden');
        else figure.resume('hidden');
      }
    });
  }

  /** The full-page URL of one figure: its own settings and `fig=…`, nothing else. */
  figureHref(id) {
    const url = new URL(location.href);
    url.hash = serialize({ ...this.state, embed: false }, { figure: id });
    return url.href;
  }

  /** Takes a new page state (the chapter is shown). */
  apply(state) {
    this.state = state;
    const only = state.embed && state.fig ? state.fig : '';
    for (const [id, { figure, controls, root }] of this.figures) {
      root.hidden = only !== '' && id !== only;
      controls.show(state);
      figure.apply(state);
      root.querySelector('[data-el="open-full"]').href = figureUrl(this.figureHref(id), false);
    }
    if (!this.shown) {
      this.shown = true;
      for (const { root } of this.figures.values()) this.observer.observe(root);
    }
    // A link to one figure opens the chapter at that figure.
    if (state.fig && !state.embed && state.fig !== this.scrolledTo) {
      const { root } = this.figures.get(state.fig);
      requestAnimationFrame(() => root.scrollIntoView({ block: 'start' }));
    }
    this.scrolledTo = state.fig;
  }

  /** The reader left the chapter: stop every figure. */
  leave() {
    if (!this.shown) return;
    this.shown = false;
    this.observer.disconnect();
    for (const { figure } of this.figures.values()) figure.leave();
  }

  // Keyboard: Space, → and R act on the figure last used (or in view).
  toggle() {
    this.#target()?.toggle();
  }

  step() {
    this.#target()?.step();
  }

  reset() {
    this.#target()?.reset();
  }

  #target() {
    const visible = [...this.figures.values()].filter(({ root }) => !root.hidden);
    if (this.active && visible.some(({ figure }) => figure === this.active)) return this.active;
    // The figure that fills most of the window.
    const shown = ({ root }) => {
      const box = root.getBoundingClientRect();
      return Math.max(0, Math.min(box.bottom, window.innerHeight) - Math.max(box.top, 0));
    };
    const best = visible.reduce((a, b) => (shown(b) > shown(a) ? b : a), visible[0]);
    return best?.figure;
  }

  #onPlay(playing) {
    this.active = playing;
    for (const { figure } of this.figures.values()) {
      if (figure !== playing && figure.playing) figure.pause();
    }
  }

  #onIntersect(entries) {
    if (!this.shown) return;
    for (const entry of entries) {
      const { figure } = this.figures.get(entry.target.dataset.figure);
      if (entry.isIntersecting) {
        figure.start();
        figure.resume('offscreen');
      } else {
        figure.suspend('offscreen');
      }
    }
  }
}
