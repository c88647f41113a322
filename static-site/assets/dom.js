// Building DOM nodes from API data: elements, definition-list rows, data tables. Text is never parsed as HTML.

/** Small element builder: el('p', { class: 'x' }, 'text', child). */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') node.textContent = String(v);
    else if (k === 'hidden' && v === true) node.hidden = true;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** A value as text ('' for null/undefined). */
export const text = (v) => (v === null || v === undefined ? '' : String(v));

/** A definition-list row <div class="fields__row"><dt>label</dt><dd>…</dd></div>. */
export function fieldRow(label, ...content) {
  return el('div', { class: 'fields__row' }, el('dt', {}, label), el('dd', {}, ...content));
}

/**
 * A data table that turns into one card per row where its container is narrow (a phone,
 * the 関連情報 column): columns [{ label, value: (row) => content, class?, rowHeader? }].
 * The explicit ARIA roles keep it a table for screen readers whatever the CSS display;
 * each cell's data-label is drawn by the stylesheet in the card form only.
 */
export function dataTable(caption, columns, rows, extraClass = '') {
  const cell = (c, row) => {
    const tag = c.rowHeader ? 'th' : 'td';
    return el(tag, {
      role: c.rowHeader ? 'rowheader' : 'cell',
      scope: c.rowHeader ? 'row' : null,
      class: c.class || null,
      'data-label': c.label,
    }, c.value(row));
  };
  return el('div', { class: 'table-wrap' },
    el('table', { class: ('table table--stack ' + extraClass).trim(), role: 'table' },
      el('caption', { class: 'visually-hidden' }, caption),
      el('thead', { role: 'rowgroup' }, el('tr', { role: 'row' },
        columns.map((c) => el('th', { scope: 'col', role: 'columnheader', class: c.class || null }, c.label)))),
      el('tbody', { role: 'rowgroup' }, rows.map((row) => el('tr', { role: 'row' }, columns.map((c) => cell(c, row)))))));
}
