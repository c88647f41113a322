// 会員の詳細 (/admin/member.html?no=100001): what the member sees, the invoices (each
// linked to 請求の管理), the credits and the audit trail.
import { api, errorMessage } from '/assets/http.js';
import { startStaffPage } from '/assets/staff-page.js';
import { pageReady, pageFailed } from '/assets/page.js';
import { dataTable, el, fieldRow, text } from '/assets/dom.js';
import { formatDate, formatDateTime, formatYen } from '/assets/format.js';

const $ = (id) => document.getElementById(id);
const no = new URLSearchParams(location.search).get('no') || '';

function render(v) {
  const p = v.profile;
  const a = p.mailing_address;
  const c = p.certification;
  $('member-fields').replaceChildren(
    fieldRow('会員番号', p.member_no),
    fieldRow('氏名', p.name),
    fieldRow('氏名（カナ）', text(v.name_kana)),
    fieldRow('メールアドレス', p.email),
    fieldRow('送付・請求先', `〒${a.postal_code} ${a.address}${a.organization ? ` ${a.organization}` : ''}`),
    fieldRow('会費の納入方法', p.collection_method.label),
    fieldRow('認定期間', c ? `${formatDate(c.period.start)}〜${formatDate(c.period.end)}` : '（認定なし）'),
  );
  $('invoices').replaceChildren(v.invoices.length ? dataTable('請求', [
    { label: '管理NO', value: (i) => el('a', { href: `/admin/invoices.html?member_no=${encodeURIComponent(p.member_no)}&invoice_no=${encodeURIComponent(i.invoice_no)}` }, i.invoice_no), rowHeader: true },
    { label: '種別', value: (i) => `${i.fee_type.label}（${i.fiscal_year}年度）` },
    { label: '金額', value: (i) => formatYen(i.amount) },
    { label: '状態', value: (i) => i.status.label },
    { label: '支払方法', value: (i) => (i.payment.slip ? '払込票' : text(i.payment.paid_via?.label)) },
  ], v.invoices) : el('p', { class: 'empty' }, '請求はありません。'));
  $('credits').replaceChildren(p.credits.length ? dataTable('単位情報', [
    { label: '管理No', value: (x) => x.credit_no, rowHeader: true },
    { label: '単位', value: (x) => `${x.unit_name}（${x.units}単位）` },
    { label: '取得日', value: (x) => formatDate(x.earned_on) },
    { label: '状態', value: (x) => x.status_label },
  ], p.credits) : el('p', { class: 'empty' }, '単位情報はありません。'));
  $('audit').replaceChildren(v.audit.length ? dataTable('操作履歴', [
    { label: '日時', value: (e) => formatDateTime(e.at), rowHeader: true },
    { label: '操作者', value: (e) => `${e.actor_name}（${e.actor_id}）` },
    { label: '操作', value: (e) => e.action_label },
    { label: '対象', value: (e) => e.record },
    { label: '変更', value: (e) => (e.before || e.after ? `${text(e.before) || '—'} → ${text(e.after) || '—'}` : '') },
    { label: '理由', value: (e) => text(e.reason) },
  ], v.audit.slice().reverse()) : el('p', { class: 'empty' }, '操作履歴はありません。'));
}

if (await startStaffPage()) {
  const r = await api('GET', `/api/staff/members/${encodeURIComponent(no)}`);
  if (r.ok) {
    render(r.data);
    $('content').hidden = false;
    pageReady();
  } else {
    pageFailed(errorMessage(r));
  }
}
