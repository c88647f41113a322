// 単位コード: search as you type (an ARIA 1.2 combobox with a listbox of candidates: ↓/↑
// move, Enter chooses, Esc closes the list) and the 虫眼鏡 button that opens the whole
// 所定単位表 in a popup to pick from (manual STEP③ 4–6).
import { dataTable, el, text } from '/assets/dom.js';
import { openDialog } from '/assets/dialog.js';
import { isPaper, loadUnits, unitsText } from '/assets/credits-common.js';

const SEARCH_DELAY_MS = 150;

/** "REL-AM・関連学術集会・3単位": what a candidate says besides its name. */
const unitMeta = (u) => `${text(u.code)}・${text(u.category_label)}・${unitsText(u.units)}`;

/**
 * Wires the 単位コード combobox. onChoose(unit) is called when a unit is chosen (from the
 * candidates or from the 所定単位表), onClear() when the text no longer names the chosen
 * unit. Returns { choose(unit), reset(), chosen() }.
 */
export function initUnitPicker({ input, listbox, status, tableButton, tableDialog, onChoose, onClear }) {
  let options = [];
  let active = -1;
  let chosen = null;
  let seq = 0;
  let timer = 0;
  let fullTable = null;

  const isOpen = () => !listbox.hidden;

  function close() {
    listbox.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function open() {
    if (options.length === 0) return;
    listbox.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  function setActive(i) {
    active = i;
    listbox.querySelectorAll('[role="option"]').forEach((o, n) => {
      o.setAttribute('aria-selected', n === i ? 'true' : 'false');
      if (n === i) {
        input.setAttribute('aria-activedescendant', o.id);
        o.scrollIntoView({ block: 'nearest' });
      }
    });
  }

  function choose(unit) {
    chosen = unit;
    input.value = text(unit.name);
    close();
    status.textContent = `「${text(unit.name)}」（${unitMeta(unit)}）を選択しました。`;
    onChoose(unit);
  }

  function render(units) {
    options = units;
    const items = units.map((u, i) => {
      const option = el('li', { id: `${listbox.id}-${i}`, role: 'option', class: 'listbox__option', 'aria-selected': 'false' },
        el('span', { class: 'listbox__name' }, text(u.name)),
        el('span', { class: 'listbox__meta' }, unitMeta(u)));
      // Keep the focus in the field; the click chooses.
      option.addEventListener('mousedown', (e) => e.preventDefault());
      option.addEventListener('click', () => choose(u));
      return option;
    });
    listbox.replaceChildren(...items);
    if (units.length) {
      status.textContent = `候補が${units.length}件あります。↓↑キーで選び、Enterキーで決定します。`;
      open();
      active = -1;
    } else {
      close();
      status.textContent = '候補はありません。虫眼鏡マークを押して、所定単位表から選んでください。';
    }
  }

  async function search(q) {
    const mine = ++seq;
    const r = await loadUnits(q);
    if (mine !== seq) return; // a later keystroke has its own answer coming
    if (r.error) {
      close();
      status.textContent = r.error;
      return;
    }
    render(r.units.filter((u) => u.self_reportable !== false));
  }

  input.addEventListener('input', () => {
    if (chosen && input.value !== text(chosen.name)) {
      chosen = null;
      onClear();
    }
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) {
      seq += 1;
      options = [];
      listbox.replaceChildren();
      close();
      status.textContent = '';
      return;
    }
    timer = setTimeout(() => search(q), SEARCH_DELAY_MS);
  });

  input.addEventListener('keydown', (e) => {
    const n = options.length;
    if (e.key === 'ArrowDown' && n) {
      e.preventDefault();
      if (!isOpen()) open();
      setActive(active < 0 ? 0 : (active + 1) % n);
    } else if (e.key === 'ArrowUp' && n) {
      e.preventDefault();
      if (!isOpen()) open();
      setActive(active < 0 ? n - 1 : (active - 1 + n) % n);
    } else if (e.key === 'Enter' && isOpen()) {
      // Enter chooses; it never saves the form while the candidates are shown.
      e.preventDefault();
      if (active >= 0) choose(options[active]);
      else if (n === 1) choose(options[0]);
    } else if (e.key === 'Escape' && isOpen()) {
      // Esc closes the list only, not the popup.
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'Tab') {
      close();
    }
  });

  input.addEventListener('blur', () => close());

  // 虫眼鏡: the whole 所定単位表, grouped by 研修単位区分.
  const body = tableDialog.querySelector('#unit-table-body');
  async function showTable() {
    if (!fullTable) {
      const r = await loadUnits('');
      if (r.error) {
        body.replaceChildren(el('p', { class: 'error-summary', role: 'alert' }, r.error));
      } else {
        fullTable = r.units;
        body.replaceChildren(tableOf(r.units, r.note));
      }
    }
    const code = await openDialog(tableDialog);
    const unit = code && fullTable ? fullTable.find((u) => u.code === code) : null;
    if (unit) {
      choose(unit);
      // The next field to fill (focus would otherwise go back to the 虫眼鏡 button).
      requestAnimationFrame(() => {
        const next = input.form.querySelector('[name="title"]');
        (next || input).focus();
      });
    }
  }
  tableButton.addEventListener('click', showTable);

  return {
    choose,
    chosen: () => chosen,
    reset() {
      chosen = null;
      options = [];
      seq += 1;
      clearTimeout(timer);
      listbox.replaceChildren();
      close();
      status.textContent = '';
    },
  };
}

/** The 所定単位表 as one small table per 研修単位区分; each name is a button that picks it. */
function tableOf(units, note) {
  const groups = new Map();
  for (const u of units) {
    const key = text(u.category_label || u.category);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(u);
  }
  const parts = [];
  if (note) parts.push(el('p', { class: 'note' }, note));
  let n = 0;
  for (const [label, list] of groups) {
    const id = `unit-table-group-${n += 1}`;
    parts.push(el('section', { class: 'unit-group', 'aria-labelledby': id },
      el('h3', { id }, `研修単位区分：${label}`),
      dataTable(`${label}の単位`, [
        {
          label: '名称',
          value: (u) => (u.self_reportable === false
            ? el('span', {}, text(u.name), el('span', { class: 'hint' }, '（自己申告対象外）'))
            : el('button', { type: 'submit', value: text(u.code), class: 'link-button' }, text(u.name))),
        },
        { label: '単位コード', class: 'nowrap', value: (u) => text(u.code) },
        { label: '単位', class: 'num nowrap', value: (u) => unitsText(u.units) },
        { label: '証明書類', class: 'nowrap', value: (u) => text(u.proof_kind && u.proof_kind.label) },
        { label: '記入する項目', value: (u) => (isPaper(u) ? '論文名・掲載誌・発刊号数' : '学術集会名') },
      ], list, 'table--compact')));
  }
  return el('div', {}, ...parts);
}
