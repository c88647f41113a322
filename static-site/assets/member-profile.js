// 会員情報照会 (/member-profile.html?member_no=NNNNNN)
import { api, errorMessage } from '/assets/http.js';
import { dataTable, el, text } from '/assets/dom.js';
import { formatDate, formatPeriod, labelOf } from '/assets/format.js';
import { showFlash, showNotice } from '/assets/flash.js';
import { whileBusy } from '/assets/forms.js';
import { loadPageData, startMemberPage } from '/assets/member-page.js';
import { pageReady } from '/assets/page.js';
import { creditColumns } from '/assets/credits-common.js';
import { initSelfReport, openSelfReport } from '/assets/self-report.js';
import {
  applicationUrl, creditsUrl, memberApi, memberLoginUrl, newApplicationUrl,
} from '/assets/urls.js';

function setField(name, ...content) {
  document.querySelector(`[data-field="${name}"]`).replaceChildren(...content);
}

/** A table, or the empty message when there are no rows. */
function listTable(caption, columns, rows, emptyText) {
  if (!Array.isArray(rows) || rows.length === 0) return el('p', { class: 'empty' }, emptyText);
  return dataTable(caption, columns, rows, 'table--compact');
}

async function start() {
  const page = await startMemberPage();
  if (!page) return;
  const profile = await loadPageData(memberApi(page.memberNo, 'profile'), '指定された会員情報は表示できません。');
  if (!profile) return;
  render(profile, page.memberNo);
  initCredits(profile, page.memberNo);
  pageReady();
  document.getElementById('profile').hidden = false;
  // 「申請情報を作成しました。（申請番号 …）」 after 「保存」 on the application form.
  showFlash(document.getElementById('flash'));
}

function render(p, memberNo) {
  setField('member_no', text(p.member_no));
  setField('name', text(p.name));
  setField('email', text(p.email));

  const a = p.mailing_address || {};
  const lines = [];
  if (a.postal_code) lines.push('〒' + a.postal_code);
  if (a.address) lines.push(a.address);
  if (a.organization) lines.push(a.organization);
  setField('mailing_address', ...lines.map((l) => el('span', { class: 'line' }, l)));

  setField('collection_method', labelOf(p.collection_method));

  const c = p.certification;
  if (c) {
    setField('cert_no', text(c.cert_no));
    setField('certified_on', formatDate(c.certified_on));
    setField('period', formatPeriod(c.period));
  } else {
    document.getElementById('cert-fields').hidden = true;
    document.getElementById('cert-none').hidden = false;
  }

  // 専門医資格申請情報: 「新規」 → 新規作成 (更新申請 / 辞退申請).
  document.getElementById('new-application').addEventListener('click', () => {
    location.assign(newApplicationUrl(memberNo));
  });
  document.getElementById('applications').replaceChildren(listTable(
    '専門医資格申請情報の一覧',
    [
      {
        label: '申請番号',
        class: 'nowrap',
        value: (x) => el('a', { href: applicationUrl(memberNo, text(x.application_no)) }, text(x.application_no)),
      },
      { label: '申請種別', value: (x) => text(x.kind_label ?? x.kind) },
      { label: '状態', value: (x) => text(x.status_label ?? x.status) },
      { label: '作成日', class: 'nowrap', value: (x) => formatDate(x.created_at) },
    ],
    p.applications, '申請情報はありません。'));
}

// ---------------------------------------------------------------- 単位情報

/** How many credits the related list shows; 「すべて表示」 lists them all. */
const RELATED_ROWS = 5;
/** Those that need the member first (却下, 作成中, 承認申請中), then the rest, each in the API's order. */
const PRIORITY = { rejected: 0, draft: 1, pending: 2 };

function renderCredits(credits, memberNo) {
  const all = Array.isArray(credits) ? credits : [];
  const shown = all
    .map((c, i) => ({ c, i, p: PRIORITY[c.status] ?? 3 }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .slice(0, RELATED_ROWS)
    .map((x) => x.c);
  const more = all.length > shown.length
    ? el('p', { class: 'note' }, `全 ${all.length} 件のうち ${shown.length} 件を表示しています。すべての単位情報は「すべて表示」で確認できます。`)
    : null;
  document.getElementById('credits').replaceChildren(
    listTable('単位情報の一覧', creditColumns(memberNo), shown, '単位情報はありません。'), ...(more ? [more] : []));
}

/**
 * 単位情報: the list, 「すべて表示」, and 「新規」 (manual STEP③ 3): the allowance first —
 * at the cap, its message and no popup; else the self-report popup, whose 「保存」 adds
 * the record here with 「単位申請情報を作成しました」.
 */
function initCredits(profile, memberNo) {
  renderCredits(profile.credits, memberNo);
  const card = document.querySelector('[aria-labelledby="h-credits"]');
  const message = document.getElementById('credits-message');
  const newCredit = document.getElementById('new-credit');
  initSelfReport({ period: profile.certification ? profile.certification.period : null });

  document.getElementById('all-credits').addEventListener('click', () => {
    location.assign(creditsUrl(memberNo));
  });

  newCredit.addEventListener('click', async () => {
    message.hidden = true;
    message.replaceChildren();
    const r = await whileBusy(card.querySelector('.card__actions'),
      () => api('GET', memberApi(memberNo, 'credits', 'allowance')));
    if (r.status === 401) return location.replace(memberLoginUrl());
    const refusal = !r.ok ? errorMessage(r) : (Number(r.data.remaining) > 0 ? null : (r.data.message
      || '自己申告できる単位の上限に達しているため、これ以上自己申告できません。'));
    if (refusal) {
      const alert = el('div', { class: 'error-summary', role: 'alert', tabindex: '-1' }, el('p', {}, refusal));
      message.replaceChildren(alert);
      message.hidden = false;
      alert.focus();
      return;
    }
    const saved = await openSelfReport({ memberNo, allowance: r.data });
    if (!saved) {
      newCredit.focus();
      return;
    }
    // The list again from the server (the new record with its 管理No), then the message.
    const fresh = await api('GET', memberApi(memberNo, 'profile'));
    if (fresh.ok && fresh.data) renderCredits(fresh.data.credits, memberNo);
    else renderCredits([saved, ...(profile.credits || [])], memberNo);
    showNotice(document.getElementById('flash'),
      `単位申請情報を作成しました。（管理No ${text(saved.credit_no)}）管理Noを押すと単位情報の詳細画面に移ります。次は証明書類のアップロードです。`);
  });
}

start();
