// The API client: same-origin JSON fetch (the browser adds Origin and Sec-Fetch-Site, which
// the API checks on every state change); failures become Japanese messages.

/** Shown when the server cannot be reached or fails (network error, 5xx). */
export const GENERIC_ERROR =
  '通信エラーが発生しました。しばらくしてから再度お試しください。';

/** Shown when a 4xx response carries no message of its own. */
export const INPUT_ERROR = '入力内容を確認してください。';

/**
 * Calls the portal API on the same origin.
 * Resolves to { ok, status, data }; never rejects. On a network failure status is 0.
 * For 5xx (or an unreadable body) data is replaced by a generic error.
 */
export async function api(method, path, body) {
  const init = {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: {
      // The API takes JSON bodies only (a cross-site form cannot send one).
      'Content-Type': 'application/json',
      Accept: 'application/json',
    },
  };
  if (body !== undefined && method !== 'GET' && method !== 'HEAD') {
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    return { ok: false, status: 0, data: { code: 'network_error', message: GENERIC_ERROR } };
  }
  let data = null;
  let text = '';
  try {
    text = await res.text();
  } catch {
    text = '';
  }
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.status >= 500) {
    // A 503 from the portal says in Japanese what is busy or unreachable (「決済サービスに
    // 接続できませんでした。…」): kept. Anything else (500, a proxy's page) gets the generic text.
    const own = res.status === 503 && data && typeof data === 'object'
      && typeof data.code === 'string' && typeof data.message === 'string' && data.message.trim() !== '';
    return { ok: false, status: res.status, data: own ? { code: data.code, message: data.message } : { code: 'server_error', message: GENERIC_ERROR } };
  }
  if (!res.ok && (data === null || typeof data !== 'object')) {
    data = { code: 'http_' + res.status, message: res.status === 400 ? INPUT_ERROR : GENERIC_ERROR };
  }
  return { ok: res.ok, status: res.status, data };
}

/** The message to show for a failed call. */
export function errorMessage(result) {
  const d = result && result.data;
  if (d && typeof d.message === 'string' && d.message.trim() !== '') return d.message;
  if (result && result.status >= 400 && result.status < 500) return INPUT_ERROR;
  return GENERIC_ERROR;
}

/**
 * Sends a file to storage with a signed upload ticket from the API (its method, URL and
 * exact headers; no cookies). True when storage took it.
 */
export async function sendWithTicket(ticket, file) {
  try {
    const res = await fetch(ticket.url, {
      method: ticket.method || 'PUT',
      headers: ticket.headers || {},
      body: file,
      credentials: 'omit',
      cache: 'no-store',
    });
    return res.ok;
  } catch {
    return false;
  }
}
