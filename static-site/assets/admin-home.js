// 事務局ホーム (/admin/, /admin/index.html)
import { api } from '/assets/http.js';
import { startStaffPage } from '/assets/staff-page.js';
import { pageReady } from '/assets/page.js';
import { formatDateTime } from '/assets/format.js';

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

const started = await startStaffPage();
if (started) {
  document.getElementById('staff-menu').hidden = false;
  document.getElementById('review-queue').hidden = false;
  pageReady();
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
