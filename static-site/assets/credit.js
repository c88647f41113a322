// 単位情報の詳細 (/credit.html?member_no=N&no=C-…): one credit — its fields, the 却下理由
// when rejected, 「修正」 while a draft or rejected, 証明書類 with 「ファイルをアップロード」
// (signed upload straight to storage, then 「完了」), 「承認申請」 → 「送信」, and 承認履歴
// with 「取り消し」 while 承認申請中 (manual STEP③ 11–19, 取り下げ, 却下された場合).
// The rejection mail links here; logged out, the login brings the member back.
import { api, errorMessage, sendWithTicket } from '/assets/http.js';
import { dataTable, el, fieldRow, text } from '/assets/dom.js';
import { formatDate, formatDateTime, formatFileSize } from '/assets/format.js';
import { showFlash, showNotice } from '/assets/flash.js';
import { clearFormErrors, showFormErrors, whileBusy } from '/assets/forms.js';
import { openDialog } from '/assets/dialog.js';
import { loadPageData, startMemberPage } from '/assets/member-page.js';
import { pageFailed, pageReady } from '/assets/page.js';
import { creditStatus, fileType, unitsText } from '/assets/credits-common.js';
import { initSelfReport, openSelfReport } from '/assets/self-report.js';
import { memberApi, memberLoginUrl, queryParam } from '/assets/urls.js';

const $ = (id) => document.getElementById(id);
const MAX_PROOFS = 5;
const LOGIN_EXPIRED = 'ログインの有効期限が切れました。もう一度ログインしてください。';

let memberNo = '';
let credit = null;

const creditApi = (...parts) => memberApi(memberNo, 'credits', credit.credit_no, ...parts);
const isPaperCredit = (c) => Boolean(c.proof_kind && c.proof_kind.code === 'paper_summary');

async function start() {
  const page = await startMemberPage();
  if (!page) return;
  memberNo = page.memberNo;
  const no = queryParam('no');
  if (!no) return pageFailed('管理Noが指定されていません。');

  const [loaded, profile] = await Promise.all([
    loadPageData(memberApi(memberNo, 'credits', no), '指定された単位情報は表示できません。'),
    api('GET', memberApi(memberNo, 'profile')),
  ]);
  if (!loaded) return;
  credit = loaded;
  const cert = profile.ok && profile.data ? profile.data.certification : null;
  initSelfReport({ period: cert ? cert.period : null });

  $('edit').addEventListener('click', edit);
  $('upload').addEventListener('click', upload);
  $('request-approval').addEventListener('click', requestApproval);
  $('withdraw').addEventListener('click', withdraw);
  for (const d of document.querySelectorAll('dialog')) {
    d.querySelectorAll('[data-close]').forEach((b) => b.addEventListener('click', () => d.close('')));
  }

  render();
  pageReady();
  $('detail').hidden = false;
  showFlash($('flash'));
}

// ---------------------------------------------------------------- the record

function render() {
  const c = credit;
  renderState(c);

  const paper = isPaperCredit(c);
  const rows = [
    fieldRow('管理No', text(c.credit_no)),
    fieldRow('単位コード', text(c.unit_code)),
    fieldRow('単位名', text(c.unit_name)),
    fieldRow('研修単位区分', text(c.category_label)),
    fieldRow('単位', unitsText(c.units)),
  ];
  if (c.title !== null && c.title !== undefined) rows.push(fieldRow(paper ? '論文名' : '学術集会名', text(c.title)));
  if (paper || c.journal) rows.push(fieldRow('掲載誌・発刊号数', c.journal ? text(c.journal) : '—'));
  rows.push(
    fieldRow('日付', formatDate(c.earned_on)),
    fieldRow('取得方法', c.source === 'self_report' ? '自己申告' : '学術集会の参加記録'),
    fieldRow('状態', creditStatus(c)),
  );
  if (c.status === 'rejected' && c.rejection_reason) {
    rows.push(fieldRow('却下理由', el('span', { class: 'pre-line' }, text(c.rejection_reason))));
  }
  $('credit-fields').replaceChildren(...rows);
  $('edit').hidden = !c.editable;

  renderProofs(c);

  $('actions').hidden = !c.editable;
  $('actions-note').hidden = !c.editable;

  renderHistory(c);
}

