// 自己申告の決裁 (/admin/credits.html): the queue of self-reports awaiting a decision,
// oldest request first, 50 a page (「次へ」 follows the server's cursor). Per row the
// proof files, 「承認」 (at once) and 「却下」 (a popup asking for the 却下理由). When another
// staff member decided first (already_decided) the message is shown and the list reloads.
// Keyboard first: after a decision the focus goes to the next row's 「承認」.
import { api, errorMessage } from '/assets/http.js';
import { dataTable, el, fieldRow, text } from '/assets/dom.js';
import { formatDate, formatDateTime } from '/assets/format.js';
import { checkForm, clearFormErrors, notBlank, showResponseErrors, whileBusy } from '/assets/forms.js';
import { openDialog } from '/assets/dialog.js';
import { startStaffPage } from '/assets/staff-page.js';
import { pageFailed, pageReady } from '/assets/page.js';
import { requestComment, unitsText } from '/assets/credits-common.js';

const $ = (id) => document.getElementById(id);
const STAFF_LOGIN = '/admin/login.html';

let items = [];
let next = null;
let cursors = [null]; // the `after` of each page shown so far; the last is this page's

const staffCreditApi = (item, ...parts) => ['/api/staff/members', item.member_no, 'credits', item.credit.credit_no, ...parts]
  .map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join('/');
const rowKey = (item) => `${item.member_no}-${item.credit.credit_no}`;
const who = (item) => `${text(item.credit.credit_no)}（${text(item.member_name)}）`;

async function start() {
  if (!(await startStaffPage())) return;
  $('reload').addEventListener('click', () => load({ focus: 'status' }));
  $('next-page').addEventListener('click', () => {
    if (!next) return;
    cursors.push(next);
    load({ focus: 'heading' });
  });
  $('first-page').addEventListener('click', () => {
    cursors = [null];
    load({ focus: 'heading' });
  });
  const form = $('reject-form');
  form.querySelector('[data-close]').addEventListener('click', () => $('reject-dialog').close(''));
  form.elements.reason.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  const ok = await load({});
  if (!ok) return;
  pageReady();
  $('queue-section').hidden = false;
}

/** GETs this page of the queue and shows it. Resolves false when the page cannot be shown. */
async function load({ focus }) {
  const after = cursors[cursors.length - 1];
  const r = await api('GET', '/api/staff/credits/pending' + (after ? '?' + new URLSearchParams({ after }) : ''));
  if (r.status === 401 || r.status === 403) {
    location.replace(STAFF_LOGIN);
    return false;
  }
  if (!r.ok || !r.data) {
    if ($('queue-section').hidden) pageFailed(errorMessage(r));
    else showAlert(errorMessage(r));
    return false;
  }
  items = Array.isArray(r.data.items) ? r.data.items : [];
  next = r.data.next || null;
  render();
  if (focus === 'heading') $('h-queue').focus();
  return true;
}

function render() {
  const page = cursors.length;
  $('queue-status').textContent = items.length
    ? `${page > 1 ? `${page}ページ目：` : ''}${items.length}件${next ? '（続きは「次へ」）' : ''}`
    : (page > 1 ? 'このページの決裁待ちはありません。' : '決裁待ちの自己申告はありません。');
  $('queue').replaceChildren(items.length ? dataTable('決裁待ちの自己申告', [
    { label: '管理No', rowHeader: true, class: 'nowrap', value: (x) => text(x.credit.credit_no) },
    { label: '会員番号', class: 'nowrap', value: (x) => text(x.member_no) },
    { label: '氏名', class: 'nowrap', value: (x) => text(x.member_name) },
    {
      label: '単位コード/名称',
      value: (x) => el('div', {}, el('span', { class: 'line nowrap' }, text(x.credit.unit_code)), el('span', { class: 'line' }, text(x.credit.unit_name))),
    },
    { label: '単位', class: 'num nowrap', value: (x) => unitsText(x.credit.units) },
    { label: '日付', class: 'nowrap', value: (x) => formatDate(x.credit.earned_on) },
    { label: '申告内容', value: (x) => contentOf(x.credit) },
    { label: '申請日時', class: 'nowrap', value: (x) => (x.requested_at ? formatDateTime(x.requested_at) : '—') },
    { label: '証明書類', value: (x) => proofsOf(x) },
    { label: '決裁', value: (x) => decisionButtons(x) },
  ], items, 'table--compact table--queue') : el('p', { class: 'empty' }, '決裁待ちの自己申告はありません。'));
  $('next-page').hidden = !next;
  $('first-page').hidden = cursors.length <= 1;
}

