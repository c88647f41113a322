// 専門医資格申請情報 新規作成 (/application-new.html?member_no=N):
// 「更新申請」 or 「辞退申請」 → 「次へ」 → the form of that kind.
import {
  checkFields, clearFormErrors, memberNoParam, requireMemberSession, showFormErrors, showPageError,
} from '/assets/api.js';
import { showMemberHeader } from '/assets/member-header.js';
import { linkProfile } from '/assets/application-common.js';

const main = document.getElementById('main');
const form = document.getElementById('kind-form');

const { session, error } = await requireMemberSession();
main.removeAttribute('aria-busy');
if (error) {
  showPageError(document.getElementById('page-error'), error);
} else {
  showMemberHeader(session);
  const memberNo = memberNoParam(session);
  linkProfile(memberNo);
  form.hidden = false;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const invalid = checkFields(form, [
      { field: 'kind', test: () => form.elements.kind.value !== '', message: '「更新申請」または「辞退申請」を選択してください。' },
    ]);
    if (invalid) {
      showFormErrors(form, invalid);
      return;
    }
    const q = new URLSearchParams({ member_no: memberNo, kind: form.elements.kind.value });
    location.assign('/application-form.html?' + q.toString());
  });
}
