// The Random feedback chapter: five figures on one page (www/figures/chapter.js), each a race of
// engine workers (www/figures/figure.js) described as data in ./figures.js.
import { FigureChapter } from '../../figures/chapter.js';
import { FEEDBACK_FIGURES } from '../../state/state.js';
import { Figure } from '../../figures/figure.js';
import * as SPEC from './figures.js';

export class FeedbackChapter extends FigureChapter {
  /**
   * @param {HTMLElement} page the chapter's <article>
   * @param {(key: string, value: unknown) => void} onChange a setting changed (valid value)
   */
  constructor(page, onChange) {
    super(page, {
      ids: FEEDBACK_FIGURES,
      make: (id, root, hooks) => {
        const { playWord, stepLabel, words } = SPEC.FIGURES[id];
        return new Figure(id, root, { ...hooks, spec: SPEC, ...(playWord && { playWord }), ...(stepLabel && { stepLabel }), ...(words && { words }) });
      },
      title: (id) => `brainprop: Random feedback, figure ${SPEC.FIGURES[id].number}: ${SPEC.FIGURES[id].title}`,
    }, onChange);
  }
}
