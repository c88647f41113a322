// パスワードの再設定（メール送信） (/forgot-password.html)
import { api } from '/assets/http.js';
import { checkForm, notBlank, showResponseErrors, whileBusy } from '/assets/forms.js';

const form = document.getElementById('forgot-form');
const requestStep = document.getElementById('request-step');
const sentStep = document.getElementById('sent-step');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const valid = checkForm(form, [
    { field: 'member_no', test: notBlank, message: '会員番号を入力してください。' },
  ]);
  if (!valid) return;
  const r = await whileBusy(form, () =>
    api('POST', '/api/auth/password-reset', { member_no: form.elements.member_no.value.trim() }));
  if (r.ok) {
    // The same message whatever the member number: it never tells who is a member.
    document.getElementById('sent-message').textContent = (r.data && r.data.message) ||
      'ご登録のメールアドレス宛に、パスワード再設定のご案内をお送りしました。';
    requestStep.hidden = true;
    sentStep.hidden = false;
    sentStep.focus();
    return;
  }
  showResponseErrors(form, r);
});
