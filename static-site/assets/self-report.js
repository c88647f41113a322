// 自己申告単位のポップアップ (_partials/self-report-dialogs.html): 単位コード (search or
// 所定単位表), 学術集会名 or 論文名・掲載誌・発刊号数, 日付, 「保存」. Creates a credit
// (会員情報照会 「新規」, manual STEP③ 3–9) or corrects a draft or rejected one (「修正」).
import { api } from '/assets/http.js';
import { el, fieldRow, text } from '/assets/dom.js';
import { formatPeriod } from '/assets/format.js';
import { clearFormErrors, showFormErrors, showResponseErrors, whileBusy } from '/assets/forms.js';
import { openDialog } from '/assets/dialog.js';
import { initUnitPicker } from '/assets/unit-picker.js';
import { isPaper, loadUnits, unitsText } from '/assets/credits-common.js';
import { memberApi, memberLoginUrl } from '/assets/urls.js';

const $ = (id) => document.getElementById(id);

const LABELS = {
  meeting: { title: '学術集会名', hint: '参加した学術集会の名称（例：第122回日本内科学会講演会）' },
  paper: { title: '論文名', hint: '論文の題名' },
};

let picker = null;
let current = null; // the open popup: { memberNo, credit, resolve }

/**
 * Wires the popup once per page. period: the current 認定期間 ({ start, end }) or null;
 * the 日付 must fall within it.
 */
export function initSelfReport({ period }) {
  const dialog = $('self-report');
  const form = $('self-report-form');

  if (period && period.start && period.end) {
    form.elements.earned_on.min = period.start;
    form.elements.earned_on.max = period.end;
    dialog.querySelector('[data-period]').textContent = `（認定期間：${formatPeriod(period)}）`;
  }

  picker = initUnitPicker({
    input: form.elements.unit_code,
    listbox: $('unit_code-options'),
    status: $('unit_code-status'),
    tableButton: $('unit-table-open'),
    tableDialog: $('unit-table'),
    onChoose: (unit) => {
      // The fields follow the unit: earlier answers no longer apply.
      clearFormErrors(form);
      showUnit(form, unit);
    },
    onClear: () => showUnit(form, null),
  });

  dialog.querySelector('[data-close]').addEventListener('click', () => dialog.close(''));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!current) return;
    clearFormErrors(form);
    const unit = picker.chosen();
    const body = {
      // A chosen unit's code; else what was typed, for the server to answer on.
      unit_code: unit ? text(unit.code) : form.elements.unit_code.value.trim(),
      title: form.elements.title.value.trim(),
      earned_on: form.elements.earned_on.value,
    };
    if (!form.elements.journal.disabled) body.journal = form.elements.journal.value.trim();
    const { memberNo, credit } = current;
    const r = await whileBusy(form, () => (credit
      ? api('PUT', memberApi(memberNo, 'credits', credit.credit_no), body)
      : api('POST', memberApi(memberNo, 'credits'), body)));
    if (r.ok && r.data) {
      current.saved = r.data;
      dialog.close('saved');
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

/** The chosen unit under the field, and the fields its activity asks for. */
function showUnit(form, unit) {
  const chosenBox = $('unit_code-chosen');
  if (unit) {
    chosenBox.replaceChildren(
      fieldRow('単位コード', text(unit.code)),
      fieldRow('研修単位区分', text(unit.category_label)),
      fieldRow('単位', unitsText(unit.units)),
      fieldRow('証明書類', text(unit.proof_kind && unit.proof_kind.label)),
    );
  }
  chosenBox.hidden = !unit;
  const paper = isPaper(unit);
  const labels = paper ? LABELS.paper : LABELS.meeting;
  form.querySelector('[data-title-label]').textContent = labels.title;
  form.querySelector('[data-title-hint]').textContent = labels.hint;
  const journal = form.querySelector('[data-paper-only]');
  journal.hidden = !paper;
  journal.disabled = !paper;
}

/**
 * Opens the popup for memberNo: a new self-report, or (credit) correcting that credit.
 * allowance: the answer of the allowance route, shown as a hint. Resolves to the saved
 * credit, or null when the popup was closed without saving.
 */
export async function openSelfReport({ memberNo, credit = null, allowance = null }) {
  const dialog = $('self-report');
  const form = $('self-report-form');
  clearFormErrors(form);
  form.reset();
  picker.reset();
  showUnit(form, null);

  dialog.querySelector('[data-self-report-title]').textContent = credit ? '単位情報の修正' : '自己申告単位';
  const allowanceNote = $('self-report-allowance');
  if (allowance && Number.isFinite(Number(allowance.remaining))) {
    allowanceNote.textContent = `自己申告できる単位：あと${text(allowance.remaining)}単位（最大${text(allowance.cap)}単位）`;
    allowanceNote.hidden = false;
  } else {
    allowanceNote.hidden = true;
  }

  if (credit) {
    // The unit as the 所定単位表 has it (its activity decides the fields).
    const table = await loadUnits('');
    const unit = (table.units || []).find((u) => u.code === credit.unit_code) || {
      code: credit.unit_code,
      name: credit.unit_name,
      category_label: credit.category_label,
      units: credit.units,
      proof_kind: credit.proof_kind,
      activity: credit.proof_kind && credit.proof_kind.code === 'paper_summary' ? 'paper' : 'meeting',
    };
    picker.choose(unit);
    form.elements.title.value = credit.title ?? '';
    form.elements.journal.value = credit.journal ?? '';
    form.elements.earned_on.value = credit.earned_on ?? '';
  }

  current = { memberNo, credit, saved: null };
  const answer = await openDialog(dialog);
  const saved = answer === 'saved' ? current.saved : null;
  current = null;
  return saved;
}
