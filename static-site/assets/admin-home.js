// 事務局ホーム (/admin/, /admin/index.html)
import { startStaffPage } from '/assets/staff-page.js';
import { pageReady } from '/assets/page.js';

if (await startStaffPage()) {
  document.getElementById('review-queue').hidden = false;
  pageReady();
}
