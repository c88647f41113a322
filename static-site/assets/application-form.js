// 更新申請 作成 / 辞退申請 作成 (/application-form.html?member_no=N&kind=renewal|decline),
// and editing a draft (&no=A-…). 「保存」 creates (POST) or updates (PUT) the draft; it
// does not apply — that is 「専門医資格更新申請」 / 「専門医認定辞退申請」 on the detail page.
import { api } from '/assets/http.js';
import { el } from '/assets/dom.js';
import { clearFormErrors, showFormErrors, showResponseErrors, whileBusy } from '/assets/forms.js';
import { setFlash } from '/assets/flash.js';
import { loadPageData, startMemberPage } from '/assets/member-page.js';
import { pageFailed, pageReady } from '/assets/page.js';
import { KIND_LABELS, fillSelect, isKind, loadOptions } from '/assets/application-common.js';
import {
  applicationUrl, memberApi, memberLoginUrl, newApplicationUrl, profileUrl, queryParam,
} from '/assets/urls.js';

const form = document.getElementById('application-form');

const FIELDS = {
  renewal: ['base_qualification', 'base_cert_no', 'base_cert_fiscal_year', 'base_period_start', 'base_period_end'],
  decline: ['decline_reason', 'note'],
};

function setTitle(title) {
  document.querySelectorAll('[data-title]').forEach((n) => { n.textContent = title; });
  document.title = title + ' | 日本循環器学会 会員ポータルサイト';
}

async function start() {
  const page = await startMemberPage();
  if (!page) return;
  const { memberNo } = page;
  const applicationNo = queryParam('no');
  let kind = queryParam('kind');

  const [opts, current] = await Promise.all([
    loadOptions(),
    applicationNo
      ? loadPageData(memberApi(memberNo, 'applications', applicationNo), '指定された申請情報は表示できません。')
      : null,
  ]);
  if (applicationNo && !current) return;
  if (current) {
    kind = current.kind;
    if (current.status !== 'draft') {
      return pageFailed('申請済みの申請情報は編集できません。',
        el('a', { href: applicationUrl(memberNo, applicationNo) }, '申請情報を表示する'));
    }
  }
  if (!isKind(kind)) {
    return pageFailed('申請の種類が指定されていません。',
      el('a', { href: newApplicationUrl(memberNo) }, '新規作成の画面へ'));
  }
  if (opts.error) return pageFailed(opts.error);

  setTitle(`${KIND_LABELS[kind]} ${current ? '編集' : '作成'}`);
  form.querySelectorAll('[data-kind]').forEach((n) => {
    const on = n.dataset.kind === kind;
    n.hidden = !on;
    if (n.tagName === 'FIELDSET') n.disabled = !on;
  });
  fillSelect(form.elements.base_qualification, opts.options.base_qualifications);
  fillSelect(form.elements.decline_reason, opts.options.decline_reasons);
  if (current) prefill(current);

  pageReady();
  form.hidden = false;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    // No check in the browser: the server answers every field's error at once, and its
    // messages are the ones shown.
    const body = {};
    for (const name of FIELDS[kind]) body[name] = form.elements[name].value.trim();
    if (!current) body.kind = kind;
    const r = await whileBusy(form, () => (current
      ? api('PUT', memberApi(memberNo, 'applications', current.application_no), body)
      : api('POST', memberApi(memberNo, 'applications'), body)));
    if (r.ok) {
      const no = (r.data && (r.data.application_no || (r.data.application && r.data.application.application_no)))
        || (current && current.application_no) || '';
      if (current) {
        setFlash(`申請情報を保存しました。（申請番号 ${no}）`);
        location.assign(applicationUrl(memberNo, no));
      } else {
        setFlash(`申請情報を作成しました。（申請番号 ${no}）`);
        location.assign(profileUrl(memberNo));
      }
      return;
    }
    if (r.status === 401) {
      showFormErrors(form, { message: 'ログインの有効期限が切れました。もう一度ログインしてください。' });
      form.querySelector('.error-summary').append(el('p', {}, el('a', { href: memberLoginUrl() }, 'ログイン画面へ')));
      return;
    }
    showResponseErrors(form, r);
  });
}

function prefill(a) {
  const f = form.elements;
  if (a.renewal) {
    const rn = a.renewal;
    f.base_qualification.value = rn.base_qualification ? String(rn.base_qualification.code ?? '') : '';
    f.base_cert_no.value = rn.base_cert_no ?? '';
    f.base_cert_fiscal_year.value = rn.base_cert_fiscal_year ?? '';
    f.base_period_start.value = (rn.base_period && rn.base_period.start) || '';
    f.base_period_end.value = (rn.base_period && rn.base_period.end) || '';
  }
  if (a.decline) {
    f.decline_reason.value = a.decline.reason ? String(a.decline.reason.code ?? '') : '';
    f.note.value = a.decline.note ?? '';
  }
}

start();
