// 専門医資格申請情報 新規作成 (/application-new.html?member_no=N):
// 「更新申請」 or 「辞退申請」 → 「次へ」 → the form of that kind.
import { checkForm } from '/assets/forms.js';
import { startMemberPage } from '/assets/member-page.js';
import { pageReady } from '/assets/page.js';
import { applicationFormUrl } from '/assets/urls.js';

const form = document.getElementById('kind-form');
const page = await startMemberPage();
if (page) {
  form.hidden = false;
  pageReady();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const valid = checkForm(form, [
      { field: 'kind', test: () => form.elements.kind.value !== '', message: '「更新申請」または「辞退申請」を選択してください。' },
    ]);
    if (valid) location.assign(applicationFormUrl(page.memberNo, form.elements.kind.value));
  });
}
