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

/**
 * "2021-04-01" → "2021年4月1日" (no time zone involved). A timestamp with a time
 * ("2025-05-01T15:30:00Z") is shown as its date in Japan (Asia/Tokyo).
 */
export function formatDate(iso) {
  const s = String(iso || '');
  if (/^\d{4}-\d{2}-\d{2}T/.test(s)) {
    const d = new Date(s);
    if (!Number.isNaN(d.getTime())) {
      const jst = new Date(d.getTime() + 9 * 3600 * 1000);
      return `${jst.getUTCFullYear()}年${jst.getUTCMonth() + 1}月${jst.getUTCDate()}日`;
    }
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return s;
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

/** 13000 → "¥13,000". */
export function formatYen(amount) {
  const n = Number(amount);
  if (!Number.isFinite(n)) return String(amount ?? '');
  return '¥' + Math.trunc(n).toLocaleString('ja-JP');
}

/** 2025 → "2025年度". */
export function formatFiscalYear(year) {
  if (year === null || year === undefined || year === '') return '';
  return `${year}年度`;
}

/**
 * A data table that turns into one card per row where its container is narrow (a phone,
 * the 関連情報 column): columns [{ label, value: (row) => content, class?, rowHeader? }].
 * The explicit ARIA roles keep it a table for screen readers whatever the CSS display;
 * each cell's data-label is drawn by the stylesheet in the card form only.
 */
export function dataTable(caption, columns, rows, extraClass = '') {
  const cell = (c, row) => {
    const tag = c.rowHeader ? 'th' : 'td';
    return el(tag, {
      role: c.rowHeader ? 'rowheader' : 'cell',
      scope: c.rowHeader ? 'row' : null,
      class: c.class || null,
      'data-label': c.label,
    }, c.value(row));
  };
  return el('div', { class: 'table-wrap' },
    el('table', { class: ('table table--stack ' + extraClass).trim(), role: 'table' },
      el('caption', { class: 'visually-hidden' }, caption),
      el('thead', { role: 'rowgroup' }, el('tr', { role: 'row' },
        columns.map((c) => el('th', { scope: 'col', role: 'columnheader', class: c.class || null }, c.label)))),
      el('tbody', { role: 'rowgroup' }, rows.map((row) => el('tr', { role: 'row' }, columns.map((c) => cell(c, row)))))));
}

/** A value as text ('' for null/undefined). */
export const text = (v) => (v === null || v === undefined ? '' : String(v));

/** A definition-list row <div class="fields__row"><dt>label</dt><dd>…</dd></div>. */
export function fieldRow(label, ...content) {
  return el('div', { class: 'fields__row' }, el('dt', {}, label), el('dd', {}, ...content));
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

/**
 * The member number a member page is about: ?member_no=, or the session's own number
 * (then written into the address bar, so the page can be bookmarked).
 */
export function memberNoParam(session) {
  const params = new URLSearchParams(location.search);
  let memberNo = (params.get('member_no') || '').trim();
  if (!memberNo) {
    memberNo = String(session.member_no);
    params.set('member_no', memberNo);
    history.replaceState(null, '', location.pathname + '?' + params.toString() + location.hash);
  }
  return memberNo;
}

/** "/api/members/100001" + the rest, each part URL-encoded. */
export function memberApi(memberNo, ...parts) {
  return ['/api/members', memberNo, ...parts].map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join('/');
}

// ---------------------------------------------------------------- messages across pages

const FLASH_KEY = 'portal.flash';

/** Keeps a message for the next page this tab opens (e.g. 「申請情報を作成しました。」). */
export function setFlash(message) {
  try {
    sessionStorage.setItem(FLASH_KEY, JSON.stringify({ message }));
  } catch {
    // Storage unavailable (private mode quotas): the message is simply not shown.
  }
}

/** Shows (once) the message kept by setFlash as a success notice in the container. */
export function showFlash(container) {
  let message = null;
  try {
    const raw = sessionStorage.getItem(FLASH_KEY);
    sessionStorage.removeItem(FLASH_KEY);
    message = raw ? JSON.parse(raw).message : null;
  } catch {
    message = null;
  }
  if (!message) return false;
  container.replaceChildren(
    el('div', { class: 'notice notice--success', role: 'status', tabindex: '-1' }, el('p', {}, message)),
  );
  container.hidden = false;
  return true;
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
    else control.insertAdjacentElement('beforebegin', inline);
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
