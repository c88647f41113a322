// ホーム (/home.html): tabs 「会員情報」 and 「会費請求/入金状況」 (#dues).
import { api, errorMessage } from '/assets/http.js';
import { dataTable, el, fieldRow, text } from '/assets/dom.js';
import { labelOf } from '/assets/format.js';
import { startMemberPage } from '/assets/member-page.js';
import { pageReady } from '/assets/page.js';
import { initTabs } from '/assets/tabs.js';
import { INVOICE_FIELDS, payEasyOnly } from '/assets/invoice-common.js';
import { invoiceUrl, memberApi, profileUrl } from '/assets/urls.js';

const page = await startMemberPage({ ownPage: true });
if (page) {
  const { session, memberNo } = page;
  document.getElementById('member-list').replaceChildren(
    el('tr', {},
      el('td', {}, el('a', { href: profileUrl(memberNo) }, session.name)),
      el('td', {}, memberNo)),
  );
  const tabs = document.getElementById('home-tabs');
  tabs.hidden = false;
  initTabs(tabs);
  pageReady();
  loadDues(memberNo);
}

const isUnpaidDues = (inv) => inv.fee_type && inv.fee_type.code === 'annual_dues' && !inv.paid_on;

/** 料金区分; an unpaid 年会費 says that the portal takes Pay-easy only (manual STEP②). */
function feeTypeCell(inv) {
  if (!isUnpaidDues(inv) || !payEasyOnly(inv)) return labelOf(inv.fee_type);
  return el('span', {}, el('span', { class: 'line' }, labelOf(inv.fee_type)),
    el('span', { class: 'line hint' }, 'お支払い方法はペイジーのみ'));
}

/** 会費請求/入金状況 (manual STEP②, STEP⑤ 1–2). */
async function loadDues(memberNo) {
  const box = document.getElementById('dues-body');
  const r = await api('GET', memberApi(memberNo, 'invoices'));
  if (!r.ok || !r.data) {
    box.replaceChildren(el('div', { class: 'error-summary', role: 'alert' }, el('p', {}, errorMessage(r))));
    return;
  }
  const invoices = Array.isArray(r.data.invoices) ? r.data.invoices : [];
  const parts = [
    el('dl', { class: 'fields' }, fieldRow('会費の納入方法', labelOf(r.data.collection_method))),
    el('p', { class: 'hint' }, '未納の表示がなければ完納済みです。「口座振替」「クレジット継続払い」の場合は、自動引き落としされています。'),
  ];
  if (invoices.length === 0) {
    parts.push(el('p', { class: 'empty' }, '請求情報はありません。'));
  } else {
    parts.push(dataTable('会費請求/入金状況の一覧', [
      {
        label: '管理NO',
        class: 'nowrap',
        value: (inv) => el('a', { href: invoiceUrl(memberNo, text(inv.invoice_no)) }, text(inv.invoice_no)),
      },
      ...INVOICE_FIELDS.map((f) => (f.label === '料金区分' ? { ...f, value: feeTypeCell } : f)),
    ], invoices));
    if (invoices.some((inv) => isUnpaidDues(inv))) {
      parts.push(el('p', { class: 'hint' }, '未納の年会費は、10月郵送の「郵便振替用紙」をご使用ください。もしくは、管理NOを押して、この会員ポータルサイトから支払うことが可能です（お支払い方法はペイジーのみ）。'));
    }
    if (invoices.some((inv) => inv.status && inv.status.code === 'overdue')) {
      parts.push(el('p', { class: 'hint' }, '「期限切れ」と表示されていても納入お手続きは可能です。'));
    }
    parts.push(el('p', { class: 'hint' }, '管理NOをクリックすると、請求収納の照会画面が表示されます。'));
  }
  box.replaceChildren(...parts);
}
