// 会員検索 (/admin/members.html): by 会員番号, the beginning of the name (kanji or kana)
// or of the mail address. The query stays in the URL, so 「戻る」 shows the same list.
import { api } from '/assets/http.js';
import { startStaffPage } from '/assets/staff-page.js';
import { pageReady } from '/assets/page.js';
import { dataTable, el, text } from '/assets/dom.js';
import { checkForm, notBlank, showResponseErrors, whileBusy } from '/assets/forms.js';

const $ = (id) => document.getElementById(id);
const form = $('search-form');

async function search(q) {
  const r = await whileBusy(form, () => api('GET', `/api/staff/members?q=${encodeURIComponent(q)}`));
  if (!r.ok) {
    showResponseErrors(form, r);
    return;
  }
  const members = r.data.members;
  $('results-count').textContent = members.length ? `${members.length}件見つかりました。` : '該当する会員はいません。';
  $('results-table').replaceChildren(members.length ? dataTable('検索結果', [
    { label: '会員番号', value: (m) => el('a', { href: `/admin/member.html?no=${encodeURIComponent(m.member_no)}` }, m.member_no), rowHeader: true },
    { label: '氏名', value: (m) => m.name },
    { label: '氏名（カナ）', value: (m) => text(m.name_kana) },
    { label: 'メールアドレス', value: (m) => m.email },
  ], members) : '');
  $('results').hidden = false;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!checkForm(form, [{ field: 'q', test: notBlank, message: '検索する会員番号・氏名・メールアドレスを入力してください。' }])) return;
  const q = form.elements.q.value.trim();
  history.replaceState(null, '', `?q=${encodeURIComponent(q)}`);
  await search(q);
  $('results').focus();
});

if (await startStaffPage()) {
  form.hidden = false;
  pageReady();
  const q = new URLSearchParams(location.search).get('q');
  if (q) {
    form.elements.q.value = q;
    await search(q);
  }
  form.elements.q.focus();
}
