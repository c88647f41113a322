// 会員ポータルサイト ログイン (/index.html)
import { api } from '/assets/http.js';
import { checkForm, notBlank, notEmpty, showResponseErrors, whileBusy } from '/assets/forms.js';
import { safeLocalPath } from '/assets/urls.js';

const form = document.getElementById('login-form');
const next = safeLocalPath(new URLSearchParams(location.search).get('next'));

// Already logged in: go where the member was going (or ホーム).
api('GET', '/api/auth/session').then((r) => {
  if (r.ok) location.replace(next || '/home.html');
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const valid = checkForm(form, [
    { field: 'member_no', test: notBlank, message: '会員番号を入力してください。' },
    { field: 'password', test: notEmpty, message: 'パスワードを入力してください。' },
  ]);
  if (!valid) return;

  // The server normalises full-width digits (NFKC); the number is sent as typed.
  const body = { member_no: form.elements.member_no.value.trim(), password: form.elements.password.value };
  if (next) body.next = next;

  const r = await whileBusy(form, () => api('POST', '/api/auth/login', body));
  if (r.ok) {
    location.assign(safeLocalPath(r.data && r.data.redirect) || next || '/home.html');
    return;
  }
  if (r.status === 401 || r.status === 429) {
    // One generic message; the member number stays, the password is cleared.
    form.elements.password.value = '';
  }
  showResponseErrors(form, r);
});
