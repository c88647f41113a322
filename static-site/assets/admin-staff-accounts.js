// 職員アカウントの管理 (/admin/staff-accounts.html, administrators): the accounts with
// their role and 利用停止 (each row saved on its own), a new account with its initial
// password shown once, and a reset of someone's second factor.
import { api, errorMessage } from '/assets/http.js';
import { showLoaded, startStaffPage } from '/assets/staff-page.js';
import { dataTable, el } from '/assets/dom.js';
import { formatDateTime } from '/assets/format.js';
import { clearFormErrors, showResponseErrors, whileBusy } from '/assets/forms.js';

const $ = (id) => document.getElementById(id);
const form = $('account-form');
let me = null;

function say(id, message) {
  for (const other of ['list-status', 'list-error']) $(other).hidden = true;
  $(id).textContent = message;
  $(id).hidden = false;
  $(id).focus();
}

function roleSelect(a) {
  const select = el('select', { class: 'input input--short', 'aria-label': `${a.staff_id} の権限`, 'data-role': a.staff_id },
    el('option', { value: 'reviewer' }, '審査担当'), el('option', { value: 'administrator' }, '管理者'));
  select.value = a.role;
  select.disabled = a.staff_id === me;
  return select;
}

function stopBox(a) {
  const box = el('input', { type: 'checkbox', 'data-disabled': a.staff_id, 'aria-label': `${a.staff_id} を利用停止` });
  box.checked = a.disabled;
  box.disabled = a.staff_id === me;
  return box;
}

async function save(a) {
  const role = document.querySelector(`[data-role="${a.staff_id}"]`).value;
  const disabled = document.querySelector(`[data-disabled="${a.staff_id}"]`).checked;
  const r = await api('PUT', `/api/staff/accounts/${encodeURIComponent(a.staff_id)}`, { role, disabled });
  await load();
  if (r.ok) say('list-status', `${a.staff_id} を保存しました（${r.data.role_label}${r.data.disabled ? '・利用停止' : ''}）。`);
  else say('list-error', errorMessage(r));
}

async function resetFactor(a) {
  if (!window.confirm(`${a.name}（${a.staff_id}）の二要素認証をリセットします。次回ログイン時に認証アプリを登録し直します。よろしいですか？`)) return;
  const r = await api('POST', `/api/staff/accounts/${encodeURIComponent(a.staff_id)}/second-factor/reset`, {});
  if (r.ok) say('list-status', `${a.staff_id} の二要素認証をリセットしました。`);
  else say('list-error', errorMessage(r));
}

function render(accounts) {
  $('accounts').replaceChildren(dataTable('職員アカウント', [
    { label: '職員ID', value: (a) => a.staff_id, rowHeader: true },
    { label: '氏名', value: (a) => a.name },
    { label: '権限', value: roleSelect },
    { label: '利用停止', value: stopBox },
    { label: '作成日時', value: (a) => formatDateTime(a.created_at) },
    {
      label: '操作',
      value: (a) => (a.staff_id === me ? '（ご自分）' : [
        el('button', { type: 'button', class: 'button button--small', 'data-save': a.staff_id, 'aria-label': `${a.staff_id} を保存` }, '保存'),
        ' ',
        el('button', { type: 'button', class: 'button button--small', 'data-reset': a.staff_id, 'aria-label': `${a.staff_id} の二要素認証をリセット` }, '二要素認証をリセット'),
      ]),
    },
  ], accounts));
  for (const a of accounts) {
    document.querySelector(`[data-save="${a.staff_id}"]`)?.addEventListener('click', () => save(a));
    document.querySelector(`[data-reset="${a.staff_id}"]`)?.addEventListener('click', () => resetFactor(a));
  }
}

async function load() {
  const r = await api('GET', '/api/staff/accounts');
  if (r.ok) render(r.data.accounts);
  return r;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const f = form.elements;
  const r = await whileBusy(form, () => api('POST', '/api/staff/accounts', {
    staff_id: f.staff_id.value, name: f.name.value, role: f.role.value,
  }));
  if (!r.ok) {
    showResponseErrors(form, r);
    return;
  }
  form.reset();
  clearFormErrors(form);
  await load();
  $('created-who').textContent = `${r.data.account.name}（${r.data.account.staff_id}）`;
  $('created-password').textContent = r.data.initial_password;
  $('created').hidden = false;
  $('created').focus();
});

const started = await startStaffPage();
if (started) {
  me = started.session?.staff_id;
  showLoaded(await load());
}