/** What this record needs next, in words; the 却下理由 prominently when rejected. */
function renderState(c) {
  const box = $('state-note');
  let note = null;
  if (c.status === 'rejected') {
    note = el('section', { class: 'notice notice--error rejection', 'aria-labelledby': 'h-rejection' },
      el('h2', { id: 'h-rejection' }, '事務局からの却下理由'),
      el('p', { class: 'rejection__reason pre-line' }, text(c.rejection_reason || '（理由の記載はありません）')),
      el('p', {}, '内容に従って「修正」で単位情報を修正し（証明書類は「ファイルをアップロード」で追加できます）、「承認申請」ボタンを押して「送信」してください。'));
  } else if (c.status === 'draft') {
    const proofs = Array.isArray(c.proofs) ? c.proofs.length : 0;
    note = el('div', { class: 'notice notice--warning' },
      el('p', {}, el('strong', {}, 'この単位情報はまだ承認申請されていません。'),
        proofs ? '「承認申請」ボタンを押し、「送信」まで進んでください。'
          : '証明書類を「ファイルをアップロード」でアップロードしてから、「承認申請」ボタンを押してください。'));
  } else if (c.status === 'pending') {
    note = el('div', { class: 'notice' }, el('p', {}, '承認申請中です。決裁は順次行われます。'));
  } else if (c.status === 'approved') {
    note = el('div', { class: 'notice notice--success' }, el('p', {}, 'この単位は承認されています。'));
  } else if (c.status === 'withdrawn') {
    note = el('div', { class: 'notice' }, el('p', {}, 'この単位情報は取り下げられています。'));
  }
  box.replaceChildren(...(note ? [note] : []));
}

function renderProofs(c) {
  const section = $('proofs-section');
  section.hidden = !c.proof_kind;
  if (!c.proof_kind) return;
  $('h-proof-kind').textContent = text(c.proof_kind.label);
  const proofs = Array.isArray(c.proofs) ? c.proofs : [];
  $('upload').hidden = !(c.editable && proofs.length < MAX_PROOFS);
  $('proofs').replaceChildren(proofs.length
    ? dataTable('アップロードされた証明書類', [
      {
        label: 'ファイル名',
        value: (p) => el('a', { href: creditApi('proofs', text(p.id)) }, text(p.file_name)),
      },
      { label: '種類', class: 'nowrap', value: (p) => text(p.kind && p.kind.label) },
      { label: 'サイズ', class: 'num nowrap', value: (p) => formatFileSize(p.size) },
      { label: 'アップロード日時', class: 'nowrap', value: (p) => formatDateTime(p.uploaded_at) },
    ], proofs, 'table--compact')
    : el('p', { class: 'empty' }, '証明書類はまだアップロードされていません。'));
}

function renderHistory(c) {
  const history = Array.isArray(c.history) ? c.history : [];
  $('history').replaceChildren(history.length
    ? dataTable('承認履歴', [
      { label: '日時', class: 'nowrap', value: (h) => formatDateTime(h.at) },
      { label: '内容', class: 'nowrap', value: (h) => text(h.action && (h.action.label ?? h.action.code)) },
      { label: '実施者', value: (h) => text(h.actor) },
      { label: 'コメント', value: (h) => el('span', { class: 'pre-line' }, h.comment ? text(h.comment) : '—') },
    ], history, 'table--compact')
    : el('p', { class: 'empty' }, '承認履歴はありません。'));
  const canWithdraw = c.status === 'pending' && c.source === 'self_report';
  $('withdraw').hidden = !canWithdraw;
  $('withdraw-note').hidden = !canWithdraw;
}

/** The record as the server now has it, and a success message. */
function updated(next, message) {
  credit = next;
  render();
  showNotice($('flash'), message);
}

/**
 * A failed call's answer in a popup's form: its message, and the field errors that
 * belong to a control of that form (others are said by the message already).
 */
function showDialogErrors(form, r) {
  if (r.status === 401) {
    showFormErrors(form, { message: LOGIN_EXPIRED });
    form.querySelector('.error-summary').append(el('p', {}, el('a', { href: memberLoginUrl() }, 'ログイン画面へ')));
    return;
  }
  const fields = (Array.isArray(r.data && r.data.fields) ? r.data.fields : [])
    .filter((f) => f && f.field && form.elements.namedItem(f.field));
  showFormErrors(form, { message: errorMessage(r), fields });
}

// ---------------------------------------------------------------- 修正

async function edit() {
  const saved = await openSelfReport({ memberNo, credit });
  if (saved) updated(saved, '単位情報を修正しました。');
  else $('edit').focus();
}

