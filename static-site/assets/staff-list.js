// A filtered staff list (申請の一覧, 請求の一覧): the filter form, 50 rows a page
// (「次へ」 follows the store's cursor, 「最初のページへ」 goes back), and the CSV link
// for the same filter. Each page gives its API paths and how to draw its rows.
import { api } from '/assets/http.js';
import { showResponseErrors, whileBusy } from '/assets/forms.js';

const $ = (id) => document.getElementById(id);

/** The 年度 of today in Japan (April to March). */
export function currentFiscalYear() {
  const jst = new Date(Date.now() + 9 * 3600 * 1000);
  return jst.getUTCMonth() < 3 ? jst.getUTCFullYear() - 1 : jst.getUTCFullYear();
}

/**
 * Wires the page: `fields` are the form's filter names, `rows(items)` the node to show.
 * Returns `show(after)`, which loads a page (null: the first).
 */
export function staffList({ form, listPath, exportPath, fields, rows }) {
  let cursors = [null]; // the cursor each shown page started from
  const query = (after) => {
    const q = new URLSearchParams(fields.map((f) => [f, form.elements[f].value]));
    if (after) q.set('after', after);
    return q;
  };
  const updateExport = () => {
    const q = query(null);
    q.set('encoding', $('encoding').value);
    $('export').href = `${exportPath}?${q}`;
  };
  const show = async (after) => {
    const r = await whileBusy(form, () => api('GET', `${listPath}?${query(after)}`));
    if (!r.ok) {
      showResponseErrors(form, r);
      return false;
    }
    $('rows').replaceChildren(rows(r.data.items));
    $('next-page').hidden = !r.data.next;
    $('next-page').dataset.next = r.data.next || '';
    $('first-page').hidden = cursors.length <= 1;
    updateExport();
    $('list').hidden = false;
    return true;
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    cursors = [null];
    if (await show(null)) $('list').focus();
  });
  $('next-page').addEventListener('click', async () => {
    const next = $('next-page').dataset.next;
    cursors.push(next);
    await show(next);
  });
  $('first-page').addEventListener('click', async () => {
    cursors = [null];
    await show(null);
  });
  $('encoding').addEventListener('change', updateExport);
  return show;
}
