// 事務局ホーム (/admin/, /admin/index.html)
import { api } from '/assets/http.js';
import { startStaffPage } from '/assets/staff-page.js';
import { pageReady } from '/assets/page.js';

if (await startStaffPage()) {
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
}
