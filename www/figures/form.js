// A figure's settings form, rendered from the settings declarations: `formOf(figure)` gives the
// groups in display order ([{legend, collapsed, props: [spec, …]}]), each spec says its kind,
// label, unit, help, limits and control. Every control is labelled (<label for>), its help and
// its message are linked with aria-describedby, and its `name` is the URL key, so the settings
// form (www/figures/controls.js) reads and validates it the same way as the URL hash.
// `label`, `help` and `valueLabels` come from our own declarations and may hold simple inline
// markup (<i>B</i>): they are trusted, never text from a link.
import { prop } from '../state/state.js';

/** `figure-key` as an element id: `race.feedback_scale` in figure race → `race-feedback-scale`. */
export function fieldId(figure, key) {
  const name = key.startsWith(`${figure}.`) ? key.slice(figure.length + 1) : key;
  return `${figure}-${name}`.replace(/[^A-Za-z0-9-]/g, '-');
}

function capitalized(html) {
  return html.charAt(0).toUpperCase() + html.slice(1);
}

function element(tag, attributes = {}, html) {
  const e = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== false) e.setAttribute(name, value === true ? '' : value);
  }
  if (html !== undefined) e.innerHTML = html;
  return e;
}

const INPUT_MODE = { int: 'numeric', number: 'decimal', list: 'text' };

/** One field: its label, control, unit, help and message. */
function field(spec, id, show) {
  const wrap = element('div', { class: 'field', 'data-show': show });
  const help = spec.help ? element('p', { class: 'help', id: `${id}-help` }, spec.help) : null;
  // The settings form finds a field's message by the field's id (a checkbox's: by its name).
  const message = element('p', { class: 'message', id: `${id}-msg`, 'data-message-for': spec.kind === 'bool' ? spec.key : id, hidden: true });
  const describedBy = [help && help.id, message.id].filter(Boolean).join(' ');
  const unit = spec.unit ? element('span', { class: 'unit' }, spec.unit) : null;
  const label = element('label', { for: id }, capitalized(spec.label));
  let control;
  if (spec.kind === 'enum') {
    control = element('select', { id, name: spec.key, 'aria-describedby': describedBy });
    for (const value of spec.values) control.append(element('option', { value }, (spec.valueLabels && spec.valueLabels[value]) ?? value));
  } else if (spec.kind === 'bool') {
    control = element('input', { id, name: spec.key, type: 'checkbox', value: '1', 'aria-describedby': describedBy });
    label.prepend(control, ' ');
    wrap.classList.add('checks');
    wrap.append(label, ...[unit, help, message].filter(Boolean));
    return wrap;
  } else if (spec.control === 'range') {
    control = element('input', {
      id, name: spec.key, type: 'range', min: spec.min, max: spec.max, step: spec.step ?? (spec.kind === 'int' ? 1 : 'any'),
      'aria-describedby': describedBy,
    });
    const range = element('div', { class: 'range' });
    range.append(control, element('output', { for: id }), ...(unit ? [unit] : []));
    wrap.append(label, range, ...[help, message].filter(Boolean));
    return wrap;
  } else {
    control = element('input', {
      id, name: spec.key, type: 'text', inputmode: INPUT_MODE[spec.kind] || 'text', autocomplete: 'off', spellcheck: 'false',
      'aria-describedby': describedBy,
    });
  }
  // A seed gets a button that draws a new one; a unit stands after the input.
  const extras = [unit, spec.field === 'seed' ? element('button', { type: 'button', 'data-new-seed': spec.key }, 'New seed') : null].filter(Boolean);
  let box = control;
  if (extras.length) {
    box = element('div', { class: 'inline' });
    box.append(control, ...extras);
  }
  wrap.append(label, box, ...[help, message].filter(Boolean));
  return wrap;
}

/**
 * A set: one checkbox per value, and one message for the group (named after the key). Alone in
 * its group, the group's legend names it; beside other fields it is a labelled group of its own.
 */
function checkboxes(spec, id, show, labelled) {
  const checks = element('div', { class: 'checks' });
  for (const value of spec.values) {
    const label = element('label', {}, ` ${(spec.valueLabels && spec.valueLabels[value]) ?? value}`);
    label.prepend(element('input', { type: 'checkbox', name: spec.key, value }));
    checks.append(label);
  }
  const help = spec.help ? element('p', { class: 'help', id: `${id}-help` }, spec.help) : null;
  const parts = [checks, ...(help ? [help] : []), element('p', { class: 'message', 'data-message-for': spec.key, role: 'status', hidden: true })];
  if (help) checks.setAttribute('aria-describedby', help.id);
  const wrap = labelled ? element('div', { class: 'field', role: 'group', 'aria-labelledby': `${id}-label`, 'data-show': show }) : document.createDocumentFragment();
  if (labelled) wrap.append(element('p', { class: 'label', id: `${id}-label` }, capitalized(spec.label)));
  wrap.append(...parts);
  return wrap;
}

/**
 * Fills `form` with the groups of `figure` (formOf's layout). `show(spec)` may name the kind of
 * data a field belongs to (`data-show`, e.g. 'planar'): the figure hides it for other data.
 */
export function renderForm(form, figure, groups, { show = () => undefined } = {}) {
  for (const group of groups) {
    const box = group.collapsed ? element('details') : element('fieldset');
    box.append(element(group.collapsed ? 'summary' : 'legend', {}, group.legend));
    for (const spec of group.props) {
      const id = fieldId(figure, spec.key);
      box.append(spec.kind === 'set' ? checkboxes(spec, id, show(spec), group.props.length > 1) : field(spec, id, show(spec)));
    }
    form.append(box);
  }
  return form;
}

