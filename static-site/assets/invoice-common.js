// Shared by 会費請求/入金状況 (home) and 請求収納の照会 (invoice).
import { el, text } from '/assets/api.js';

/**
 * 状態 as a badge: 未納 / 納入済 / 期限切れ / お支払い手続きの処理中. Told apart by the
 * word and a symbol, not by colour alone.
 */
export function invoiceStatus(status) {
  const code = status && status.code ? String(status.code) : '';
  const label = text(status && (status.label ?? status.code));
  const kind = { paid: 'paid', unpaid: 'unpaid', overdue: 'overdue', checkout_pending: 'pending' }[code] || 'other';
  // The symbol (✓ / !) is drawn by the stylesheet and hidden from screen readers.
  return el('span', { class: 'badge badge--' + kind }, label);
}
