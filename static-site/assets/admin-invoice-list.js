// 請求の一覧 (/admin/invoice-list.html): filtered by 年度, 状態 and 種別, 50 at a time,
// and the whole list as CSV (see staff-list.js).
import { startStaffPage } from '/assets/staff-page.js';
import { pageReady } from '/assets/page.js';
import { dataTable, el, text } from '/assets/dom.js';
import { formatDate, formatYen } from '/assets/format.js';
import { currentFiscalYear, staffList } from '/assets/staff-list.js';

const form = document.getElementById('filter-form');
const show = staffList({
  form,
  listPath: '/api/staff/invoices',
  exportPath: '/api/staff/invoices/export',
  fields: ['fiscal_year', 'state', 'fee_type'],
  rows: (items) => (items.length ? dataTable('請求の一覧', [
    { label: '管理NO', value: (x) => el('a', { href: `/admin/invoices.html?member_no=${x.member_no}&invoice_no=${encodeURIComponent(x.invoice.invoice_no)}` }, x.invoice.invoice_no), rowHeader: true },
    { label: '会員番号', value: (x) => el('a', { href: `/admin/member.html?no=${x.member_no}` }, x.member_no) },
    { label: '種別', value: (x) => x.invoice.fee_type.label },
    { label: '金額', value: (x) => formatYen(x.invoice.amount) },
    { label: '状態', value: (x) => x.invoice.status.label },
    { label: '入金日', value: (x) => (x.invoice.paid_on ? formatDate(x.invoice.paid_on) : '') },
    { label: '支払方法', value: (x) => text(x.invoice.payment.paid_via?.label) },
  ], items) : el('p', { class: 'empty' }, '該当する請求はありません。')),
});

if (await startStaffPage()) {
  form.elements.fiscal_year.value = String(currentFiscalYear());
  form.hidden = false;
  pageReady();
  await show(null);
}
