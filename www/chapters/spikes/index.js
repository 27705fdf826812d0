// The Spikes chapter: four figures on one page (www/figures/chapter.js), each a race of SuperSpike
// lanes (./spikes.js on www/figures/figure.js) described as data in ./figures.js.
import { FigureChapter } from '../../figures/chapter.js';
import { SPIKES_FIGURES } from '../../state/state.js';
import { SpikesFigure } from './spikes.js';
import * as SPEC from './figures.js';

export class SpikesChapter extends FigureChapter {
  /**
   * @param {HTMLElement} page the chapter's <article>
   * @param {(key: string, value: unknown) => void} onChange a setting changed (valid value)
   */
  constructor(page, onChange) {
    super(page, {
      ids: SPIKES_FIGURES,
      // The paint grid of figure 2 changes a setting itself, as a form does.
      make: (id, root, hooks) => new SpikesFigure(id, root, { ...hooks, onChange }),
      title: (id) => `brainprop: Spikes, figure ${SPEC.FIGURES[id].number}: ${SPEC.FIGURES[id].title}`,
    }, onChange);
  }
}
