// 所定単位表の管理 (/admin/units.html): everyone on staff reads the table and its
// history; administrators add codes and edit or retire them (never delete).
import { api } from '/assets/http.js';
import { showLoaded, startStaffPage } from '/assets/staff-page.js';
import { dataTable, el, text } from '/assets/dom.js';
import { formatDate, formatDateTime } from '/assets/format.js';
import { clearFormErrors, showResponseErrors, whileBusy } from '/assets/forms.js';

const $ = (id) => document.getElementById(id);
const form = $('unit-form');
let editing = null; // { code, version } while editing
let isAdmin = false;

function fill(u) {
  const f = form.elements;
  f.code.value = u ? u.code : '';
  f.code.readOnly = Boolean(u);
  f.name.value = u ? u.name : '';
  f.reading.value = u ? u.reading : '';
  f.category.value = u ? u.category : 'jcs_meeting';
  f.units.value = u ? String(u.units) : '';
  f.activity.value = u ? u.activity : 'meeting';
  f.self_reportable.checked = u ? u.self_reportable : true;
  f.valid_from.value = u ? u.valid_from : '';
  f.valid_to.value = u && u.valid_to ? u.valid_to : '';
  editing = u ? { code: u.code, version: u.version } : null;
  $('h-form').textContent = u ? `単位コードの変更・廃止（${u.code}）` : '単位コードの追加';
  $('save').textContent = u ? '変更を保存' : '追加';
  $('cancel-edit').hidden = !u;
  clearFormErrors(form);
}

function body() {
  const f = form.elements;
  return {
    code: f.code.value.trim(), name: f.name.value, reading: f.reading.value, category: f.category.value,
    units: f.units.value === '' ? 0 : Number(f.units.value), activity: f.activity.value,
    self_reportable: f.self_reportable.checked, valid_from: f.valid_from.value, valid_to: f.valid_to.value,
  };
}

function render(data) {
  $('units-table').replaceChildren(dataTable('所定単位表', [
    { label: '単位コード', value: (u) => u.code, rowHeader: true },
    { label: '名称', value: (u) => u.name },
    { label: '研修単位区分', value: (u) => u.category_label },
    { label: '単位', value: (u) => String(u.units) },
    { label: '適用期間', value: (u) => `${formatDate(u.valid_from)}〜${u.valid_to ? formatDate(u.valid_to) : ''}` },
    { label: '操作', value: (u) => (isAdmin ? el('button', { type: 'button', class: 'button button--small', 'data-code': u.code, 'aria-label': `${u.code} を編集` }, '編集') : '') },
  ], data.units));
  for (const b of $('units-table').querySelectorAll('button[data-code]')) {
    b.addEventListener('click', () => {
      fill(data.units.find((u) => u.code === b.dataset.code));
      form.elements.name.focus();
    });
  }
  $('history').replaceChildren(data.history.length ? dataTable('変更履歴', [
    { label: '日時', value: (e) => formatDateTime(e.at), rowHeader: true },
    { label: '操作者', value: (e) => `${e.actor_name}（${e.actor_id}）` },
    { label: '操作', value: (e) => e.action_label },
    { label: '対象', value: (e) => e.record },
    { label: '変更', value: (e) => `${text(e.before) || '—'} → ${text(e.after) || '—'}` },
  ], data.history.slice().reverse()) : el('p', { class: 'empty' }, '変更履歴はありません。'));
}

async function load() {
  const r = await api('GET', '/api/staff/units');
  if (r.ok) render(r.data);
  return r;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const r = await whileBusy(form, () => (editing
    ? api('PUT', `/api/staff/units/${encodeURIComponent(editing.code)}`, { version: editing.version, unit: body() })
    : api('POST', '/api/staff/units', body())));
  if (!r.ok) {
    showResponseErrors(form, r);
    return;
  }
  const done = editing ? `${r.data.code} を変更しました。` : `${r.data.code} を追加しました。`;
  fill(null);
  await load();
  $('form-status').textContent = done;
  $('form-status').hidden = false;
  $('form-status').focus();
});
$('cancel-edit').addEventListener('click', () => fill(null));

const started = await startStaffPage();
if (started) {
  isAdmin = started.session?.role === 'administrator';
  form.hidden = !isAdmin;
  showLoaded(await load());
}
