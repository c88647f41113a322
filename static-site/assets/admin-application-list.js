// 申請の一覧 (/admin/application-list.html): a season's applications filtered by 状態,
// 50 at a time, and the whole list as CSV (see staff-list.js). The home's counts link
// here with ?fiscal_year=&state=.
import { startStaffPage } from '/assets/staff-page.js';
import { pageReady } from '/assets/page.js';
import { dataTable, el } from '/assets/dom.js';
import { formatDate, formatDateTime } from '/assets/format.js';
import { currentFiscalYear, staffList } from '/assets/staff-list.js';

const form = document.getElementById('filter-form');
const show = staffList({
  form,
  listPath: '/api/staff/applications',
  exportPath: '/api/staff/applications/export',
  fields: ['fiscal_year', 'state'],
  rows: (items) => (items.length ? dataTable('申請の一覧', [
    { label: '申請番号', value: (x) => x.application.application_no, rowHeader: true },
    { label: '会員番号', value: (x) => el('a', { href: `/admin/member.html?no=${x.member_no}` }, x.member_no) },
    { label: '申請種別', value: (x) => x.application.kind_label },
    { label: '状態', value: (x) => x.state_label },
    { label: '申請日時', value: (x) => (x.application.submitted_at ? formatDateTime(x.application.submitted_at) : '') },
    { label: '認定期間満了日', value: (x) => formatDate(x.application.cert_period_end) },
    { label: '管理NO', value: (x) => (x.application.invoice_no
      ? el('a', { href: `/admin/invoices.html?member_no=${x.member_no}&invoice_no=${encodeURIComponent(x.application.invoice_no)}` }, x.application.invoice_no)
      : '') },
  ], items) : el('p', { class: 'empty' }, '該当する申請はありません。')),
});

if (await startStaffPage()) {
  const params = new URLSearchParams(location.search);
  form.elements.fiscal_year.value = params.get('fiscal_year') || String(currentFiscalYear());
  const state = params.get('state');
  if (state && [...form.elements.state.options].some((o) => o.value === state)) form.elements.state.value = state;
  form.hidden = false;
  pageReady();
  await show(null);
}
