// 新しいパスワードの設定 (/reset-password.html#token=...)
import { api, errorMessage } from '/assets/http.js';
import { checkForm, notEmpty, showFormErrors, showResponseErrors, whileBusy } from '/assets/forms.js';

// The token comes in the fragment, which the browser never sends to a server (so it
// is in no access log). Read it, then take it out of the address bar (and so out of
// the history and bookmarks) at once.
const params = new URLSearchParams(location.hash.replace(/^#/, ''));
const token = params.get('token') || '';
if (params.has('token')) {
  history.replaceState(null, '', location.pathname + location.search);
}

const form = document.getElementById('reset-form');
const resetStep = document.getElementById('reset-step');
const doneStep = document.getElementById('done-step');

if (!token) {
  document.getElementById('no-token').hidden = false;
} else {
  resetStep.hidden = false;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const valid = checkForm(form, [
    { field: 'password', test: notEmpty, message: '新しいパスワードを入力してください。' },
    { field: 'password_confirm', test: notEmpty, message: '新しいパスワード（確認）を入力してください。' },
    {
      field: 'password_confirm',
      test: (v, f) => v === f.elements.password.value,
      message: '新しいパスワードと新しいパスワード（確認）が一致しません。',
    },
  ]);
  if (!valid) return;
  const r = await whileBusy(form, () =>
    api('POST', '/api/auth/password-reset/confirm', { token, password: form.elements.password.value }));
  if (r.ok) {
    form.reset();
    document.getElementById('done-message').textContent =
      (r.data && r.data.message) || 'パスワードを再設定しました。新しいパスワードでログインしてください。';
    resetStep.hidden = true;
    doneStep.hidden = false;
    doneStep.focus();
    return;
  }
  if (r.data && r.data.code === 'invalid_token') {
    // Expired or already used: the only way on is a new request.
    showFormErrors(form, { code: 'invalid_token', message: errorMessage(r) });
    document.getElementById('token-error').hidden = false;
    form.querySelectorAll('input, button').forEach((c) => { c.disabled = true; });
    return;
  }
  showResponseErrors(form, r);
});
