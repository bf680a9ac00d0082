import { AsyncLocalStorage } from 'node:async_hooks';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import { WallClock } from '../../../common/clock';
import type { ChannelSender, FoundMessage, OutgoingMessage, SendResult } from '../channel-sender';
import { errorText, wrongChannel } from '../channel-sender';
import { parseRetryAfter } from '../retry-after';

export interface SmsSenderOptions {
  accountSid: string;
  authToken: string;
  /** E.164 sender number. */
  from: string;
  /** Replaces https://api.twilio.com (tests point it at a local fake); null for Twilio itself. */
  baseUrl?: string | null;
  /** Where Twilio posts delivery status updates, signed with the auth token. */
  statusCallbackUrl?: string | null;
  timeoutMs?: number;
}

/**
 * Twilio error codes that no retry can fix: bad or unreachable numbers, opted-out recipients, disabled regions,
 * and the 3000x delivery failures reported through status callbacks. https://www.twilio.com/docs/api/errors
 */
const PERMANENT_CODES = new Set([21211, 21408, 21610, 21612, 21614, 30003, 30004, 30005, 30006, 30007, 30008]);
/** Our own credentials rejected (20003) is the operator's to fix, not the message's fault: keep it for after the fix. */
const CREDENTIAL_CODES = new Set([20003]);

export const isPermanentTwilioCode = (code: number | undefined): boolean => code !== undefined && PERMANENT_CODES.has(code);

interface TwilioError {
  status?: number;
  code?: number | string;
  moreInfo?: string;
}

/** Maps a RestException (HTTP status + Twilio code) or a network error to a send outcome. */
export function classifyTwilioError(err: unknown, retryAfterMs?: number): SendResult {
  const e = (err ?? {}) as TwilioError;
  const error = errorText(err);
  if (typeof e.status !== 'number') return { outcome: 'transient', error, code: e.code, inDoubt: true };
  const code = typeof e.code === 'number' ? e.code : undefined;
  const response = { httpStatus: e.status, code, message: error, moreInfo: e.moreInfo };
  const withCode = { error, code: code ?? e.status, response };
  if (e.status === 429 || e.status >= 500) {
    return { outcome: 'transient', ...withCode, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  if (isPermanentTwilioCode(code)) return { outcome: 'permanent', ...withCode };
  if (e.status === 401 || (code !== undefined && CREDENTIAL_CODES.has(code))) return { outcome: 'transient', ...withCode };
  return { outcome: e.status >= 400 ? 'permanent' : 'transient', ...withCode };
}

/** The SDK drops response headers when it throws, so each send keeps its own Retry-After here. */
const lastHeaders = new AsyncLocalStorage<{ retryAfter?: unknown }>();

class HeaderKeepingClient extends twilio.RequestClient {
  override async request<T>(opts: RequestClient.RequestOptions<T>) {
    const response = await super.request<T>(opts);
    const slot = lastHeaders.getStore();
    if (slot && response.statusCode >= 400) slot.retryAfter = response.headers?.['retry-after'];
    return response;
  }
}

export class SmsSender implements ChannelSender {
  readonly channel = 'sms' as const;
  private readonly client: twilio.Twilio;

  constructor(
    private readonly options: SmsSenderOptions,
    private readonly clock: WallClock,
  ) {
    this.client = twilio(options.accountSid, options.authToken, {
      httpClient: new HeaderKeepingClient({ timeout: options.timeoutMs ?? 30_000 }),
      // Only Herald's configuration picks the endpoint: the SDK would otherwise read TWILIO_REGION / TWILIO_EDGE from the environment.
      region: '',
      edge: '',
      autoRetry: false,
    });
    // The Api domain reads baseUrl on every request, so this sends Messages API calls to the configured host.
    if (options.baseUrl) this.client.api.baseUrl = options.baseUrl;
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const { content } = message;
    if (content.channel !== 'sms') return wrongChannel('sms', message);
    const slot: { retryAfter?: unknown } = {};
    try {
      const created = await lastHeaders.run(slot, () =>
        this.client.messages.create({
          to: message.to,
          from: this.options.from,
          body: content.body,
          ...(this.options.statusCallbackUrl && { statusCallback: this.options.statusCallbackUrl }),
        }),
      );
      return { outcome: 'sent', providerMessageId: created.sid, response: { sid: created.sid, status: created.status } };
    } catch (err) {
      return classifyTwilioError(err, parseRetryAfter(slot.retryAfter, this.clock.now()));
    }
  }

  /**
   * Twilio takes no idempotency key, so an interrupted send is looked up instead of repeated: the newest
   * messages from our number to the recipient (Twilio lists newest first) created since the attempt
   * began, with the same body. Throws when Twilio cannot answer, so the caller retries the question,
   * not the send.
   */
  async findSent(message: OutgoingMessage, since: Date): Promise<FoundMessage | null> {
    const { content } = message;
    if (content.channel !== 'sms') return null;
    // Twilio stamps date_created with its own clock, whole seconds.
    const from = since.getTime() - CLOCK_SKEW_MS;
    const recent = await this.client.messages.list({ to: message.to, from: this.options.from, pageSize: 50, limit: 200 });
    const match = recent.find((m) => m.body === content.body && m.dateCreated.getTime() >= from);
    return match
      ? { providerMessageId: match.sid, response: { sid: match.sid, status: match.status, foundAfterInterruption: true } }
      : null;
  }
}

const CLOCK_SKEW_MS = 60_000;
