// 参加記録の取込 (/admin/attendance.html): the CSV goes to file storage by a signed
// upload; 「確認」 shows every refused row; 「取込」 sends batches and shows progress.
import { api, errorMessage, sendWithTicket } from '/assets/http.js';
import { startStaffPage } from '/assets/staff-page.js';
import { pageReady } from '/assets/page.js';
import { dataTable, el, fieldRow } from '/assets/dom.js';
import { checkForm, showResponseErrors, whileBusy } from '/assets/forms.js';

const $ = (id) => document.getElementById(id);
const form = $('file-form');
const BATCH = 500;
let current = null; // { key, encoding, counts }

async function upload(file) {
  const ticket = await api('POST', '/api/staff/attendance/uploads', { size: file.size });
  if (!ticket.ok) return { error: ticket };
  if (await sendWithTicket(ticket.data, file)) return { key: ticket.data.key };
  return { error: { data: { message: 'ファイルをアップロードできませんでした。もう一度お試しください。' } } };
}

function showCounts(c) {
  $('counts').replaceChildren(
    fieldRow('行数', `${c.total}行`),
    fieldRow('取込できる行', `${c.ready}件`),
    fieldRow('取込済み（スキップ）', `${c.already}件`),
    fieldRow('エラー', `${c.refused}件`),
  );
}

function showRefused(rows, counts) {
  const more = counts.refused > rows.length ? el('p', { class: 'hint' }, `最初の${rows.length}件を表示しています。`) : null;
  $('refused-rows').replaceChildren(rows.length ? dataTable('エラーの行', [
    { label: '行', value: (r) => `${r.line}行目`, rowHeader: true },
    { label: '会員番号', value: (r) => r.member_no },
    { label: '氏名', value: (r) => r.name },
    { label: '単位コード', value: (r) => r.unit_code },
    { label: '日付', value: (r) => r.date },
    { label: 'エラー内容', value: (r) => el('ul', { class: 'plain-list' }, r.problems.map((p) => el('li', {}, p))) },
  ], rows) : '', more || '');
  $('fix-hint').hidden = rows.length === 0;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = form.elements.file.files[0];
  const ok = checkForm(form, [{ field: 'file', test: () => Boolean(file), message: 'CSVファイルを選んでください。' }]);
  if (!ok) return;
  $('preview').hidden = true;
  $('progress-box').hidden = true;
  const encoding = form.elements.encoding.value;
  const r = await whileBusy(form, async () => {
    const up = await upload(file);
    if (up.error) return up.error;
    const p = await api('POST', '/api/staff/attendance/preview', { key: up.key, encoding });
    if (p.ok) current = { key: up.key, encoding: p.data.encoding, counts: p.data.counts };
    return p;
  });
  if (!r.ok) {
    showResponseErrors(form, r);
    return;
  }
  showCounts(r.data.counts);
  showRefused(r.data.refused, r.data.counts);
  $('import').disabled = r.data.counts.ready === 0;
  $('progress-text').textContent = '';
  $('preview').hidden = false;
  $('preview').focus();
});

$('import').addEventListener('click', async () => {
  if (!current) return;
  const button = $('import');
  button.disabled = true;
  $('progress-box').hidden = false;
  const progress = $('progress');
  const text = $('progress-text');
  let from = 0;
  let created = 0;
  for (;;) {
    const r = await api('POST', '/api/staff/attendance/import',
      { key: current.key, encoding: current.encoding, from, count: BATCH });
    if (!r.ok) {
      text.textContent = `${errorMessage(r)}（${from}行目まで処理済み。もう一度「取込」を押すと続きから取り込みます）`;
      button.disabled = false;
      return;
    }
    created += r.data.created;
    const done = r.data.next ?? r.data.rows;
    progress.max = r.data.rows || 1;
    progress.value = done;
    text.textContent = `取込中… ${done} / ${r.data.rows}行`;
    if (r.data.next === null || r.data.next === undefined) break;
    from = r.data.next;
  }
  text.textContent = `取込が完了しました。${created}件の単位を登録しました。`;
  current = null;
});

if (await startStaffPage()) {
  form.hidden = false;
  pageReady();
}
