// Browser tests of the payments (manual STEP② 年会費のお支払い, STEP⑤ 更新料のお支払い,
// 「補足」, 「領収書」), label by label as the manual says, through the simulated payment
// provider's pages of the local portal (/_dev/provider/…, server-rendered) and back.
//
// The demo members are shared with the other files of one portal run, so each invoice has
// one role here, and every test finds its invoice by 料金区分 and state, not by position:
//   100001's 専門医更新料 (created by STEP④ in applications.test.js, or here when this file
//          runs alone): 払込票 requested, switched back by a staff member on 請求の管理,
//          then paid by card (on a phone) end to end.
//   100002's 年会費 (this fiscal year, unpaid in the demo data): paid by Pay-easy
//          (「お支払い方法はペイジーのみ」), number issued, paid later; then 100002 can
//          submit STEP④, which creates its 専門医更新料 ...
//   100002's 専門医更新料: paid at a convenience store (number issued, paid later).
// A checkout locks an invoice for 5 business days and a paid invoice stays paid, so on a
// portal where these already ran (a second run on the same data) the tests skip with a note.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DEMO_PASSWORD, assertNoProblems, launchBrowser, loginMember, loginStaff, mails, openPage, pageApi, valueOf,
  waitForNewMail, withPage,
} from './harness.js';

const SHOTS = '/tmp/shots';

/** The text of a PDF as a reader extracts it (poppler's pdftotext, installed by scripts/test). */
function pdfText(file) {
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
}
const PHONE = { viewport: { width: 390, height: 844 } };
const ONLINE = 'クレジットカード/コンビニ/ペイジーでのお支払い';
const SLIP = '払込票での支払いお申込み';
const PROCESSING = 'お支払い手続きの処理中';
const SEND = '上記情報を送信して、決済を申し込む';
const PROVIDER_CONFIRM = '注意事項を確認したので、決済を申し込む';
const PAID_LATER = '（開発用）店頭・金融機関で支払ったことにする';
const DOUBLE_PAYMENT = '確認まではステータスが「未納」のままのため、2重振込みにご注意ください。';

async function shot(page, name, options = {}) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `pay-${name}.png`), fullPage: true, ...options });
}

// ---------------------------------------------------------------- helpers