// ---------------------------------------------------------------- 証明書類

/**
 * 「ファイルをアップロード」: choosing a file uploads it at once (a signed ticket from the
 * API, then the file straight to storage with exactly the ticket's headers); 「アップロード
 * 完了」 shows 「完了」, which asks the API to check the file and add it.
 */
async function upload() {
  const dialog = $('upload-dialog');
  const form = $('upload-form');
  const input = form.elements.file;
  const status = $('upload-status');
  const done = $('upload-done');
  let uploaded = null;
  let added = null;

  clearFormErrors(form);
  form.reset();
  status.textContent = '';
  done.hidden = true;
  $('upload-kind').textContent = text(credit.proof_kind && credit.proof_kind.label);

  const onChange = async () => {
    clearFormErrors(form);
    uploaded = null;
    done.hidden = true;
    const file = input.files && input.files[0];
    if (!file) {
      status.textContent = '';
      return;
    }
    if (file.size === 0) {
      status.textContent = '';
      showFormErrors(form, { message: 'ファイルが空です。', fields: [{ field: 'file', message: '中身のあるファイルを選んでください。' }] });
      return;
    }
    status.textContent = `アップロード中…（${file.name}）`;
    // One file at a time: the field waits until this one is up (or refused).
    input.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      await send(file);
    } finally {
      input.disabled = false;
      form.removeAttribute('aria-busy');
    }
    if (uploaded) done.focus();
  };

  const send = async (file) => {
    const request = {
      kind: credit.proof_kind.code,
      file_name: file.name,
      content_type: fileType(file),
      size: file.size,
    };
    const ticket = await api('POST', creditApi('uploads'), request);
    if (!ticket.ok || !ticket.data || !ticket.data.url) {
      status.textContent = '';
      input.value = '';
      showDialogErrors(form, ticket);
      return;
    }
    const stored = await sendWithTicket(ticket.data, file);
    if (!stored) {
      status.textContent = '';
      input.value = '';
      showFormErrors(form, { message: 'ファイルをアップロードできませんでした。もう一度ファイルを選んでください。' });
      return;
    }
    uploaded = { key: ticket.data.key, kind: request.kind, file_name: request.file_name, content_type: request.content_type };
    status.textContent = `アップロード完了：${file.name}（${formatFileSize(file.size)}）。「完了」ボタンを押してください。`;
    done.hidden = false;
  };

  const onSubmit = async (event) => {
    event.preventDefault();
    if (!uploaded) return;
    clearFormErrors(form);
    const r = await whileBusy(form, () => api('POST', creditApi('proofs'), uploaded));
    if (r.ok && r.data) {
      added = r.data;
      dialog.close('done');
      return;
    }
    // Refused after the check (a file that is not what it says): choose another.
    uploaded = null;
    done.hidden = true;
    status.textContent = '';
    input.value = '';
    showDialogErrors(form, r);
  };

  input.addEventListener('change', onChange);
  form.addEventListener('submit', onSubmit);
  await openDialog(dialog);
  input.removeEventListener('change', onChange);
  form.removeEventListener('submit', onSubmit);

  if (added) {
    updated(added, 'ファイルを追加しました。');
  } else {
    $('upload').focus();
  }
}

// ---------------------------------------------------------------- 承認申請 / 取り消し

/** A popup with an optional コメント whose submit posts to path; resolves to the credit or null. */
async function commentDialog(dialogId, formId, path) {
  const dialog = $(dialogId);
  const form = $(formId);
  clearFormErrors(form);
  form.reset();
  let result = null;
  const onSubmit = async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const r = await whileBusy(form, () => api('POST', creditApi(path), { comment: form.elements.comment.value.trim() }));
    if (r.ok && r.data) {
      result = r.data;
      dialog.close('done');
      return;
    }
    showDialogErrors(form, r);
  };
  form.addEventListener('submit', onSubmit);
  await openDialog(dialog);
  form.removeEventListener('submit', onSubmit);
  return result;
}

async function requestApproval() {
  const next = await commentDialog('request-dialog', 'request-form', 'request-approval');
  if (next) updated(next, '承認申請が完了しました。決裁は順次行われます。');
  else $('request-approval').focus();
}

async function withdraw() {
  const next = await commentDialog('withdraw-dialog', 'withdraw-form', 'withdraw');
  if (next) updated(next, '承認申請を取り消しました。この単位情報は取り下げられました。');
  else if (!$('withdraw').hidden) $('withdraw').focus();
}

start();
