// The start every member page shares: session, header, the member number, 会員情報照会 links, the main GET.
import { api, errorMessage } from '/assets/http.js';
import { requireMemberSession, showMemberHeader } from '/assets/session.js';
import { pageFailed } from '/assets/page.js';
import { memberLoginUrl, profileUrl } from '/assets/urls.js';

/**
 * The member number the page is about: ?member_no=, or the session's own number (then
 * written into the address bar, so the page can be bookmarked).
 */
function memberNoParam(session) {
  const params = new URLSearchParams(location.search);
  let memberNo = (params.get('member_no') || '').trim();
  if (!memberNo) {
    memberNo = String(session.member_no);
    params.set('member_no', memberNo);
    history.replaceState(null, '', location.pathname + '?' + params.toString() + location.hash);
  }
  return memberNo;
}

/**
 * Starts a member page: requires the member session (without one: the login page, and
 * this never resolves), shows the page header, reads the member number the page is about
 * and points every [data-profile-link] (breadcrumb, back link) at that member's 会員情報照会.
 * Resolves to { session, memberNo }, or to null once the page error is shown.
 * The page stays aria-busy until it calls pageReady() (or pageFailed()).
 *
 * ownPage: the page is always the session member's own (ホーム): no ?member_no= is read
 * or added.
 */
export async function startMemberPage({ ownPage = false } = {}) {
  const { session, error } = await requireMemberSession();
  if (error) {
    pageFailed(error);
    return null;
  }
  showMemberHeader(session);
  const memberNo = ownPage ? String(session.member_no) : memberNoParam(session);
  document.querySelectorAll('[data-profile-link]').forEach((a) => { a.href = profileUrl(memberNo); });
  return { session, memberNo };
}

/**
 * GETs what the page shows: resolves to the data, or to null after going to the login
 * (401) or showing the page error — notFound for 403/404, else the API's message.
 */
export async function loadPageData(path, notFound) {
  const r = await api('GET', path);
  if (r.status === 401) {
    location.replace(memberLoginUrl());
    return null;
  }
  if (r.status === 404 || r.status === 403) {
    pageFailed(notFound);
    return null;
  }
  if (!r.ok || !r.data) {
    pageFailed(errorMessage(r));
    return null;
  }
  return r.data;
}
