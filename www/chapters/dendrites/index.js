// The Dendrites & Bursts chapter: seven figures on one page (www/figures/chapter.js). Figure 1
// draws one digit through the segregated-dendrite network (./trace.js); figure 5 simulates the
// multiplexing population (./multiplex.js); the others are races of engine workers
// (www/figures/figure.js) described as data in ./figures.js and ./segregated.js.
import { FigureChapter } from '../../figures/chapter.js';
import { DENDRITES_FIGURES } from '../../state/state.js';
import { Figure } from '../../figures/figure.js';
import { MultiplexFigure } from './multiplex.js';
import { DendritesTraceFigure } from './trace.js';
import * as SPEC from './figures.js';

/** The pairing protocol runs one frequency at a time. */
const PLASTICITY = {
  playWord: 'Run', stepLabel: 'Step one frequency', words: { idle: 'press Run to start', training: 'running the protocol' },
};

export class DendritesChapter extends FigureChapter {
  /**
   * @param {HTMLElement} page the chapter's <article>
   * @param {(key: string, value: unknown) => void} onChange a setting changed (valid value)
   */
  constructor(page, onChange) {
    super(page, {
      ids: DENDRITES_FIGURES,
      make: (id, root, hooks) => {
        if (id === 'multiplex') return new MultiplexFigure(id, root, hooks);
        if (id === 'dendrites_trace') return new DendritesTraceFigure(id, root, hooks);
        return new Figure(id, root, { ...hooks, spec: SPEC, ...(id === 'plasticity' ? PLASTICITY : {}) });
      },
      title: (id) => `brainprop: Dendrites & Bursts, figure ${SPEC.FIGURES[id].number}: ${SPEC.FIGURES[id].title}`,
    }, onChange);
  }
}
