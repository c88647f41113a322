// 請求収納の照会 (/invoice.html?member_no=N&no=INV-…): one invoice and, at the top of the
// screen, what the member can do about it (manual STEP②, STEP⑤ 3–6 and 「領収書」):
//   open           「クレジットカード/コンビニ/ペイジーでのお支払い」 (→ 決済内容の確認) and
//                  「払込票での支払いお申込み」 (a confirmation popup → the red notice);
//   processing     a disabled 「お支払い手続きの処理中」, from when a new checkout is possible,
//                  the payment numbers of a convenience-store / Pay-easy checkout;
//   slip_requested the red notice, both buttons disabled;
//   paid           納入済, and 「領収書」 at the top right.
// The payment service brings the member back with ?checkout=returned. Mails link here;
// logged out, the member goes through the login and comes back.
import { api, errorMessage } from '/assets/http.js';
import { el, fieldRow, text } from '/assets/dom.js';
import { addressLines, formatDate, formatProviderTime, labelOf } from '/assets/format.js';
import { showResponseErrors, clearFormErrors, whileBusy } from '/assets/forms.js';
import { openDialog } from '/assets/dialog.js';
import { loadPageData, startMemberPage } from '/assets/member-page.js';
import { pageFailed, pageReady } from '/assets/page.js';
import {
  INVOICE_FIELDS, OFFICE_MAIL, SLIP_BATCHES_TEXT, methodsText, nextSlipBatch, payEasyOnly,
} from '/assets/invoice-common.js';
import {
  applicationUrl, checkoutUrl, memberApi, memberLoginUrl, queryParam, receiptUrl,
} from '/assets/urls.js';

const $ = (id) => document.getElementById(id);

let memberNo = '';
let invoiceNo = '';
let invoice = null;

const invoiceApi = (...parts) => memberApi(memberNo, 'invoices', invoiceNo, ...parts);
const mailLink = () => el('a', { href: 'mailto:' + OFFICE_MAIL }, OFFICE_MAIL);

async function start() {
  const page = await startMemberPage();
  if (!page) return;
  memberNo = page.memberNo;
  invoiceNo = queryParam('no');
  if (!invoiceNo) return pageFailed('管理NOが指定されていません。');
  invoice = await loadPageData(invoiceApi(), '指定された請求情報は表示できません。');
  if (!invoice) return;

  document.querySelectorAll('[data-office-mail]').forEach((n) => n.replaceChildren(mailLink()));
  $('slip-form').querySelector('[data-close]').addEventListener('click', () => $('slip-dialog').close(''));
  render();
  // The 送付・請求先 the 払込票 popup shows, read ahead while the buttons are offered.
  if (invoice.payment && invoice.payment.state === 'open') addressLoad = mailingAddress();
  pageReady();
  $('detail').hidden = false;
  if (queryParam('checkout') === 'returned') showReturned();
}

// ---------------------------------------------------------------- the screen

function render() {
  renderReceipt();
  renderPayment();
  renderFields();
}

/** 「領収書」: a plain link to the PDF, at the top right, once paid. */
function renderReceipt() {
  const link = $('receipt');
  const available = Boolean(invoice.payment && invoice.payment.receipt_available);
  link.hidden = !available;
  if (available) link.href = receiptUrl(memberNo, invoice.invoice_no);
  else link.removeAttribute('href');
}

function renderFields() {
  const rows = [
    fieldRow('管理NO', text(invoice.invoice_no)),
    ...INVOICE_FIELDS.map((f) => fieldRow(f.label, f.value(invoice))),
    fieldRow('入金日', invoice.paid_on ? formatDate(invoice.paid_on) : '—'),
  ];
  const via = invoice.payment && invoice.payment.paid_via;
  if (invoice.paid_on && via) rows.push(fieldRow('支払方法', labelOf(via)));
  if (invoice.application_no) {
    rows.push(fieldRow('申請番号',
      el('a', { href: applicationUrl(memberNo, invoice.application_no) }, text(invoice.application_no))));
  }
  $('invoice-fields').replaceChildren(...rows);
}

