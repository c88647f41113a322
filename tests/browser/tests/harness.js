// Shared set-up of the browser tests: one headless Chromium per test file, one fresh
// context per test, and checks that no page broke the CSP or threw.
import assert from 'node:assert/strict';
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
