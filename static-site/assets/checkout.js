// 決済内容の確認 (/checkout.html?member_no=N&no=INV-…): after 「クレジットカード/コンビニ/
// ペイジーでのお支払い」 on 請求収納の照会 (manual STEP⑤ 4). 料金区分, 管理NO, 金額 and the
// methods offered (年会費: 「お支払い方法はペイジーのみ」), the notes, the link to
// 「特定商取引法に基づく表記」, and 「上記情報を送信して、決済を申し込む」: POST checkout,
// then on to the payment service's page (redirect_url).
import { api, errorMessage } from '/assets/http.js';
import { el, fieldRow, text } from '/assets/dom.js';
import { formatFiscalYear, formatYen, labelOf } from '/assets/format.js';
import { loadPageData, startMemberPage } from '/assets/member-page.js';
import { pageFailed, pageReady } from '/assets/page.js';
import { payEasyOnly } from '/assets/invoice-common.js';
import { invoiceUrl, memberApi, memberLoginUrl, queryParam } from '/assets/urls.js';

const $ = (id) => document.getElementById(id);

let memberNo = '';
let invoiceNo = '';
let invoice = null;

const invoiceApi = (...parts) => memberApi(memberNo, 'invoices', invoiceNo, ...parts);

async function start() {
  const page = await startMemberPage();
  if (!page) return;
  memberNo = page.memberNo;
  invoiceNo = queryParam('no');
  if (!invoiceNo) return pageFailed('管理NOが指定されていません。');
  document.querySelectorAll('[data-invoice-link]').forEach((a) => { a.href = invoiceUrl(memberNo, invoiceNo); });
  invoice = await loadPageData(invoiceApi(), '指定された請求情報は表示できません。');
  if (!invoice) return;

  $('checkout-form').addEventListener('submit', submit);
  render();
  pageReady();
  $('detail').hidden = false;
  if (!isOpen()) $('checkout-alert').querySelector('[tabindex]')?.focus();
}

const isOpen = () => !invoice.paid_on && invoice.payment && invoice.payment.state === 'open';

function methodsValue() {
  if (payEasyOnly(invoice)) return el('strong', {}, 'お支払い方法はペイジーのみ');
  const labels = (invoice.payment.methods || []).map(labelOf).filter(Boolean);
  return labels.join('・');
}

function render() {
  $('checkout-fields').replaceChildren(
    fieldRow('料金区分', labelOf(invoice.fee_type)),
    fieldRow('管理NO', text(invoice.invoice_no)),
    fieldRow('年度', formatFiscalYear(invoice.fiscal_year)),
    fieldRow('金額', formatYen(invoice.amount)),
    fieldRow('お支払い方法', methodsValue()),
  );
  const labels = ((invoice.payment && invoice.payment.methods) || []).map(labelOf).filter(Boolean);
  document.querySelectorAll('[data-methods]').forEach((n) => { n.textContent = labels.join('・'); });
  // Notes about a method that is not offered (コンビニ for 年会費) are left out.
  const codes = ((invoice.payment && invoice.payment.methods) || []).map((m) => m.code);
  document.querySelectorAll('[data-needs]').forEach((n) => {
    n.hidden = !n.dataset.needs.split(' ').some((c) => codes.includes(c));
  });
  $('checkout-form').querySelector('button[type="submit"]').hidden = !isOpen();
  $('checkout-intro').hidden = !isOpen();
  if (!isOpen()) {
    showAlert(notOpenMessage(), { role: 'status', kind: 'notice' });
  }
}

/** Why no checkout can start now (the server's words). */
function notOpenMessage() {
  if (invoice.paid_on || (invoice.payment && invoice.payment.state === 'paid')) {
    return 'この請求はすでに納入済です。二重にお支払いいただく必要はありません。';
  }
  return text(invoice.payment && invoice.payment.message) || '現在、この請求のお支払い手続きはできません。';
}

function showAlert(message, { role = 'alert', kind = 'error' } = {}) {
  const box = kind === 'error'
    ? el('div', { class: 'error-summary', role, tabindex: '-1' }, el('p', {}, message))
    : el('div', { class: 'notice notice--warning', role, tabindex: '-1' }, el('p', {}, message));
  box.append(el('p', {}, el('a', { href: invoiceUrl(memberNo, invoiceNo) }, '請求収納の照会へ戻る')));
  $('checkout-alert').replaceChildren(box);
  $('checkout-alert').hidden = false;
  return box;
}

/** Only the payment service's page over http(s) is followed (never javascript: or the like). */
function providerUrl(raw) {
  try {
    const u = new URL(String(raw), location.origin);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

async function submit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const button = form.querySelector('button[type="submit"]');
  if (button.disabled) return;
  button.disabled = true;
  form.setAttribute('aria-busy', 'true');
  $('checkout-alert').hidden = true;
  const r = await api('POST', invoiceApi('checkout'), {});
  const url = r.ok && r.data ? providerUrl(r.data.redirect_url) : null;
  if (url) {
    // The button stays disabled: the attempt is recorded, the member goes on.
    $('checkout-going').textContent = '決済サービスの画面に移ります…';
    location.assign(url);
    return;
  }
  form.removeAttribute('aria-busy');
  if (r.status === 401) {
    location.replace(memberLoginUrl());
    return;
  }
  if (r.ok) {
    button.disabled = false;
    showAlert('決済サービスの画面を開けませんでした。しばらくしてから再度お試しください。').focus();
    return;
  }
  const message = errorMessage(r);
  if (r.status === 409) {
    // Paid, a checkout under way or a slip requested meanwhile: show the invoice as it is now.
    const again = await api('GET', invoiceApi());
    if (again.ok && again.data) {
      invoice = again.data;
      render();
    }
  }
  button.disabled = false;
  showAlert(message).focus();
}

start();
