// Shared by the 単位情報 pages (会員情報照会, 一覧, 詳細, 所定単位表, 事務局の決裁):
// the 所定単位表 from the API, 状態 badges, the list's columns, proof files.
import { api, errorMessage } from '/assets/http.js';
import { el, text } from '/assets/dom.js';
import { formatDate } from '/assets/format.js';
import { creditUrl } from '/assets/urls.js';

/** The file types and size the portal accepts as 証明書類 (the server checks them). */
export const FILE_RULE = 'PDF・JPEG・PNG 形式で、10MB 以下のファイル';

/**
 * GET /api/units (the whole 所定単位表), or with q the self-reportable units matching it.
 * Resolves to { units, note } or { error }.
 */
export async function loadUnits(q) {
  const query = q ? '?' + new URLSearchParams({ q }).toString() : '';
  const r = await api('GET', '/api/units' + query);
  if (!r.ok || !r.data) return { error: errorMessage(r) };
  return { units: Array.isArray(r.data.units) ? r.data.units : [], note: text(r.data.note) };
}

/** 3 → "3単位". */
export const unitsText = (n) => `${text(n)}単位`;

/** A unit's activity: 'paper' (論文名・掲載誌) or 'meeting' (学術集会名). */
export const isPaper = (x) => x && x.activity === 'paper';

/** The 状態 of a credit as a badge (作成中, 承認申請中, 承認済, 却下, 取り下げ). */
export function creditStatus(c) {
  const code = ['draft', 'pending', 'approved', 'rejected', 'withdrawn'].includes(c.status) ? c.status : 'other';
  return el('span', { class: `badge badge--credit-${code}` }, text(c.status_label ?? c.status));
}

/** The columns of a list of credits: 管理No (link), 単位名, 研修単位区分, 単位, 日付, 状態. */
export function creditColumns(memberNo) {
  return [
    {
      label: '管理No',
      class: 'nowrap',
      value: (c) => el('a', { href: creditUrl(memberNo, text(c.credit_no)) }, text(c.credit_no)),
    },
    { label: '単位名', value: (c) => text(c.unit_name ?? c.unit_code) },
    { label: '研修単位区分', value: (c) => text(c.category_label) },
    { label: '単位', class: 'num nowrap', value: (c) => unitsText(c.units) },
    { label: '日付', class: 'nowrap', value: (c) => formatDate(c.earned_on) },
    { label: '状態', value: (c) => creditStatus(c) },
  ];
}

const TYPES_BY_EXTENSION = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' };

/** The MIME type a chosen file declares: the browser's, or the one its extension names. */
export function fileType(file) {
  if (file.type) return file.type;
  const ext = /\.([a-z0-9]+)$/i.exec(file.name || '');
  return (ext && TYPES_BY_EXTENSION[ext[1].toLowerCase()]) || 'application/octet-stream';
}

/** The member's latest 承認申請 comment of a credit (null when none). */
export function requestComment(c) {
  const history = Array.isArray(c.history) ? c.history : [];
  for (let i = history.length - 1; i >= 0; i -= 1) {
    const h = history[i];
    if (h && h.action && h.action.code === 'requested') return h.comment || null;
  }
  return null;
}
