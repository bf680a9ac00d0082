import { callWeChat, WeChatApiError, WeChatClientOptions, WeChatHttpError } from './wechat.client';

/** The code itself is no good: unknown (40029), already used (40163), expired (42003) or missing (41008). */
const REJECTED_CODE = new Set([40029, 40163, 42003, 41008]);

export const isRejectedOAuthCode = (err: unknown): boolean => err instanceof WeChatApiError && REJECTED_CODE.has(err.errcode);

export interface WeChatOAuthUser {
  openid: string;
  /** WeChat's snapshot-page mode hands out a virtual user, not the person who opened the page. */
  snapshotUser: boolean;
}

/**
 * Step 2 of the official account's web authorisation: the code WeChat appended to the redirect URL, exchanged at
 * `sns/oauth2/access_token` for the openid of the user who authorised. The user access token that comes with it is
 * not kept: Herald needs only the openid. Throws WeChatApiError (errcode answers) or WeChatHttpError.
 */
export class WeChatOAuthClient {
  constructor(private readonly options: Pick<WeChatClientOptions, 'appId' | 'appSecret' | 'apiBaseUrl' | 'timeoutMs'>) {}

  async exchange(code: string): Promise<WeChatOAuthUser> {
    const url = new URL('/sns/oauth2/access_token', this.options.apiBaseUrl);
    url.searchParams.set('appid', this.options.appId);
    url.searchParams.set('secret', this.options.appSecret);
    url.searchParams.set('code', code);
    url.searchParams.set('grant_type', 'authorization_code');
    const body = await callWeChat(url, { method: 'GET' }, this.options.timeoutMs);
    if (body.errcode) throw new WeChatApiError(body.errcode, body.errmsg ?? '');
    if (typeof body.openid !== 'string' || !/^[A-Za-z0-9_-]{6,64}$/.test(body.openid)) {
      throw new WeChatHttpError('WeChat answered the code exchange without a usable openid');
    }
    return { openid: body.openid, snapshotUser: body.is_snapshotuser === 1 };
  }
}
