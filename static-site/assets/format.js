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

/**
 * A timestamp ("2025-05-01T06:30:00Z") as its date and time in Japan (Asia/Tokyo):
 * "2025年5月1日 15:30".
 */
export function formatDateTime(iso) {
  const d = new Date(String(iso || ''));
  if (Number.isNaN(d.getTime())) return String(iso || '');
  const jst = new Date(d.getTime() + 9 * 3600 * 1000);
  const hh = String(jst.getUTCHours()).padStart(2, '0');
  const mm = String(jst.getUTCMinutes()).padStart(2, '0');
  return `${jst.getUTCFullYear()}年${jst.getUTCMonth() + 1}月${jst.getUTCDate()}日 ${hh}:${mm}`;
}

/**
 * A provider time "yyyyMMddHHmmss" (Japan time, as the payment service sends it, e.g. the
 * 支払期限 "20261214235959") → "2026年12月14日 23:59". Anything else is shown as it is.
 */
export function formatProviderTime(raw) {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(String(raw || '').trim());
  if (!m) return String(raw || '');
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日 ${m[4]}:${m[5]}`;
}

/** A postal address { postal_code, address, organization } as lines: 〒, address, organization. */
export function addressLines(a) {
  const v = a || {};
  return [v.postal_code ? `〒${v.postal_code}` : '', v.address || '', v.organization || ''].filter((l) => l !== '');
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

/** A file size in bytes as "69 バイト", "12.3 KB", "1.2 MB". */
export function formatFileSize(bytes) {
  const n = Number(bytes);
  if (!Number.isFinite(n) || n < 0) return '';
  if (n < 1024) return `${n} バイト`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
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
