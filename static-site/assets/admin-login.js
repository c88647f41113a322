// 事務局ログイン (/admin/login.html)
import { api } from '/assets/http.js';
import { checkForm, notBlank, notEmpty, showResponseErrors, whileBusy } from '/assets/forms.js';

const form = document.getElementById('staff-login-form');

// Already logged in: straight to 事務局ホーム.
api('GET', '/api/staff/session').then((r) => {
  if (r.ok) location.replace('/admin/');
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const valid = checkForm(form, [
    { field: 'staff_id', test: notBlank, message: '職員IDを入力してください。' },
    { field: 'password', test: notEmpty, message: 'パスワードを入力してください。' },
  ]);
  if (!valid) return;
  const body = { staff_id: form.elements.staff_id.value.trim(), password: form.elements.password.value };
  const r = await whileBusy(form, () => api('POST', '/api/staff/login', body));
  if (r.ok) {
    location.assign('/admin/');
    return;
  }
  if (r.status === 401 || r.status === 429) form.elements.password.value = '';
  showResponseErrors(form, r);
});
