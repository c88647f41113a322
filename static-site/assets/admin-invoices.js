// 請求の管理 (/admin/invoices.html): staff act on one invoice, named by 会員番号 and 管理NO
// (there is no invoice search yet):
//   「払込票を取り消して他の支払方法に戻す」 — POST …/postal-slip/cancel (the member's two
//   buttons come back; the manual: 「変更をご希望の場合は、事務局までご連絡ください」);
//   「払込票の入金を記録」 with 入金日 — POST …/slip-payment (納入済 and the member's mail),
//   after a confirmation popup, since it cannot be undone.
// Below, 返金対象: provider orders paid for invoices already paid (GET /api/staff/refunds).
// Keyboard first: the 会員番号 field has the focus; Enter in the target fields goes on to
// the first action; after an action the result takes the focus.
import { api, errorMessage } from '/assets/http.js';
import { dataTable, el, fieldRow, text } from '/assets/dom.js';
import { formatDate, formatDateTime, formatYen, labelOf } from '/assets/format.js';
import { checkForm, clearFormErrors, showFormErrors, showResponseErrors, whileBusy } from '/assets/forms.js';
import { openDialog } from '/assets/dialog.js';
import { startStaffPage } from '/assets/staff-page.js';
import { pageReady } from '/assets/page.js';
import { paymentStateLabel } from '/assets/invoice-common.js';

const $ = (id) => document.getElementById(id);
const STAFF_LOGIN = '/admin/login.html';

const MEMBER_NO = /^1\d{5}$/;
const INVOICE_NO = /^INV-\d{4}-\d{6}$/;

/** What was typed, as the API wants it: half-width (NFKC), trimmed; 管理NO in capitals. */
const memberNoOf = (v) => String(v).normalize('NFKC').trim();
const invoiceNoOf = (v) => String(v).normalize('NFKC').trim().toUpperCase().replace(/[‐－ー―]/g, '-');

const staffInvoiceApi = (memberNo, invoiceNo, ...parts) => ['/api/staff/members', memberNo, 'invoices', invoiceNo, ...parts]
  .map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join('/');

/** Today in Japan, yyyy-mm-dd (the default 入金日 and its maximum). */
function todayInJapan() {
  const jst = new Date(Date.now() + 9 * 3600 * 1000);
  return jst.toISOString().slice(0, 10);
}

async function start() {
  if (!(await startStaffPage())) return;
  const target = $('target-form');
  target.addEventListener('submit', (event) => {
    event.preventDefault();
    if (targetOf()) $('cancel-form').querySelector('button').focus();
  });
  $('cancel-form').addEventListener('submit', cancelSlip);
  $('slip-paid-form').addEventListener('submit', recordSlipPayment);
  $('refunds-reload').addEventListener('click', () => loadRefunds({ announce: true }));
  const paidOn = $('paid_on');
  paidOn.value = todayInJapan();
  paidOn.max = todayInJapan();

  pageReady();
  $('content').hidden = false;
  // Opened from 会員の詳細 with the invoice named: filled in, the first action focused.
  const params = new URLSearchParams(location.search);
  if (params.get('member_no') && params.get('invoice_no')) {
    target.elements.member_no.value = params.get('member_no');
    target.elements.invoice_no.value = params.get('invoice_no');
    if (targetOf()) $('cancel-form').querySelector('button').focus();
  } else {
    $('member_no').focus();
  }
  await loadRefunds({});
}

/** The invoice named in 対象の請求, checked: { memberNo, invoiceNo } or null (errors shown). */
function targetOf() {
  const form = $('target-form');
  const valid = checkForm(form, [
    { field: 'member_no', test: (v) => MEMBER_NO.test(memberNoOf(v)), message: '会員番号は1から始まる6桁の数字で入力してください。' },
    { field: 'invoice_no', test: (v) => INVOICE_NO.test(invoiceNoOf(v)), message: '管理NOは「INV-2026-000123」の形で入力してください。' },
  ]);
  if (!valid) return null;
  return { memberNo: memberNoOf(form.elements.member_no.value), invoiceNo: invoiceNoOf(form.elements.invoice_no.value) };
}

// ---------------------------------------------------------------- the result

