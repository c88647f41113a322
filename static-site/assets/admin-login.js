// 事務局ログイン (/admin/login.html)
import { api, errorMessage, showFormErrors, clearFormErrors, checkFields, notBlank, whileBusy } from '/assets/api.js';

const form = document.getElementById('staff-login-form');

api('GET', '/api/staff/session').then((r) => {
  if (r.ok) location.replace('/admin/');
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFormErrors(form);
  const invalid = checkFields(form, [
    { field: 'staff_id', test: notBlank, message: '職員IDを入力してください。' },
    { field: 'password', test: (v) => v !== '', message: 'パスワードを入力してください。' },
  ]);
  if (invalid) {
    showFormErrors(form, invalid);
    return;
  }
  const body = { staff_id: form.elements.staff_id.value.trim(), password: form.elements.password.value };
  const r = await whileBusy(form, () => api('POST', '/api/staff/login', body));
  if (r.ok) {
    location.assign('/admin/');
    return;
  }
  if (r.status === 401 || r.status === 429) form.elements.password.value = '';
  showFormErrors(form, { ...r.data, message: errorMessage(r) });
});
