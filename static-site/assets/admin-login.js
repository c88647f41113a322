// 事務局ログイン (/admin/login.html): password, then the authenticator's code. The
// first login enrols the authenticator (QR code or key) and shows the recovery codes once.
import { api } from '/assets/http.js';
import { checkForm, notBlank, notEmpty, showResponseErrors, whileBusy } from '/assets/forms.js';
import { el } from '/assets/dom.js';

const $ = (id) => document.getElementById(id);
const passwordForm = $('staff-login-form');
const codeForm = $('code-form');
const enrolForm = $('enrol-form');
const SVG = 'http://www.w3.org/2000/svg';
const SIX_DIGITS = (v) => /^\s*([0-9０-９]\s*){6}$/.test(v);
const CODE_MESSAGE = '確認コードは認証アプリに表示される6桁の数字で入力してください。';

// Already logged in: straight to 事務局ホーム.
api('GET', '/api/staff/session').then((r) => {
  if (r.ok) location.replace('/admin/');
});

function show(form) {
  for (const f of [passwordForm, codeForm, enrolForm]) f.hidden = f !== form;
  const first = form.querySelector('input:not([type=hidden])');
  first?.focus();
}

/** The QR code as one SVG path of unit squares (drawn here: no image, no HTML parsing). */
function drawQr(qr) {
  const svg = $('qr');
  svg.setAttribute('viewBox', `0 0 ${qr.size} ${qr.size}`);
  svg.setAttribute('shape-rendering', 'crispEdges');
  const bg = document.createElementNS(SVG, 'rect');
  bg.setAttribute('width', qr.size);
  bg.setAttribute('height', qr.size);
  bg.setAttribute('fill', '#fff');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', qr.path);
  path.setAttribute('fill', '#000');
  svg.replaceChildren(bg, path);
}

/** The secret in groups of four, as authenticator apps show keys. */
const grouped = (secret) => secret.match(/.{1,4}/g).join(' ');

passwordForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const valid = checkForm(passwordForm, [
    { field: 'staff_id', test: notBlank, message: '職員IDを入力してください。' },
    { field: 'password', test: notEmpty, message: 'パスワードを入力してください。' },
  ]);
  if (!valid) return;
  const body = { staff_id: passwordForm.elements.staff_id.value.trim(), password: passwordForm.elements.password.value };
  const r = await whileBusy(passwordForm, () => api('POST', '/api/staff/login', body));
  passwordForm.elements.password.value = '';
  if (!r.ok) {
    showResponseErrors(passwordForm, r);
    return;
  }
  if (r.data.second_factor === 'enrol') {
    drawQr(r.data.enrolment.qr);
    $('totp-secret').textContent = grouped(r.data.enrolment.secret);
    show(enrolForm);
  } else {
    show(codeForm);
  }
});

async function secondStep(form, body) {
  const r = await whileBusy(form, () => api('POST', '/api/staff/login/second-factor', body));
  if (r.ok) return r.data;
  if (r.data?.code === 'login_expired') {
    show(passwordForm);
    showResponseErrors(passwordForm, r);
    return null;
  }
  for (const input of form.querySelectorAll('input')) input.value = '';
  showResponseErrors(form, r);
  return null;
}

$('use-recovery').addEventListener('click', () => {
  $('recovery-group').hidden = false;
  $('use-recovery').hidden = true;
  codeForm.elements.code.closest('.form-group').hidden = true;
  codeForm.elements.recovery_code.focus();
});

codeForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const recovery = !$('recovery-group').hidden;
  const rules = recovery
    ? [{ field: 'recovery_code', test: notBlank, message: 'リカバリーコードを入力してください。' }]
    : [{ field: 'code', test: SIX_DIGITS, message: CODE_MESSAGE }];
  if (!checkForm(codeForm, rules)) return;
  const body = recovery
    ? { recovery_code: codeForm.elements.recovery_code.value }
    : { code: codeForm.elements.code.value };
  if (await secondStep(codeForm, body)) location.assign('/admin/');
});

enrolForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!checkForm(enrolForm, [{ field: 'code', test: SIX_DIGITS, message: CODE_MESSAGE }])) return;
  const done = await secondStep(enrolForm, { code: enrolForm.elements.code.value });
  if (!done) return;
  enrolForm.hidden = true;
  $('recovery-codes').replaceChildren(...done.recovery_codes.map((c) => el('li', {}, el('code', {}, c))));
  $('recovery-section').hidden = false;
  $('recovery-section').focus();
});
