// All data comes from Herald's JSON API with the member's bearer token, kept for this tab only (sessionStorage).
const TOKEN_KEY = 'herald.console.token';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.fields = body?.fields ?? [];
  }
}

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
  /** The token's claims (account, member): read, not verified — Herald verifies it on every call. */
  claims() {
    try {
      const payload = this.token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const claims = JSON.parse(atob(payload));
      return typeof claims.acc === 'string' && typeof claims.sub === 'string' ? claims : null;
    } catch {
      return null;
    }
  },
};

/** The host console hands the token over in the URL fragment (never sent to a server); take it and clean the URL. */
export function takeTokenFromUrl() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (!token) return false;
  session.set(token);
  history.replaceState(history.state, '', location.pathname + location.search);
  return true;
}

let onUnauthorized = () => {};
export const whenUnauthorized = (fn) => (onUnauthorized = fn);

const prefetched = new Map();

/** Starts a GET a view is about to make (while the shell still asks who is signed in); its answer is used once. */
export function prefetch(path) {
  const answer = api(path);
  answer.catch(() => {}); // the view sees the failure when it takes the answer
  prefetched.set(path, { answer, at: Date.now() });
}

export async function api(path, { method = 'GET', body, auth = true } = {}) {
  const early = method === 'GET' ? prefetched.get(path) : undefined;
  if (early) {
    prefetched.delete(path);
    if (Date.now() - early.at < 10_000) return early.answer;
  }
  const headers = { Accept: 'application/json' };
  if (auth && session.token) headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status === 401 && auth) onUnauthorized();
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** `?a=1&b=2` from an object, leaving out empty values. */
export const query = (params) => {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  return q.toString() ? `?${q}` : '';
};

/** The largest page Herald's member and group lists hand out (MEMBERS_PAGE in src/accounts/accounts.dto.ts). */
const MAX_PAGE = 200;

/** Every item of a paged list (`{ items, total }`): the first page at the largest size, then the others at once. */
export async function everyItem(path) {
  const page = (offset) => api(`${path}${path.includes('?') ? '&' : '?'}limit=${MAX_PAGE}&offset=${offset}`);
  const first = await page(0);
  const offsets = [];
  for (let offset = MAX_PAGE; offset < first.total; offset += MAX_PAGE) offsets.push(offset);
  const rest = await Promise.all(offsets.map(page));
  return [first, ...rest].flatMap((p) => p.items);
}
