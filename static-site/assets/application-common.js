// Shared by the 専門医資格申請情報 pages (新規作成, 作成/編集, 詳細).
import { api, el, errorMessage } from '/assets/api.js';

export const KIND_LABELS = { renewal: '更新申請', decline: '辞退申請' };

export function profileUrl(memberNo) {
  return '/member-profile.html?' + new URLSearchParams({ member_no: memberNo }).toString();
}

export function applicationUrl(memberNo, applicationNo) {
  return '/application.html?' + new URLSearchParams({ member_no: memberNo, no: applicationNo }).toString();
}

export function formUrl(memberNo, kind, applicationNo) {
  const q = { member_no: memberNo, kind };
  if (applicationNo) q.no = applicationNo;
  return '/application-form.html?' + new URLSearchParams(q).toString();
}

export function invoiceUrl(memberNo, invoiceNo) {
  return '/invoice.html?' + new URLSearchParams({ member_no: memberNo, no: invoiceNo }).toString();
}

/** Points every [data-profile-link] (breadcrumb, back link) at this member's 会員情報照会. */
export function linkProfile(memberNo) {
  document.querySelectorAll('[data-profile-link]').forEach((a) => { a.href = profileUrl(memberNo); });
}

/** GET /api/applications/options → { base_qualifications, decline_reasons } or { error }. */
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