/** Today in Japan as the pages show it: "2026年11月30日". */
function todayShown() {
  const d = new Date(Date.now() + 9 * 3600 * 1000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

/** The member's invoices, from the API. */
async function invoicesOf(page, memberNo) {
  const r = await pageApi(page, 'GET', `/api/members/${memberNo}/invoices`);
  assert.equal(r.status, 200, 'GET invoices');
  return r.data.invoices;
}

/** The member's newest 専門医更新料, or null. */
async function renewalFeeOf(page, memberNo) {
  const fees = (await invoicesOf(page, memberNo)).filter((i) => i.fee_type.code === 'renewal_fee');
  fees.sort((a, b) => b.invoice_no.localeCompare(a.invoice_no));
  return fees[0] || null;
}

/**
 * The member's 専門医更新料: the existing one (applications.test.js submits 100001's
 * renewal first), or made here through the API (STEP① draft → STEP④ submit) when this
 * file runs alone.
 */
async function ensureRenewalFee(page, memberNo) {
  const existing = await renewalFeeOf(page, memberNo);
  if (existing) return existing;
  const profile = await pageApi(page, 'GET', `/api/members/${memberNo}/profile`);
  let draft = profile.data.applications.find((a) => a.kind === 'renewal' && a.status === 'draft');
  if (!draft) {
    const options = await pageApi(page, 'GET', '/api/applications/options');
    const created = await pageApi(page, 'POST', `/api/members/${memberNo}/applications`, {
      kind: 'renewal',
      base_qualification: options.data.base_qualifications[0].code,
      base_cert_no: '12345678',
      base_cert_fiscal_year: '2015',
      base_period_start: '2021-04-01',
      base_period_end: '2026-03-31',
    });
    assert.equal(created.status, 201, `POST renewal draft: ${JSON.stringify(created.data)}`);
    draft = created.data;
  }
  const submitted = await pageApi(page, 'POST', `/api/members/${memberNo}/applications/${draft.application_no}/submit`, {});
  assert.equal(submitted.status, 200, `STEP④ submit: ${JSON.stringify(submitted.data)}`);
  return renewalFeeOf(page, memberNo);
}

/** ホーム →「会費請求/入金状況」タブ (STEP⑤ 1). */
async function openDues(page) {
  await page.goto('/home.html');
  await page.getByRole('tab', { name: '会費請求/入金状況', exact: true }).click();
  const dues = page.getByRole('tabpanel', { name: '会費請求/入金状況' });
  await dues.getByRole('table').waitFor();
  return dues;
}

/** The row of 会費請求/入金状況 whose 管理NO is invoiceNo. */
const duesRow = (dues, invoiceNo) =>
  dues.getByRole('row').filter({ has: dues.page().getByRole('link', { name: invoiceNo, exact: true }) });

/** 会費請求/入金状況 →「管理NO」 → 請求収納の照会 (STEP⑤ 2). */
async function openInvoiceFromDues(page, invoiceNo) {
  const dues = await openDues(page);
  await duesRow(dues, invoiceNo).getByRole('link', { name: invoiceNo, exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/invoice.html' && u.searchParams.get('no') === invoiceNo);
  await page.getByRole('heading', { name: '請求収納の照会', exact: true, level: 1 }).waitFor();
  await page.getByRole('heading', { name: '請求情報', exact: true }).waitFor();
}

/** Opens 請求収納の照会 directly (after a reload or a return). */
async function openInvoice(page, memberNo, invoiceNo) {
  await page.goto(`/invoice.html?member_no=${memberNo}&no=${invoiceNo}`);
  await page.getByRole('heading', { name: '請求情報', exact: true }).waitFor();
}

const button = (page, name) => page.getByRole('button', { name, exact: true });

/** Waits until 請求収納の照会 shows 納入済 (the notification may come a moment after the return). */
async function waitForPaid(page, memberNo, invoiceNo, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.getByRole('heading', { name: '請求情報', exact: true }).waitFor();
    const shown = await valueOf(page, '状態');
    if (shown === '納入済') return;
    if (Date.now() > deadline) assert.fail(`状態 is 「${shown}」, expected 「納入済」`);
    await page.waitForTimeout(500);
    await openInvoice(page, memberNo, invoiceNo);
  }
}

/** The mail's link to 請求収納の照会 of invoiceNo. */
function invoiceLinkOf(mail, memberNo, invoiceNo) {
  const link = /https?:\/\/[^\s"'<>]+\/invoice\.html\?[^\s"'<>]+/.exec(mail.body)?.[0];
  assert.ok(link, `the mail has an invoice link: ${mail.body}`);
  const u = new URL(link);
  assert.equal(u.searchParams.get('member_no'), memberNo);
  assert.equal(u.searchParams.get('no'), invoiceNo);
  return u.pathname + u.search;
}

// ---------------------------------------------------------------- 決済内容 and the provider

/** 請求収納の照会 → 「クレジットカード/コンビニ/ペイジーでのお支払い」 → 決済内容の確認. */
async function openCheckout(page, invoiceNo) {
  await button(page, ONLINE).click();
  await page.waitForURL((u) => u.pathname === '/checkout.html' && u.searchParams.get('no') === invoiceNo);
  await page.getByRole('heading', { name: '決済内容の確認', exact: true, level: 1 }).waitFor();
  await page.getByRole('heading', { name: '決済内容', exact: true }).waitFor();
}

/**
 * The provider's 決済申込確認: choose the method, 「注意事項を確認したので、決済を申し込む」.
 * Resolves to the methods it offered.
 */
async function providerConfirm(page, method) {
  await page.waitForURL((u) => u.pathname.startsWith('/_dev/provider/checkout/'));
  await page.getByRole('heading', { name: '決済申込確認', exact: true }).waitFor();
  const offered = await page.getByRole('radio').evaluateAll((rs) => rs.map((r) => r.closest('label').textContent.trim()));
  await page.getByLabel(method, { exact: true }).check();
  await button(page, PROVIDER_CONFIRM).click();
  return offered;
}

/** Convenience store / Pay-easy: 利用者同意事項 「同意して次へ」 → (store) → 「お支払い番号を発行する」. */
async function providerIssueNumber(page, store) {
  await page.getByRole('heading', { name: '決済ステーション利用者同意事項', exact: true }).waitFor();
  await button(page, '同意して次へ').click();
  if (store) await page.getByLabel('お支払いになるコンビニ').selectOption({ label: store });
  await button(page, 'お支払い番号を発行する').click();
  await page.getByRole('heading', { name: 'お支払い番号を発行しました', exact: true }).waitFor();
}

/** The provider's 「ショップに戻る」 → 請求収納の照会 with ?checkout=returned. */
async function backToShop(page, invoiceNo) {
  await page.getByRole('link', { name: 'ショップに戻る', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/invoice.html' && u.searchParams.get('no') === invoiceNo);
  await page.getByRole('heading', { name: '請求情報', exact: true }).waitFor();
}

/** The dev "paid later" of the order of invoiceNo (on the simulated provider's list). */
async function payLater(page, invoiceNo) {
  await page.goto('/_dev/provider');
  const row = page.getByRole('row').filter({ hasText: invoiceNo }).filter({ has: button(page, PAID_LATER) });
  await row.first().waitFor();
  assert.equal(await row.count(), 1, 'one order of the invoice waits for its payment');
  await row.getByRole('button', { name: PAID_LATER, exact: true }).click();
  await page.getByRole('heading', { name: '支払い完了を通知しました', exact: true }).waitFor();
}

// ---------------------------------------------------------------- staff


describe('STEP② 年会費 and STEP⑤ 更新料のお支払い', { timeout: 300_000 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  test('特定商取引法に基づく表記: public, linked from the login page', { timeout: 30_000 }, () =>
    withPage(browser, async (page) => {
      await page.goto('/index.html');
      await page.getByRole('link', { name: '特定商取引法に基づく表記', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/tokushoho.html');
      await page.getByRole('heading', { name: '特定商取引法に基づく表記', exact: true, level: 1 }).waitFor();
      assert.equal(await valueOf(page, '販売事業者'), '一般社団法人 日本循環器学会');
      assert.match(await valueOf(page, 'メールアドレス'), /senmoni@j-circ\.or\.jp/);
      assert.equal(await page.getByRole('link', { name: 'senmoni@j-circ.or.jp' }).first().getAttribute('href'), 'mailto:senmoni@j-circ.or.jp');
      for (const label of ['運営責任者', '所在地', '電話番号', '販売価格', '代金の支払時期と方法', '役務の提供時期', '返品・キャンセル']) {
        assert.notEqual(await valueOf(page, label), '', `${label} is stated`);
      }
      assert.match(await valueOf(page, '販売価格'), /専門医更新料・年会費：.*表示の金額/);
      assert.match(await valueOf(page, '代金の支払時期と方法'), /クレジットカード[\s\S]*コンビニ[\s\S]*ペイジー[\s\S]*払込票/);
      assert.match(await valueOf(page, '返品・キャンセル'), /二重に.*返金/);
      // Nobody is logged in: the public header, no 「ログアウト」.
      assert.equal(await page.getByRole('button', { name: 'ログアウト' }).count(), 0);
      await shot(page, 'tokushoho');
    }));

  test('払込票での支払いお申込み (100001) → 赤枠 → buttons disabled; 事務局 switches it back on 請求の管理', { timeout: 60_000 }, (t) =>
    withPage(browser, async (page) => {
      await loginMember(page, '100001');
      const fee = await ensureRenewalFee(page, '100001');
      assert.ok(fee, '100001 has a 専門医更新料');
      const invoiceNo = fee.invoice_no;
      if (!['open', 'slip_requested'].includes(fee.payment.state)) {
        t.skip(`100001's 専門医更新料 ${invoiceNo} is already ${fee.payment.state} on this portal (a second run on the same data)`);
        return;
      }

      // STEP⑤ 1–2: 「会費請求/入金状況」 → 料金区分「専門医更新料」の「管理NO」.
      const dues = await openDues(page);
      const row = duesRow(dues, invoiceNo);
      assert.match(await row.innerText(), /専門医更新料/);
      await openInvoiceFromDues(page, invoiceNo);
      assert.equal(await valueOf(page, '料金区分'), '専門医更新料');
      assert.equal(await page.getByRole('link', { name: '領収書', exact: true }).count(), 0, 'no 「領収書」 before paying');

      if (fee.payment.state === 'open') {
        // 3. Both buttons at the top of 請求収納の照会.
        assert.equal(await button(page, ONLINE).isEnabled(), true);
        assert.equal(await button(page, SLIP).isEnabled(), true);
        const online = await button(page, ONLINE).boundingBox();
        const info = await page.getByRole('heading', { name: '請求情報', exact: true }).boundingBox();
        assert.ok(online.y < info.y, 'the buttons are above the invoice details (画面上部)');
        await page.getByText('お支払い方法：クレジットカード・コンビニ・ペイジー', { exact: true }).waitFor();
        await shot(page, 'open');

        // The popup: 送付・請求先, the next batch, the warning; 「キャンセル」 changes nothing.
        await button(page, SLIP).click();
        const popup = page.getByRole('dialog', { name: SLIP });
        await popup.waitFor();
        const said = await popup.innerText();
        assert.match(said, /〒100-0011/);
        assert.match(said, /東京都千代田区内幸町1-1-1/);
        assert.match(said, /千代田循環器病院/);
        assert.match(await valueOf(popup, '次回の発送'), /^(12月初旬|3月初旬|5月初旬|6月中旬)（予定）$/);
        assert.match(said, /発送時期は、12月初旬・3月初旬・5月初旬・6月中旬 です。/);
        assert.match(said, /払込票での支払いを申込むと、別の決済方法（クレジットカード・コンビニ・ペイジー）はご利用いただけなくなります。/);
        assert.match(said, /事務局（senmoni@j-circ\.or\.jp）までご連絡ください/);
        await shot(page, 'slip-popup');
        await popup.getByRole('button', { name: 'キャンセル', exact: true }).click();
        await popup.waitFor({ state: 'hidden' });
        assert.equal(await button(page, SLIP).isEnabled(), true, 'nothing was requested');
        assert.equal((await pageApi(page, 'GET', `/api/members/100001/invoices/${invoiceNo}`)).data.payment.state, 'open');

        // Esc cancels too, and the focus goes back to the button.
        await button(page, SLIP).click();
        await popup.waitFor();
        await page.keyboard.press('Escape');
        await popup.waitFor({ state: 'hidden' });
        assert.equal(await button(page, SLIP).evaluate((e) => e === document.activeElement), true, 'focus back on the button');

        await button(page, SLIP).click();
        await popup.getByRole('button', { name: '払込票での支払いを申し込む', exact: true }).click();
        await popup.waitFor({ state: 'hidden' });
      }

      // 払込票での支払いを申込むと、別の決済方法は不可になり、赤枠のメッセージが表示されます.
      const notice = page.getByRole('heading', { name: '払込票での支払いをお申込み済みです', exact: true });
      await notice.waitFor();
      const box = notice.locator('xpath=..');
      const text = await box.innerText();
      assert.match(text, /払込票での支払いをお申込み済みのため、他のお支払い方法はご利用いただけません。/);
      assert.match(text, /東京都千代田区内幸町1-1-1/);
      assert.match(await valueOf(box, '発送予定'), /^(12月初旬|3月初旬|5月初旬|6月中旬)（\d{4}年\d{1,2}月\d{1,2}日頃）$/);
      assert.match(text, /senmoni@j-circ\.or\.jp/);
      assert.equal(await box.evaluate((e) => getComputedStyle(e).borderTopStyle), 'solid', 'the notice has a frame');
      assert.equal(await button(page, ONLINE).isDisabled(), true, 'the card/convenience-store/Pay-easy button is disabled');
      assert.equal(await button(page, SLIP).isDisabled(), true, 'the slip button is disabled');
      assert.match(await valueOf(page, '状態'), /^未納\s+払込票申込済$/);
      await shot(page, 'slip-notice');

      // The list says so too; the API refuses a checkout.
      assert.match(await duesRow(await openDues(page), invoiceNo).innerText(), /払込票申込済/);
      const refused = await pageApi(page, 'POST', `/api/members/100001/invoices/${invoiceNo}/checkout`, {});
      assert.equal(refused.status, 409);
      assert.equal(refused.data.code, 'postal_slip_requested');
      await page.goto(`/checkout.html?member_no=100001&no=${invoiceNo}`);
      await page.getByText(refused.data.message, { exact: true }).waitFor();
      assert.equal(await button(page, SEND).count(), 0, 'no 「上記情報を送信して、決済を申し込む」 once the slip was requested');

      // 事務局: 請求の管理 → 会員番号 + 管理NO → 「払込票を取り消して他の支払方法に戻す」.
      const { context: staff, page: sp, problems } = await openPage(browser);
      try {
        await loginStaff(sp);
        await sp.getByRole('link', { name: '請求の管理', exact: true }).click();
        await sp.waitForURL((u) => u.pathname === '/admin/invoices.html');
        await sp.getByRole('heading', { name: '請求の管理', exact: true, level: 1 }).waitFor();
        // Keyboard first: the 会員番号 field has the focus.
        assert.equal(await sp.getByLabel('会員番号', { exact: true }).evaluate((e) => e === document.activeElement), true);
        await sp.keyboard.type('100001');
        await sp.keyboard.press('Tab');
        assert.equal(await sp.getByLabel('管理NO', { exact: true }).evaluate((e) => e === document.activeElement), true, 'Tab: 管理NO');
        await sp.keyboard.type(invoiceNo.toLowerCase()); // typed in lower case: taken in capitals

        // 入金日 in the future is refused by the server (after the confirmation).
        await sp.getByLabel('入金日', { exact: true }).fill('2099-01-01');
        await button(sp, '払込票の入金を記録').click();
        const confirm = sp.getByRole('dialog', { name: '払込票の入金を記録します' });
        await confirm.waitFor();
        await confirm.getByRole('button', { name: '記録する', exact: true }).click();
        await sp.getByText('入金日は今日以前の日付を入力してください。', { exact: false }).first().waitFor();
        assert.equal(await sp.getByLabel('入金日', { exact: true }).getAttribute('aria-invalid'), 'true');

        await button(sp, '払込票を取り消して他の支払方法に戻す').click();
        const done = sp.getByRole('status').filter({ hasText: '払込票のお申込みを取り消しました。' });
        await done.waitFor();
        assert.equal(await done.evaluate((e) => e === document.activeElement), true, 'the result takes the focus');
        assert.equal(await valueOf(done, '状態'), '未納');
        await shot(sp, 'admin-invoices');
        // Again: nothing to switch back any more.
        await button(sp, '払込票を取り消して他の支払方法に戻す').click();
        await sp.getByRole('alert').filter({ hasText: '払込票のお申込みはありません。' }).waitFor();
        // An unknown invoice.
        await sp.getByLabel('管理NO', { exact: true }).fill('INV-1999-000001');
        await button(sp, '払込票を取り消して他の支払方法に戻す').click();
        await sp.getByRole('alert').filter({ hasText: '請求は見つかりません。' }).waitFor();
        // 返金対象: the list (empty, or the orders paid twice).
        await sp.getByRole('heading', { name: '返金対象', exact: true }).waitFor();
        await sp.getByText('返金対象はありません。', { exact: true })
          .or(sp.getByRole('table', { name: '返金対象の注文' })).first().waitFor();
        assertNoProblems(problems);
      } finally {
        await staff.close();
      }

      // The member's buttons are back.
      await openInvoice(page, '100001', invoiceNo);
      assert.equal(await button(page, ONLINE).isEnabled(), true);
      assert.equal(await button(page, SLIP).isEnabled(), true);
      assert.equal(await page.getByRole('heading', { name: '払込票での支払いをお申込み済みです' }).count(), 0);
      assert.equal(await valueOf(page, '状態'), '未納');
    }));

  test('100001 pays the 専門医更新料 by card, on a phone: 決済内容 → provider → ショップに戻る → 納入済 →「領収書」; the mail', { timeout: 60_000 }, (t) =>
    withPage(browser, async (page) => {
      await loginMember(page, '100001');
      const fee = await ensureRenewalFee(page, '100001');
      const invoiceNo = fee.invoice_no;
      if (fee.payment.state !== 'open') {
        t.skip(`100001's 専門医更新料 ${invoiceNo} is ${fee.payment.state} on this portal (a second run on the same data)`);
        return;
      }
      await openDues(page);
      await shot(page, 'phone-dues');
      await openInvoiceFromDues(page, invoiceNo);
      await shot(page, 'phone-open');
      const mailsBefore = await mails();

      // 4. 決済内容を確認し …
      await openCheckout(page, invoiceNo);
      assert.equal(await valueOf(page, '料金区分'), '専門医更新料');
      assert.equal(await valueOf(page, '管理NO'), invoiceNo);
      assert.equal(await valueOf(page, '金額'), '¥' + fee.amount.toLocaleString('ja-JP'));
      assert.equal(await valueOf(page, 'お支払い方法'), 'クレジットカード・コンビニ・ペイジー');
      await page.getByText(/新しいお支払い手続きはお手続きから6営業日目以降/).waitFor();
      // … the link to the society's 特定商取引法に基づく表記 (a new tab).
      const legal = page.getByRole('link', { name: '特定商取引法に基づく表記', exact: true });
      assert.equal(await legal.getAttribute('href'), '/tokushoho.html');
      const [legalPage] = await Promise.all([page.context().waitForEvent('page'), legal.click()]);
      await legalPage.getByRole('heading', { name: '特定商取引法に基づく表記', exact: true }).waitFor();
      await legalPage.close();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `決済内容 fits the phone's width (${overflow}px too wide)`);
      await shot(page, 'phone-checkout');

      // 「上記情報を送信して、決済を申し込む」 → SMBC GMO PAYMENT's pages (simulated).
      await button(page, SEND).click();
      assert.deepEqual(await providerConfirm(page, 'クレジットカード'), ['クレジットカード', 'コンビニ', 'ペイジー']);
      await button(page, '支払う（承認される）').click();
      await page.getByRole('heading', { name: 'お支払いが完了しました', exact: true }).waitFor();
      await backToShop(page, invoiceNo);
      await page.getByRole('status').filter({ hasText: '決済サービスからお戻りになりました。' }).waitFor();
      assert.equal(new URL(page.url()).searchParams.get('checkout'), null, 'the notice is shown once (the address is cleaned)');

      await waitForPaid(page, '100001', invoiceNo);
      assert.equal(await valueOf(page, '入金日'), todayShown());
      assert.equal(await valueOf(page, '支払方法'), 'クレジットカード');
      await page.getByText('更新料のお支払いで、専門医更新手続きは完了です。', { exact: true }).waitFor();
      assert.equal(await button(page, ONLINE).count(), 0, 'no payment buttons once paid');
      // 領収書: 画面向かって右上, a link to the PDF.
      const receipt = page.getByRole('link', { name: '領収書', exact: true });
      assert.equal(await receipt.getAttribute('href'), `/api/members/100001/invoices/${encodeURIComponent(invoiceNo)}/receipt`);
      const r = await receipt.boundingBox();
      const h1 = await page.getByRole('heading', { name: '請求収納の照会', level: 1 }).boundingBox();
      assert.ok(r.x + r.width > 390 * 0.6 && r.y < h1.y + h1.height + 60, `「領収書」 is at the top right: ${JSON.stringify(r)}`);
      await shot(page, 'phone-paid');
      // The receipt downloads as a PDF that opens and states the name, amount and number.
      const [download] = await Promise.all([page.waitForEvent('download'), receipt.click()]);
      const file = path.join(SHOTS, `receipt-${invoiceNo}.pdf`);
      await download.saveAs(file);
      const text = pdfText(file);
      const receiptNo = `R-${invoiceNo.replace(/^INV-/, '')}`;
      for (const expected of ['領収書', '循環 太郎', '¥10,000', receiptNo, '専門医更新料']) {
        assert.ok(text.includes(expected), `${expected} in the receipt:\n${text}`);
      }

      // 更新料の支払いが完了後、更新料振り込み完了メールが通知されます (with the link).
      const mail = await waitForNewMail('m100001@example.jp', mailsBefore, /更新料振り込み完了/);
      assert.equal(mail.subject, '【日本循環器学会】更新料振り込み完了のお知らせ');
      await page.goto(invoiceLinkOf(mail, '100001', invoiceNo));
      await page.getByRole('heading', { name: '請求情報', exact: true }).waitFor();
      assert.equal(await valueOf(page, '状態'), '納入済');

      // Paid once: 決済内容 offers nothing more, the API refuses.
      await page.goto(`/checkout.html?member_no=100001&no=${invoiceNo}`);
      await page.getByText('この請求はすでに納入済です。二重にお支払いいただく必要はありません。', { exact: true }).waitFor();
      assert.equal(await button(page, SEND).count(), 0);
      const again = await pageApi(page, 'POST', `/api/members/100001/invoices/${invoiceNo}/checkout`, {});
      assert.equal(again.status, 409);
      assert.equal(again.data.code, 'already_paid');
    }, PHONE));

  test('STEP② 100002 pays 年会費 by Pay-easy (お支払い方法はペイジーのみ) → paid later → STEP④ 専門医資格更新申請 succeeds', { timeout: 90_000 }, (t) =>
    withPage(browser, async (page) => {
      await loginMember(page, '100002');
      const unpaid = (await invoicesOf(page, '100002')).filter((i) => i.fee_type.code === 'annual_dues' && !i.paid_on);
      const dues = unpaid.find((i) => i.payment.state === 'open');
      if (!dues && unpaid.length) {
        t.skip(`100002's 年会費 ${unpaid[0].invoice_no} is ${unpaid[0].payment.state} on this portal (a checkout locks it for 5 business days)`);
        return;
      }
      if (dues) {
        const invoiceNo = dues.invoice_no;
        const mailsBefore = await mails();
        // STEP②: 会費請求/入金状況 shows the unpaid dues, payable in the portal by Pay-easy only.
        const list = await openDues(page);
        const row = duesRow(list, invoiceNo);
        const rowText = await row.innerText();
        assert.match(rowText, /年会費/);
        assert.match(rowText, /未納|期限切れ/);
        assert.match(rowText, /お支払い方法はペイジーのみ/);
        await openInvoiceFromDues(page, invoiceNo);
        await page.getByText('お支払い方法はペイジーのみ', { exact: true }).waitFor();
        if (dues.status.code === 'overdue') {
          await page.getByText('「期限切れ」と表示されていても納入お手続きは可能です。', { exact: true }).waitFor();
        }
        await shot(page, 'dues-open');

        await openCheckout(page, invoiceNo);
        assert.equal(await valueOf(page, '料金区分'), '年会費');
        assert.equal(await valueOf(page, 'お支払い方法'), 'お支払い方法はペイジーのみ');
        await page.getByRole('link', { name: '特定商取引法に基づく表記', exact: true }).waitFor();
        await shot(page, 'dues-checkout');
        await button(page, SEND).click();
        assert.deepEqual(await providerConfirm(page, 'ペイジー'), ['ペイジー'], 'the provider offers Pay-easy only for dues');
        await providerIssueNumber(page, null);
        const custId = await valueOf(page, 'お客様番号');
        const confNo = await valueOf(page, '確認番号');
        await backToShop(page, invoiceNo);

        // お支払い手続きの処理中, with the numbers; still unpaid until confirmed.
        const processing = button(page, PROCESSING);
        await processing.waitFor();
        assert.equal(await processing.isDisabled(), true);
        assert.equal(await button(page, ONLINE).count(), 0, 'shown instead of the buttons');
        assert.equal(await button(page, SLIP).count(), 0, 'shown instead of the buttons');
        await page.getByText(/お支払い手続きの処理中です。お手続きが完了していなかった場合は、\d{4}年\d{1,2}月\d{1,2}日以降に改めてお支払い手続きいただけます。/).waitFor();
        assert.equal(await valueOf(page, '収納機関番号'), '58091');
        assert.equal(await valueOf(page, 'お客様番号'), custId);
        assert.equal(await valueOf(page, '確認番号'), confNo);
        assert.match(await valueOf(page, '支払期限'), /^\d{4}年\d{1,2}月\d{1,2}日 23:59$/);
        await page.getByText(DOUBLE_PAYMENT, { exact: true }).waitFor();
        assert.match(await valueOf(page, '状態'), /^(未納|期限切れ)\s+お支払い手続きの処理中$/);
        await shot(page, 'payeasy-processing');
        const numberMail = await waitForNewMail('m100002@example.jp', mailsBefore, /ペイジーでのお支払い番号/);
        assert.match(numberMail.body, new RegExp(custId));

        // Paid at the bank (dev): 納入済, 領収書, and the mail.
        await payLater(page, invoiceNo);
        await backToShop(page, invoiceNo);
        await waitForPaid(page, '100002', invoiceNo);
        assert.equal(await valueOf(page, '支払方法'), 'ペイジー');
        await page.getByRole('link', { name: '領収書', exact: true }).waitFor();
        const paidMail = await waitForNewMail('m100002@example.jp', mailsBefore, /年会費納入完了/);
        invoiceLinkOf(paidMail, '100002', invoiceNo);
      }

      // STEP④ now succeeds for 100002 (dues paid, units enough).
      const profile = await pageApi(page, 'GET', '/api/members/100002/profile');
      if (profile.data.applications.some((a) => a.kind === 'renewal' && a.status !== 'draft')) {
        t.diagnostic('100002 has already submitted its renewal on this portal');
        return;
      }
      let draft = profile.data.applications.find((a) => a.kind === 'renewal' && a.status === 'draft');
      if (!draft) {
        const options = await pageApi(page, 'GET', '/api/applications/options');
        const created = await pageApi(page, 'POST', '/api/members/100002/applications', {
          kind: 'renewal', base_qualification: options.data.base_qualifications[0].code, base_cert_no: '12345678',
          base_cert_fiscal_year: '2015', base_period_start: '2021-04-01', base_period_end: '2026-03-31',
        });
        assert.equal(created.status, 201);
        draft = created.data;
      }
      await page.goto(`/application.html?member_no=100002&no=${draft.application_no}`);
      const checks = page.getByRole('region', { name: '更新要件の確認' });
      await checks.getByText('年会費はお支払い済みです。', { exact: true }).waitFor();
      await button(page, '専門医資格更新申請').click();
      const popup = page.getByRole('dialog', { name: '専門医資格更新申請が完了しました。' });
      await popup.waitFor();
      assert.match(await valueOf(popup, '管理NO'), /^INV-/);
      await popup.getByRole('button', { name: '閉じる', exact: true }).click();
    }));

  test('100002 pays the 専門医更新料 at a convenience store: 処理中 with お支払い受付番号, still 未納 → paid later → 納入済', { timeout: 90_000 }, (t) =>
    withPage(browser, async (page) => {
      await loginMember(page, '100002');
      const fee = await renewalFeeOf(page, '100002');
      assert.ok(fee, '100002 has a 専門医更新料 (STEP④ after paying the dues)');
      const invoiceNo = fee.invoice_no;
      if (fee.payment.state !== 'open') {
        t.skip(`100002's 専門医更新料 ${invoiceNo} is ${fee.payment.state} on this portal (a second run on the same data)`);
        return;
      }
      const mailsBefore = await mails();
      await openInvoiceFromDues(page, invoiceNo);
      await openCheckout(page, invoiceNo);

      // Meanwhile another tab started the checkout: 「上記情報を送信して、決済を申し込む」 is
      // refused with the server's message (the date from which a new one is possible) …
      const started = await pageApi(page, 'POST', `/api/members/100002/invoices/${invoiceNo}/checkout`, {});
      assert.equal(started.status, 201, `checkout: ${JSON.stringify(started.data)}`);
      await button(page, SEND).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /お支払い手続きの処理中です。お手続きが完了していなかった場合は、\d{4}年\d{1,2}月\d{1,2}日以降に改めてお支払い手続きいただけます。/);
      assert.equal(await alert.evaluate((e) => e === document.activeElement), true, 'the message takes the focus');
      assert.equal(await button(page, SEND).count(), 0, 'no second checkout');
      await shot(page, 'checkout-refused');

      // … and the member goes on with the checkout that tab started.
      await page.goto(started.data.redirect_url);
      await providerConfirm(page, 'コンビニ');
      await providerIssueNumber(page, 'ファミリーマート');
      const confNo = await valueOf(page, 'お支払い受付番号');
      assert.match(confNo, /^\d{6}$/);
      await backToShop(page, invoiceNo);

      // お支払い手続きの処理中 with the number; the status stays 未納.
      assert.equal(await button(page, PROCESSING).isDisabled(), true);
      assert.equal(await valueOf(page, 'お支払い先'), 'ファミリーマート');
      assert.equal(await valueOf(page, 'お支払い受付番号'), confNo);
      await page.getByText(/お支払い受付番号（6桁）と電話番号（ご登録の電話番号・ハイフン除く）が必要です。/).waitFor();
      await page.getByText(DOUBLE_PAYMENT, { exact: true }).waitFor();
      assert.match(await valueOf(page, '状態'), /^未納\s+お支払い手続きの処理中$/);
      await shot(page, 'cvs-processing');
      const row = duesRow(await openDues(page), invoiceNo);
      assert.match(await row.innerText(), /未納[\s\S]*お支払い手続きの処理中/);
      const numberMail = await waitForNewMail('m100002@example.jp', mailsBefore, /コンビニでのお支払い番号/);
      assert.match(numberMail.body, new RegExp(`お支払い受付番号: ${confNo}`));
      invoiceLinkOf(numberMail, '100002', invoiceNo);

      // Paid at the store (dev) → 納入済 and 更新料振り込み完了.
      await payLater(page, invoiceNo);
      await backToShop(page, invoiceNo);
      await waitForPaid(page, '100002', invoiceNo);
      assert.equal(await valueOf(page, '支払方法'), 'コンビニ');
      assert.equal(await page.getByRole('heading', { name: 'お支払い番号（コンビニ）' }).count(), 0, 'no numbers once paid');
      await page.getByRole('link', { name: '領収書', exact: true }).waitFor();
      await shot(page, 'cvs-paid');
      const paidMail = await waitForNewMail('m100002@example.jp', mailsBefore, /更新料振り込み完了/);
      invoiceLinkOf(paidMail, '100002', invoiceNo);
      assert.match(await duesRow(await openDues(page), invoiceNo).innerText(), /納入済/);
    }));
});
