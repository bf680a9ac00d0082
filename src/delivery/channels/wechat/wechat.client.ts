import { WallClock } from '../../../common/clock';
import { ProviderTokenStore, StoredToken } from './token-store';

export interface WeChatClientOptions {
  appId: string;
  appSecret: string;
  /** https://api.weixin.qq.com, or a local fake in tests. */
  apiBaseUrl: string;
  timeoutMs?: number;
}

/** Fetch tokens this long before WeChat's expiry, so a send never carries a token that lapses on the way. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** WeChat answered (HTTP 200) with a non-zero errcode. */
export class WeChatApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeChat errcode ${errcode}: ${errmsg}`);
  }
}

/** No usable WeChat answer: network failure, timeout, non-200 status or an unreadable body. */
export class WeChatHttpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface WeChatBody {
  errcode?: number;
  errmsg?: string;
  [field: string]: unknown;
}

/**
 * One call to the WeChat API, its JSON body returned as is (WeChat reports errors in the body with HTTP 200).
 * Failures name only their cause: the URL carries the access token or the app secret.
 */
export async function callWeChat(url: URL, init: RequestInit, timeoutMs = 15_000): Promise<WeChatBody> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new WeChatHttpError(`WeChat request failed: ${cause?.code ?? cause?.message ?? (err as Error).name}`);
  }
  const text = await res.text();
  if (!res.ok) throw new WeChatHttpError(`WeChat answered HTTP ${res.status}`, res.status);
  try {
    return JSON.parse(text) as WeChatBody;
  } catch {
    throw new WeChatHttpError('WeChat answered with a body that is not JSON', res.status);
  }
}

/**
 * Official-account API calls with the access token cached in the shared token store. Tokens come from
 * `cgi-bin/stable_token`, which hands every caller the same token while it is valid, so Herald processes that
 * refresh at the same moment do not invalidate each other's token.
 */
export class WeChatClient {
  private cached: StoredToken | null = null;
  private inflight: Promise<string> | null = null;

  constructor(
    private readonly options: WeChatClientOptions,
    private readonly store: ProviderTokenStore,
    private readonly clock: WallClock,
  ) {}

  private get tokenKey(): string {
    return `wechat:${this.options.appId}`;
  }

  /** A valid access token; concurrent callers in this process share one fetch. */
  async accessToken(): Promise<string> {
    if (this.cached && this.cached.expiresAt.getTime() > this.clock.now().getTime()) return this.cached.token;
    this.inflight ??= this.loadToken().finally(() => (this.inflight = null));
    return this.inflight;
  }

  /** Forgets a token WeChat rejected (40001/42001/40014); the next accessToken() fetches or adopts a newer one. */
  async invalidate(token: string): Promise<void> {
    if (this.cached?.token === token) this.cached = null;
    await this.store.invalidate(this.tokenKey, token);
  }

  /** POSTs JSON to `path` with the given access token; WeChat reports errors in the body, so the body is returned as is. */
  async post(path: string, body: unknown, accessToken?: string): Promise<WeChatBody> {
    const url = new URL(path, this.options.apiBaseUrl);
    if (accessToken) url.searchParams.set('access_token', accessToken);
    const init = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
    return callWeChat(url, init, this.options.timeoutMs);
  }

  private async loadToken(): Promise<string> {
    const stored = await this.store.get(this.tokenKey);
    const token = stored ?? (await this.fetchToken());
    if (!stored) await this.store.put(this.tokenKey, token);
    this.cached = token;
    return token.token;
  }

  private async fetchToken(): Promise<StoredToken> {
    const { appId: appid, appSecret: secret } = this.options;
    const body = await this.post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid, secret });
    if (body.errcode) throw new WeChatApiError(body.errcode, body.errmsg ?? '');
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new WeChatHttpError('WeChat token answer has no access_token/expires_in');
    }
    const lifetimeMs = body.expires_in * 1000;
    const expiresAt = new Date(this.clock.now().getTime() + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2));
    return { token: body.access_token, expiresAt };
  }
}
