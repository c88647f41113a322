// Invoices as members see them: the 状態 badge, and the fields that 会費請求/入金状況 and
// 請求収納の照会 share; the payment wording that 請求収納の照会 and 決済内容の確認 share.
import { el } from '/assets/dom.js';
import { formatDate, formatFiscalYear, formatYen, labelOf } from '/assets/format.js';

/** 事務局 (manual: 払込票から他のお支払い方法への変更、二重払いの返金). */
export const OFFICE_MAIL = 'senmoni@j-circ.or.jp';

/** 払込票の発送時期 (manual STEP⑤ 「払込票（郵便振替用紙）での支払いお申込み」). */
export const SLIP_BATCHES_TEXT = '発送時期は、12月初旬・3月初旬・5月初旬・6月中旬 です。お申込みのタイミングによりお手元に届く時期が異なります。';

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

/** The payment's state when it says more than 未納: a checkout or a postal slip under way. */
export function paymentStateLabel(inv) {
  const state = inv && inv.payment ? inv.payment.state : '';
  if (state === 'processing') return 'お支払い手続きの処理中';
  if (state === 'slip_requested') return '払込票申込済';
  return '';
}

/** 状態: 未納 / 期限切れ / 納入済, with 「お支払い手続きの処理中」 or 「払込票申込済」 next to it. */
function statusCell(inv) {
  const extra = paymentStateLabel(inv);
  if (!extra) return invoiceStatus(inv.status);
  const kind = inv.payment.state === 'slip_requested' ? 'slip' : 'pending';
  return el('span', { class: 'badges' }, invoiceStatus(inv.status), ' ', el('span', { class: 'badge badge--' + kind }, extra));
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
  { label: '状態', class: 'nowrap', value: statusCell },
];

const methodsOf = (inv) => (inv && inv.payment && Array.isArray(inv.payment.methods) ? inv.payment.methods : []);

/** True when the portal offers Pay-easy only (年会費, manual STEP②). */
export function payEasyOnly(inv) {
  const methods = methodsOf(inv);
  return methods.length === 1 && methods[0].code === 'pay_easy';
}

/**
 * The methods the payment service offers for this invoice, as a sentence:
 * 「お支払い方法はペイジーのみ」 (年会費) or 「お支払い方法：クレジットカード・コンビニ・ペイジー」.
 */
export function methodsText(inv) {
  if (payEasyOnly(inv)) return 'お支払い方法はペイジーのみ';
  const labels = methodsOf(inv).map(labelOf).filter(Boolean);
  return labels.length ? `お支払い方法：${labels.join('・')}` : '';
}

/**
 * The next 払込票 mailing (12月初旬・3月初旬・5月初旬・6月中旬) after today in Japan, as the
 * portal plans it: { label, date: 'yyyy-mm-dd' }. Shown before the request; after it the
 * server's own payment.slip is shown.
 */
export function nextSlipBatch(now = new Date()) {
  const jst = new Date(now.getTime() + 9 * 3600 * 1000);
  const today = [jst.getUTCFullYear(), jst.getUTCMonth() + 1, jst.getUTCDate()];
  const batches = [[3, 1, '3月初旬'], [5, 1, '5月初旬'], [6, 15, '6月中旬'], [12, 1, '12月初旬']];
  const after = (y, m, d) => y > today[0] || (y === today[0] && (m > today[1] || (m === today[1] && d > today[2])));
  for (const year of [today[0], today[0] + 1]) {
    for (const [m, d, label] of batches) {
      if (after(year, m, d)) {
        return { label, date: `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
      }
    }
  }
  return null;
}
