// A tiny DOM builder instead of a framework: views are small and re-rendered whole.
import { number, t } from './i18n.js';

const PROPS = new Set(['checked', 'disabled', 'selected', 'indeterminate', 'hidden']);

/**
 * `h('button', { i18n: 'inbox.markAll', onclick }, child…)`. `i18n` sets the text from the dictionary
 * (`[key, vars]` for placeholders), `aria` the aria-label, `label` the caption a stacked table cell shows.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  let value;
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'i18n') setText(el, v);
    else if (k === 'aria') setAria(el, v);
    else if (k === 'label') el.dataset.label = t(v);
    else if (k === 'class') el.className = v;
    else if (k === 'value') value = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (PROPS.has(k)) el[k] = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...nodes(children));
  // After the children: a select's value must name one of its options.
  if (value !== undefined) el.value = String(value);
  return el;
}

/** Text that is data (names, titles, ids), not interface: marked so the language check can tell them apart. */
export const data = (text, tag = 'span', props = {}) => h(tag, { ...props, 'data-value': '' }, text ?? '—');

function setText(el, v) {
  const [key, vars] = Array.isArray(v) ? v : [v];
  el.textContent = t(key, vars);
  el.dataset.i18n = key;
  if (vars) el.dataset.i18nVars = JSON.stringify(vars);
}

function setAria(el, v) {
  const [key, vars] = Array.isArray(v) ? v : [v];
  el.setAttribute('aria-label', t(key, vars));
  el.dataset.i18nAria = key;
  if (vars) el.dataset.i18nVars = JSON.stringify(vars);
}

const nodes = (children) =>
  children
    .flat(Infinity)
    .filter((c) => c !== null && c !== undefined && c !== false)
    .map((c) => (typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c));

let uid = 0;
export const nextId = (prefix) => `${prefix}-${++uid}`;

/** A labelled form control: the label is always a real <label for>. */
export function field(labelKey, control, hintKey) {
  control.id ||= nextId('f');
  const hint = hintKey ? h('p', { class: 'hint', id: `${control.id}-hint`, i18n: hintKey }) : null;
  if (hint) control.setAttribute('aria-describedby', hint.id);
  return h('div', { class: 'field' }, h('label', { for: control.id, i18n: labelKey }), control, hint);
}

export function select(options, props = {}) {
  return h(
    'select',
    props,
    options.map((o) =>
      h('option', { value: o.value, ...(o.i18n ? { i18n: o.i18n } : {}), ...(o.data ? { 'data-value': '' } : {}) }, o.text),
    ),
  );
}

/** A status line that screen readers announce: saved, failed, sent a code. */
export function announce(key, vars, kind = 'ok') {
  const box = document.getElementById('toast');
  box.className = `toast ${kind}`;
  box.replaceChildren(h('span', { i18n: [key, vars] }));
  clearTimeout(announce.timer);
  announce.timer = setTimeout(() => box.replaceChildren(), 6000);
}

/** A page-level problem shown where the content would be. */
export const problem = (key, vars) => h('p', { class: 'problem', role: 'alert', i18n: [key, vars] });

/** `Previous · 21–40 of 1,000 · Next`, from a paged API answer. */
export function pager({ offset, limit, total }, go, labelKey = 'pager.label') {
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return h(
    'nav',
    { class: 'pager', aria: labelKey },
    h('button', {
      type: 'button',
      id: 'pager-previous',
      class: 'secondary',
      i18n: 'pager.previous',
      disabled: offset === 0,
      onclick: () => go(Math.max(0, offset - limit)),
    }),
    h('span', {
      class: 'range',
      'aria-live': 'polite',
      i18n: ['pager.range', { from: number(from), to: number(to), total: number(total) }],
    }),
    h('button', {
      type: 'button',
      id: 'pager-next',
      class: 'secondary',
      i18n: 'pager.next',
      disabled: to >= total,
      onclick: () => go(offset + limit),
    }),
  );
}

/**
 * A modal form in a native <dialog> (focus stays inside, Esc cancels). `onSave(form)` returns true to close,
 * or throws to keep it open with the problem shown inside.
 */
export function dialog(title, content, onSave, saveKey = 'common.save') {
  const titleId = nextId('dlg');
  const error = h('p', { class: 'problem', role: 'alert', hidden: true });
  const form = h(
    'form',
    { method: 'dialog' },
    h('h2', { id: titleId, i18n: title }),
    content,
    error,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', value: 'save', i18n: saveKey }),
      h('button', { type: 'button', class: 'secondary', i18n: 'common.cancel', onclick: () => box.close('cancel') }),
    ),
  );
  const box = h('dialog', { 'aria-labelledby': titleId }, form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      if (await onSave(form)) box.close('save');
    } catch (err) {
      error.hidden = false;
      error.textContent = err.message;
    }
  });
  box.addEventListener('close', () => box.remove());
  document.body.append(box);
  box.showModal();
  return box;
}

/** A checkbox with its label, for lists of choices: `label` is `{ i18n }` for interface words or a string for data (a name). */
export function checkbox(name, value, label, checked, type = 'checkbox') {
  const id = nextId('c');
  const text = typeof label === 'string' ? h('label', { for: id, 'data-value': '' }, label) : h('label', { for: id, ...label });
  return h('div', { class: 'field check' }, h('input', { type, id, name, value, checked }), text);
}

export const picked = (form, name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
