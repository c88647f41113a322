// 単位対象一覧（所定単位表） (/units.html): public, no login — the unit table from the same
// data as the self-report search (manual 「研修単位区分等の確認方法」).
import { dataTable, el, text } from '/assets/dom.js';
import { pageFailed, pageReady } from '/assets/page.js';
import { isPaper, loadUnits, unitsText } from '/assets/credits-common.js';

async function start() {
  const r = await loadUnits('');
  if (r.error) return pageFailed(r.error);
  const note = document.getElementById('units-note');
  note.replaceChildren(el('p', {}, el('strong', {}, r.note || '')));
  note.hidden = !r.note;
  document.getElementById('units-table').replaceChildren(r.units.length
    ? dataTable('単位対象一覧（所定単位表）', [
      { label: '単位コード', class: 'nowrap', value: (u) => text(u.code) },
      { label: '名称', rowHeader: true, value: (u) => text(u.name) },
      { label: '研修単位区分', value: (u) => text(u.category_label) },
      { label: '単位', class: 'num nowrap', value: (u) => unitsText(u.units) },
      { label: '証明書類', class: 'nowrap', value: (u) => text(u.proof_kind && u.proof_kind.label) },
      { label: '自己申告', class: 'nowrap', value: (u) => (u.self_reportable === false ? '対象外' : (isPaper(u) ? '可（論文名・掲載誌）' : '可（学術集会名）')) },
    ], r.units)
    : el('p', { class: 'empty' }, '単位対象はありません。'));
  pageReady();
  document.getElementById('units').hidden = false;
}

start();
