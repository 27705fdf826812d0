// A chapter page of figures: each figure has its own settings form, share buttons and URL keys
// (`race.seed`, `multiplex.dendritic_mean`, … in www/state/state.js), and trains in its own
// engine workers. The Backprop chapter is one too, with one figure whose keys have no prefix.
//
// Workers start when their figure first scrolls into view (with `lazy: false`, as soon as the
// chapter is shown). Only one figure trains at a time (starting one pauses the others, so they
// do not share the processor), and a training figure holds while the page is hidden, and (when
// lazy) while it is out of view, and goes on when it is back.
//
// A figure (www/figures/figure.js) has: apply(state), start(), play(), pause(), toggle(),
// step(), reset(), suspend(reason), resume(reason), leave() and a `playing` getter; it is made
// by `make(id, root, {onPlay})`, renders its shell into `root`, and calls onPlay(itself) when it
// starts training.
import { Controls } from './controls.js';
import { bindShare, figureUrl } from './share.js';
import { ClassroomPanel, hideFields } from './classroom.js';
import { serialize } from '../state/state.js';

/** The teachers' page of a chapter (www/teach/<chapter>.html), as a URL beside this module's. */
export function teacherPage(chapter) {
  return new URL(`../teach/${chapter}.html`, import.meta.url).href;
}

export class FigureChapter {
  /**
   * @param {HTMLElement} page the chapter's <article>
   * @param {{ids: string[], make: Function, title: (id: string) => string, lazy?: boolean, whole?: boolean}} figures
   *   the figure ids in page order, the factory, each figure's title for embed code; lazy: start
   *   a figure's workers when it comes into view, and hold it while it is out of view; whole:
   *   links carry the whole chapter's state (a chapter of one figure) rather than `fig=…`
   * @param {(key: string, value: unknown) => void} onChange a setting changed (valid value)
   */
  constructor(page, { ids, make, title, lazy = true, whole = false }, onChange) {
    this.page = page;
    this.lazy = lazy;
    this.whole = whole;
    this.state = null;
    this.shown = false;
    this.active = null; // the figure the keyboard drives
    this.scrolledTo = '';
    this.figures = new Map(); // id → {figure, controls, root}
    for (const id of ids) {
      const root = page.querySelector(`[data-figure="${id}"]`);
      const figure = make(id, root, { onPlay: (f) => this.#onPlay(f) });
      const controls = new Controls(root.querySelector('[data-el="controls"]'), onChange);
      bindShare(root.querySelector('.share'), () => title(id), () => this.figureHref(id));
      const classroom = new ClassroomPanel(root.querySelector('[data-el="classroom"]'), { title: () => title(id), href: (hide) => this.figureHref(id, hide) });
      for (const type of ['focusin', 'pointerdown']) root.addEventListener(type, () => { this.active = figure; });
      this.figures.set(id, { figure, controls, classroom, root });
    }
    this.#linkTeachers();
    // Clicking or tabbing anywhere outside the figures means the reader has left them: the
    // keyboard then drives none (R pressed in the prose resets nothing).
    for (const type of ['focusin', 'pointerdown']) {
      document.addEventListener(type, (event) => {
        if (this.shown && !this.figureAt(event.target)) this.active = null;
      });
    }
    this.observer = new IntersectionObserver((entries) => this.#onIntersect(entries));
    document.addEventListener('visibilitychange', () => {
      for (const { figure } of this.figures.values()) {
        if (document.hidden) figure.suspend('hidden');
        else figure.resume('hidden');
      }
    });
  }

  /**
   * The full-page URL of one figure: its own settings and `fig=…`, nothing else, and the fields
   * the page hides (a classroom link's `<key>_hide=1`), or those of keys `hide` when given.
   */
  figureHref(id, hide = this.state.hide) {
    const url = new URL(location.href);
    url.hash = serialize({ ...this.state, embed: false, hide }, { figure: this.whole ? '' : id });
    return url.href;
  }

  /** Puts a "For teachers" link to the chapter's teachers' page under the chapter's heading. */
  #linkTeachers() {
    const heading = this.page.querySelector('header.article h1');
    if (!heading || this.page.querySelector('[data-el="for-teachers"]')) return;
    const line = document.createElement('p');
    line.className = 'for-teachers';
    const link = document.createElement('a');
    link.dataset.el = 'for-teachers';
    link.href = teacherPage(this.page.dataset.page);
    link.textContent = 'For teachers: what each figure shows, guided questions and preset links';
    line.append(link);
    heading.after(line);
  }

  /** Takes a new page state (the chapter is shown). */
  apply(state) {
    this.state = state;
    const only = state.embed && state.fig ? state.fig : '';
    for (const [id, { figure, controls, classroom, root }] of this.figures) {
      root.hidden = only !== '' && id !== only;
      controls.show(state);
      figure.apply(state);
      hideFields(controls.form, state.hide); // after the figure showed the fields of its lanes
      classroom.show(state);
      if (!this.lazy) figure.start();
      root.querySelector('[data-el="open-full"]').href = figureUrl(this.figureHref(id), false);
    }
    if (!this.shown) {
      this.shown = true;
      if (this.lazy) for (const { root } of this.figures.values()) this.observer.observe(root);
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

  /** The figure whose root holds `element`, if any. */
  figureAt(element) {
    if (!(element instanceof Element)) return null;
    for (const { figure, root } of this.figures.values()) if (root.contains(element)) return figure;
    return null;
  }

  /**
   * The figure the keyboard drives (www/figures/keys.js): the one holding the focus, else the one
   * last used (clicked, tabbed into, trained or stepped) if it is still shown; none otherwise.
   */
  keyTarget() {
    const focused = this.figureAt(document.activeElement);
    const figure = focused ?? this.active;
    const entry = [...this.figures.values()].find((f) => f.figure === figure);
    return entry && !entry.root.hidden ? figure : null;
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
