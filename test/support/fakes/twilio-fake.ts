import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { close, listen, readBody, sendJson } from './http';

export interface TwilioFakeMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
  createdAt: Date;
}

export interface TwilioFakeRequest {
  method: string;
  path: string;
  contentType?: string;
  authorized: boolean;
  form: Record<string, string>;
}

type Failure = { status: 429; retryAfterSeconds?: number } | { status: number; code: number; message: string };

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\.json$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/** Twilio's error JSON: code, message, more_info, status. */
const twilioError = (status: number, code: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');

/** Consumes the first scripted fault that applies to a message with this body. */
function takeFault(faults: (string | undefined)[], body: string | undefined): boolean {
  const i = faults.findIndex((text) => text === undefined || (body ?? '').includes(text));
  if (i >= 0) faults.splice(i, 1);
  return i >= 0;
}

function messageJson(m: TwilioFakeMessage) {
  const created = rfc2822(m.createdAt);
  const uri = `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`;
  return {
    account_sid: m.accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: created,
    date_sent: null,
    date_updated: created,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: m.from,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: 'queued',
    subresource_uris: { media: uri.replace('.json', '/Media.json') },
    to: m.to,
    uri,
  };
}

/**
 * A local stand-in for Twilio's Messages API (2010-04-01 wire format): form-encoded POSTs, the message list, HTTP Basic auth with
 * AccountSid:AuthToken, Twilio's error JSON, and scriptable failures. Records everything and dedupes nothing.
 */
export class TwilioFake {
  readonly messages: TwilioFakeMessage[] = [];
  readonly requests: TwilioFakeRequest[] = [];
  private failures: Failure[] = [];
  /** Scripted connection faults, each for the next message whose body contains its text (any message without). */
  private lostAnswers: (string | undefined)[] = [];
  private cuts: (string | undefined)[] = [];
  private port = 0;
  private readonly server: Server;

  private constructor(
    readonly accountSid: string,
    readonly authToken: string,
  ) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => sendJson(res, 500, twilioError(500, 20500, err.message)));
    });
  }

  static async start(accountSid: string, authToken: string): Promise<TwilioFake> {
    const fake = new TwilioFake(accountSid, authToken);
    fake.port = await listen(fake.server);
    return fake;
  }

  /** What to give the SDK as its base URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next `count` authorized requests answer 429 Too Many Requests. */
  rateLimitNext(count: number, retryAfterSeconds?: number): void {
    for (let i = 0; i < count; i++) this.failures.push({ status: 429, retryAfterSeconds });
  }

  /** The next `count` messages (whose body contains `bodyIncludes`) are accepted but their answer is lost: the connection closes instead. */
  loseAnswers(count: number, bodyIncludes?: string): void {
    for (let i = 0; i < count; i++) this.lostAnswers.push(bodyIncludes);
  }

  /** The next `count` authorized requests answer with this Twilio error, e.g. 400 / 21211. */
  failNext(count: number, status: number, code: number, message: string): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, code, message });
  }

  stop(): Promise<void> {
    return close(this.server);
  }

  /** The next `count` message requests (whose body contains `bodyIncludes`) are cut off before Twilio takes them: nothing is sent. */
  cutNext(count: number, bodyIncludes?: string): void {
    for (let i = 0; i < count; i++) this.cuts.push(bodyIncludes);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const form = Object.fromEntries(new URLSearchParams(raw));
    const match = MESSAGES_PATH.exec(path);
    const authorized = this.authorized(req.headers.authorization, match?.[1]);
    this.requests.push({ method: req.method ?? '', path, contentType: req.headers['content-type'], authorized, form });

    if (!match || (req.method !== 'POST' && req.method !== 'GET'))
      return sendJson(res, 404, twilioError(404, 20404, `The requested resource ${path} was not found`));
    if (!authorized) {
      return sendJson(
        res,
        401,
        { ...twilioError(401, 20003, 'Authenticate'), detail: 'Your AccountSid or AuthToken was incorrect.' },
        {
          'WWW-Authenticate': 'Basic realm="Twilio API"',
        },
      );
    }
    if (req.method === 'GET') return this.list(req, res, match[1]);
    if (takeFault(this.cuts, form.Body)) {
      req.socket.destroy();
      return;
    }
    const failure = this.failures.shift();
    if (failure?.status === 429) {
      const retryAfter = 'retryAfterSeconds' in failure && failure.retryAfterSeconds !== undefined;
      return sendJson(
        res,
        429,
        twilioError(429, 20429, 'Too Many Requests'),
        retryAfter ? { 'Retry-After': String(failure.retryAfterSeconds) } : {},
      );
    }
    if (failure && 'code' in failure) return sendJson(res, failure.status, twilioError(failure.status, failure.code, failure.message));
    if (!/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
      return sendJson(res, 400, twilioError(400, 20001, 'Expected application/x-www-form-urlencoded'));
    }
    const { To: to, From: from, Body: body, StatusCallback: statusCallback } = form;
    if (!to) return sendJson(res, 400, twilioError(400, 21604, "A 'To' phone number is required."));
    if (!from) return sendJson(res, 400, twilioError(400, 21603, "A 'From' phone number is required."));
    if (!body) return sendJson(res, 400, twilioError(400, 21602, 'Message body is required.'));
    if (!E164.test(to)) return sendJson(res, 400, twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`));

    const message: TwilioFakeMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      accountSid: match[1],
      to,
      from,
      body,
      ...(statusCallback && { statusCallback }),
      createdAt: new Date(),
    };
    this.messages.push(message);
    // A peer that received the message but whose answer never arrived (a crash or a cut connection on the way back).
    if (takeFault(this.lostAnswers, body)) {
      req.socket.destroy();
      return;
    }
    sendJson(res, 201, messageJson(message));
  }

  /** GET Messages.json: To / From filters, newest first, one page of PageSize (Twilio's list format). */
  private list(req: IncomingMessage, res: ServerResponse, accountSid: string): void {
    const query = new URL(req.url ?? '/', 'http://fake').searchParams;
    const pageSize = Math.min(Number(query.get('PageSize') ?? 50) || 50, 1000);
    const matching = this.messages
      .filter(
        (m) =>
          m.accountSid === accountSid &&
          (!query.has('To') || m.to === query.get('To')) &&
          (!query.has('From') || m.from === query.get('From')),
      )
      .reverse()
      .slice(0, pageSize);
    const uri = `/2010-04-01/Accounts/${accountSid}/Messages.json?PageSize=${pageSize}&Page=0`;
    sendJson(res, 200, {
      messages: matching.map(messageJson),
      end: matching.length - 1,
      first_page_uri: uri,
      next_page_uri: null,
      page: 0,
      page_size: pageSize,
      previous_page_uri: null,
      start: 0,
      uri,
    });
  }

  private authorized(header: string | undefined, pathSid: string | undefined): boolean {
    const [scheme, encoded] = (header ?? '').split(' ');
    if (scheme !== 'Basic' || !encoded) return false;
    const [sid, token] = Buffer.from(encoded, 'base64').toString('utf8').split(':');
    return sid === this.accountSid && token === this.authToken && (pathSid === undefined || pathSid === sid);
  }
}