const isRenewalFee = () => invoice.fee_type && invoice.fee_type.code === 'renewal_fee';
const isOverdue = () => invoice.status && invoice.status.code === 'overdue';

function renderPayment() {
  const p = invoice.payment || {};
  const state = invoice.paid_on ? 'paid' : p.state;
  const body = {
    open: openBody,
    processing: processingBody,
    slip_requested: slipBody,
    paid: paidBody,
  }[state] || (() => [el('p', {}, 'お支払い状況を表示できません。事務局までお問い合わせください。')]);
  $('payment-body').replaceChildren(...body(p));
}

/** The two buttons (manual STEP⑤ 3); disabled ones when the slip was requested. */
function paymentButtons({ disabled = false, describedBy = null } = {}) {
  const online = el('button', {
    type: 'button', class: 'button button--primary', disabled, 'aria-describedby': describedBy,
  }, 'クレジットカード/コンビニ/ペイジーでのお支払い');
  const slip = el('button', {
    type: 'button', class: 'button', disabled, 'aria-describedby': describedBy,
  }, '払込票での支払いお申込み');
  if (!disabled) {
    online.addEventListener('click', () => location.assign(checkoutUrl(memberNo, invoice.invoice_no)));
    slip.addEventListener('click', () => requestSlip(slip));
  }
  return el('div', { class: 'action-bar pay-actions' }, online, slip);
}

function openBody(p) {
  const parts = [];
  if (p.numbers) {
    // The wait is over, but a number issued earlier may still be payable at the store or bank.
    parts.push(el('div', { class: 'notice notice--warning' },
      el('p', {}, el('strong', {}, '発行済みのお支払い番号があります。'),
        'この番号でお支払いいただいた場合（お支払いの確認まで約5日かかります）は、新しいお支払い手続きを行わないでください。2重振込みにご注意ください。')),
    numbersBlock(p.numbers));
  }
  parts.push(
    el('p', {}, 'お支払い方法を選んでボタンを押してください。'),
    el('p', { class: 'pay-methods', id: 'pay-methods' }, methodsText(invoice)),
    paymentButtons({ describedBy: 'pay-methods' }),
    el('ul', { class: 'plain-list hint' },
      el('li', {}, '「クレジットカード/コンビニ/ペイジーでのお支払い」：決済内容を確認のうえ、決済サービス（SMBC GMO PAYMENT 決済ステーション）の画面でお支払いいただきます。'
        + (payEasyOnly(invoice) ? '年会費のお支払い方法はペイジーのみです。' : '')),
      el('li', {}, '「払込票での支払いお申込み」：払込票（郵便振替用紙）をご登録の送付・請求先に郵送します。お申込み後は他のお支払い方法はご利用いただけません。')),
  );
  if (isOverdue()) parts.push(el('p', { class: 'hint' }, '「期限切れ」と表示されていても納入お手続きは可能です。'));
  return parts;
}

function processingBody(p) {
  const parts = [
    el('div', { class: 'action-bar pay-actions' },
      el('button', { type: 'button', class: 'button button--processing', disabled: true, 'aria-describedby': 'pay-message' },
        'お支払い手続きの処理中')),
    el('p', { class: 'pay-message', id: 'pay-message' }, text(p.message) || (p.next_checkout_on
      ? `お支払い手続きの処理中です。お手続きが完了していなかった場合は、${formatDate(p.next_checkout_on)}以降に改めてお支払い手続きいただけます。`
      : 'お支払い手続きの処理中です。')),
  ];
  if (p.numbers) parts.push(numbersBlock(p.numbers));
  parts.push(
    el('div', { class: 'notice notice--warning' },
      el('p', {}, isRenewalFee()
        ? '更新料の支払いが確認できた後（約5日後）、更新料振り込み完了メールが通知されます。'
        : 'お支払いが確認できた後（約5日後）、年会費納入完了のメールが通知されます。'),
      el('p', {}, el('strong', {}, '確認まではステータスが「未納」のままのため、2重振込みにご注意ください。'))),
    el('p', { class: 'hint' }, 'お支払い手続きを途中でやめてしまった場合にも「お支払い手続きの処理中」と表示されます。再度お支払い手続きを行いたい場合には、お手続きから5営業日お待ちください。手続きが完了していなかった場合は6営業日以降に改めて支払い手続き頂けるようになります。'),
  );
  return parts;
}

