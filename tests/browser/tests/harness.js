// Shared set-up of the browser tests: one headless Chromium per test file, one fresh
// context per test, and checks that no page broke the CSP or threw.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const PORTAL_URL = (process.env.PORTAL_URL || '').replace(/\/+$/, '');
export const DEMO_PASSWORD = 'demo-Junkanki-2025';

if (!PORTAL_URL) {
  throw new Error('PORTAL_URL is not set: start portal-local and run with PORTAL_URL=http://127.0.0.1:PORT');
}

export async function launchBrowser() {
  return chromium.launch({
    // Never downloads a browser: the system Chromium (or $CHROMIUM) is used.
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-quic',
    ],
  });
}

/**
 * A fresh context and page. Returns { context, page, problems } where problems collects
 * CSP violations and uncaught page errors; call assertNoProblems at the end.
 */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext({
    baseURL: PORTAL_URL,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    viewport: options.viewport || { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const problems = [];
  const page = await context.newPage();
  watch(page, problems);
  context.on('page', (p) => watch(p, problems));
  return { context, page, problems };
}

function watch(page, problems) {
  page.on('pageerror', (err) => problems.push(`pageerror on ${page.url()}: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) {
      problems.push(`CSP violation on ${page.url()}: ${msg.text()}`);
    }
  });
}

export function assertNoProblems(problems) {
  assert.deepEqual(problems, [], 'the pages must not break the CSP or throw');
}

/** Runs body(page, context) in a fresh context; closes it and checks CSP/page errors. */
export async function withPage(browser, body, options) {
  const { context, page, problems } = await openPage(browser, options);
  try {
    await body(page, context);
    assertNoProblems(problems);
  } finally {
    await context.close();
  }
}

/**
 * Calls the portal API from inside the page, with the page's session and the header
 * the API wants on state-changing requests. Returns { status, data }.
 */
export async function pageApi(page, method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const res = await fetch(p, {
      method: m,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'portal-fetch', Accept: 'application/json' },
      body: b === null ? undefined : JSON.stringify(b),
    });
    const t = await res.text();
    let data = null;
    try { data = t ? JSON.parse(t) : null; } catch { data = t; }
    return { status: res.status, data };
  }, [method, path, body === undefined ? null : body]);
}

/** Path + search of the page's URL, e.g. "/index.html?next=%2Fhome.html". */
export function pathOf(page) {
  const u = new URL(page.url());
  return u.pathname + u.search;
}

/** Logs a member in on the login page, the way the manual says, and waits for ホーム. */
export async function loginMember(page, memberNo, password = DEMO_PASSWORD) {
  await page.goto('/index.html');
  await page.getByLabel('会員番号', { exact: true }).fill(memberNo);
  await page.getByLabel('パスワード', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/home.html');
  await page.getByRole('heading', { name: 'ホーム', exact: true }).waitFor();
}

/** The value shown next to a label in a definition list (dt → dd). */
export async function valueOf(page, label) {
  const dd = page.getByText(label, { exact: true }).locator('xpath=following-sibling::dd[1]');
  // The value is filled in when the page's data arrives: wait (up to 5 s) for it.
  for (let i = 0; i < 50; i += 1) {
    const text = (await dd.innerText()).trim();
    if (text !== '') return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  return '';
}

/** An input's value once it equals `expected` (or, after 5 s, whatever it is). */
export async function settledValue(input, expected) {
  let value = await input.inputValue();
  for (let i = 0; i < 50 && value !== expected; i += 1) {
    await new Promise((r) => setTimeout(r, 100));
    value = await input.inputValue();
  }
  return value;
}

// ---------------------------------------------------------------- dev mailbox

export async function mails() {
  const res = await fetch(`${PORTAL_URL}/_dev/mail.json`, { headers: { Accept: 'application/json' } });
  assert.equal(res.status, 200, 'GET /_dev/mail.json');
  return res.json();
}

const mailKey = (m) => JSON.stringify([m.to, m.subject, m.sent_at, m.body]);

/**
 * Waits (up to timeoutMs) for a mail to `to` that was not in `before` and whose subject
 * or body matches `pattern`; returns it (newest first).
 */
export async function waitForNewMail(to, before, pattern, timeoutMs = 10_000) {
  const seen = new Set(before.map(mailKey));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await mails();
    const hit = list.find((m) => !seen.has(mailKey(m)) && addressMatches(m.to, to) && pattern.test(`${m.subject || ''}\n${m.body || ''}`));
    if (hit) return hit;
    if (Date.now() > deadline) {
      assert.fail(`no new mail to ${to} matching ${pattern} within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function addressMatches(field, to) {
  const list = Array.isArray(field) ? field : [field];
  return list.some((a) => String(a).toLowerCase().includes(to.toLowerCase()));
}

// ---------------------------------------------------------------- staff login (TOTP)

/**
 * The code an authenticator shows for a base32 key at unix time t (RFC 6238: HMAC-SHA1,
 * 6 digits, 30-second steps) — the test's own authenticator app.
 */
export function totpCode(secretBase32, t = Date.now() / 1000) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/\s+/g, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

// Keys and recovery codes enrolled during this run, shared by the test files (each
// runs in its own process) through a file named after the portal under test.
const keyFile = join(tmpdir(), `portal-browser-staff-keys-${new URL(PORTAL_URL).port}.json`);
const loadKeys = () => { try { return JSON.parse(readFileSync(keyFile, 'utf8')); } catch { return {}; } };
const saveKeys = (keys) => writeFileSync(keyFile, JSON.stringify(keys));

/**
 * Hands an authenticator enrolled by a test itself to `loginStaff` (its key and the
 * recovery codes left); the current 30-second step counts as used.
 */
export function rememberStaffKey(staffId, secret, recovery) {
  const keys = loadKeys();
  keys[staffId] = { secret, recovery: [...recovery], lastStep: Math.floor(Date.now() / 30000) };
  saveKeys(keys);
}

/** The two second-step forms of the login page (only the one shown is in the a11y tree). */
export const enrolForm = (page) => page.getByRole('form', { name: '認証アプリの登録' });
export const codeForm = (page) => page.getByRole('form', { name: '確認コードの入力' });

/**
 * 事務局ログイン on the login page: password, then the second step. The first login of
 * the run enrols the authenticator (reading the key shown for manual entry) and keeps
 * the recovery codes; later logins type the current code, or a recovery code when the
 * current 30-second code was already used (a code is accepted once).
 */
export async function loginStaff(page, staffId = 'staff01') {
  await page.goto('/admin/login.html');
  await page.getByLabel('職員ID', { exact: true }).fill(staffId);
  await page.getByLabel('パスワード', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
  const enrol = page.getByRole('heading', { name: '認証アプリの登録', exact: true });
  const codeStep = page.getByRole('heading', { name: '確認コードの入力', exact: true });
  await enrol.or(codeStep).waitFor();
  const keys = loadKeys();
  if (await enrol.isVisible()) {
    const secret = (await page.locator('#totp-secret').innerText()).replace(/\s+/g, '');
    const step = Math.floor(Date.now() / 30000);
    await enrolForm(page).getByLabel('確認コード', { exact: true }).fill(totpCode(secret));
    await page.getByRole('button', { name: '登録してログイン', exact: true }).click();
    const list = page.getByRole('region', { name: 'リカバリーコード' }).getByRole('listitem');
    await list.first().waitFor();
    keys[staffId] = { secret, recovery: await list.allInnerTexts(), lastStep: step };
    saveKeys(keys);
    await page.getByRole('link', { name: '保管しました。事務局ホームへ', exact: true }).click();
  } else {
    const k = keys[staffId];
    assert.ok(k, `no enrolled key for ${staffId} in ${keyFile}`);
    const step = Math.floor(Date.now() / 30000);
    if (step > k.lastStep) {
      await codeForm(page).getByLabel('確認コード', { exact: true }).fill(totpCode(k.secret));
      k.lastStep = step;
    } else {
      await page.getByRole('button', { name: 'リカバリーコードを使う', exact: true }).click();
      await page.getByRole('textbox', { name: 'リカバリーコード', exact: true }).fill(k.recovery.pop());
    }
    saveKeys(keys);
    await page.getByRole('button', { name: '確認', exact: true }).click();
  }
  await page.waitForURL((u) => u.pathname === '/admin/' || u.pathname === '/admin/index.html');
  await page.getByRole('heading', { name: '事務局ホーム', exact: true }).waitFor();
}
