// 事務局ホーム (/admin/, /admin/index.html)
import { bindLogout, requireStaffSession, showPageError } from '/assets/api.js';

const main = document.getElementById('main');
const { session, error } = await requireStaffSession();
main.removeAttribute('aria-busy');

if (error) {
  showPageError(document.getElementById('page-error'), error);
} else {
  const box = document.querySelector('[data-session]');
  box.querySelector('[data-staff-name]').textContent = session.name || session.staff_id || '';
  box.querySelector('[data-staff-role]').textContent = session.role_label || '';
  bindLogout(box.querySelector('[data-logout]'), '/api/staff/logout', '/admin/login.html');
  box.hidden = false;
  document.getElementById('review-queue').hidden = false;
}
