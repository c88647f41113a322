// 会員情報照会 (/member-profile.html?member_no=NNNNNN)
import {
  api, dataTable, el, errorMessage, formatDate, memberApi, memberLoginUrl, memberNoParam, requireMemberSession,
  showFlash, showPageError, text,
} from '/assets/api.js';
import { showMemberHeader } from '/assets/member-header.js';

const main = document.getElementById('main');
const loading = document.getElementById('loading');
const pageError = document.getElementById('page-error');

function fail(message) {
  loading.hidden = true;
  main.removeAttribute('aria-busy');
  showPageError(pageError, message);
}

function setField(name, ...content) {
  document.querySelector(`[data-field="${name}"]`).replaceChildren(...content);
}

/** A table, or the empty message when there are no rows. */
function listTable(caption, columns, rows, emptyText) {
  if (!Array.isArray(rows) || rows.length === 0) return el('p', { class: 'empty' }, emptyText);
  return dataTable(caption, columns, rows, 'table--compact');
}

async function main_() {
  const { session, error } = await requireMemberSession();
  if (error) return fail(error);
  showMemberHeader(session);
  const memberNo = memberNoParam(session);

  const r = await api('GET', memberApi(memberNo, 'profile'));
  if (r.status === 401) {
    location.replace(memberLoginUrl());
    return;
  }
  if (r.status === 404 || r.status === 403) {
    return fail('指定された会員情報は表示できません。');
  }
  if (!r.ok) return fail(errorMessage(r));
  render(r.data, memberNo);
  loading.hidden = true;
  main.removeAttribute('aria-busy');
  document.getElementById('profile').hidden = false;
  // 「申請情報を作成しました。（申請番号 …）」 after 「保存」 on the application form.
  const flash = document.getElementById('flash');
  if (showFlash(flash)) flash.firstElementChild.focus();
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

  setField('collection_method', text(p.collection_method && p.collection_method.label));

  const c = p.certification;
  if (c) {
    setField('cert_no', text(c.cert_no));
    setField('certified_on', formatDate(c.certified_on));
    const period = c.period || {};
    setField('period', `${formatDate(period.start)} 〜 ${formatDate(period.end)}`);
  } else {
    document.getElementById('cert-fields').hidden = true;
    document.getElementById('cert-none').hidden = false;
  }

  // 専門医資格申請情報: 「新規」 → 新規作成 (更新申請 / 辞退申請).
  const q = (extra) => '?' + new URLSearchParams({ member_no: memberNo, ...extra }).toString();
  document.getElementById('new-application').addEventListener('click', () => {
    location.assign('/application-new.html' + q({}));
  });
  document.getElementById('applications').replaceChildren(listTable(
    '専門医資格申請情報の一覧',
    [
      {
        label: '申請番号',
        class: 'nowrap',
        value: (x) => el('a', { href: '/application.html' + q({ no: text(x.application_no) }) }, text(x.application_no)),
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

main_();
