// ホーム (/home.html): tabs 「会員情報」 and 「会費請求/入金状況」 (#dues).
import {
  api, dataTable, el, errorMessage, formatDate, formatFiscalYear, formatYen, memberApi, requireMemberSession,
  showPageError, text,
} from '/assets/api.js';
import { showMemberHeader } from '/assets/member-header.js';
import { initTabs } from '/assets/tabs.js';
import { invoiceStatus } from '/assets/invoice-common.js';

const main = document.getElementById('main');
const { session, error } = await requireMemberSession();
main.removeAttribute('aria-busy');

if (error) {
  showPageError(document.getElementById('page-error'), error);
} else {
  showMemberHeader(session);
  const href = '/member-profile.html?member_no=' + encodeURIComponent(session.member_no);
  document.getElementById('member-list').replaceChildren(
    el('tr', {},
      el('td', {}, el('a', { href }, session.name)),
      el('td', {}, String(session.member_no))),
  );
  const tabs = document.getElementById('home-tabs');
  tabs.hidden = false;
  initTabs(tabs);
  loadDues(String(session.member_no));
}

/** 会費請求/入金状況 (manual STEP②, STEP⑤ 1–2). */
async function loadDues(memberNo) {
  const box = document.getElementById('dues-body');
  const r = await api('GET', memberApi(memberNo, 'invoices'));
  if (!r.ok || !r.data) {
    box.replaceChildren(el('div', { class: 'error-summary', role: 'alert' }, el('p', {}, errorMessage(r))));
    return;
  }
  const method = r.data.collection_method;
  const invoices = Array.isArray(r.data.invoices) ? r.data.invoices : [];
  const parts = [
    el('dl', { class: 'fields' },
      el('div', { class: 'fields__row' }, el('dt', {}, '会費の納入方法'),
        el('dd', {}, text(method && (method.label ?? method.code))))),
    el('p', { class: 'hint' }, '未納の表示がなければ完納済みです。「口座振替」「クレジット継続払い」の場合は、自動引き落としされています。'),
  ];
  if (invoices.length === 0) {
    parts.push(el('p', { class: 'empty' }, '請求情報はありません。'));
  } else {
    const q = (no) => '/invoice.html?' + new URLSearchParams({ member_no: memberNo, no }).toString();
    parts.push(dataTable('会費請求/入金状況の一覧', [
      { label: '管理NO', class: 'nowrap', value: (inv) => el('a', { href: q(text(inv.invoice_no)) }, text(inv.invoice_no)) },
      { label: '料金区分', value: (inv) => text(inv.fee_type && (inv.fee_type.label ?? inv.fee_type.code)) },
      { label: '年度', class: 'nowrap', value: (inv) => formatFiscalYear(inv.fiscal_year) },
      { label: '金額', class: 'num nowrap', value: (inv) => formatYen(inv.amount) },
      { label: '納入期限', class: 'nowrap', value: (inv) => formatDate(inv.due_date) },
      { label: '状態', class: 'nowrap', value: (inv) => invoiceStatus(inv.status) },
    ], invoices));
    if (invoices.some((inv) => inv.status && inv.status.code === 'overdue')) {
      parts.push(el('p', { class: 'hint' }, '「期限切れ」と表示されていても納入お手続きは可能です。'));
    }
    parts.push(el('p', { class: 'hint' }, '管理NOをクリックすると、請求収納の照会画面が表示されます。'));
  }
  box.replaceChildren(...parts);
}