function contentOf(c) {
  const parts = [];
  if (c.title) parts.push(el('span', { class: 'line' }, text(c.title)));
  if (c.journal) parts.push(el('span', { class: 'line' }, text(c.journal)));
  const comment = requestComment(c);
  if (comment) parts.push(el('span', { class: 'line hint pre-line' }, `コメント：${comment}`));
  return parts.length ? el('div', {}, ...parts) : '—';
}

function proofsOf(item) {
  const proofs = Array.isArray(item.credit.proofs) ? item.credit.proofs : [];
  if (!proofs.length) return el('span', { class: 'hint' }, 'なし');
  return el('ul', { class: 'plain-list proof-links' }, proofs.map((p) => el('li', {},
    el('a', { href: staffCreditApi(item, 'proofs', text(p.id)) }, text(p.file_name)),
    el('span', { class: 'hint' }, `（${text(p.kind && p.kind.label)}）`))));
}

function decisionButtons(item) {
  const descId = `decide-${rowKey(item)}`;
  const approve = el('button', { type: 'button', class: 'button button--small button--approve', 'data-approve': rowKey(item), 'aria-describedby': descId }, '承認');
  const reject = el('button', { type: 'button', class: 'button button--small button--danger', 'data-reject': rowKey(item), 'aria-describedby': descId }, '却下');
  const box = el('div', { class: 'decision' },
    el('span', { id: descId, class: 'visually-hidden' }, `${who(item)} ${text(item.credit.unit_name)}`),
    approve, reject);
  approve.addEventListener('click', () => approveItem(item, box));
  reject.addEventListener('click', () => rejectItem(item));
  return box;
}

// ---------------------------------------------------------------- decisions

function showAlert(message) {
  const alert = el('div', { class: 'error-summary', role: 'alert', tabindex: '-1' }, el('p', {}, message));
  $('queue-alert').replaceChildren(alert);
  $('queue-alert').hidden = false;
  alert.focus();
}

function hideAlert() {
  $('queue-alert').hidden = true;
  $('queue-alert').replaceChildren();
}

/** POST the decision; resolves to the API result. */
const decide = (item, decision, reason) => api('POST', staffCreditApi(item, 'decision'),
  { decision, reason, version: item.credit.version });

/** The row is decided: it leaves the list; the next row's 「承認」 takes the focus. */
function decided(item, message) {
  const index = items.indexOf(item);
  items = items.filter((x) => x !== item);
  render();
  $('queue-status').textContent = `${message} 残り${items.length}件${next ? '（このページ）' : ''}。`;
  const buttons = $('queue').querySelectorAll('[data-approve]');
  const target = buttons[Math.min(index, buttons.length - 1)];
  if (target) target.focus();
  else if (next) $('next-page').focus();
  else $('reload').focus();
}

/** Someone else decided first (or the record changed): say so and show the list as it is now. */
async function refused(r) {
  const message = errorMessage(r);
  if (r.status === 401 || r.status === 403) {
    location.replace(STAFF_LOGIN);
    return;
  }
  if (r.status === 409) await load({});
  showAlert(message);
}

async function approveItem(item, box) {
  hideAlert();
  const r = await whileBusy(box, () => decide(item, 'approve', ''));
  if (r.ok) {
    decided(item, `${who(item)}を承認しました。`);
    return;
  }
  await refused(r);
}

async function rejectItem(item) {
  hideAlert();
  const dialog = $('reject-dialog');
  const form = $('reject-form');
  clearFormErrors(form);
  form.reset();
  $('reject-target').replaceChildren(
    fieldRow('管理No', text(item.credit.credit_no)),
    fieldRow('会員', `${text(item.member_no)} ${text(item.member_name)}`),
    fieldRow('単位', `${text(item.credit.unit_name)}（${unitsText(item.credit.units)}）`),
  );
  let outcome = null;
  const onSubmit = async (event) => {
    event.preventDefault();
    const valid = checkForm(form, [{ field: 'reason', test: notBlank, message: '却下理由を入力してください。' }]);
    if (!valid) return;
    const r = await whileBusy(form, () => decide(item, 'reject', form.elements.reason.value.trim()));
    if (r.ok) {
      outcome = { ok: true };
      dialog.close('done');
      return;
    }
    if (r.status === 409 || r.status === 401 || r.status === 403) {
      outcome = { ok: false, r };
      dialog.close('done');
      return;
    }
    showResponseErrors(form, r);
  };
  form.addEventListener('submit', onSubmit);
  await openDialog(dialog);
  form.removeEventListener('submit', onSubmit);

  if (outcome && outcome.ok) {
    decided(item, `${who(item)}を却下しました（会員にメールで通知します）。`);
  } else if (outcome) {
    await refused(outcome.r);
  } else {
    const back = $('queue').querySelector(`[data-reject="${CSS.escape(rowKey(item))}"]`);
    if (back) back.focus();
  }
}

start();
