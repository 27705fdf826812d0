// A figure's settings form, rendered from the settings declarations: `formOf(figure)` gives the
// groups in display order ([{legend, collapsed, props: [spec, …]}]), each spec says its kind,
// label, unit, help, limits and control. Every control is labelled (<label for>), its help and
// its message are linked with aria-describedby, and its `name` is the URL key, so the settings
// form (www/figures/controls.js) reads and validates it the same way as the URL hash.
// Each setting's block names its key (`data-key`), so a classroom link can hide it
// (www/figures/classroom.js). `label`, `help` and `valueLabels` come from our own declarations and may hold simple inline
// markup (<i>B</i>): they are trusted, never text from a link.

/** `figure-key` as an element id: `race.feedback_scale` in figure race → `race-feedback-scale`. */
export function fieldId(figure, key) {
  const name = key.startsWith(`${figure}.`) ? key.slice(figure.length + 1) : key;
  return `${figure}-${name}`.replace(/[^A-Za-z0-9-]/g, '-');
}

/** `html` with its first character in capitals (a label that starts with a tag is left as it is). */
export function capitalized(html) {
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

/**
 * One field: its label, control, unit, help and message. A setting that reaches only some of the
 * figure's lanes names them (`data-lanes`), so the figure can hide it while none of them runs.
 */
function field(spec, id, show) {
  const wrap = element('div', { class: 'field', 'data-key': spec.key, 'data-show': show, 'data-lanes': spec.reaches ? spec.reaches.join(' ') : undefined });
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
  const checks = element('div', { class: 'checks', 'data-key': labelled ? undefined : spec.key });
  for (const value of spec.values) {
    const label = element('label', {}, ` ${(spec.valueLabels && spec.valueLabels[value]) ?? value}`);
    label.prepend(element('input', { type: 'checkbox', name: spec.key, value }));
    checks.append(label);
  }
  const help = spec.help ? element('p', { class: 'help', id: `${id}-help` }, spec.help) : null;
  const parts = [checks, ...(help ? [help] : []), element('p', { class: 'message', 'data-message-for': spec.key, role: 'status', hidden: true })];
  if (help) checks.setAttribute('aria-describedby', help.id);
  const wrap = labelled ? element('div', { class: 'field', role: 'group', 'aria-labelledby': `${id}-label`, 'data-key': spec.key, 'data-show': show }) : document.createDocumentFragment();
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
