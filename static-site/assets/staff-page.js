// The start every staff (事務局) page shares: the staff session and the staff page header.
import { requireStaffSession, showStaffHeader } from '/assets/session.js';
import { pageFailed, pageReady } from '/assets/page.js';
import { errorMessage } from '/assets/http.js';

/**
 * Starts a staff page: requires the staff session (without one: the staff login, and this
 * never resolves) and shows the page header. Resolves to { session }, or to null once the
 * page error is shown. The page stays aria-busy until it calls pageReady().
 */
export async function startStaffPage() {
  const { session, error } = await requireStaffSession();
  if (error) {
    pageFailed(error);
    return null;
  }
  showStaffHeader(session);
  return { session };
}

/** Ends the loading state with the page's first load `r`: #content shown, or the page error. */
export function showLoaded(r) {
  if (r.ok) {
    document.getElementById('content').hidden = false;
    pageReady();
  } else {
    pageFailed(errorMessage(r));
  }
}
