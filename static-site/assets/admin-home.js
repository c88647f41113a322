// 事務局ホーム (/admin/, /admin/index.html)
import { api } from '/assets/http.js';
import { startStaffPage } from '/assets/staff-page.js';
import { pageReady } from '/assets/page.js';
import { formatDateTime, formatFiscalYear } from '/assets/format.js';
import { dataTable, el } from '/assets/dom.js';
import { barChart } from '/assets/chart.js';

const lastRun = (run) => (run
  ? `前回の実行：${formatDateTime(run.at)}（${run.by}）対象 ${run.members}名、送信 ${run.sent}件、送信済みのため省略 ${run.already}件`
  : 'まだ実行されていません。');

async function showReminders(role) {
  const r = await api('GET', '/api/staff/reminders');
  if (!r.ok) return;
  document.getElementById('reminders-last').textContent = lastRun(r.data.last_run);
  document.getElementById('reminders').hidden = false;
  const button = document.getElementById('reminders-run');
  button.hidden = role !== 'administrator';
  button.onclick = async () => {
    button.disabled = true;
    const run = await api('POST', '/api/staff/reminders/run', {});
    button.disabled = false;
    document.getElementById('reminders-last').textContent = run.ok ? lastRun(run.data) : (run.data?.message || '送信できませんでした。');
  };
}

// Counts per state of the season (each a link to 申請の一覧) and the last 30 days.
async function showSeason() {
  const r = await api('GET', '/api/staff/home');
  if (!r.ok) return;
  const { fiscal_year: fy, counts, days } = r.data;
  document.getElementById('season-year').textContent = formatFiscalYear(fy);
  // 申請済 is 更新料未納 + 納入済: no one list shows exactly it, so it links nowhere.
  const listed = { draft: 'draft', unpaid: 'unpaid', paid: 'paid', declined: 'declined' };
  document.getElementById('state-counts').replaceChildren(...counts.map((c) => {
    const body = [el('span', { class: 'state-counts__label' }, c.label), el('span', { class: 'state-counts__count' }, `${c.count}件`)];
    let link;
    if (c.code === 'pending') link = '/admin/credits.html';
    else if (c.code in listed) link = `/admin/application-list.html?fiscal_year=${fy}&state=${listed[c.code]}`;
    return el('li', { 'data-state': c.code }, link ? el('a', { href: link }, ...body) : body);
  }));
  const series = [
    { key: 'submissions', label: '申請', class: 'chart__bar--a' },
    { key: 'payments', label: '入金', class: 'chart__bar--b' },
  ];
  document.getElementById('chart').replaceChildren(barChart(days, series, 'h-chart'));
  document.getElementById('chart-table').replaceChildren(dataTable('直近30日の申請・入金の件数', [
    { label: '日付', value: (d) => d.day, rowHeader: true },
    { label: '申請', value: (d) => d.submissions },
    { label: '入金', value: (d) => d.payments },
  ], days));
  document.getElementById('season').hidden = false;
}

const started = await startStaffPage();
if (started) {
  document.getElementById('staff-menu').hidden = false;
  document.getElementById('menu-staff-accounts').hidden = started.session?.role !== 'administrator';
  document.getElementById('review-queue').hidden = false;
  pageReady();
  await showSeason();
  // How many self-reports wait (the first page of the queue).
  const r = await api('GET', '/api/staff/credits/pending');
  if (r.ok && r.data && Array.isArray(r.data.items)) {
    const n = r.data.items.length;
    document.getElementById('credits-pending').textContent = r.data.next ? `（決裁待ち ${n}件以上）` : `（決裁待ち ${n}件）`;
  }
  // How many double payments wait for a refund (請求の管理).
  const refunds = await api('GET', '/api/staff/refunds');
  if (refunds.ok && refunds.data && Array.isArray(refunds.data.items)) {
    document.getElementById('refunds-count').textContent = `（返金対象 ${refunds.data.items.length}件）`;
  }
  await showReminders(started.session?.role);
}
