// Shared by the 専門医資格申請情報 pages (新規作成, 作成/編集, 詳細): kinds and the form's options.
import { api, errorMessage } from '/assets/http.js';
import { el } from '/assets/dom.js';

export const KIND_LABELS = { renewal: '更新申請', decline: '辞退申請' };

/** True for the kinds of application a member can make ('renewal', 'decline'). */
export const isKind = (kind) => Object.hasOwn(KIND_LABELS, kind);

/** GET /api/applications/options → { options: { base_qualifications, decline_reasons } } or { error }. */
export async function loadOptions() {
  const r = await api('GET', '/api/applications/options');
  if (!r.ok || !r.data) return { error: errorMessage(r) };
  return {
    options: {
      base_qualifications: Array.isArray(r.data.base_qualifications) ? r.data.base_qualifications : [],
      decline_reasons: Array.isArray(r.data.decline_reasons) ? r.data.decline_reasons : [],
    },
  };
}

/** Appends {code, label} options after the select's first (「選択してください」) option. */
export function fillSelect(select, items) {
  for (const it of items) {
    if (!it || it.code === undefined) continue;
    select.append(el('option', { value: String(it.code) }, String(it.label ?? it.code)));
  }
}
