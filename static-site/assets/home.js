// ホーム (/home.html): tabs 「会員情報」 and 「会費請求/入金状況」 (#dues).
import { el, requireMemberSession, showPageError } from '/assets/api.js';
import { showMemberHeader } from '/assets/member-header.js';
import { initTabs } from '/assets/tabs.js';

const main = document.getElementById('main');
const { session, error } = await requireMemberSession();
main.removeAttribute('aria-busy');

if (error) {
  showPageError(document.getElementById('page-error'), error);
} else {
  showMemberHeader(session);
  const href = '/member-profile.html?member_no=' + encodeURIComponent(session.member_no);
  document.getElementById('member-list').replaceChildren(
    el('tr', {},
      el('td', {}, el('a', { href }, session.name)),
      el('td', {}, String(session.member_no))),
  );
  const tabs = document.getElementById('home-tabs');
  tabs.hidden = false;
  initTabs(tabs);
}
