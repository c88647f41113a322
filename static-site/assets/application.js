// 専門医資格申請情報 (/application.html?member_no=N&no=A-…): one application.
// A renewal draft shows 更新要件の確認 and 「専門医資格更新申請」 (manual STEP④); a decline
// draft shows 「専門医認定辞退申請」 (辞退の場合のお手続き 7–9). Drafts can be edited or deleted;
// submitted applications cannot.
import { api, errorMessage } from '/assets/http.js';
import { dataTable, el, fieldRow, text } from '/assets/dom.js';
import { formatDate, formatFiscalYear, formatPeriod, formatYen, labelOf } from '/assets/format.js';
import { setFlash, showFlash } from '/assets/flash.js';
import { whileBusy } from '/assets/forms.js';
import { loadPageData, startMemberPage } from '/assets/member-page.js';
import { pageFailed, pageReady } from '/assets/page.js';
import {
  applicationFormUrl, invoiceUrl, memberApi, memberLoginUrl, profileUrl, queryParam,
} from '/assets/urls.js';
import { openDialog } from '/assets/dialog.js';

const $ = (id) => document.getElementById(id);

let memberNo = '';
let application = null;

async function start() {
  const page = await startMemberPage();
  if (!page) return;
  memberNo = page.memberNo;

  const no = queryParam('no');
  if (!no) return pageFailed('申請番号が指定されていません。');
  application = await loadPageData(memberApi(memberNo, 'applications', no), '指定された申請情報は表示できません。');
  if (!application) return;

  renderFields(application);
  renderState(application);
  const draft = application.status === 'draft';
  if (draft) renderActions(application);
  pageReady();
  $('detail').hidden = false;
  showFlash($('flash'));
  if (draft && application.kind === 'renewal') await renderEligibility();
}

// ---------------------------------------------------------------- the application

function renderFields(a) {
  const rows = [
    fieldRow('申請番号', text(a.application_no)),
    fieldRow('申請種別', text(a.kind_label ?? a.kind)),
    fieldRow('状態', el('span', { class: 'status status--' + (a.status === 'draft' ? 'draft' : 'done') },
      text(a.status_label ?? a.status))),
    fieldRow('作成日', formatDate(a.created_at)),
  ];
  if (a.submitted_at) rows.push(fieldRow('申請日', formatDate(a.submitted_at)));
  if (a.rule_version) rows.push(fieldRow('審査に用いた更新条件', `第${a.rule_version}版`));
  const rn = a.renewal;
  if (rn) {
    rows.push(
      fieldRow('基本領域資格', labelOf(rn.base_qualification)),
      fieldRow('基本領域認定番号', text(rn.base_cert_no)),
      fieldRow('基本領域認定・更新年度', formatFiscalYear(rn.base_cert_fiscal_year)),
      fieldRow('基本領域認定期間', formatPeriod(rn.base_period)),
    );
  }
  const d = a.decline;
  if (d) {
    rows.push(
      fieldRow('辞退理由', labelOf(d.reason)),
      fieldRow('備考', d.note ? text(d.note) : '—'),
    );
  }
  if (a.invoice_no) {
    rows.push(fieldRow('更新料の請求（管理NO）',
      el('a', { href: invoiceUrl(memberNo, a.invoice_no) }, text(a.invoice_no))));
  }
  $('application-fields').replaceChildren(...rows);
}

/** What the member does next, in words. */
function renderState(a) {
  const box = $('state-note');
  let content = null;
  if (a.status === 'draft' && a.kind === 'renewal') {
    content = el('div', { class: 'notice notice--warning' },
      el('p', {}, el('strong', {}, 'この申請情報はまだ申請されていません。'),
        '更新要件を確認し、「専門医資格更新申請」ボタンを押してください。'));
  } else if (a.status === 'draft' && a.kind === 'decline') {
    content = el('div', { class: 'notice notice--warning' },
      el('p', {}, el('strong', {}, 'この辞退申請はまだ申請されていません。'),
        '「専門医認定辞退申請」ボタンを押してください。'));
  } else if (a.kind === 'renewal') {
    content = el('div', { class: 'notice notice--success' },
      el('p', {}, '専門医資格更新申請は完了しています。更新料のお支払いで、専門医更新手続きは完了です。'),
      a.invoice_no
        ? el('p', {}, '「会費請求/入金状況」より更新料の管理番号（',
          el('a', { href: invoiceUrl(memberNo, a.invoice_no) }, text(a.invoice_no)),
          '）を押下し、お支払いのお手続きをお願いいたします。')
        : null);
  } else {
    content = el('div', { class: 'notice notice--success' },
      el('p', {}, '辞退申請は完了しています。以上で、専門医辞退手続きは完了です。'));
  }
  box.replaceChildren(content);
  box.hidden = false;
}

