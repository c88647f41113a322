// 申請の一覧 (/admin/application-list.html): a season's applications filtered by 状態,
// 50 at a time (「次へ」 follows the store's cursor), and the whole list as CSV. The
// home's counts link here with ?fiscal_year=&state=.
import { api } from '/assets/http.js';
import { startStaffPage } from '/assets/staff-page.js';
import { pageReady } from '/assets/page.js';
import { dataTable, el } from '/assets/dom.js';
import { formatDate, formatDateTime } from '/assets/format.js';
import { showResponseErrors, whileBusy } from '/assets/forms.js';

const $ = (id) => document.getElementById(id);
const form = $('filter-form');
let cursors = [null]; // the cursor each shown page started from

function query(after) {
  const f = form.elements;
  const q = new URLSearchParams({ fiscal_year: f.fiscal_year.value, state: f.state.value });
  if (after) q.set('after', after);
  return q;
}

function updateExport() {
  const q = query(null);
  q.set('encoding', $('encoding').value);
  $('export').href = `/api/staff/applications/export?${q}`;
}

async function show(after) {
  const r = await whileBusy(form, () => api('GET', `/api/staff/applications?${query(after)}`));
  if (!r.ok) {
    showResponseErrors(form, r);
    return false;
  }
  const items = r.data.items;
  $('rows').replaceChildren(items.length ? dataTable('申請の一覧', [
    { label: '申請番号', value: (x) => x.application.application_no, rowHeader: true },
    { label: '会員番号', value: (x) => el('a', { href: `/admin/member.html?no=${x.member_no}` }, x.member_no) },
    { label: '申請種別', value: (x) => x.application.kind_label },
    { label: '状態', value: (x) => x.state_label },
    { label: '申請日時', value: (x) => (x.application.submitted_at ? formatDateTime(x.application.submitted_at) : '') },
    { label: '認定期間満了日', value: (x) => formatDate(x.application.cert_period_end) },
    { label: '管理NO', value: (x) => (x.application.invoice_no
      ? el('a', { href: `/admin/invoices.html?member_no=${x.member_no}&invoice_no=${encodeURIComponent(x.application.invoice_no)}` }, x.application.invoice_no)
      : '') },
  ], items) : el('p', { class: 'empty' }, '該当する申請はありません。'));
  $('next-page').hidden = !r.data.next;
  $('next-page').dataset.next = r.data.next || '';
  $('first-page').hidden = cursors.length <= 1;
  updateExport();
  $('list').hidden = false;
  return true;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  cursors = [null];
  if (await show(null)) $('list').focus();
});
$('next-page').addEventListener('click', async () => {
  const next = $('next-page').dataset.next;
  cursors.push(next);
  await show(next);
});
$('first-page').addEventListener('click', async () => {
  cursors = [null];
  await show(null);
});
$('encoding').addEventListener('change', updateExport);

if (await startStaffPage()) {
  const params = new URLSearchParams(location.search);
  const jst = new Date(Date.now() + 9 * 3600 * 1000);
  const fy = jst.getUTCMonth() < 3 ? jst.getUTCFullYear() - 1 : jst.getUTCFullYear();
  form.elements.fiscal_year.value = params.get('fiscal_year') || String(fy);
  const state = params.get('state');
  if (state && [...form.elements.state.options].some((o) => o.value === state)) form.elements.state.value = state;
  form.hidden = false;
  pageReady();
  await show(null);
}
