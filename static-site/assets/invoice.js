// 請求収納の照会 (/invoice.html?member_no=N&no=INV-…): one invoice, read-only for now.
// Mails link here; logged out, the member goes through the login and comes back.
import { el, fieldRow, text } from '/assets/dom.js';
import { formatDate } from '/assets/format.js';
import { loadPageData, startMemberPage } from '/assets/member-page.js';
import { pageFailed, pageReady } from '/assets/page.js';
import { INVOICE_FIELDS } from '/assets/invoice-common.js';
import { applicationUrl, memberApi, queryParam } from '/assets/urls.js';

async function start() {
  const page = await startMemberPage();
  if (!page) return;
  const { memberNo } = page;
  const no = queryParam('no');
  if (!no) return pageFailed('管理NOが指定されていません。');
  const inv = await loadPageData(memberApi(memberNo, 'invoices', no), '指定された請求情報は表示できません。');
  if (!inv) return;

  const rows = [
    fieldRow('管理NO', text(inv.invoice_no)),
    ...INVOICE_FIELDS.map((f) => fieldRow(f.label, f.value(inv))),
    fieldRow('入金日', inv.paid_on ? formatDate(inv.paid_on) : '—'),
  ];
  if (inv.application_no) {
    rows.push(fieldRow('申請番号',
      el('a', { href: applicationUrl(memberNo, inv.application_no) }, text(inv.application_no))));
  }
  document.getElementById('invoice-fields').replaceChildren(...rows);
  const paid = inv.status && inv.status.code === 'paid';
  document.getElementById('payment-note').hidden = paid;
  pageReady();
  document.getElementById('detail').hidden = false;
}

start();
