// Browser tests of what every page shares: the page header and footer are written once in
// static-site/_partials/ and included by the server (fragments never served on their
// own), and the CSP comes from the response header alone, never from a <meta> tag.
// The page list is read from static-site/, so a new page is checked without editing this.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { PORTAL_URL, launchBrowser, loginMember, withPage } from './harness.js';

const SITE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../static-site');
const PARTIALS = '_partials';
const INCLUDE = /^\s*<!--#include file="(_partials\/[^"]+)" -->\s*$/gm;
const TITLE = '日本循環器学会 会員ポータルサイト';
const FOOTER = '一般社団法人 日本循環器学会';

/** Every page of the site: { url, file, source, includes: ['_partials/…', …] }. */
async function sitePages() {
  const pages = [];
  for (const entry of await readdir(SITE, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.html')) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    const rel = path.relative(SITE, file).split(path.sep).join('/');
    if (rel.startsWith(PARTIALS + '/')) continue;
    const source = await readFile(file, 'utf8');
    pages.push({ url: '/' + rel, file: rel, source, includes: [...source.matchAll(INCLUDE)].map((m) => m[1]) });
  }
  assert.ok(pages.length >= 10, `the site's pages are found in ${SITE}`);
  return pages.sort((a, b) => a.url.localeCompare(b.url));
}

const usesHeader = (page, name) => page.includes.includes(`${PARTIALS}/${name}.html`);

describe('page header, footer and CSP, written once', { timeout: 120_000 }, () => {
  let browser;
  let pages;
  before(async () => {
    browser = await launchBrowser();
    pages = await sitePages();
  });
  after(async () => { await browser?.close(); });

  test('every page is served with its includes expanded, one CSP header and no CSP <meta>', async () => {
    for (const p of pages) {
      assert.doesNotMatch(p.source, /<header[\s>]|<footer[\s>]/, `${p.file}: header and footer come from _partials/`);
      const headers = p.includes.filter((i) => /-header\.html$/.test(i));
      assert.equal(headers.length, 1, `${p.file} includes one page header: ${p.includes}`);
      assert.ok(p.includes.includes(`${PARTIALS}/footer.html`), `${p.file} includes the footer`);

      const res = await fetch(PORTAL_URL + p.url);
      assert.equal(res.status, 200, `GET ${p.url}`);
      const csp = res.headers.get('content-security-policy') || '';
      assert.match(csp, /script-src 'self'/, `${p.url}: CSP header`);
      assert.match(csp, /style-src 'self'/, `${p.url}: CSP header`);
      const html = await res.text();
      assert.doesNotMatch(html, /http-equiv\s*=\s*["']?content-security-policy/i, `${p.url}: no CSP <meta>`);
      assert.doesNotMatch(html, /<!--#include/, `${p.url}: every include is expanded`);
      for (const inc of p.includes) {
        const fragment = await readFile(path.join(SITE, inc), 'utf8');
        assert.ok(html.includes(fragment.trimEnd()), `${p.url}: carries ${inc} as written`);
      }
      assert.equal(html.match(/<header[\s>]/g)?.length, 1, `${p.url}: one <header>`);
      assert.equal(html.match(/<footer[\s>]/g)?.length, 1, `${p.url}: one <footer>`);
      assert.match(html, /<meta charset="utf-8">/, `${p.url}: <meta charset>`);
      assert.match(html, /<meta name="viewport"/, `${p.url}: viewport`);
    }
  });

  test('the fragments are never served on their own', async () => {
    const fragments = (await readdir(path.join(SITE, PARTIALS))).filter((f) => f.endsWith('.html'));
    assert.ok(fragments.includes('member-header.html'), 'the member header is a fragment');
    for (const name of [...fragments, '', 'nope.html']) {
      const res = await fetch(`${PORTAL_URL}/${PARTIALS}/${name}`);
      assert.equal(res.status, 404, `GET /${PARTIALS}/${name}`);
      await res.body?.cancel();
    }
    // From a page too, as the browser asks for it.
    await withPage(browser, async (page) => {
      await page.goto('/index.html');
      const status = await page.evaluate(async (p) => (await fetch(p, { cache: 'no-store' })).status,
        `/${PARTIALS}/member-header.html`);
      assert.equal(status, 404);
    });
  });

  test('every member page shows the same header: 「○○ 様」 and 「ログアウト」, which works there', { timeout: 60_000 }, () =>
    withPage(browser, async (page) => {
      const memberPages = pages.filter((p) => usesHeader(p, 'member-header'));
      assert.ok(memberPages.some((p) => p.url === '/home.html') && memberPages.length >= 6,
        `the member pages: ${memberPages.map((p) => p.url)}`);
      await loginMember(page, '100004');
      const shown = new Map();
      for (const p of memberPages) {
        await page.goto(p.url);
        const banner = page.getByRole('banner');
        await banner.getByRole('button', { name: 'ログアウト', exact: true }).waitFor();
        await banner.getByText('不整 三郎 様').waitFor();
        assert.equal(await banner.getByRole('link', { name: TITLE, exact: true }).getAttribute('href'), '/home.html');
        await page.getByRole('contentinfo').getByText(FOOTER, { exact: true }).waitFor();
        assert.equal(await page.locator('meta[http-equiv="content-security-policy" i]').count(), 0, `${p.url}: no CSP <meta>`);
        shown.set(p.url, (await banner.innerText()).trim());
      }
      assert.equal(new Set(shown.values()).size, 1, `one header text on every member page: ${JSON.stringify([...shown])}`);

      // 「ログアウト」 from a page other than ホーム: back to the login, session ended.
      await page.goto('/member-profile.html');
      await page.getByRole('banner').getByRole('button', { name: 'ログアウト', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/index.html');
      await page.goto('/member-profile.html');
      await page.waitForURL((u) => u.pathname === '/index.html');
    }));

  test('public and staff login pages show their header and footer, nobody logged in', { timeout: 30_000 }, () =>
    withPage(browser, async (page) => {
      const expected = { 'public-header': '/index.html', 'staff-header': '/admin/' };
      // Every page but the member pages and the staff pages behind the staff login
      // (事務局ホーム: portal.test.js test 6; 自己申告の決裁: credits.test.js).
      const open = pages.filter((p) => !usesHeader(p, 'member-header')
        && !(p.url.startsWith('/admin/') && p.url !== '/admin/login.html'));
      assert.ok(open.length >= 4, `pages open to anyone: ${open.map((p) => p.url)}`);
      for (const p of open) {
        const kind = Object.keys(expected).find((k) => usesHeader(p, k));
        assert.ok(kind, `${p.url} has the public or the staff header`);
        await page.goto(p.url);
        const banner = page.getByRole('banner');
        assert.equal(await banner.getByRole('link', { name: TITLE, exact: true }).getAttribute('href'), expected[kind]);
        assert.equal(await banner.getByRole('button', { name: 'ログアウト' }).count(), 0, `${p.url}: no 「ログアウト」 shown`);
        if (kind === 'staff-header') await banner.getByText('事務局', { exact: true }).waitFor();
        await page.getByRole('contentinfo').getByText(FOOTER, { exact: true }).waitFor();
        await page.getByRole('link', { name: '本文へスキップ' }).waitFor({ state: 'attached' });
      }
    }));
});
