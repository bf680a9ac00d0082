import type { ChannelSender, OutgoingMessage, SendResult } from '../channel-sender';
import { errorText, wrongChannel } from '../channel-sender';
import { templateData } from './template-fields';
import { WeChatApiError, WeChatBody, WeChatClient, WeChatHttpError } from './wechat.client';

export interface WeChatSenderOptions {
  /**
   * How long to defer after 45009 (daily API quota reached). The quota resets at midnight Beijing time or when an
   * operator clears it in the MP console, so re-checking hourly catches either without a burst at midnight.
   */
  quotaRetryAfterMs?: number;
}

export const DEFAULT_QUOTA_RETRY_AFTER_MS = 60 * 60_000;

/** Token rejected: invalid (40001), expired (42001) or malformed (40014). */
const STALE_TOKEN = new Set([40001, 42001, 40014]);
/** Bad openid (40003), not following (43004), refused messages (43101), bad template (40037), bad argument (47003). */
const PERMANENT = new Set([40003, 43004, 43101, 40037, 47003]);
const QUOTA_REACHED = 45009;
const SYSTEM_BUSY = -1;

/** The outcome of one template/send answer; `stale-token` asks the caller to refresh the token and try once more. */
export function classifyWeChatAnswer(body: WeChatBody, quotaRetryAfterMs: number): SendResult | 'stale-token' {
  const errcode = body.errcode ?? 0;
  const response = { errcode, errmsg: body.errmsg, ...(body.msgid !== undefined && { msgid: body.msgid }) };
  if (errcode === 0) return { outcome: 'sent', providerMessageId: body.msgid === undefined ? undefined : String(body.msgid), response };
  if (STALE_TOKEN.has(errcode)) return 'stale-token';
  const error = `WeChat errcode ${errcode}: ${body.errmsg ?? ''}`;
  if (errcode === QUOTA_REACHED) return { outcome: 'deferred', error, code: errcode, retryAfterMs: quotaRetryAfterMs, response };
  if (errcode === SYSTEM_BUSY) return { outcome: 'transient', error, code: errcode, response };
  // An errcode we do not know is not retried blindly either; the log says it was unrecognised.
  return { outcome: 'permanent', error: PERMANENT.has(errcode) ? error : `${error} (unrecognised errcode)`, code: errcode, response };
}

/**
 * A failure before the send itself (token fetch, network). Token errors such as a wrong secret (40125) or a
 * server IP missing from the allow-list (40164) are the operator's to fix, so the message waits for the fix.
 */
function failure(err: unknown, quotaRetryAfterMs: number): SendResult {
  if (err instanceof WeChatApiError) {
    const response = { errcode: err.errcode, errmsg: err.errmsg };
    if (err.errcode === QUOTA_REACHED) {
      return { outcome: 'deferred', error: err.message, code: err.errcode, retryAfterMs: quotaRetryAfterMs, response };
    }
    return { outcome: 'transient', error: err.message, code: err.errcode, response };
  }
  if (err instanceof WeChatHttpError) {
    return { outcome: 'transient', error: err.message, code: err.status, response: err.status && { httpStatus: err.status } };
  }
  return { outcome: 'transient', error: errorText(err) };
}

export class WeChatSender implements ChannelSender {
  readonly channel = 'wechat' as const;
  private readonly quotaRetryAfterMs: number;

  constructor(
    private readonly client: WeChatClient,
    options: WeChatSenderOptions = {},
  ) {
    this.quotaRetryAfterMs = options.quotaRetryAfterMs ?? DEFAULT_QUOTA_RETRY_AFTER_MS;
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const { content } = message;
    if (content.channel !== 'wechat') return wrongChannel('wechat', message);
    const payload = {
      touser: message.to,
      template_id: content.templateId,
      ...(content.url && { url: content.url }),
      // WeChat drops a repeated client_msg_id, so a retry after a lost answer does not deliver twice.
      client_msg_id: message.deliveryId,
      data: templateData(content.data),
    };
    try {
      for (let attempt = 1; ; attempt++) {
        const token = await this.client.accessToken();
        const answer = await this.client.post('/cgi-bin/message/template/send', payload, token);
        const result = classifyWeChatAnswer(answer, this.quotaRetryAfterMs);
        if (result !== 'stale-token') return result;
        await this.client.invalidate(token);
        if (attempt === 2) {
          const response = { errcode: answer.errcode, errmsg: answer.errmsg };
          return { outcome: 'transient', error: 'WeChat rejected a freshly fetched access token', code: answer.errcode, response };
        }
      }
    } catch (err) {
      return failure(err, this.quotaRetryAfterMs);
    }
  }
}