/** The invoice after the action: a notice (focused) with its state now. */
function showResult(message, inv, memberNo) {
  const rows = [
    fieldRow('会員番号', text(memberNo)),
    fieldRow('管理NO', text(inv.invoice_no)),
    fieldRow('料金区分', labelOf(inv.fee_type)),
    fieldRow('金額', formatYen(inv.amount)),
    fieldRow('状態', [labelOf(inv.status), paymentStateLabel(inv)].filter(Boolean).join('・')),
    fieldRow('入金日', inv.paid_on ? formatDate(inv.paid_on) : '—'),
  ];
  const via = inv.payment && inv.payment.paid_via;
  if (via) rows.push(fieldRow('支払方法', labelOf(via)));
  const notice = el('div', { class: 'notice notice--success', role: 'status', tabindex: '-1' },
    el('p', {}, el('strong', {}, message)),
    el('dl', { class: 'fields fields--compact' }, ...rows));
  $('result').replaceChildren(notice);
  $('result').hidden = false;
  notice.focus();
}

function clearResult() {
  $('result').hidden = true;
  $('result').replaceChildren();
}

/** A refused action: its message on the action's form (a 404 says which invoice was not found). */
function refused(form, r, t) {
  if (r.status === 401 || r.status === 403) {
    location.replace(STAFF_LOGIN);
    return;
  }
  if (r.status === 404) {
    showFormErrors(form, { message: `会員番号 ${t.memberNo} の管理NO ${t.invoiceNo} の請求は見つかりません。` });
    return;
  }
  showResponseErrors(form, r);
}

// ---------------------------------------------------------------- actions

async function cancelSlip(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearFormErrors(form);
  clearFormErrors($('slip-paid-form'));
  clearResult();
  const t = targetOf();
  if (!t) return;
  const r = await whileBusy(form, () => api('POST', staffInvoiceApi(t.memberNo, t.invoiceNo, 'postal-slip', 'cancel'), {}));
  if (r.ok && r.data) {
    showResult(`${t.invoiceNo}：払込票のお申込みを取り消しました。会員は他のお支払い方法を選べます。`, r.data, t.memberNo);
    return;
  }
  refused(form, r, t);
}

async function recordSlipPayment(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearFormErrors($('cancel-form'));
  clearResult();
  const t = targetOf();
  if (!t) return;
  const valid = checkForm(form, [
    { field: 'paid_on', test: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v), message: '入金日を入力してください。' },
  ]);
  if (!valid) return;
  const paidOn = form.elements.paid_on.value;

  $('slip-paid-target').replaceChildren(
    fieldRow('会員番号', t.memberNo),
    fieldRow('管理NO', t.invoiceNo),
    fieldRow('入金日', formatDate(paidOn)),
  );
  const answer = await openDialog($('slip-paid-dialog'));
  const button = form.querySelector('button[type="submit"]');
  if (answer !== 'record') {
    button.focus();
    return;
  }
  const r = await whileBusy(form, () => api('POST', staffInvoiceApi(t.memberNo, t.invoiceNo, 'slip-payment'), { paid_on: paidOn }));
  if (r.ok && r.data) {
    showResult(`${t.invoiceNo}：払込票の入金（${formatDate(paidOn)}）を記録しました。納入済になり、会員に完了メールを送ります。`, r.data, t.memberNo);
    return;
  }
  refused(form, r, t);
}

// ---------------------------------------------------------------- 返金対象

async function loadRefunds({ announce }) {
  const r = await api('GET', '/api/staff/refunds');
  if (r.status === 401 || r.status === 403) {
    location.replace(STAFF_LOGIN);
    return;
  }
  if (!r.ok || !r.data) {
    $('refunds-status').textContent = errorMessage(r);
    return;
  }
  const items = Array.isArray(r.data.items) ? r.data.items : [];
  $('refunds').replaceChildren(items.length ? dataTable('返金対象の注文', [
    { label: '注文番号', rowHeader: true, class: 'nowrap', value: (x) => text(x.order_id) },
    { label: '会員番号', class: 'nowrap', value: (x) => text(x.member_no) },
    { label: '管理NO', class: 'nowrap', value: (x) => text(x.invoice_no) },
    { label: '金額', class: 'num nowrap', value: (x) => formatYen(x.amount) },
    { label: '支払方法', class: 'nowrap', value: (x) => (x.pay_type ? labelOf(x.pay_type) : '—') },
    { label: '手続き開始', class: 'nowrap', value: (x) => (x.started_at ? formatDateTime(x.started_at) : '—') },
  ], items, 'table--compact') : el('p', { class: 'empty' }, '返金対象はありません。'));
  const count = items.length ? `返金対象は${items.length}件です。` : '返金対象はありません。';
  $('refunds-status').textContent = announce ? `一覧を更新しました。${count}` : '';
}

start();
