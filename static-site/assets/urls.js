// Addresses: the site's pages, the member API, this page's query, and where a login may lead.

const withQuery = (path, params) => path + '?' + new URLSearchParams(params).toString();

/** "/api/members/100001" + the rest, each part URL-encoded. */
export function memberApi(memberNo, ...parts) {
  return ['/api/members', memberNo, ...parts].map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join('/');
}

/** 会員情報照会 of a member. */
export const profileUrl = (memberNo) => withQuery('/member-profile.html', { member_no: memberNo });

/** 専門医資格申請情報 新規作成 (更新申請 / 辞退申請 の選択). */
export const newApplicationUrl = (memberNo) => withQuery('/application-new.html', { member_no: memberNo });

/** The form of an application kind: a new one, or editing the draft applicationNo. */
export function applicationFormUrl(memberNo, kind, applicationNo) {
  const q = { member_no: memberNo, kind };
  if (applicationNo) q.no = applicationNo;
  return withQuery('/application-form.html', q);
}

/** 専門医資格申請情報 (one application). */
export const applicationUrl = (memberNo, applicationNo) =>
  withQuery('/application.html', { member_no: memberNo, no: applicationNo });

/** 請求収納の照会 (one invoice). */
export const invoiceUrl = (memberNo, invoiceNo) => withQuery('/invoice.html', { member_no: memberNo, no: invoiceNo });

/** 決済内容の確認 (before the payment service's checkout). */
export const checkoutUrl = (memberNo, invoiceNo) => withQuery('/checkout.html', { member_no: memberNo, no: invoiceNo });

/** 領収書 (PDF) of a paid invoice. */
export const receiptUrl = (memberNo, invoiceNo) => memberApi(memberNo, 'invoices', invoiceNo, 'receipt');

/** 特定商取引法に基づく表記: public, no login. */
export const TOKUSHOHO_PAGE = '/tokushoho.html';

/** 単位情報の一覧 (「すべて表示」). */
export const creditsUrl = (memberNo) => withQuery('/credits.html', { member_no: memberNo });

/** 単位情報の詳細 (one credit, by its 管理No): also the address the rejection mail links to. */
export const creditUrl = (memberNo, creditNo) => withQuery('/credit.html', { member_no: memberNo, no: creditNo });

/** 単位対象一覧（所定単位表）: public, no login. */
export const UNITS_PAGE = '/units.html';

/** A parameter of this page's address, trimmed ('' when absent). */
export function queryParam(name) {
  return (new URLSearchParams(location.search).get(name) || '').trim();
}

/** The member login URL that brings the member back to the current page. */
export function memberLoginUrl() {
  const here = location.pathname + location.search + location.hash;
  return '/index.html?next=' + encodeURIComponent(here);
}

/**
 * A same-origin path ("/home.html#dues") or null. Accepts same-origin absolute URLs,
 * refuses anything that would leave the site (//evil, https://evil, javascript:).
 */
export function safeLocalPath(raw) {
  if (typeof raw !== 'string' || raw === '') return null;
  if (/[\u0000-\u001f\\]/.test(raw)) return null;
  if (!raw.startsWith('/') || raw.startsWith('//')) {
    // Only same-origin absolute URLs are accepted besides plain paths.
    if (!/^https?:\/\//i.test(raw)) return null;
  }
  let url;
  try {
    url = new URL(raw, location.origin);
  } catch {
    return null;
  }
  if (url.origin !== location.origin) return null;
  return url.pathname + url.search + url.hash;
}