// ---------------------------------------------------------------- 更新要件の確認

function mark(ok, okText, ngText) {
  return el('p', { class: 'check ' + (ok ? 'check--ok' : 'check--ng') },
    el('span', { class: 'check__icon', 'aria-hidden': 'true' }, ok ? '✓' : '✗'),
    el('span', {}, ok ? okText : ngText));
}

async function renderEligibility() {
  const section = $('eligibility');
  const body = $('eligibility-body');
  section.hidden = false;
  const r = await api('GET', memberApi(memberNo, 'eligibility'));
  if (!r.ok || !r.data) {
    body.replaceChildren(el('p', { class: 'empty' }, '更新要件を確認できませんでした。' + errorMessage(r)));
    return;
  }
  const e = r.data;
  const dues = e.dues || { ok: true, unpaid: [] };
  const units = e.units || {};
  const parts = [];

  parts.push(el('p', { class: 'hint' }, `対象期間：${formatPeriod(e.period)}`));
  if (e.rule) {
    const revised = e.rule.revised_at ? `（${formatDate(e.rule.revised_at)}改定）` : '';
    parts.push(el('p', { class: 'hint', id: 'rule-version' }, `判定に用いた更新条件：第${e.rule.version}版${revised}`));
  }
  parts.push(el('p', { class: 'summary-line ' + (e.eligible ? 'summary-line--ok' : 'summary-line--ng') },
    e.eligible
      ? '更新要件を満たしています。「専門医資格更新申請」ボタンを押して申請してください。'
      : '現在、更新要件を満たしていません。下記をご確認ください。'));

  // 年会費 (STEP②)
  const duesBlock = el('div', { class: 'check-block' }, el('h3', {}, '年会費'));
  duesBlock.append(mark(dues.ok, '年会費はお支払い済みです。', '未納の年会費があります。'));
  const unpaid = Array.isArray(dues.unpaid) ? dues.unpaid : [];
  if (unpaid.length) {
    duesBlock.append(el('ul', { class: 'plain-list' }, unpaid.map((u) => el('li', {},
      '管理NO ', el('a', { href: invoiceUrl(memberNo, u.invoice_no) }, text(u.invoice_no)),
      `（${formatFiscalYear(u.fiscal_year)}・${formatYen(u.amount)}）`))));
    duesBlock.append(el('p', { class: 'hint' }, 'お支払い状況は「会費請求/入金状況」でも確認できます。'));
  }
  parts.push(duesBlock);

  // 単位 (STEP③)
  const required = Number(units.required) || 0;
  const counted = Number(units.counted) || 0;
  const missing = Number(units.missing) || 0;
  const unitsBlock = el('div', { class: 'check-block' }, el('h3', {}, '単位'));
  unitsBlock.append(el('p', { class: 'units-total', id: 'units-total' },
    '取得単位 ', el('strong', {}, `${counted}単位`), ` ／ 必要単位 ${required}単位`));
  unitsBlock.append(el('progress', {
    class: 'units-progress', max: String(required || 1), value: String(Math.min(counted, required || counted)),
    'aria-labelledby': 'units-total',
  }, `${counted} / ${required}`));
  unitsBlock.append(mark(missing === 0, '必要単位を満たしています。', `あと ${missing} 単位必要です。`));

  const categories = Array.isArray(units.categories) ? units.categories : [];
  if (categories.length) {
    unitsBlock.append(dataTable('研修単位区分ごとの単位', [
      { label: '研修単位区分', rowHeader: true, value: (c) => text(c.label) },
      { label: '算入単位', class: 'num nowrap', value: (c) => `${text(c.counted)}単位` },
      { label: '必要単位', class: 'num nowrap', value: (c) => (c.minimum === null || c.minimum === undefined ? '—' : `${c.minimum}単位以上`) },
      { label: '不足', class: 'nowrap', value: (c) => (Number(c.missing) > 0 ? `あと ${c.missing} 単位` : '—') },
    ], categories, 'table--compact'));
  }
  const sr = units.self_report;
  if (sr) {
    const extra = Number(sr.earned) > Number(sr.counted) ? `（取得 ${sr.earned}単位のうち ${sr.counted}単位を算入）` : '';
    unitsBlock.append(el('p', {}, `自己申告単位：${text(sr.counted)} ／ ${text(sr.cap)}単位（最大${text(sr.cap)}単位）${extra}`));
  }
  parts.push(unitsBlock);
  body.replaceChildren(...parts);
}

// ---------------------------------------------------------------- buttons

