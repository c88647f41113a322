// Modal dialogs (the manual's ポップアップ) on the native <dialog>: showModal() makes the
// rest of the page inert; Tab and Shift+Tab cycle through the dialog's own controls;
// Esc cancels. The dialog holds a <form method="dialog"> whose buttons carry a value.

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), '
  + 'textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function trapTab(event) {
  if (event.key !== 'Tab') return;
  const dialog = event.currentTarget;
  const items = Array.from(dialog.querySelectorAll(FOCUSABLE)).filter((n) => !n.closest('[hidden]'));
  if (items.length === 0) return;
  const first = items[0];
  const last = items[items.length - 1];
  const active = document.activeElement;
  if (event.shiftKey && (active === first || !dialog.contains(active))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !dialog.contains(active))) {
    event.preventDefault();
    first.focus();
  }
}

/** Opens the dialog; resolves to the value of the button that closed it ('' for Esc). */
export function openDialog(dialog) {
  return new Promise((resolve) => {
    dialog.returnValue = '';
    dialog.addEventListener('keydown', trapTab);
    dialog.addEventListener('close', () => {
      dialog.removeEventListener('keydown', trapTab);
      resolve(dialog.returnValue);
    }, { once: true });
    dialog.showModal();
    const first = dialog.querySelector('[autofocus]') || dialog.querySelector(FOCUSABLE);
    if (first) first.focus();
  });
}
