// パスワードの再設定（メール送信） (/forgot-password.html)
import { api, errorMessage, showFormErrors, clearFormErrors, checkFields, notBlank, whileBusy } from '/assets/api.js';

const form = document.getElementById('forgot-form');
const requestStep = document.getElementById('request-step');
const sentStep = document.getElementById('sent-step');
const sentMessage = document.getElementById('sent-message');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFormErrors(form);
  const invalid = checkFields(form, [
    { field: 'member_no', test: notBlank, message: '会員番号を入力してください。' },
  ]);
  if (invalid) {
    showFormErrors(form, invalid);
    return;
  }
  const r = await whileBusy(form, () =>
    api('POST', '/api/auth/password-reset', { member_no: form.elements.member_no.value.trim() }));
  if (r.ok) {
    // The same message whatever the member number: it never tells who is a member.
    sentMessage.textContent = (r.data && r.data.message) ||
      'ご登録のメールアドレス宛に、パスワード再設定のご案内をお送りしました。';
    requestStep.hidden = true;
    sentStep.hidden = false;
    sentStep.focus();
    return;
  }
  showFormErrors(form, { ...r.data, message: errorMessage(r) });
});
