// 会員情報照会 (/member-profile.html?member_no=NNNNNN)
import { api, el, errorMessage, formatDate, memberLoginUrl, requireMemberSession, showPageError } from '/assets/api.js';
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
  return el('div', { class: 'table-wrap' },
    el('table', { class: 'table table--compact' },
      el('caption', { class: 'visually-hidden' }, caption),
      el('thead', {}, el('tr', {}, columns.map((c) => el('th', { scope: 'col' }, c.label)))),
      el('tbody', {}, rows.map((row) => el('tr', {}, columns.map((c) => el('td', {}, c.value(row))))))));
}

const text = (v) => (v === null || v === undefined ? '' : String(v));

async function main_() {
  const { session, error } = await requireMemberSession();
  if (error) return fail(error);
  showMemberHeader(session);

  const params = new URLSearchParams(location.search);
  let memberNo = (params.get('member_no') || '').trim();
  if (!memberNo) {
    memberNo = String(session.member_no);
    params.set('member_no', memberNo);
    history.replaceState(null, '', location.pathname + '?' + params.toString() + location.hash);
  }

  const r = await api('GET', '/api/members/' + encodeURIComponent(memberNo) + '/profile');
  if (r.status === 401) {
    location.replace(memberLoginUrl());
    return;
  }
  if (r.status === 404 || r.status === 403) {
    return fail('指定された会員情報は表示できません。');
  }
  if (!r.ok) return fail(errorMessage(r));
  render(r.data);
  loading.hidden = true;
  main.removeAttribute('aria-busy');
  document.getElementById('profile').hidden = false;
}

function render(p) {
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

  // The lists are filled by later issues; their item shapes are assumptions
  // (application_no/kind_label/status_label, credit_no/unit_name/units/status_label).
  document.getElementById('applications').replaceChildren(listTable(
    '専門医資格申請情報の一覧',
    [
      { label: '申請番号', value: (x) => text(x.application_no) },
      { label: '申請種別', value: (x) => text(x.kind_label ?? x.kind) },
      { label: '状態', value: (x) => text(x.status_label ?? x.status) },
    ],
    p.applications, '申請情報はありません。'));

  document.getElementById('credits').replaceChildren(listTable(
    '単位情報の一覧',
    [
      { label: '管理No', value: (x) => text(x.credit_no) },
      { label: '単位コード名', value: (x) => text(x.unit_name ?? x.unit_code) },
      { label: '単位', value: (x) => text(x.units) },
      { label: '状態', value: (x) => text(x.status_label ?? x.status) },
    ],
    p.credits, '単位情報はありません。'));
}

main_();
