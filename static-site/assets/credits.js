// 単位情報の一覧 (/credits.html?member_no=N): every credit of the member, as 会員情報照会's
// 「すべて表示」 opens it (manual 「自己申告単位の取り下げを行いたい場合」 3–4).
import { dataTable, el } from '/assets/dom.js';
import { loadPageData, startMemberPage } from '/assets/member-page.js';
import { pageReady } from '/assets/page.js';
import { creditColumns } from '/assets/credits-common.js';
import { memberApi } from '/assets/urls.js';

async function start() {
  const page = await startMemberPage();
  if (!page) return;
  const profile = await loadPageData(memberApi(page.memberNo, 'profile'), '指定された会員の単位情報は表示できません。');
  if (!profile) return;
  const credits = Array.isArray(profile.credits) ? profile.credits : [];
  document.getElementById('credits-summary').textContent = `全 ${credits.length} 件`;
  document.getElementById('credits').replaceChildren(credits.length
    ? dataTable('単位情報の一覧', creditColumns(page.memberNo), credits)
    : el('p', { class: 'empty' }, '単位情報はありません。'));
  pageReady();
  document.getElementById('list').hidden = false;
}

start();