/** The numbers of a convenience-store or Pay-easy checkout, to keep at hand. */
function numbersBlock(n) {
  const cvs = n.pay_type && n.pay_type.code === 'cvs';
  const rows = [];
  const add = (label, value, strong = false) => {
    if (value === null || value === undefined || value === '') return;
    rows.push(fieldRow(label, strong ? el('strong', { class: 'pay-number' }, text(value)) : text(value)));
  };
  if (cvs) {
    add('お支払い先', n.store);
    add('お支払い受付番号', n.cvs_conf_no, true);
    add('受付番号', n.cvs_receipt_no);
  } else {
    add('収納機関番号', n.bk_code, true);
    add('お客様番号', n.cust_id, true);
    add('確認番号', n.conf_no, true);
  }
  if (n.payment_term) add('支払期限', formatProviderTime(n.payment_term));
  const how = cvs
    ? 'コンビニエンスストアでのお支払い時には、お支払い受付番号（6桁）と電話番号（ご登録の電話番号・ハイフン除く）が必要です。必ず各番号をお手元にお控えください。'
    : 'ペイジー対応の金融機関（ATM・インターネットバンキング）で、収納機関番号・お客様番号・確認番号を入力してお支払いください。必ず各番号をお手元にお控えください。';
  return el('section', { class: 'pay-numbers', 'aria-labelledby': 'h-numbers' },
    el('h3', { id: 'h-numbers' }, `お支払い番号（${labelOf(n.pay_type) || (cvs ? 'コンビニ' : 'ペイジー')}）`),
    el('dl', { class: 'fields fields--compact' }, ...rows),
    el('p', {}, how));
}

/** The red notice (manual: 「払込票での支払いを申込むと、別の決済方法は不可になり、赤枠のメッセージが表示されます」). */
function slipBody(p) {
  const slip = p.slip || {};
  const rows = [];
  if (slip.batch) {
    rows.push(fieldRow('発送予定', slip.batch_on ? `${slip.batch}（${formatDate(slip.batch_on)}頃）` : slip.batch));
  }
  if (slip.address) rows.push(fieldRow('送付・請求先', ...addressLines(slip.address).map((l) => el('span', { class: 'line' }, l))));
  return [
    el('div', { class: 'notice notice--slip', id: 'slip-notice', tabindex: '-1' },
      el('h3', {}, '払込票での支払いをお申込み済みです'),
      el('p', { id: 'slip-message' }, text(p.message)
        || '払込票での支払いをお申込み済みのため、他のお支払い方法はご利用いただけません。'),
      rows.length ? el('dl', { class: 'fields fields--compact' }, ...rows) : null,
      el('p', {}, '払込票がお手元に届きましたら、忘れずにお手続きください。' + SLIP_BATCHES_TEXT),
      el('p', {}, '他のお支払い方法に変更をご希望の場合は、事務局（', mailLink(), '）までご連絡ください。')),
    paymentButtons({ disabled: true, describedBy: 'slip-message' }),
  ];
}

function paidBody(p) {
  const via = p.paid_via ? labelOf(p.paid_via) : '';
  const when = invoice.paid_on ? formatDate(invoice.paid_on) : '';
  const said = when && via ? `${when}に${via}でのお支払いを確認しました。`
    : (when ? `${when}にお支払いを確認しました。` : 'お支払いを確認しました。');
  return [
    el('div', { class: 'notice notice--success' },
      el('p', {}, el('span', { class: 'badge badge--paid' }, '納入済'), ' ', said),
      isRenewalFee() ? el('p', {}, '更新料のお支払いで、専門医更新手続きは完了です。') : null,
      p.receipt_available ? el('p', {}, '領収書は、画面右上の「領収書」ボタンから発行できます。') : null),
  ];
}

