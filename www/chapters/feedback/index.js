// The Random feedback chapter: five figures on one page (www/figures/chapter.js), each a race of
// engine workers (www/figures/figure.js) described as data in ./figures.js.
import { FigureChapter } from '../../figures/chapter.js';
import { FEEDBACK_FIGURES } from '../../state/state.js';
import { Figure } from '../../figures/figure.js';
import * as SPEC from './figures.js';
import { FIGURES as DATA_OF } from '../../state/figures.js';
import { addDrawPad } from '../../figures/drawpad.js';

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
        const figure = new Figure(id, root, { ...hooks, spec: SPEC, ...(playWord && { playWord }), ...(stepLabel && { stepLabel }), ...(words && { words }) });
        // Draw a digit, on the figures that train on MNIST: every lane answers.
        if (DATA_OF[id]?.data === 'mnist') addDrawPad(figure, root.querySelector('.fb-views'));
        return figure;
      },
      title: (id) => `brainprop: Random feedback, figure ${SPEC.FIGURES[id].number}: ${SPEC.FIGURES[id].title}`,
    }, onChange);
  }
}
