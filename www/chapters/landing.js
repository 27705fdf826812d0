// The site's chapter list in the header, and the landing page's chapter cards. index.html gives each card its prose only
// (`<li class="chapter-card [live]" data-chapter="…" [data-cta="…"]>` around its paragraphs);
// this renders what every card has around it: the chapter's number, its title linking to it,
// the live or coming badge, and, on a live card, the call to action.

import { CHAPTERS, CHAPTER_TITLES } from '../state/state.js';

/** Page titles by chapter id (the engine's `Chapter` titles); '' is the landing page. */
export const TITLES = Object.freeze({ '': 'Can the brain do backprop?', ...CHAPTER_TITLES });

function link(chapter, text, className) {
  const a = document.createElement('a');
  a.href = `#v=1&chapter=${chapter}`;
  a.textContent = text;
  if (className) a.className = className;
  return a;
}

/** Fills the site header's chapter list (`<ol class="chapter-nav">`): one link per chapter, in the order of the talk. */
export function renderNav(list) {
  list.replaceChildren(...CHAPTERS.map((chapter) => {
    const item = document.createElement('li');
    const a = link(chapter, TITLES[chapter]);
    a.dataset.chapterLink = chapter;
    item.append(a);
    return item;
  }));
}

/** Renders the frame of every card in `list` (the landing page's <ol class="chapters">). */
export function renderCards(list) {
  [...list.querySelectorAll('.chapter-card')].forEach((card, number) => {
    const { chapter, cta } = card.dataset;
    const live = card.classList.contains('live');
    const badge = document.createElement('span');
    badge.className = live ? 'badge live' : 'badge';
    badge.textContent = live ? 'live' : 'coming';
    const title = document.createElement('h2');
    title.append(link(chapter, TITLES[chapter]), ' ', badge);
    const body = document.createElement('div');
    body.append(title, ...card.children);
    if (cta) body.append(link(chapter, cta, 'cta'));
    const circle = document.createElement('span');
    circle.className = 'chapter-number';
    circle.setAttribute('aria-hidden', 'true');
    circle.textContent = String(number);
    card.replaceChildren(circle, body);
  });
}
