// The page as a whole: its loading state (aria-busy on <main>, 「読み込み中…」) and its page-level error.
import { el } from '/assets/dom.js';

/** The page is shown: hides 「読み込み中…」 (#loading, if any) and takes aria-busy off <main>. */
export function pageReady() {
  const loading = document.getElementById('loading');
  if (loading) loading.hidden = true;
  document.getElementById('main').removeAttribute('aria-busy');
}

/**
 * The page cannot be shown: ends the loading state and shows the message in #page-error
 * (role=alert, focused), with any links in a paragraph below it.
 */
export function pageFailed(message, ...links) {
  pageReady();
  const container = document.getElementById('page-error');
  const alert = el('div', { class: 'error-summary', role: 'alert', tabindex: '-1' }, el('p', {}, message));
  if (links.length) alert.append(el('p', {}, ...links));
  container.replaceChildren(alert);
  container.hidden = false;
  alert.focus();
}
