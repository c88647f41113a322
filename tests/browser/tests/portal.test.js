// Browser tests of the member portal, following the society's manual label by label.
// Run against a running portal-local: PORTAL_URL=http://127.0.0.1:3999 npm test
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DEMO_PASSWORD, assertNoProblems, launchBrowser, loginMember, loginStaff, mails, openPage, pageApi, pathOf,
  valueOf, waitForNewMail,
} from './harness.js';

const LOGIN_FAILED = '会員番号またはパスワードが正しくありません。';

/** The end of the current fiscal year (April–March) in the site's date format. */
function fiscalYearEnd(today = new Date()) {
  const jst = new Date(today.getTime() + 9 * 3600 * 1000);
  const y = jst.getUTCFullYear();
  const endYear = jst.getUTCMonth() + 1 >= 4 ? y + 1 : y;
  return `${endYear}年3月31日`;
}

describe('member portal in a browser', { timeout: 120_000 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  /** Runs body with a fresh context; closes it and checks CSP/page errors afterwards. */
  async function withPage(body, options) {
    const { context, page, problems } = await openPage(browser, options);
    try {
      await body(page, context);
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  }

  test('1. login → ホーム → 会員情報 → 自身の会員名リンク → 会員情報照会', { timeout: 30_000 }, () =>
    withPage(async (page) => {
      await loginMember(page, '100001');
      await page.getByText('循環 太郎 様').waitFor();

      // ARIA tabs, keyboard operable.
      const info = page.getByRole('tab', { name: '会員情報', exact: true });
      const dues = page.getByRole('tab', { name: '会費請求/入金状況', exact: true });
      await dues.click();
      assert.equal(await dues.getAttribute('aria-selected'), 'true');
      await page.getByRole('tabpanel', { name: '会費請求/入金状況' })
        .getByText('会費の納入方法', { exact: true }).waitFor();
      await dues.press('ArrowLeft');
      assert.equal(await info.getAttribute('aria-selected'), 'true');
      assert.equal(await info.evaluate((e) => e === document.activeElement), true, 'focus follows the arrow key');
      await info.press('ArrowRight');
      assert.equal(await dues.getAttribute('aria-selected'), 'true');
      await page.getByRole('tabpanel', { name: '会費請求/入金状況' }).waitFor();

      // The manual: 「会員情報」タブを押下 → 自身の会員名リンクを押下.
      await info.click();
      await page.getByRole('tabpanel', { name: '会員情報' }).waitFor();
      await page.getByRole('link', { name: '循環 太郎', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/member-profile.html' && u.searchParams.get('member_no') === '100001');
      await page.getByRole('heading', { name: '会員情報照会', exact: true }).waitFor();

      assert.equal(await valueOf(page, '会員番号'), '100001');
      assert.equal(await valueOf(page, '氏名'), '循環 太郎');
      assert.equal(await valueOf(page, 'メールアドレス'), 'm100001@example.jp');
      await page.getByText('m100001@example.jp', { exact: true }).waitFor();
      assert.match(await valueOf(page, '送付・請求先'), /^〒\d{3}-\d{4}/);
      assert.ok((await valueOf(page, '会費の納入方法')).length > 0, '会費の納入方法 is shown');

      await page.getByRole('heading', { name: '循環器専門医', exact: true }).waitFor();
      assert.ok((await valueOf(page, '認定番号')).length > 0, '認定番号 is shown');
      assert.match(await valueOf(page, '認定日'), /^\d{4}年\d{1,2}月\d{1,2}日$/);
      const period = await valueOf(page, '認定期間');
      assert.match(period, /^\d{4}年\d{1,2}月\d{1,2}日 〜 \d{4}年\d{1,2}月\d{1,2}日$/);
      assert.ok(period.endsWith(fiscalYearEnd()), `認定期間 ends at the end of this fiscal year: ${period}`);

      await page.getByRole('heading', { name: '関連情報', exact: true }).waitFor();
      await page.getByRole('heading', { name: '専門医資格申請情報', exact: true }).waitFor();
      await page.getByRole('heading', { name: '単位情報', exact: true }).waitFor();
      assert.equal(await page.getByRole('button', { name: '新規', exact: true }).count(), 2);
      assert.equal(await page.getByRole('button', { name: 'すべて表示', exact: true }).count(), 1);

      // Back to ホーム, and #dues opens the 会費請求/入金状況 tab.
      await page.getByRole('link', { name: 'ホームへ戻る', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/home.html');
      await page.goto('/home.html#dues');
      await page.getByRole('tabpanel', { name: '会費請求/入金状況' }).waitFor();
      assert.equal(await page.getByRole('tab', { name: '会費請求/入金状況', exact: true }).getAttribute('aria-selected'), 'true');
    }));

  test('2. wrong password and blank fields', { timeout: 30_000 }, () =>
    withPage(async (page) => {
      await page.goto('/index.html');
      await page.getByRole('heading', { name: '会員ポータルサイト ログイン', exact: true }).waitFor();
      const memberNo = page.getByLabel('会員番号', { exact: true });
      const password = page.getByLabel('パスワード', { exact: true });
      const login = page.getByRole('button', { name: 'ログイン', exact: true });

      // Blank submit: error summary (focused, linking to each field) and inline errors.
      await login.click();
      const summary = page.getByRole('alert');
      await summary.waitFor();
      assert.equal(await summary.evaluate((e) => e === document.activeElement), true, 'the summary takes focus');
      for (const [field, name] of [[memberNo, '会員番号'], [password, 'パスワード']]) {
        assert.equal(await field.getAttribute('aria-invalid'), 'true', `${name} is marked invalid`);
        const ids = (await field.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
        const described = await page.evaluate(
          (list) => list.map((id) => document.getElementById(id)?.textContent || '').join(' '), ids);
        assert.match(described, /入力してください/, `${name}'s inline error is its description`);
      }
      const links = summary.getByRole('link');
      assert.equal(await links.count(), 2, 'one link per field in the summary');
      await summary.getByRole('link', { name: '会員番号を入力してください。' }).click();
      assert.equal(await memberNo.evaluate((e) => e === document.activeElement), true, 'the link focuses its field');

      // Resubmitting clears the old errors: only the password is still missing.
      await memberNo.fill('100001');
      await login.click();
      await page.getByRole('alert').getByRole('link', { name: 'パスワードを入力してください。' }).waitFor();
      assert.equal(await memberNo.getAttribute('aria-invalid'), null);
      assert.equal(await password.getAttribute('aria-invalid'), 'true');

      // The server's own field errors: a number that is not a member number.
      await memberNo.fill('abc');
      await password.fill('whatever-password');
      await login.click();
      await page.waitForFunction(() => {
        const i = document.querySelector('input[name="member_no"]');
        return i && i.getAttribute('aria-invalid') === 'true';
      });
      assert.equal(await password.getAttribute('aria-invalid'), null);

      // Wrong password: one generic message, the number kept, no navigation.
      await memberNo.fill('100001');
      await password.fill('wrong-password-1234');
      await login.click();
      await page.getByRole('alert').getByText(LOGIN_FAILED, { exact: true }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/index.html');
      assert.equal(await memberNo.inputValue(), '100001');
      assert.equal(await memberNo.getAttribute('aria-invalid'), null, 'no field is blamed');
      assert.equal(await password.getAttribute('aria-invalid'), null, 'no field is blamed');
      await page.waitForTimeout(300);
      assert.equal(new URL(page.url()).pathname, '/index.html', 'still on the login page');
    }));

  test('3. a full-width member number logs in', { timeout: 30_000 }, () =>
    withPage(async (page) => {
      await loginMember(page, '１００００１');
      await page.getByText('循環 太郎 様').waitFor();
    }));

  test('4. a deep link leads through the login to the page it names', { timeout: 30_000 }, () =>
    withPage(async (page) => {
      await page.goto('/member-profile.html?member_no=100001');
      await page.waitForURL((u) => u.pathname === '/index.html');
      assert.equal(pathOf(page), '/index.html?next=' + encodeURIComponent('/member-profile.html?member_no=100001'));
      await page.getByLabel('会員番号', { exact: true }).fill('100001');
      await page.getByLabel('パスワード', { exact: true }).fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'ログイン', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/member-profile.html');
      assert.equal(pathOf(page), '/member-profile.html?member_no=100001');
      await page.getByRole('heading', { name: '会員情報照会', exact: true }).waitFor();
      await page.getByText('m100001@example.jp', { exact: true }).waitFor();
    }));

  test('5. password reset by mail, then only the new password works', { timeout: 45_000 }, () =>
    withPage(async (page) => {
      const newPassword = `sinzou-no-kodou-${Date.now().toString(36)}-yoru`;
      await page.goto('/index.html');
      await page.getByRole('link', { name: 'パスワードをお忘れですか？', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/forgot-password.html');

      const before = await mails();
      await page.getByLabel('会員番号', { exact: true }).fill('100002');
      await page.getByRole('button', { name: '送信', exact: true }).click();
      const status = page.getByRole('status').filter({ hasText: /\S/ });
      await status.waitFor();
      assert.ok((await status.innerText()).trim().length > 0, 'the API message is shown');
      await page.getByRole('link', { name: 'ログイン画面へ', exact: true }).waitFor();

      const mail = await waitForNewMail('m100002@example.jp', before, /reset-password\.html#token=/);
      const link = /https?:\/\/[^\s"'<>]+\/reset-password\.html#token=[^\s"'<>]+/.exec(mail.body)[0];

      // The token rides in the fragment: no request the browser makes carries it.
      const token = new URL(link).hash.replace('#token=', '');
      const sent = [];
      page.on('request', (r) => sent.push(r.url() + ' ' + (r.postData() || '')));
      await page.goto(link);
      await page.getByRole('heading', { name: '新しいパスワードの設定', exact: true }).waitFor();
      assert.ok(!page.url().includes('token='), 'the token is taken out of the address bar');
      assert.ok(!sent.some((s) => s.split(' ')[0].includes(token)), 'no request address holds the token');

      const pw = page.getByLabel('新しいパスワード', { exact: true });
      const confirm = page.getByLabel('新しいパスワード（確認）', { exact: true });
      const submit = page.getByRole('button', { name: 'パスワードを再設定', exact: true });
      await pw.fill(newPassword);
      await confirm.fill(newPassword + 'x');
      await submit.click();
      await page.getByRole('alert').waitFor();
      assert.equal(await confirm.getAttribute('aria-invalid'), 'true', 'mismatch is caught in the browser');

      await confirm.fill(newPassword);
      await submit.click();
      await page.getByRole('link', { name: 'ログイン画面へ', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/index.html');

      // The old password no longer works…
      await page.getByLabel('会員番号', { exact: true }).fill('100002');
      await page.getByLabel('パスワード', { exact: true }).fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'ログイン', exact: true }).click();
      await page.getByRole('alert').getByText(LOGIN_FAILED, { exact: true }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/index.html');

      // …the new one does.
      await loginMember(page, '100002', newPassword);
      await page.getByText('心臓 花子 様').waitFor();

      // The link is single-use.
      await page.goto(link);
      await page.getByLabel('新しいパスワード', { exact: true }).fill(newPassword + '-2');
      await page.getByLabel('新しいパスワード（確認）', { exact: true }).fill(newPassword + '-2');
      await page.getByRole('button', { name: 'パスワードを再設定', exact: true }).click();
      await page.getByRole('alert').waitFor();
      assert.equal(await page.getByRole('link', { name: 'ログイン画面へ', exact: true }).count(), 0);

      // Give 100002 its demo password back (パスワード変更 API, same session), so that the
      // other tests logging in as 100002 (申請できない: 年会費未納, 会費請求/入金状況) do not
      // depend on running before this one.
      const restored = await pageApi(page, 'POST', '/api/auth/password',
        { current_password: newPassword, new_password: DEMO_PASSWORD });
      assert.equal(restored.status, 200, `demo password restored: ${JSON.stringify(restored.data)}`);
    }));

  test('6. staff pages: staff login only, member sessions never open them', { timeout: 30_000 }, async () => {
    await withPage(async (page) => {
      await page.goto('/admin/');
      await page.waitForURL((u) => u.pathname === '/admin/login.html');
      await page.getByRole('heading', { name: '事務局ログイン', exact: true }).waitFor();
      await loginStaff(page, 'staff01');
      await page.getByText('審査担当', { exact: true }).waitFor();
      await page.getByText('審査待ちの申請はありません。', { exact: true }).waitFor();
      await page.getByRole('button', { name: 'ログアウト', exact: true }).waitFor();

      // A staff session is not a member session.
      await page.goto('/home.html');
      await page.waitForURL((u) => u.pathname === '/index.html');
    });

    await withPage(async (page) => {
      await loginMember(page, '100003');
      await page.goto('/admin/index.html');
      await page.waitForURL((u) => u.pathname === '/admin/login.html');
      await page.getByRole('heading', { name: '事務局ログイン', exact: true }).waitFor();
    });
  });

  test('7. logout returns to the login page and ends the session', { timeout: 30_000 }, () =>
    withPage(async (page) => {
      await loginMember(page, '100004');
      await page.getByRole('button', { name: 'ログアウト', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/index.html');
      await page.getByRole('heading', { name: '会員ポータルサイト ログイン', exact: true }).waitFor();
      await page.goto('/home.html');
      await page.waitForURL((u) => u.pathname === '/index.html');
      assert.equal(pathOf(page), '/index.html?next=' + encodeURIComponent('/home.html'));
    }));
});
