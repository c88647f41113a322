// 請求の一覧 (/admin/invoice-list.html): filtered by 年度, 状態 and 種別, 50 at a time
// (「次へ」 follows the store's cursor), and the whole list as CSV.
import { api } from '/assets/http.js';
import { startStaffPage } from '/assets/staff-page.js';
import { pageReady } from '/assets/page.js';
import { dataTable, el, text } from '/assets/dom.js';
import { formatDate, formatYen } from '/assets/format.js';
import { showResponseErrors, whileBusy } from '/assets/forms.js';

const $ = (id) => document.getElementById(id);
const form = $('filter-form');
let cursors = [null]; // the cursor each shown page started from

function query(after) {
  const f = form.elements;
  const q = new URLSearchParams({ fiscal_year: f.fiscal_year.value, state: f.state.value, fee_type: f.fee_type.value });
  if (after) q.set('after', after);
  return q;
}

function updateExport() {
  const q = query(null);
  q.set('encoding', $('encoding').value);
  $('export').href = `/api/staff/invoices/export?${q}`;
}

async function show(after) {
  const r = await whileBusy(form, () => api('GET', `/api/staff/invoices?${query(after)}`));
  if (!r.ok) {
    showResponseErrors(form, r);
    return false;
  }
  const items = r.data.items;
  $('rows').replaceChildren(items.length ? dataTable('請求の一覧', [
    { label: '管理NO', value: (x) => el('a', { href: `/admin/invoices.html?member_no=${x.member_no}&invoice_no=${encodeURIComponent(x.invoice.invoice_no)}` }, x.invoice.invoice_no), rowHeader: true },
    { label: '会員番号', value: (x) => el('a', { href: `/admin/member.html?no=${x.member_no}` }, x.member_no) },
    { label: '種別', value: (x) => x.invoice.fee_type.label },
    { label: '金額', value: (x) => formatYen(x.invoice.amount) },
    { label: '状態', value: (x) => x.invoice.status.label },
    { label: '入金日', value: (x) => (x.invoice.paid_on ? formatDate(x.invoice.paid_on) : '') },
    { label: '支払方法', value: (x) => text(x.invoice.payment.paid_via?.label) },
  ], items) : el('p', { class: 'empty' }, '該当する請求はありません。'));
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
  const jst = new Date(Date.now() + 9 * 3600 * 1000);
  const fy = jst.getUTCMonth() < 3 ? jst.getUTCFullYear() - 1 : jst.getUTCFullYear();
  form.elements.fiscal_year.value = String(fy);
  form.hidden = false;
  pageReady();
  await show(null);
}
