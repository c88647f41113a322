// Invoices as members see them: the 状態 badge, and the fields that 会費請求/入金状況 and 請求収納の照会 share.
import { el } from '/assets/dom.js';
import { formatDate, formatFiscalYear, formatYen, labelOf } from '/assets/format.js';

/**
 * 状態 as a badge: 未納 / 納入済 / 期限切れ / お支払い手続きの処理中. Told apart by the
 * word and a symbol, not by colour alone.
 */
function invoiceStatus(status) {
  const code = status && status.code ? String(status.code) : '';
  const kind = { paid: 'paid', unpaid: 'unpaid', overdue: 'overdue', checkout_pending: 'pending' }[code] || 'other';
  // The symbol (✓ / !) is drawn by the stylesheet and hidden from screen readers.
  return el('span', { class: 'badge badge--' + kind }, labelOf(status));
}

/**
 * 料金区分, 年度, 金額, 納入期限, 状態 of an invoice: the columns of the list on ホーム
 * (dataTable) and the rows of 請求収納の照会 (fieldRow).
 */
export const INVOICE_FIELDS = [
  { label: '料金区分', value: (inv) => labelOf(inv.fee_type) },
  { label: '年度', class: 'nowrap', value: (inv) => formatFiscalYear(inv.fiscal_year) },
  { label: '金額', class: 'num nowrap', value: (inv) => formatYen(inv.amount) },
  { label: '納入期限', class: 'nowrap', value: (inv) => formatDate(inv.due_date) },
  { label: '状態', class: 'nowrap', value: (inv) => invoiceStatus(inv.status) },
];
