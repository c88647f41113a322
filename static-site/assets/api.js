// Shared client code of the member portal: API calls, form errors, sessions.
// An ES module; every page loads its own module, which imports from here.
// No innerHTML anywhere: text from the API is always set as text.

/** Shown when the server cannot be reached or fails (network error, 5xx). */
export const GENERIC_ERROR =
  '通信エラーが発生しました。しばらくしてから再度お試しください。';

/** Shown when a 4xx response carries no message of its own. */
const FALLBACK_INPUT_ERROR = '入力内容を確認してください。';

/**
 * Calls the portal API on the same origin.
 * Resolves to { ok, status, data }; never rejects. On a network failure status is 0.
 * For 5xx (or an unreadable body) data is replaced by a generic error.
 */
export async function api(method, path, body) {
  const init = {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: {
      'Content-Type': 'application/json',
      'X-Requested-With': 'portal-fetch',
      Accept: 'application/json',
    },
  };
  if (body !== undefined && method !== 'GET' && method !== 'HEAD') {
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    return { ok: false, status: 0, data: { code: 'network_error', message: GENERIC_ERROR } };
  }
  let data = null;
  let text = '';
  try {
    text = await res.text();
  } catch {
    text = '';
  }
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.status >= 500) {
    return { ok: false, status: res.status, data: { code: 'server_error', message: GENERIC_ERROR } };
  }
  if (!res.ok && (data === null || typeof data !== 'object')) {
    data = { code: 'http_' + res.status, message: res.status === 400 ? FALLBACK_INPUT_ERROR : GENERIC_ERROR };
  }
  return { ok: res.ok, status: res.status, data };
}

/** The message to show for a failed call. */
export function errorMessage(result) {
  const d = result && result.data;
  if (d && typeof d.message === 'string' && d.message.trim() !== '') return d.message;
  if (result && result.status >= 400 && result.status < 500) return FALLBACK_INPUT_ERROR;
  return GENERIC_ERROR;
}

// ---------------------------------------------------------------- DOM helpers

/** Small element builder: el('p', { class: 'x' }, 'text', child). Text is never parsed as HTML. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') node.textContent = String(v);
    else if (k === 'hidden' && v === true) node.hidden = true;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** "2021-04-01" → "2021年4月1日" (no time zone involved). */
export function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso || ''));
  if (!m) return String(iso || '');
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

// ---------------------------------------------------------------- navigation

/**
 * A same-origin path ("/home.html#dues") or null. Accepts same-origin absolute URLs,
 * refuses anything that would leave the site (//evil, https://evil, javascript:).
 */
export function safeLocalPath(raw) {
  if (typeof raw !== 'string' || raw === '') return null;
  if (/[\u0000-\u001f\\]/.test(raw)) return null;
  if (!raw.startsWith('/') || raw.startsWith('//')) {
    // Only same-origin absolute URLs are accepted besides plain paths.
    if (!/^https?:\/\//i.test(raw)) return null;
  }
  let url;
  try {
    url = new URL(raw, location.origin);
  } catch {
    return null;
  }
  if (url.origin !== location.origin) return null;
  return url.pathname + url.search + url.hash;
}

/** The member login URL that brings the member back to the current page. */
export function memberLoginUrl() {
  const here = location.pathname + location.search + location.hash;
  return '/index.html?next=' + encodeURIComponent(here);
}

const never = () => new Promise(() => {});

/**
 * For member pages: GET /api/auth/session. On 401 goes to the login page (with ?next=)
 * and never resolves. Resolves to { session } or { error } for other failures.
 */
export async function requireMemberSession() {
  const r = await api('GET', '/api/auth/session');
  if (r.status === 401) {
    location.replace(memberLoginUrl());
    return never();
  }
  if (!r.ok) return { error: errorMessage(r) };
  return { session: r.data };
}

/** For staff pages: GET /api/staff/session; on 401 goes to the staff login. */
export async function requireStaffSession() {
  const r = await api('GET', '/api/staff/session');
  if (r.status === 401 || r.status === 403) {
    location.replace('/admin/login.html');
    return never();
  }
  if (!r.ok) return { error: errorMessage(r) };
  return { session: r.data };
}

/** Wires a 「ログアウト」 button: POST endpoint, then go to dest whatever the answer. */
export function bindLogout(button, endpoint, dest) {
  button.addEventListener('click', async () => {
    button.disabled = true;
    await api('POST', endpoint, {});
    location.replace(dest);
  });
}

/** Shows a page-level message (role=alert) in a container and focuses it. */
export function showPageError(container, message) {
  container.replaceChildren(
    el('div', { class: 'error-summary', role: 'alert', tabindex: '-1' }, el('p', {}, message)),
  );
  container.hidden = false;
  container.firstElementChild.focus();
}

// ---------------------------------------------------------------- form errors

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
  const message = (data && data.message) || (fields.length ? FALLBACK_INPUT_ERROR : GENERIC_ERROR);

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
      const text = f && f.message ? String(f.message) : FALLBACK_INPUT_ERROR;
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
  if (inline) {
    // Two messages for one field: show both.
    inline.append(el('br'), text);
  } else {
    inline = el('p', { class: 'field-error', id: errorId },
      el('span', { class: 'visually-hidden' }, 'エラー：'), text);
    control.insertAdjacentElement('beforebegin', inline);
  }
  if (control.getAttribute('aria-invalid') !== 'true') {
    if (control.dataset.describedby === undefined) {
      control.dataset.describedby = control.getAttribute('aria-describedby') || '';
    }
    const ids = [control.dataset.describedby, errorId].filter(Boolean).join(' ');
    control.setAttribute('aria-describedby', ids);
    control.setAttribute('aria-invalid', 'true');
  }
  const group = control.closest('.form-group');
  if (group) group.classList.add('form-group--error');
}

/**
 * Field checks done in the browser before calling the API (blank fields, matching
 * passwords). rules: [{ field, test: (value, form) => bool, message }]. Returns the
 * error body to render, or null.
 */
export function checkFields(form, rules) {
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
  return fields.length ? { code: 'invalid_input', message: FALLBACK_INPUT_ERROR, fields } : null;
}

export const notBlank = (v) => String(v).trim() !== '';

/** Disables the submit button during a call and marks the form busy. */
export async function whileBusy(form, fn) {
  const buttons = form.querySelectorAll('button[type="submit"]');
  buttons.forEach((b) => { b.disabled = true; });
  form.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
    form.removeAttribute('aria-busy');
  }
}
