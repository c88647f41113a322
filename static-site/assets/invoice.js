// 請求収納の照会 (/invoice.html?member_no=N&no=INV-…): one invoice, read-only for now.
// Mails link here; logged out, requireMemberSession goes through the login and back.
import {
  api, el, errorMessage, fieldRow, formatDate, formatFiscalYear, formatYen, memberApi,
  memberLoginUrl, memberNoParam, requireMemberSession, showPageError, text,
} from '/assets/api.js';
import { showMemberHeader } from '/assets/member-header.js';
import { invoiceStatus } from '/assets/invoice-common.js';
import { applicationUrl } from '/assets/application-common.js';

const main = document.getElementById('main');
const loading = document.getElementById('loading');

function fail(message) {
  loading.hidden = true;
  main.removeAttribute('aria-busy');
  showPageError(document.getElementById('page-error'), message);
}

async function start() {
  const { session, error } = await requireMemberSession();
  if (error) return fail(error);
  showMemberHeader(session);
  const memberNo = memberNoParam(session);
  const no = (new URLSearchParams(location.search).get('no') || '').trim();
  if (!no) return fail('管理NOが指定されていません。');

  const r = await api('GET', memberApi(memberNo, 'invoices', no));
  if (r.status === 401) return location.replace(memberLoginUrl());
  if (r.status === 404 || r.status === 403) return fail('指定された請求情報は表示できません。');
  if (!r.ok || !r.data) return fail(errorMessage(r));
  const inv = r.data;

  const rows = [
    fieldRow('管理NO', text(inv.invoice_no)),
    fieldRow('料金区分', text(inv.fee_type && (inv.fee_type.label ?? inv.fee_type.code))),
    fieldRow('年度', formatFiscalYear(inv.fiscal_year)),
    fieldRow('金額', formatYen(inv.amount)),
    fieldRow('納入期限', formatDate(inv.due_date)),
    fieldRow('状態', invoiceStatus(inv.status)),
    fieldRow('入金日', inv.paid_on ? formatDate(inv.paid_on) : '—'),
  ];
  if (inv.application_no) {
    rows.push(fieldRow('申請番号',
      el('a', { href: applicationUrl(memberNo, inv.application_no) }, text(inv.application_no))));
  }
  document.getElementById('invoice-fields').replaceChildren(...rows);
  const paid = inv.status && inv.status.code === 'paid';
  document.getElementById('payment-note').hidden = paid;
  loading.hidden = true;
  main.removeAttribute('aria-busy');
  document.getElementById('detail').hidden = false;
}

start();
