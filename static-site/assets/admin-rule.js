// 更新条件 (/admin/rule.html): the rule in force and every version for staff; a new
// version (with its reason) for administrators.
import { api } from '/assets/http.js';
import { showLoaded, startStaffPage } from '/assets/staff-page.js';
import { dataTable, el, fieldRow, text } from '/assets/dom.js';
import { formatDateTime, formatYen } from '/assets/format.js';
import { clearFormErrors, showResponseErrors, whileBusy } from '/assets/forms.js';

const $ = (id) => document.getElementById(id);
const form = $('rule-form');
let seen = null; // the version on screen
let categories = [];

const categoryText = (r) => (r.categories.length
  ? r.categories.map((c) => `${c.label}${c.minimum !== null ? ` ${c.minimum}単位以上` : ''}${c.cap !== null ? ` 上限${c.cap}単位` : ''}`).join('、')
  : 'なし');

function fill(rule) {
  const f = form.elements;
  f.required_units.value = String(rule.required_units);
  f.self_report_cap.value = String(rule.self_report_cap);
  f.renewal_fee.value = String(rule.renewal_fee);
  for (const c of categories) {
    const r = rule.categories.find((x) => x.category === c.code);
    f[`categories.${c.code}.minimum`].value = r && r.minimum !== null ? String(r.minimum) : '';
    f[`categories.${c.code}.cap`].value = r && r.cap !== null ? String(r.cap) : '';
  }
  f.reason.value = '';
}

function categoryInputs() {
  $('category-fields').replaceChildren(...categories.map((c) => el('div', { class: 'inline-fields' },
    el('span', { class: 'inline-fields__label' }, c.label),
    el('label', { for: `min-${c.code}` }, '最低'),
    el('input', { id: `min-${c.code}`, name: `categories.${c.code}.minimum`, type: 'text', inputmode: 'numeric', class: 'input input--tiny', 'aria-label': `${c.label}の最低単位数` }),
    el('label', { for: `cap-${c.code}` }, '上限'),
    el('input', { id: `cap-${c.code}`, name: `categories.${c.code}.cap`, type: 'text', inputmode: 'numeric', class: 'input input--tiny', 'aria-label': `${c.label}の上限` }))));
}

function render(data) {
  const r = data.current;
  seen = r.version;
  $('current-version').textContent = `第${r.version}版`;
  $('current').replaceChildren(
    fieldRow('必要単位数', `${r.required_units}単位`),
    fieldRow('自己申告の上限', `${r.self_report_cap}単位`),
    fieldRow('研修単位区分ごとの条件', categoryText(r)),
    fieldRow('専門医更新料', formatYen(r.renewal_fee)),
    fieldRow('適用開始', r.revised_at ? formatDateTime(r.revised_at) : '当初から'),
  );
  $('history').replaceChildren(dataTable('改定履歴', [
    { label: '版', value: (v) => `第${v.rule.version}版`, rowHeader: true, class: 'nowrap' },
    { label: '適用開始', value: (v) => (v.rule.revised_at ? formatDateTime(v.rule.revised_at) : '当初から') },
    { label: '必要単位', value: (v) => `${v.rule.required_units}単位`, class: 'nowrap' },
    { label: '自己申告の上限', value: (v) => `${v.rule.self_report_cap}単位` },
    { label: '区分ごとの条件', value: (v) => categoryText(v.rule) },
    { label: '更新料', value: (v) => formatYen(v.rule.renewal_fee), class: 'nowrap' },
    { label: '改定者', value: (v) => (v.by_id ? `${v.by_name}（${v.by_id}）` : '—') },
    { label: '改定理由', value: (v) => text(v.reason) || '—' },
  ], data.versions.slice().reverse()));
  fill(r);
}

async function load() {
  const r = await api('GET', '/api/staff/rule');
  if (r.ok) {
    if (!categories.length) {
      categories = r.data.categories;
      categoryInputs();
    }
    render(r.data);
  }
  return r;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const f = form.elements;
  const cats = {};
  for (const c of categories) {
    cats[c.code] = { minimum: f[`categories.${c.code}.minimum`].value, cap: f[`categories.${c.code}.cap`].value };
  }
  const body = {
    version: seen,
    reason: f.reason.value,
    rule: { required_units: f.required_units.value, self_report_cap: f.self_report_cap.value, renewal_fee: f.renewal_fee.value, categories: cats },
  };
  const r = await whileBusy(form, () => api('PUT', '/api/staff/rule', body));
  if (!r.ok) {
    showResponseErrors(form, r);
    return;
  }
  clearFormErrors(form);
  await load();
  $('form-status').textContent = `更新条件を改定しました（第${r.data.version}版）。以後の申請に適用されます。`;
  $('form-status').hidden = false;
  $('form-status').focus();
});

const started = await startStaffPage();
if (started) {
  form.hidden = started.session?.role !== 'administrator';
  showLoaded(await load());
}
