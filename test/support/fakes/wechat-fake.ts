import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { close, listen, readBody, sendJson } from './http';

export interface WeChatFakeMessage {
  msgid: number;
  touser: string;
  template_id: string;
  url?: string;
  client_msg_id?: string;
  data: Record<string, { value: string }>;
  accessToken: string;
}

const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40003: 'invalid openid',
  40029: 'invalid code',
  40037: 'invalid template_id',
  40163: 'code been used',
  41008: 'missing code',
  42003: 'code expired',
  43004: 'require subscribe',
  43101: 'user refuse to accept the msg',
  45009: 'reach max api daily quota limit',
  47003: 'argument invalid!',
};
const rid = () => `rid: ${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
const wxError = (errcode: number, errmsg = ERRMSG[errcode] ?? 'error') => ({ errcode, errmsg: `${errmsg} ${rid()}` });

/** WeChat's web-authorisation codes expire after five minutes unused. */
const OAUTH_CODE_TTL_MS = 5 * 60_000;

interface OAuthCode {
  openid: string;
  issuedAt: number;
  used: boolean;
  snapshotUser: boolean;
}

/**
 * A local stand-in for the official-account API: `cgi-bin/stable_token`, `cgi-bin/token`,
 * `cgi-bin/message/template/send` and the web authorisation's `sns/oauth2/access_token`. Like WeChat it answers
 * HTTP 200 with `errcode` in the body, rejects unknown or revoked tokens with 40001, checks `thing` lengths (47003),
 * drops a repeated `client_msg_id`, and takes each authorisation code once (40029 unknown, 40163 used, 42003 expired).
 */
export class WeChatFake {
  readonly delivered: WeChatFakeMessage[] = [];
  /** client_msg_ids sent again after they were delivered; WeChat did not deliver them twice. */
  readonly duplicates: string[] = [];
  tokenFetches = 0;
  sendRequests = 0;
  readonly issuedTokens: string[] = [];
  private current: string | null = null;
  private readonly valid = new Set<string>();
  private readonly byClientMsgId = new Map<string, number>();
  private script: number[] = [];
  private oauthScript: number[] = [];
  private readonly oauthCodes = new Map<string, OAuthCode>();
  /** Every `sns/oauth2/access_token` request, answered or refused. */
  oauthExchanges = 0;
  private nextMsgId = 3_100_000_001;
  private port = 0;
  private readonly server: Server;

  private constructor(
    readonly appId: string,
    readonly appSecret: string,
    private readonly expiresIn: number,
  ) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => sendJson(res, 500, { errcode: -1, errmsg: 'system error' }));
    });
  }

  static async start(appId: string, appSecret: string, options: { expiresIn?: number } = {}): Promise<WeChatFake> {
    const fake = new WeChatFake(appId, appSecret, options.expiresIn ?? 7200);
    fake.port = await listen(fake.server);
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next template sends answer these errcodes in turn; 40001 also revokes the token, as when it was replaced elsewhere. */
  failNextSends(...errcodes: number[]): void {
    this.script.push(...errcodes);
  }

  /**
   * The code WeChat would append to the redirect URL after `openid` authorised the official account's page;
   * `snapshotUser` plays the snapshot-page mode, where WeChat hands out a virtual user (`is_snapshotuser: 1`).
   */
  issueOAuthCode(openid: string, options: { snapshotUser?: boolean } = {}): string {
    const code = randomBytes(16).toString('hex');
    this.oauthCodes.set(code, { openid, issuedAt: Date.now(), used: false, snapshotUser: options.snapshotUser === true });
    return code;
  }

  /** The next code exchanges answer these errcodes in turn (e.g. -1 system error, 40125 when WeChat has a new secret). */
  failNextOAuth(...errcodes: number[]): void {
    this.oauthScript.push(...errcodes);
  }

  /** Every issued token stops working (WeChat's 2-hour expiry, or a force_refresh by someone else). */
  revokeTokens(): void {
    this.valid.clear();
    this.current = null;
  }

  stop(): Promise<void> {
    return close(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    if (url.pathname === '/cgi-bin/stable_token' && req.method === 'POST') {
      const body = JSON.parse(raw || '{}') as { grant_type?: string; appid?: string; secret?: string; force_refresh?: boolean };
      return this.token(res, body.grant_type, body.appid, body.secret, body.force_refresh === true);
    }
    if (url.pathname === '/cgi-bin/token' && req.method === 'GET') {
      const q = url.searchParams;
      // The classic endpoint replaces the token on every call.
      return this.token(res, q.get('grant_type') ?? undefined, q.get('appid') ?? undefined, q.get('secret') ?? undefined, true);
    }
    if (url.pathname === '/sns/oauth2/access_token' && req.method === 'GET') return this.oauth(res, url.searchParams);
    if (url.pathname === '/cgi-bin/message/template/send' && req.method === 'POST') {
      return this.send(res, url.searchParams.get('access_token'), raw);
    }
    sendJson(res, 404, { errcode: 404, errmsg: 'not found' });
  }

  private token(res: ServerResponse, grantType?: string, appid?: string, secret?: string, refresh = false): void {
    this.tokenFetches++;
    if (grantType !== 'client_credential') return sendJson(res, 200, wxError(40002, 'invalid grant_type'));
    if (appid !== this.appId) return sendJson(res, 200, wxError(40013, 'invalid appid'));
    if (secret !== this.appSecret) return sendJson(res, 200, wxError(40125, 'invalid appsecret'));
    if (refresh || !this.current) {
      this.revokeTokens();
      this.current = `FAKE_TOKEN_${randomBytes(24).toString('hex')}`;
      this.valid.add(this.current);
      this.issuedTokens.push(this.current);
    }
    sendJson(res, 200, { access_token: this.current, expires_in: this.expiresIn });
  }

  /** Web authorisation step 2: code → user access token and openid (a code is good for one exchange). */
  private oauth(res: ServerResponse, q: URLSearchParams): void {
    this.oauthExchanges++;
    const appid = q.get('appid');
    const secret = q.get('secret');
    const code = q.get('code');
    if (!appid) return sendJson(res, 200, wxError(41002, 'appid missing'));
    if (appid !== this.appId) return sendJson(res, 200, wxError(40013, 'invalid appid'));
    if (!secret) return sendJson(res, 200, wxError(41004, 'appsecret missing'));
    if (secret !== this.appSecret) return sendJson(res, 200, wxError(40125, 'invalid appsecret'));
    if (!code) return sendJson(res, 200, wxError(41008));
    if (q.get('grant_type') !== 'authorization_code') return sendJson(res, 200, wxError(40002, 'invalid grant_type'));
    const scripted = this.oauthScript.shift();
    if (scripted !== undefined) return sendJson(res, 200, wxError(scripted));
    const issued = this.oauthCodes.get(code);
    if (!issued) return sendJson(res, 200, wxError(40029));
    if (issued.used) return sendJson(res, 200, wxError(40163));
    if (Date.now() - issued.issuedAt > OAUTH_CODE_TTL_MS) return sendJson(res, 200, wxError(42003));
    issued.used = true;
    sendJson(res, 200, {
      access_token: `FAKE_WEB_TOKEN_${randomBytes(24).toString('hex')}`,
      expires_in: 7200,
      refresh_token: `FAKE_REFRESH_${randomBytes(24).toString('hex')}`,
      openid: issued.openid,
      scope: 'snsapi_base',
      ...(issued.snapshotUser && { is_snapshotuser: 1 }),
    });
  }

  private send(res: ServerResponse, token: string | null, raw: string): void {
    this.sendRequests++;
    if (!token) return sendJson(res, 200, wxError(41001, 'access_token missing'));
    if (!this.valid.has(token)) return sendJson(res, 200, wxError(40001));
    const scripted = this.script.shift();
    if (scripted !== undefined) {
      if (scripted === 40001) this.revokeTokens();
      return sendJson(res, 200, wxError(scripted));
    }
    let body: Omit<WeChatFakeMessage, 'msgid' | 'accessToken'>;
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return sendJson(res, 200, wxError(47001, 'data format error'));
    }
    if (!body.touser || !body.template_id || typeof body.data !== 'object') return sendJson(res, 200, wxError(47001, 'data format error'));
    for (const [key, field] of Object.entries(body.data)) {
      if (/^thing\d*$/.test(key) && [...(field?.value ?? '')].length > 20)
        return sendJson(res, 200, wxError(47003, `argument invalid! data.${key}.value invalid`));
    }
    const repeated = body.client_msg_id === undefined ? undefined : this.byClientMsgId.get(body.client_msg_id);
    if (repeated !== undefined) {
      this.duplicates.push(body.client_msg_id!);
      return sendJson(res, 200, { errcode: 0, errmsg: 'ok', msgid: repeated });
    }
    const msgid = this.nextMsgId++;
    if (body.client_msg_id !== undefined) this.byClientMsgId.set(body.client_msg_id, msgid);
    this.delivered.push({ ...body, msgid, accessToken: token });
    sendJson(res, 200, { errcode: 0, errmsg: 'ok', msgid });
  }
}