// ---------------------------------------------------------------- messages

function showPayAlert(message) {
  const alert = el('div', { class: 'error-summary', role: 'alert', tabindex: '-1' }, el('p', {}, message));
  $('pay-alert').replaceChildren(alert);
  $('pay-alert').hidden = false;
  alert.focus();
}

function hidePayAlert() {
  $('pay-alert').hidden = true;
  $('pay-alert').replaceChildren();
}

/** Back from the payment service: the result shows once the service has confirmed it. */
function showReturned() {
  const params = new URLSearchParams(location.search);
  params.delete('checkout');
  history.replaceState(null, '', location.pathname + '?' + params.toString() + location.hash);

  const paid = Boolean(invoice.paid_on);
  const refresh = el('button', { type: 'button', class: 'button button--small' }, '最新の状態に更新');
  refresh.addEventListener('click', () => reload({ focus: refresh }));
  const notice = el('div', { class: 'notice', role: 'status', tabindex: '-1' },
    el('p', {}, '決済サービスからお戻りになりました。'),
    el('p', {}, paid
      ? 'お支払いは確認済みです（納入済）。'
      : 'お支払いの結果は、決済サービスでの確認後にこの画面に反映されます。コンビニ・ペイジーの場合は、店頭・金融機関でお支払いいただいた後、確認まで数日かかります。'),
    paid ? null : el('p', {}, refresh));
  $('returned').replaceChildren(notice);
  $('returned').hidden = false;
}

/** GETs the invoice again and shows it. */
async function reload({ focus } = {}) {
  const r = await api('GET', invoiceApi());
  if (r.status === 401) {
    location.replace(memberLoginUrl());
    return;
  }
  if (!r.ok || !r.data) {
    showPayAlert(errorMessage(r));
    return;
  }
  invoice = r.data;
  render();
  if (focus && focus.isConnected) focus.focus();
}

// ---------------------------------------------------------------- 払込票での支払いお申込み

let addressLoad = null;

/** The member's 送付・請求先, from 会員情報照会 (null when it cannot be read). */
async function mailingAddress() {
  const r = await api('GET', memberApi(memberNo, 'profile'));
  return r.ok && r.data ? r.data.mailing_address : null;
}

async function requestSlip(trigger) {
  hidePayAlert();
  const dialog = $('slip-dialog');
  const form = $('slip-form');
  clearFormErrors(form);
  if (!addressLoad) addressLoad = mailingAddress();
  const address = await addressLoad;
  if (!address) addressLoad = null; // try again next time
  $('slip-fee').replaceChildren(el('span', { class: 'line' }, labelOf(invoice.fee_type)),
    el('span', { class: 'line' }, `管理NO ${text(invoice.invoice_no)}`));
  $('slip-address').replaceChildren(...(address
    ? addressLines(address).map((l) => el('span', { class: 'line' }, l))
    : [el('span', { class: 'hint' }, '会員情報照会画面でご確認ください。')]));
  const batch = nextSlipBatch();
  $('slip-batch').textContent = batch ? `${batch.label}（予定）` : '—';
  $('slip-batches').textContent = SLIP_BATCHES_TEXT;

  let outcome = null;
  const onSubmit = async (event) => {
    event.preventDefault();
    const r = await whileBusy(form, () => api('POST', invoiceApi('postal-slip'), {}));
    if (r.ok && r.data) {
      outcome = { ok: true, data: r.data };
      dialog.close('done');
      return;
    }
    if (r.status === 409 || r.status === 401) {
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
    invoice = outcome.data;
    render();
    $('slip-notice').focus();
  } else if (outcome && outcome.r.status === 401) {
    location.replace(memberLoginUrl());
  } else if (outcome) {
    // Paid, a checkout started or a slip requested meanwhile: show the invoice as it is now.
    await reload();
    showPayAlert(errorMessage(outcome.r));
  } else if (trigger.isConnected) {
    trigger.focus();
  }
}

start();
