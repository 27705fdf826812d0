// The Through time chapter: four figures on one page (www/figures/chapter.js). Figure 1 draws one
// network's last trial beside its loss (./fit.js); the others are races of engine workers
// (www/figures/figure.js) described as data in ./figures.js.
import { FigureChapter } from '../../figures/chapter.js';
import { TIME_FIGURES } from '../../state/state.js';
import { Figure } from '../../figures/figure.js';
import { TimeFitFigure } from './fit.js';
import * as SPEC from './figures.js';

export class TimeChapter extends FigureChapter {
  /**
   * @param {HTMLElement} page the chapter's <article>
   * @param {(key: string, value: unknown) => void} onChange a setting changed (valid value)
   */
  constructor(page, onChange) {
    super(page, {
      ids: TIME_FIGURES,
      make: (id, root, hooks) => {
        if (id === 'time_fit') return new TimeFitFigure(id, root, hooks);
        const { playWord, stepLabel, words } = SPEC.FIGURES[id];
        return new Figure(id, root, { ...hooks, spec: SPEC, playWord, stepLabel, words });
      },
      title: (id) => `brainprop: Through time, figure ${SPEC.FIGURES[id].number}: ${SPEC.FIGURES[id].title}`,
    }, onChange);
  }
}
