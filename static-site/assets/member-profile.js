// 会員情報照会 (/member-profile.html?member_no=NNNNNN)
import { dataTable, el, text } from '/assets/dom.js';
import { formatDate, formatPeriod, labelOf } from '/assets/format.js';
import { showFlash } from '/assets/flash.js';
import { loadPageData, startMemberPage } from '/assets/member-page.js';
import { pageReady } from '/assets/page.js';
import { applicationUrl, memberApi, newApplicationUrl } from '/assets/urls.js';

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

  // 単位情報: listed here; self-report (「新規」) and the full list come later.
  document.getElementById('credits').replaceChildren(listTable(
    '単位情報の一覧',
    [
      { label: '管理No', class: 'nowrap', value: (x) => text(x.credit_no) },
      { label: '単位名称', value: (x) => text(x.unit_name ?? x.unit_code) },
      { label: '研修単位区分', value: (x) => text(x.category_label) },
      { label: '単位数', class: 'num', value: (x) => text(x.units) },
      { label: '取得日', class: 'nowrap', value: (x) => formatDate(x.earned_on) },
      { label: '状態', value: (x) => text(x.status_label ?? x.status) },
    ],
    p.credits, '単位情報はありません。'));
}

start();
