// Flash messages: a success notice kept for the next page this tab opens (「申請情報を作成しました。」).
import { el } from '/assets/dom.js';

const FLASH_KEY = 'portal.flash';

/** Keeps a message for the next page this tab opens. */
export function setFlash(message) {
  try {
    sessionStorage.setItem(FLASH_KEY, JSON.stringify({ message }));
  } catch {
    // Storage unavailable (private mode quotas): the message is simply not shown.
  }
}

/** Shows a success notice (role=status) in the container and focuses it. */
export function showNotice(container, message) {
  const notice = el('div', { class: 'notice notice--success', role: 'status', tabindex: '-1' }, el('p', {}, message));
  container.replaceChildren(notice);
  container.hidden = false;
  notice.focus();
}

/** Shows (once) the message kept by setFlash as a success notice in the container, focused. */
export function showFlash(container) {
  let message = null;
  try {
    const raw = sessionStorage.getItem(FLASH_KEY);
    sessionStorage.removeItem(FLASH_KEY);
    message = raw ? JSON.parse(raw).message : null;
  } catch {
    message = null;
  }
  if (!message) return;
  showNotice(container, message);
}
