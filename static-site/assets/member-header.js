// The header of the member pages: the member's name and 「ログアウト」.
import { bindLogout } from '/assets/api.js';

export function showMemberHeader(session) {
  const box = document.querySelector('[data-session]');
  if (!box) return;
  box.querySelector('[data-member-name]').textContent = session.name || '';
  bindLogout(box.querySelector('[data-logout]'), '/api/auth/logout', '/index.html');
  box.hidden = false;
}
