// 事務局ログインの二要素認証 in the browser: admin01's first login enrols an authenticator
// (QR code drawn as SVG, key as text), shows the recovery codes once; later logins ask
// for the code; a used code is refused; a recovery code gets in when the phone is gone.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { DEMO_PASSWORD, codeForm, enrolForm, launchBrowser, totpCode, withPage } from './harness.js';

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
    }));
});