// ---- TEMP until state.formOf lands ----------------------------------------------------------
// Today's hand-written forms, as the declarations will give them: the groups of each figure and
// what today's prop() does not carry yet (display label, help, unit, control, value labels).

const SEED = { label: 'seed' };
const SCALE = { label: 'scale of <i>B</i>' };
const DIST = { label: 'drawn from', valueLabels: { gaussian: 'a Gaussian', uniform: 'a uniform distribution' } };
const CURRENT = { control: 'range', step: 10, unit: 'pA' };

const TEMP_FORMS = {
  backprop: [
    ['Data', {
      data: { label: 'data set', valueLabels: { circles: 'Circles', xor: 'XOR', spiral: 'Spiral', blobs: 'Two blobs', mnist: 'MNIST digits' } },
      noise: { label: 'noise', control: 'range', step: 0.01 },
    }],
    ['Network', {
      hidden: { label: 'hidden layers', help: 'Widths, comma-separated (e.g. 16,8); empty for none.' },
      activation: { label: 'activation', valueLabels: { relu: 'ReLU' } },
      loss: { label: 'loss', valueLabels: { crossentropy: 'cross-entropy (softmax)', mse: 'squared error (linear)' } },
    }],
    ['Training', {
      lr: { label: 'learning rate' },
      batch: { label: 'batch size' },
      epochs: { label: 'epochs' },
      speed: { label: 'speed', valueLabels: { 10: '10 epochs/s', 30: '30 epochs/s', 100: '100 epochs/s', max: 'as fast as possible' } },
      seed: SEED,
    }],
    ['More settings', {
      momentum: { label: 'momentum' },
      points: { label: 'points (train and test, each)' },
      init: { label: 'initial weights', valueLabels: { xavier: 'random (Glorot / He)', zero: 'all zero' } },
      init_scale: { label: 'initial scale' },
    }, true],
  ],
  race: [
    ['Rules', {
      'race.rules': {
        label: 'rules',
        valueLabels: Object.fromEntries([['bp', 'BP', 'backprop'], ['fa', 'FA', 'feedback alignment'], ['dfa', 'DFA', 'direct feedback alignment'], ['sign', 'Sign', 'sign symmetry'], ['shallow', 'Shallow', 'output layer only']]
          .map(([v, name, long]) => [v, `${name} <span class="help-inline">${long}</span>`])),
      },
    }],
    ['Feedback (FA, DFA)', {
      'race.feedback_scale': { ...SCALE, help: 'Relative to the spread of the initial forward weights. At 5, <i>B</i> is about as large as the output weights grow; at 1, FA still learns but its accuracy swings from epoch to epoch.' },
      'race.feedback_dist': DIST,
    }],
    ['Training', { 'race.epochs': { label: 'epochs' }, 'race.seed': SEED }],
  ],
  align: [
    ['Feedback', { 'align.feedback_scale': SCALE, 'align.feedback_dist': DIST }],
    ['Training', { 'align.lr': { label: 'learning rate' }, 'align.epochs': { label: 'epochs' }, 'align.seed': SEED }],
  ],
  linear: [
    ['Feedback (FA)', { 'linear.feedback_scale': SCALE, 'linear.feedback_dist': DIST }],
    ['Training', { 'linear.epochs': { label: 'epochs' }, 'linear.seed': SEED }],
  ],
  deep: [
    ['Network', {
      'deep.depth': { label: 'hidden layers (100 units each)' },
      'deep.init': { label: 'initial weights', valueLabels: { zero: 'all zero', xavier: 'random (Glorot)' } },
    }],
    ['Training', { 'deep.epochs': { label: 'epochs' }, 'deep.seed': SEED }],
  ],
  multiplex: [
    ['Soma (bottom-up)', {
      'multiplex.somatic_mean': { ...CURRENT, label: 'mean current' },
      'multiplex.somatic_amplitude': { ...CURRENT, label: 'signal amplitude' },
    }],
    ['Dendrite (top-down)', {
      'multiplex.dendritic_mean': { ...CURRENT, label: 'mean current' },
      'multiplex.dendritic_amplitude': { ...CURRENT, label: 'signal amplitude' },
    }],
    ['Simulation', {
      'multiplex.speed': { label: 'speed', valueLabels: { 0.25: '¼ of real time', 1: 'real time', max: 'as fast as possible' } },
      'multiplex.neurons': { label: 'neurons' },
      'multiplex.seed': SEED,
    }],
  ],
  plasticity: [['Protocol', { 'plasticity.seed': SEED }]],
  burstprop: [
    ['Feedback (BurstProp)', {
      'burstprop.feedback': {
        label: 'feedback weights <i>Y</i>',
        valueLabels: { learned: 'learned, like the forward weights', fixed: 'fixed and random' },
        help: 'Learned feedback follows the forward weights; fixed feedback relies on the forward weights aligning with it, as in feedback alignment.',
      },
    }],
    ['Training', { 'burstprop.epochs': { label: 'epochs' }, 'burstprop.seed': SEED }],
  ],
};

/** TEMP until state.formOf lands: the layout of a figure's form. */
export function formOf(figure) {
  return (TEMP_FORMS[figure] || []).map(([legend, extras, collapsed = false]) => ({
    legend,
    collapsed,
    props: Object.entries(extras).map(([key, extra]) => ({ unit: '', help: '', ...prop(key), field: key.split('.').pop(), ...extra })),
  }));
}
