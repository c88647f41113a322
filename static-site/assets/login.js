// 会員ポータルサイト ログイン (/index.html)
import {
  api, errorMessage, showFormErrors, clearFormErrors, checkFields, notBlank,
  safeLocalPath, whileBusy,
} from '/assets/api.js';

const form = document.getElementById('login-form');
const params = new URLSearchParams(location.search);
const next = safeLocalPath(params.get('next'));

// Already logged in: go where the member was going (or ホーム).
api('GET', '/api/auth/session').then((r) => {
  if (r.ok) location.replace(next || '/home.html');
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFormErrors(form);
  const memberNo = form.elements.member_no.value;
  const password = form.elements.password.value;

  const invalid = checkFields(form, [
    { field: 'member_no', test: notBlank, message: '会員番号を入力してください。' },
    { field: 'password', test: (v) => v !== '', message: 'パスワードを入力してください。' },
  ]);
  if (invalid) {
    showFormErrors(form, invalid);
    return;
  }

  // The server normalises full-width digits (NFKC); the number is sent as typed.
  const body = { member_no: memberNo.trim(), password };
  if (next) body.next = next;

  const r = await whileBusy(form, () => api('POST', '/api/auth/login', body));
  if (r.ok) {
    const dest = safeLocalPath(r.data && r.data.redirect) || next || '/home.html';
    location.assign(dest);
    return;
  }
  if (r.status === 401 || r.status === 429) {
    // One generic message; the member number stays, the password is cleared.
    form.elements.password.value = '';
  }
  showFormErrors(form, { ...r.data, message: errorMessage(r) });
});
