// Values as the pages show them: dates, periods, yen, fiscal years, coded values' labels.

/**
 * "2021-04-01" → "2021年4月1日" (no time zone involved). A timestamp with a time
 * ("2025-05-01T15:30:00Z") is shown as its date in Japan (Asia/Tokyo).
 */
export function formatDate(iso) {
  const s = String(iso || '');
  if (/^\d{4}-\d{2}-\d{2}T/.test(s)) {
    const d = new Date(s);
    if (!Number.isNaN(d.getTime())) {
      const jst = new Date(d.getTime() + 9 * 3600 * 1000);
      return `${jst.getUTCFullYear()}年${jst.getUTCMonth() + 1}月${jst.getUTCDate()}日`;
    }
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return s;
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

/** { start, end } → "2021年4月1日 〜 2026年3月31日". */
export function formatPeriod(period) {
  const p = period || {};
  return `${formatDate(p.start)} 〜 ${formatDate(p.end)}`;
}

/** 13000 → "¥13,000". */
export function formatYen(amount) {
  const n = Number(amount);
  if (!Number.isFinite(n)) return String(amount ?? '');
  return '¥' + Math.trunc(n).toLocaleString('ja-JP');
}

/** 2025 → "2025年度". */
export function formatFiscalYear(year) {
  if (year === null || year === undefined || year === '') return '';
  return `${year}年度`;
}

/** A coded value { code, label } as its label (its code when it has none; '' when absent). */
export function labelOf(value) {
  if (value === null || value === undefined) return '';
  const shown = value.label ?? value.code;
  return shown === null || shown === undefined ? '' : String(shown);
}
