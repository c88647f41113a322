// Forms: checks in the browser, errors shown as the error summary and inline messages, the busy state.
import { GENERIC_ERROR, INPUT_ERROR, errorMessage } from '/assets/http.js';
import { el } from '/assets/dom.js';

const SUMMARY_ATTR = 'data-error-summary';

function fieldControl(form, name) {
  const c = form.elements.namedItem(name);
  if (!c) return null;
  // RadioNodeList etc.: take the first control.
  return c instanceof Element ? c : c[0] || null;
}

/** Removes the error summary and every inline error of a form. */
export function clearFormErrors(form) {
  form.querySelectorAll('[' + SUMMARY_ATTR + ']').forEach((n) => n.remove());
  form.querySelectorAll('.field-error').forEach((n) => n.remove());
  form.querySelectorAll('[aria-invalid="true"]').forEach((c) => {
    c.removeAttribute('aria-invalid');
    const original = c.dataset.describedby;
    if (original) c.setAttribute('aria-describedby', original);
    else c.removeAttribute('aria-describedby');
  });
  form.querySelectorAll('.form-group--error').forEach((g) => g.classList.remove('form-group--error'));
}

/**
 * Renders an API error body { code, message, fields: [{ field, message }] } on a form:
 * an error summary at the top (role=alert, focused, links to each field) and an inline
 * error next to each field (aria-invalid, aria-describedby).
 */
export function showFormErrors(form, data) {
  clearFormErrors(form);
  const fields = Array.isArray(data && data.fields) ? data.fields : [];
  const message = (data && data.message) || (fields.length ? INPUT_ERROR : GENERIC_ERROR);

  const summary = el('div', {
    class: 'error-summary',
    role: 'alert',
    tabindex: '-1',
    [SUMMARY_ATTR]: '',
  });
  summary.append(el('p', { class: 'error-summary__title' }, message));

  if (fields.length) {
    const list = el('ul', { class: 'error-summary__list' });
    for (const f of fields) {
      const text = f && f.message ? String(f.message) : INPUT_ERROR;
      const control = f && f.field ? fieldControl(form, f.field) : null;
      if (!control) {
        list.append(el('li', {}, text));
        continue;
      }
      if (!control.id) control.id = 'field-' + f.field;
      const link = el('a', { href: '#' + control.id }, text);
      link.addEventListener('click', (e) => {
        e.preventDefault();
        control.focus();
        control.scrollIntoView({ block: 'center' });
      });
      list.append(el('li', {}, link));
      markInvalid(control, text);
    }
    summary.append(list);
  }
  form.prepend(summary);
  summary.focus();
}

function markInvalid(control, text) {
  const errorId = control.id + '-error';
  let inline = document.getElementById(errorId);
  // A radio group: the message goes under the group's legend, and every radio of the
  // group is marked.
  const isChoice = control.type === 'radio' || control.type === 'checkbox';
  const fieldset = isChoice ? control.closest('fieldset') : null;
  const controls = isChoice && control.name && control.form
    ? Array.from(control.form.querySelectorAll('input')).filter((c) => c.name === control.name)
    : [control];
  if (inline) {
    // Two messages for one field: show both.
    inline.append(el('br'), text);
  } else {
    inline = el('p', { class: 'field-error', id: errorId },
      el('span', { class: 'visually-hidden' }, 'エラー：'), text);
    const legend = fieldset && fieldset.querySelector('legend');
    if (legend) legend.insertAdjacentElement('afterend', inline);
    // A control drawn with others (a field and its button): the message goes above them all.
    else (control.closest('[data-error-anchor]') || control).insertAdjacentElement('beforebegin', inline);
  }
  for (const c of controls) {
    if (c.getAttribute('aria-invalid') === 'true') continue;
    if (c.dataset.describedby === undefined) {
      c.dataset.describedby = c.getAttribute('aria-describedby') || '';
    }
    const ids = [c.dataset.describedby, errorId].filter(Boolean).join(' ');
    c.setAttribute('aria-describedby', ids);
    c.setAttribute('aria-invalid', 'true');
  }
  const group = control.closest('.form-group');
  if (group) group.classList.add('form-group--error');
}

/**
 * Field checks done in the browser before calling the API (blank fields, matching
 * passwords). rules: [{ field, test: (value, form) => bool, message }]. Returns the
 * error body to render, or null.
 */
function checkFields(form, rules) {
  const fields = [];
  const seen = new Set();
  for (const r of rules) {
    if (seen.has(r.field)) continue;
    const control = fieldControl(form, r.field);
    const value = control ? control.value : '';
    if (!r.test(value, form)) {
      fields.push({ field: r.field, message: r.message });
      seen.add(r.field);
    }
  }
  return fields.length ? { code: 'invalid_input', message: INPUT_ERROR, fields } : null;
}

/**
 * Clears the form's errors and checks it with checkFields' rules: true when every field
 * passes, else false with the errors shown.
 */
export function checkForm(form, rules) {
  clearFormErrors(form);
  const invalid = checkFields(form, rules);
  if (invalid) showFormErrors(form, invalid);
  return !invalid;
}

/** Shows a failed API call's answer on the form: its message and its field errors. */
export function showResponseErrors(form, result) {
  showFormErrors(form, { ...result.data, message: errorMessage(result) });
}

/** A rule's test: more than spaces was typed. */
export const notBlank = (v) => String(v).trim() !== '';

/** A rule's test: anything was typed (a password: spaces count). */
export const notEmpty = (v) => v !== '';

/**
 * Runs fn (an API call) with root marked busy and its buttons disabled: a form's submit
 * buttons, or every button of another container (an action bar).
 */
export async function whileBusy(root, fn) {
  const buttons = root.querySelectorAll(root instanceof HTMLFormElement ? 'button[type="submit"]' : 'button');
  buttons.forEach((b) => { b.disabled = true; });
  root.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
    root.removeAttribute('aria-busy');
  }
}
