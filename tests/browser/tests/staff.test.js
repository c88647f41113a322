// 事務局ログインの二要素認証 in the browser: admin01's first login enrols an authenticator
// (QR code drawn as SVG, key as text), shows the recovery codes once; later logins ask
// for the code; a used code is refused; a recovery code gets in when the phone is gone.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  DEMO_PASSWORD, codeForm, enrolForm, launchBrowser, loginMember, loginStaff, pageApi, rememberStaffKey, totpCode, withPage,
} from './harness.js';

const SHOTS = '/tmp/shots';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function passwordStep(page, staffId) {
  await page.goto('/admin/login.html');
  await page.getByLabel('職員ID', { exact: true }).fill(staffId);
  await page.getByLabel('パスワード', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
}

async function logout(page) {
  await page.getByRole('button', { name: 'ログアウト', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/admin/login.html');
}

/** Waits for the start of the next 30-second step, so the code typed is a fresh one. */
async function nextStep() {
  await sleep(30_000 - (Date.now() % 30_000) + 200);
}

describe('事務局ログイン: 二要素認証', { timeout: 180_000 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); mkdirSync(SHOTS, { recursive: true }); });
  after(async () => { await browser?.close(); });

  test('enrolment, code, replay refused, recovery code', { timeout: 150_000 }, () =>
    withPage(browser, async (page) => {
      await passwordStep(page, 'admin01');
      await page.getByRole('heading', { name: '認証アプリの登録', exact: true }).waitFor();
      const qr = page.getByRole('img', { name: '認証アプリ登録用のQRコード' });
      await qr.waitFor();
      const box = await qr.boundingBox();
      assert.ok(box.width >= 150 && Math.abs(box.width - box.height) < 1, `a square QR code: ${JSON.stringify(box)}`);
      const secret = (await page.locator('#totp-secret').innerText()).replace(/\s+/g, '');
      assert.match(secret, /^[A-Z2-7]{32}$/);
      await page.screenshot({ path: `${SHOTS}/staff-enrol.png`, fullPage: true });

      // A wrong code first: the error is on the field, nothing is enrolled.
      await enrolForm(page).getByLabel('確認コード', { exact: true }).fill('000000');
      await page.getByRole('button', { name: '登録してログイン', exact: true }).click();
      await page.getByText('確認コードが正しくありません', { exact: false }).first().waitFor();
      await enrolForm(page).getByLabel('確認コード', { exact: true }).fill(totpCode(secret));
      await page.getByRole('button', { name: '登録してログイン', exact: true }).click();
      const region = page.getByRole('region', { name: 'リカバリーコード' });
      await region.getByText('この画面でしか表示されません。', { exact: true }).waitFor();
      const codes = await region.getByRole('listitem').allInnerTexts();
      assert.equal(codes.length, 10);
      for (const c of codes) assert.match(c, /^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
      await page.screenshot({ path: `${SHOTS}/staff-recovery-codes.png`, fullPage: true });
      await page.getByRole('link', { name: '保管しました。事務局ホームへ', exact: true }).click();
      await page.getByRole('heading', { name: '事務局ホーム', exact: true }).waitFor();
      await page.getByText('管理者', { exact: true }).waitFor();
      // An administrator can start the reminders now; the last run is shown.
      const reminders = page.getByRole('region', { name: '更新申請のご案内（リマインダー）' });
      await reminders.getByText('まだ実行されていません。', { exact: true }).waitFor();
      await reminders.getByRole('button', { name: '今すぐ送信', exact: true }).click();
      await reminders.getByText(/^前回の実行：.*（admin01）対象 5名/).waitFor();
      // 所定単位表の管理: add a code, keyboard and labels only; it shows in the table and history.
      await page.getByRole('link', { name: '所定単位表の管理', exact: true }).click();
      await page.getByLabel('単位コード', { exact: true }).fill('RM-WEB');
      await page.getByLabel('名称', { exact: true }).fill('地方会 Web参加');
      await page.getByLabel('よみがな', { exact: true }).fill('ちほうかい うぇぶさんか');
      await page.getByLabel('研修単位区分', { exact: true }).selectOption('regional_meeting');
      await page.getByLabel('単位数', { exact: true }).fill('3');
      await page.getByLabel('適用開始日', { exact: true }).fill('2026-04-01');
      await page.getByRole('button', { name: '追加', exact: true }).click();
      await page.getByText('RM-WEB を追加しました。', { exact: true }).waitFor();
      await page.getByRole('table', { name: '変更履歴' }).getByRole('cell', { name: '単位コードの追加', exact: true }).waitFor();
      await page.getByRole('link', { name: '事務局ホームへ戻る', exact: true }).click();
      await logout(page);

      // Later logins: the code of the authenticator (a fresh step's).
      await nextStep();
      const fresh = totpCode(secret);
      await passwordStep(page, 'admin01');
      await page.getByRole('heading', { name: '確認コードの入力', exact: true }).waitFor();
      assert.equal(await page.locator('#totp-secret').isVisible(), false, 'the key is never shown again');
      await codeForm(page).getByLabel('確認コード', { exact: true }).fill(fresh);
      await page.getByRole('button', { name: '確認', exact: true }).click();
      await page.getByRole('heading', { name: '事務局ホーム', exact: true }).waitFor();
      await logout(page);

      // The same code again within its 30 seconds: refused.
      await passwordStep(page, 'admin01');
      await page.getByRole('heading', { name: '確認コードの入力', exact: true }).waitFor();
      await codeForm(page).getByLabel('確認コード', { exact: true }).fill(fresh);
      await page.getByRole('button', { name: '確認', exact: true }).click();
      await page.getByText('この確認コードは使用済みです。', { exact: false }).first().waitFor();
      assert.equal(new URL(page.url()).pathname, '/admin/login.html');

      // Phone lost: a recovery code, typed in lower case without the hyphen.
      await page.getByRole('button', { name: 'リカバリーコードを使う', exact: true }).click();
      await page.getByRole('textbox', { name: 'リカバリーコード', exact: true }).fill(codes[0].toLowerCase().replace('-', ''));
      await page.getByRole('button', { name: '確認', exact: true }).click();
      await page.getByRole('heading', { name: '事務局ホーム', exact: true }).waitFor();
      await logout(page);

      // A used recovery code is refused.
      await passwordStep(page, 'admin01');
      await page.getByRole('button', { name: 'リカバリーコードを使う', exact: true }).click();
      await page.getByRole('textbox', { name: 'リカバリーコード', exact: true }).fill(codes[0]);
      await page.getByRole('button', { name: '確認', exact: true }).click();
      await page.getByText('確認コードが正しくありません', { exact: false }).first().waitFor();
      // Later tests log admin01 in with this authenticator.
      rememberStaffKey('admin01', secret, codes.slice(1));
    }));

  test('参加記録の取込: a CSV with one bad row → fix → 確認 → 取込, and the member sees the credits', { timeout: 60_000 }, () =>
    withPage(browser, async (page) => {
      await loginStaff(page, 'staff01');
      await page.getByRole('link', { name: '参加記録の取込', exact: true }).click();
      await page.getByRole('heading', { name: '参加記録の取込', exact: true, level: 1 }).waitFor();
      const header = '会員番号,氏名,単位コード,日付,学術集会名\r\n';
      const good = '100005,弁膜 四郎,RM-ATT,2026-06-07,第250回地方会\r\n100005,弁膜　四郎,RM-PRE,2026-06-07,第250回地方会\r\n';
      const bad = '100005,弁膜 五郎,RM-ATT,2026-06-08,第251回地方会\r\n';
      const file = (text) => ({ name: 'attendance.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });

      await page.getByLabel('CSVファイル', { exact: true }).setInputFiles(file(header + good + bad));
      await page.getByRole('button', { name: '確認', exact: true }).click();
      const result = page.getByRole('region', { name: '確認結果' });
      await result.waitFor();
      const errors = result.getByRole('table', { name: 'エラーの行' });
      await errors.getByText('4行目', { exact: true }).waitFor();
      await errors.getByText('氏名が会員の登録（弁膜 四郎）と一致しません。', { exact: true }).waitFor();
      assert.equal(await errors.getByRole('row').count(), 2, 'a header row and one error row');
      await page.screenshot({ path: `${SHOTS}/staff-import-preview.png`, fullPage: true });

      // Fixed in the file, checked again: no errors left.
      const fixed = bad.replace('弁膜 五郎', '弁膜 四郎');
      await page.getByLabel('CSVファイル', { exact: true }).setInputFiles(file(header + good + fixed));
      await page.getByRole('button', { name: '確認', exact: true }).click();
      await result.getByText('3件', { exact: true }).waitFor();
      assert.equal(await result.getByRole('table', { name: 'エラーの行' }).count(), 0);
      await page.getByRole('button', { name: '取込', exact: true }).click();
      await result.getByText('取込が完了しました。3件の単位を登録しました。', { exact: true }).waitFor();

      // The same file again: all three are already imported; 「取込」 cannot create more.
      await page.getByRole('button', { name: '確認', exact: true }).click();
      await result.getByText('取込済み（スキップ）', { exact: true }).waitFor();
      assert.equal(await page.getByRole('button', { name: '取込', exact: true }).isDisabled(), true);
    }).then(() => withPage(browser, async (page) => {
      await loginMember(page, '100005');
      const p = await pageApi(page, 'GET', '/api/members/100005/profile');
      const imported = p.data.credits.filter((c) => c.source === 'meeting' && c.earned_on.startsWith('2026-06-0'));
      assert.equal(imported.length, 3, JSON.stringify(imported));
    })));

  test('会員検索 by kana → 会員の詳細 (history included) → 請求の管理 for one invoice', { timeout: 60_000 }, () =>
    withPage(browser, async (page) => {
      await loginStaff(page, 'staff01');
      await page.getByRole('link', { name: '会員検索', exact: true }).click();
      await page.getByLabel('会員番号・氏名（漢字・カナ）・メールアドレス', { exact: true }).fill('ﾍﾞﾝﾏｸ');
      await page.getByRole('button', { name: '検索', exact: true }).click();
      const results = page.getByRole('table', { name: '検索結果' });
      await results.getByRole('cell', { name: 'ベンマク シロウ', exact: true }).waitFor();
      assert.equal(await results.getByRole('row').count(), 2, 'one member found');
      await results.getByRole('link', { name: '100005', exact: true }).click();
      await page.getByRole('heading', { name: '会員の詳細', exact: true }).waitFor();
      const member = page.getByRole('region', { name: '会員情報' });
      await member.getByText('弁膜 四郎', { exact: true }).waitFor();
      // The attendance imported by the test before is in the history, with who did it.
      const history = page.getByRole('table', { name: '操作履歴' });
      await history.getByRole('cell', { name: '参加記録の取込' }).first().waitFor();
      await history.getByRole('cell', { name: '佐藤 一郎（staff01）' }).first().waitFor();
      // Correct the 送付・請求先: saved, and in the history with before and after.
      await page.getByLabel('住所', { exact: true }).fill('北海道札幌市中央区北二条西1-1-1');
      await page.getByRole('button', { name: '訂正を保存', exact: true }).click();
      await page.getByText('送付・請求先とメールアドレスを保存しました。', { exact: true }).waitFor();
      await history.getByRole('cell', { name: '送付・請求先の訂正', exact: true }).waitFor();
      await member.getByText('〒060-0001 北海道札幌市中央区北二条西1-1-1 札幌心臓血管研究所', { exact: true }).waitFor();
      await page.screenshot({ path: `${SHOTS}/staff-member.png`, fullPage: true });
      const invoices = page.getByRole('table', { name: '請求' });
      const first = invoices.getByRole('link').first();
      const invoiceNo = await first.innerText();
      await first.click();
      await page.waitForURL((u) => u.pathname === '/admin/invoices.html');
      assert.equal(await page.getByLabel('管理NO', { exact: true }).inputValue(), invoiceNo);
    }));

  test('請求の一覧: filter 未納, export as CSV and open it', { timeout: 60_000 }, () =>
    withPage(browser, async (page) => {
      await loginStaff(page, 'staff01');
      await page.getByRole('link', { name: '請求の一覧', exact: true }).click();
      const list = page.getByRole('table', { name: '請求の一覧' });
      await list.waitFor();
      await page.getByLabel('状態', { exact: true }).selectOption('unpaid');
      // Only unpaid ones (未納 or 期限切れ) — or none, if earlier tests paid them all.
      await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/staff/invoices?') && r.url().includes('state=unpaid')),
        page.getByRole('button', { name: '表示', exact: true }).click(),
      ]);
      await list.or(page.getByText('該当する請求はありません。', { exact: true })).waitFor();
      assert.equal(await page.getByRole('cell', { name: '納入済', exact: true }).count(), 0);
      await page.getByLabel('状態', { exact: true }).selectOption('');
      await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/staff/invoices?') && r.url().includes('state=&')),
        page.getByRole('button', { name: '表示', exact: true }).click(),
      ]);
      await list.getByRole('row').nth(1).waitFor();
      await page.waitForFunction(() => document.querySelector('#filter-form')?.getAttribute('aria-busy') !== 'true');
      const shown = (await list.getByRole('row').count()) - 1;
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'CSVで出力', exact: true }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^invoices-\d{4}\.csv$/);
      const bytes = readFileSync(await download.path());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with BOM, for Excel');
      const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
      assert.equal(lines[0], '管理NO,会員番号,種別,年度,金額,納入期限,状態,入金日,支払方法,払込票');
      assert.equal(lines.length - 1, shown, 'every row of the list (one page here)');
    }));
  test('事務局ホーム: 申請状況 and the 30-day chart → 申請の一覧 (作成中) → CSV', { timeout: 60_000 }, async () => {
    // A member saves a draft (作成中); it is taken away again at the end.
    let draftNo;
    await withPage(browser, async (page) => {
      await loginMember(page, '100004');
      const made = await pageApi(page, 'POST', '/api/members/100004/applications', { kind: 'decline', decline_reason: 'retirement' });
      assert.equal(made.status, 201, JSON.stringify(made.data));
      draftNo = made.data.application_no;
    });
    await withPage(browser, async (page) => {
      await loginStaff(page, 'staff01');
      const season = page.getByRole('region', { name: /^申請状況（\d{4}年度）$/ });
      await season.waitFor();
      const api = await pageApi(page, 'GET', '/api/staff/home');
      const drafts = api.data.counts.find((c) => c.code === 'draft').count;
      assert.ok(drafts >= 1);
      const link = season.getByRole('link', { name: `作成中 ${drafts}件`, exact: true });
      await link.waitFor();
      // 60 bars: 30 days, submissions and payments; the same numbers as a table.
      assert.equal(await page.locator('#chart svg rect.chart__bar').count(), 60);
      await page.getByText('表で見る', { exact: true }).click();
      assert.equal(await page.getByRole('table', { name: '直近30日の申請・入金の件数' }).getByRole('row').count(), 31);
      await page.screenshot({ path: `${SHOTS}/staff-home.png`, fullPage: true });
      await link.click();
      await page.waitForURL((u) => u.pathname === '/admin/application-list.html' && u.searchParams.get('state') === 'draft');
      const list = page.getByRole('table', { name: '申請の一覧' });
      const row = list.getByRole('row').filter({ has: page.getByRole('rowheader', { name: draftNo, exact: true }) });
      await row.getByRole('cell', { name: '作成中', exact: true }).waitFor();
      await row.getByRole('link', { name: '100004', exact: true }).waitFor();
      assert.equal(await list.getByRole('row').count() - 1, drafts, 'the list has what the home counted');
      await page.screenshot({ path: `${SHOTS}/staff-application-list.png`, fullPage: true });
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'CSVで出力', exact: true }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^applications-\d{4}\.csv$/);
      const bytes = readFileSync(await download.path());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with BOM, for Excel');
      const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
      assert.equal(lines[0], '申請番号,会員番号,申請種別,状態,作成日時,申請日時,認定期間満了日,管理NO,辞退理由');
      assert.ok(lines.some((l) => l.startsWith(`${draftNo},100004,辞退申請,作成中,`)), lines.join('\n'));
    });
    await withPage(browser, async (page) => {
      await loginMember(page, '100004');
      assert.equal((await pageApi(page, 'DELETE', `/api/members/100004/applications/${draftNo}`)).status, 204);
    });
  });
  test('職員アカウントの管理: create (initial password once) → the new account logs in and enrols → stopped', { timeout: 90_000 }, async () => {
    const id = `staff${Date.now() % 100000}`;
    let password;
    await withPage(browser, async (page) => {
      await loginStaff(page, 'admin01');
      await page.getByRole('link', { name: '職員アカウントの管理', exact: true }).click();
      const table = page.getByRole('table', { name: '職員アカウント' });
      await table.getByRole('rowheader', { name: 'staff01', exact: true }).waitFor();
      // Blank: the fields are named, nothing is created.
      await page.getByRole('button', { name: '作成', exact: true }).click();
      await page.getByText('氏名を入力してください。', { exact: true }).waitFor();
      await page.getByLabel('職員ID', { exact: true }).fill(id);
      await page.getByLabel('氏名', { exact: true }).fill('高橋 三郎');
      await page.getByLabel('権限', { exact: true }).selectOption('reviewer');
      await page.getByRole('button', { name: '作成', exact: true }).click();
      const created = page.getByRole('region', { name: '初期パスワード' });
      await created.getByText('この画面でしか表示されません。', { exact: true }).waitFor();
      password = (await page.locator('#created-password').innerText()).trim();
      assert.match(password, /^[A-Za-z2-9]{20}$/);
      await table.getByRole('rowheader', { name: id, exact: true }).waitFor();
      assert.equal(await page.getByText('氏名を入力してください。', { exact: true }).count(), 0, 'the old errors are gone');
      await page.screenshot({ path: `${SHOTS}/staff-accounts.png`, fullPage: true });
    });
    // The new account: password, then the authenticator's enrolment (the key shown as text).
    await withPage(browser, async (page) => {
      await page.goto('/admin/login.html');
      await page.getByLabel('職員ID', { exact: true }).fill(id);
      await page.getByLabel('パスワード', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'ログイン', exact: true }).click();
      await page.getByRole('heading', { name: '認証アプリの登録', exact: true }).waitFor();
      const secret = (await page.locator('#totp-secret').innerText()).replace(/\s+/g, '');
      await enrolForm(page).getByLabel('確認コード', { exact: true }).fill(totpCode(secret));
      await page.getByRole('button', { name: '登録してログイン', exact: true }).click();
      await page.getByRole('link', { name: '保管しました。事務局ホームへ', exact: true }).click();
      await page.getByRole('heading', { name: '事務局ホーム', exact: true }).waitFor();
      assert.equal(await page.getByRole('link', { name: '職員アカウントの管理', exact: true }).count(), 0, 'a reviewer has no such menu');
    });
    // Stopped by the administrator: the account can no longer log in.
    await withPage(browser, async (page) => {
      await loginStaff(page, 'admin01');
      await page.goto('/admin/staff-accounts.html');
      await page.getByLabel(`${id} を利用停止`, { exact: true }).check();
      await page.getByRole('button', { name: `${id} を保存`, exact: true }).click();
      await page.getByText(`${id} を保存しました（審査担当・利用停止）。`, { exact: true }).waitFor();
      const r = await pageApi(page, 'GET', '/api/staff/accounts');
      assert.equal(r.data.accounts.find((a) => a.staff_id === id).disabled, true);
      // Their own row cannot be changed.
      assert.equal(await page.getByLabel('admin01 の権限', { exact: true }).isDisabled(), true);
    });
  });
  test('更新条件: an administrator revises it (a reason is required) → the member checklist names the new version', { timeout: 60_000 }, async () => {
    let version;
    await withPage(browser, async (page) => {
      await loginStaff(page, 'admin01');
      await page.getByRole('link', { name: '更新条件', exact: true }).click();
      const before = (await pageApi(page, 'GET', '/api/staff/rule')).data.current.version;
      await page.getByRole('heading', { name: `現在の更新条件（第${before}版）`, exact: true }).waitFor();
      // Same numbers, one more condition: 日本循環器学会 学術集会 at least 1 unit.
      await page.getByLabel('日本循環器学会 学術集会の最低単位数', { exact: true }).fill('1');
      await page.getByRole('button', { name: '改定を保存', exact: true }).click();
      await page.getByText('改定理由を入力してください。', { exact: true }).first().waitFor();
      await page.getByLabel('改定理由', { exact: true }).fill('学術集会への参加を必須とする（理事会決定）');
      await page.getByRole('button', { name: '改定を保存', exact: true }).click();
      version = before + 1;
      await page.getByText(`更新条件を改定しました（第${version}版）。以後の申請に適用されます。`, { exact: true }).waitFor();
      const history = page.getByRole('table', { name: '改定履歴' });
      await history.getByRole('rowheader', { name: `第${version}版`, exact: true }).waitFor();
      await history.getByRole('cell', { name: '鈴木 花子（admin01）', exact: true }).first().waitFor();
      await page.screenshot({ path: `${SHOTS}/staff-rule.png`, fullPage: true });
    });
    await withPage(browser, async (page) => {
      await loginMember(page, '100004');
      const made = await pageApi(page, 'POST', '/api/members/100004/applications', {
        kind: 'renewal', base_qualification: 'internal_medicine_new', base_cert_no: '11-12345678',
        base_cert_fiscal_year: '2021', base_period_start: '2021-04-01', base_period_end: '2026-03-31',
      });
      assert.equal(made.status, 201, JSON.stringify(made.data));
      await page.goto(`/application.html?member_no=100004&no=${made.data.application_no}`);
      await page.getByText(new RegExp(`^判定に用いた更新条件：第${version}版（`)).waitFor();
      await page.getByRole('table', { name: '研修単位区分ごとの単位' }).getByRole('cell', { name: '1単位以上', exact: true }).waitFor();
      assert.equal((await pageApi(page, 'DELETE', `/api/members/100004/applications/${made.data.application_no}`)).status, 204);
    });
  });
});
