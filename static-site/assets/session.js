// Sessions: the member's and the staff's, and the page header that shows who is logged in with 「ログアウト」.
import { api, errorMessage } from '/assets/http.js';
import { memberLoginUrl } from '/assets/urls.js';

const never = () => new Promise(() => {});

/** GET the session; when refused (statuses) goes to the login and never resolves. */
async function requireSession(path, refused, loginUrl) {
  const r = await api('GET', path);
  if (refused.includes(r.status)) {
    location.replace(loginUrl());
    return never();
  }
  if (!r.ok) return { error: errorMessage(r) };
  return { session: r.data };
}

/**
 * For member pages: GET /api/auth/session. On 401 goes to the login page (with ?next=)
 * and never resolves. Resolves to { session } or { error } for other failures.
 */
export const requireMemberSession = () => requireSession('/api/auth/session', [401], memberLoginUrl);

/** For staff pages: GET /api/staff/session; on 401/403 goes to the staff login. */
export const requireStaffSession = () => requireSession('/api/staff/session', [401, 403], () => '/admin/login.html');

/**
 * Shows the header's [data-session] box (hidden in the page until the session is known):
 * fill(box) writes who is logged in; 「ログアウト」 posts to logoutPath, then goes to dest
 * whatever the answer.
 */
function showSessionBox(fill, logoutPath, dest) {
  const box = document.querySelector('[data-session]');
  if (!box) return;
  fill(box);
  const logout = box.querySelector('[data-logout]');
  logout.addEventListener('click', async () => {
    logout.disabled = true;
    await api('POST', logoutPath, {});
    location.replace(dest);
  });
  box.hidden = false;
}

/** The member page header (_partials/member-header.html): 「○○ 様」 and 「ログアウト」. */
export function showMemberHeader(session) {
  showSessionBox((box) => {
    box.querySelector('[data-member-name]').textContent = session.name || '';
  }, '/api/auth/logout', '/index.html');
}

/** The staff page header (_partials/staff-header.html): name (役割) and 「ログアウト」. */
export function showStaffHeader(session) {
  showSessionBox((box) => {
    box.querySelector('[data-staff-name]').textContent = session.name || session.staff_id || '';
    box.querySelector('[data-staff-role]').textContent = session.role_label || '';
  }, '/api/staff/logout', '/admin/login.html');
}
