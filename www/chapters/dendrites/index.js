// The Dendrites & Bursts chapter: three figures on one page (www/figures/chapter.js). Figure 1
// simulates the multiplexing population (./multiplex.js); figures 2 and 3 are races of engine
// workers (www/figures/figure.js) described as data in ./figures.js.
import { FigureChapter } from '../../figures/chapter.js';
import { DENDRITES_FIGURES } from '../../state/state.js';
import { Figure } from '../../figures/figure.js';
import { MultiplexFigure } from './multiplex.js';
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
      make: (id, root, hooks) => (id === 'multiplex'
        ? new MultiplexFigure(id, root, hooks)
        : new Figure(id, root, { ...hooks, spec: SPEC, ...(id === 'plasticity' ? PLASTICITY : {}) })),
      title: (id) => `brainprop: Dendrites & Bursts, figure ${SPEC.FIGURES[id].number}: ${SPEC.FIGURES[id].title}`,
    }, onChange);
  }
}
