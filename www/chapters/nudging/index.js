// The Nudging chapter (equilibrium propagation): its figures on one page (www/figures/chapter.js).
// The settling figure animates one digit relaxing (./settling.js); the others are races of engine
// workers (www/figures/figure.js) described as data in ./figures.js. A figure whose engine model
// is not in this build's schema yet is not declared (www/state/figures.js): its placeholder
// stays hidden.
import { FigureChapter } from '../../figures/chapter.js';
import { FIGURES_OF } from '../../state/state.js';
import { Figure } from '../../figures/figure.js';
import { SettlingFigure } from './settling.js';
import * as SPEC from './figures.js';

/** The figures that compute one curve rather than train: Run, one step at a time. */
const RUN = { playWord: 'Run', stepLabel: 'Step', words: { idle: 'press Run to start', training: 'running', stepping: 'running' } };

export class NudgingChapter extends FigureChapter {
  /**
   * @param {HTMLElement} page the chapter's <article>
   * @param {(key: string, value: unknown) => void} onChange a setting changed (valid value)
   */
  constructor(page, onChange) {
    const ids = FIGURES_OF.nudging;
    for (const section of page.querySelectorAll('[data-figure]')) section.hidden = !ids.includes(section.dataset.figure);
    super(page, {
      ids,
      make: (id, root, hooks) => (id === 'settling'
        ? new SettlingFigure(id, root, hooks)
        : new Figure(id, root, { ...hooks, spec: SPEC, ...(id === 'learning' ? {} : RUN) })),
      title: (id) => `brainprop: Nudging, figure ${SPEC.FIGURES[id].number}: ${SPEC.FIGURES[id].title}`,
    }, onChange);
    this.ids = ids;
  }

  apply(state) {
    super.apply(state);
    // FigureChapter shows every figure it drives; a placeholder without a figure stays hidden.
    for (const section of this.page.querySelectorAll('[data-figure]')) {
      if (!this.ids.includes(section.dataset.figure)) section.hidden = true;
    }
  }
}
