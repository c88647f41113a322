// 会員の詳細 (/admin/member.html?no=100001): what the member sees, the invoices (each
// linked to 請求の管理), the credits and the audit trail.
import { api, errorMessage } from '/assets/http.js';
import { startStaffPage } from '/assets/staff-page.js';
import { pageReady, pageFailed } from '/assets/page.js';
import { dataTable, el, fieldRow, text } from '/assets/dom.js';
import { formatDate, formatDateTime, formatYen } from '/assets/format.js';
import { showResponseErrors, whileBusy } from '/assets/forms.js';

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

/** Today in Japan, yyyy-mm-dd (the default 入金日 and its maximum). */
const todayInJapan = () => new Date(Date.now() + 9 * 3600 * 1000).toISOString().slice(0, 10);

function fillForms(v) {
  const p = v.profile;
  const f = $('contact-form').elements;
  f.postal_code.value = p.mailing_address.postal_code;
  f.address.value = p.mailing_address.address;
  f.organization.value = p.mailing_address.organization || '';
  f.email.value = p.email;
  $('collection_method').value = p.collection_method.code;
  const open = v.invoices.filter((i) => i.fee_type.code === 'annual_dues' && i.payment.state === 'open');
  $('dues_invoice').replaceChildren(...open.map((i) => el('option', { value: i.invoice_no }, `${i.invoice_no}（${i.fiscal_year}年度 ${formatYen(i.amount)}）`)));
  $('dues_paid_on').value = todayInJapan();
  $('dues_paid_on').max = todayInJapan();
  $('dues-form').hidden = open.length === 0;
}

async function load() {
  const r = await api('GET', `/api/staff/members/${encodeURIComponent(no)}`);
  if (!r.ok) return r;
  render(r.data);
  fillForms(r.data);
  return r;
}

/** Sends a correction; on success reloads the page's data and says what was saved. */
function onSubmit(form, send, done) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const r = await whileBusy(form, send);
    if (!r.ok) {
      showResponseErrors(form, r);
      return;
    }
    await load();
    const status = $('correct-status');
    status.textContent = done;
    status.hidden = false;
    status.focus();
  });
}

const memberApi = (...parts) => ['/api/staff/members', encodeURIComponent(no), ...parts].join('/');

if (await startStaffPage()) {
  const r = await load();
  if (r.ok) {
    $('content').hidden = false;
    pageReady();
    onSubmit($('contact-form'), () => {
      const f = $('contact-form').elements;
      return api('PUT', memberApi('contact'), {
        postal_code: f.postal_code.value, address: f.address.value, organization: f.organization.value, email: f.email.value,
      });
    }, '送付・請求先とメールアドレスを保存しました。');
    onSubmit($('method-form'), () => api('PUT', memberApi('collection-method'),
      { collection_method: $('collection_method').value }), '会費の納入方法を保存しました。');
    onSubmit($('dues-form'), () => api('POST', memberApi('invoices', encodeURIComponent($('dues_invoice').value), 'dues-payment'),
      { paid_on: $('dues_paid_on').value }), '年会費の入金を記録しました。');
  } else {
    pageFailed(errorMessage(r));
  }
}