function renderActions(a) {
  $('actions').hidden = false;
  const submit = a.kind === 'renewal' ? $('submit-renewal') : $('submit-decline');
  submit.hidden = false;
  submit.addEventListener('click', () => (a.kind === 'renewal' ? submitRenewal() : submitDecline(submit)));
  $('edit').addEventListener('click', () => location.assign(applicationFormUrl(memberNo, a.kind, a.application_no)));
  $('delete').addEventListener('click', () => remove());
  const note = $('actions-note');
  note.textContent = '「編集」「削除」は申請前のみ行えます。';
  note.hidden = false;
}

function submitPath() {
  return memberApi(memberNo, 'applications', application.application_no, 'submit');
}

function showSubmitError(title, message, items) {
  const box = $('submit-error');
  const alert = el('div', { class: 'error-summary', role: 'alert', tabindex: '-1' },
    el('h2', { class: 'error-summary__title' }, title));
  if (message) alert.append(el('p', {}, message));
  if (items && items.length) alert.append(el('ul', { class: 'error-summary__list' }, items));
  box.replaceChildren(alert);
  box.hidden = false;
  alert.focus();
  alert.scrollIntoView({ block: 'center' });
}

function hideSubmitError() {
  $('submit-error').hidden = true;
  $('submit-error').replaceChildren();
}

/** Answers other than success and 「申請できません」: message, or reload when stale. */
function submitFailed(r) {
  if (r.status === 401) return location.replace(memberLoginUrl());
  if (r.status === 409 && r.data && (r.data.code === 'already_submitted' || r.data.code === 'not_editable')) {
    setFlash(errorMessage(r));
    return location.reload();
  }
  showSubmitError('申請できません', errorMessage(r), []);
}

async function submitRenewal() {
  hideSubmitError();
  const r = await whileBusy($('actions'), () => api('POST', submitPath(), {}));
  if (r.ok) {
    const inv = r.data && r.data.invoice;
    const rows = [];
    if (inv) {
      rows.push(fieldRow('管理NO', text(inv.invoice_no)), fieldRow('料金区分', '専門医更新料'),
        fieldRow('金額', formatYen(inv.amount)), fieldRow('納入期限', formatDate(inv.due_date)));
    }
    $('renewal-done-invoice').replaceChildren(...rows);
    await openDialog($('renewal-done'));
    location.reload();
    return;
  }
  if (r.status === 409 && r.data && r.data.code === 'renewal_refused') {
    const reasons = Array.isArray(r.data.reasons) ? r.data.reasons : [];
    const items = reasons.map((reason) => {
      const li = el('li', {}, el('span', { class: 'reason' }, text(reason.message)));
      if (reason.code === 'dues_unpaid') {
        const unpaid = Array.isArray(reason.invoices) ? reason.invoices.filter((n) => typeof n === 'string') : [];
        if (unpaid.length) {
          li.append(el('ul', {}, unpaid.map((n) => el('li', {},
            '未納の管理NO ', el('a', { href: invoiceUrl(memberNo, n) }, n)))));
        }
        li.append(el('p', { class: 'reason-link' },
          el('a', { href: '/home.html#dues' }, '「会費請求/入金状況」を確認する')));
      }
      const shortfalls = Array.isArray(reason.shortfalls) ? reason.shortfalls : [];
      if (shortfalls.length) {
        li.append(el('ul', {}, shortfalls.map((s) => el('li', {},
          `${text(s.label)}：${text(s.counted)}単位 ／ 必要 ${text(s.required)}単位（あと${text(s.missing)}単位）`))));
      }
      return li;
    });
    showSubmitError('申請できません', errorMessage(r), items);
    return;
  }
  submitFailed(r);
}

async function submitDecline(button) {
  hideSubmitError();
  const answer = await openDialog($('decline-confirm'));
  if (answer !== 'ok') {
    button.focus();
    return;
  }
  const r = await whileBusy($('actions'), () => api('POST', submitPath(), {}));
  if (r.ok) {
    await openDialog($('decline-done'));
    location.reload();
    return;
  }
  submitFailed(r);
}

async function remove() {
  hideSubmitError();
  // eslint-disable-next-line no-alert
  if (!window.confirm(`申請番号 ${application.application_no} の申請情報を削除します。よろしいですか？`)) return;
  const r = await whileBusy($('actions'), () => api('DELETE', memberApi(memberNo, 'applications', application.application_no)));
  if (r.ok) {
    setFlash(`申請情報を削除しました。（申請番号 ${application.application_no}）`);
    location.assign(profileUrl(memberNo));
    return;
  }
  submitFailed(r);
}

start();
