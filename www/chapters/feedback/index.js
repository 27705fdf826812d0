// The Random feedback chapter: four figures on one page (www/chapter.js), each a race of engine
// workers (www/feedback-figure.js) described as data in www/feedback-figures.js.
import { FigureChapter } from '../../figures/chapter.js';
import { FEEDBACK_FIGURES } from '../../state/state.js';
import { FeedbackFigure } from '../../figures/figure.js';
import { FIGURES } from './figures.js';

export class FeedbackChapter extends FigureChapter {
  /**
   * @param {HTMLElement} page the chapter's <article>
   * @param {(key: string, value: unknown) => void} onChange a setting changed (valid value)
   */
  constructor(page, onChange) {
    super(page, {
      ids: FEEDBACK_FIGURES,
      make: (id, root, hooks) => new FeedbackFigure(id, root, hooks),
      title: (id) => `brainprop: Random feedback, figure ${FIGURES[id].number}: ${FIGURES[id].title}`,
    }, onChange);
  }
}
