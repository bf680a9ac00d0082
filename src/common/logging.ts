import type { Params } from 'nestjs-pino';
import { stdSerializers } from 'pino';
import pretty from 'pino-pretty';
import { DEV_API_KEY, type Config } from '../config/config';

/** Paths pino replaces with "[redacted]": credentials in headers and any secret-looking field anywhere in a log object. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.apiKey',
  '*.authToken',
  '*.appSecret',
  '*.accessToken',
  '*.access_token',
  '*.code',
];

const CENSOR = '[redacted]';

/**
 * Fields of HTTP-client errors (axios under the twilio SDK, fetch, got) that carry the request as sent:
 * Authorization headers, query strings with recipients, form bodies with verification codes.
 */
const TRANSPORT_FIELDS = new Set(['config', 'request', 'response', 'headers', 'options', 'agent', 'socket', 'auth']);

/** An error as pino's standard serializer shows it (pino-http may have applied it already), minus the transport internals. */
export function serializeError(err: unknown): unknown {
  return withoutTransport(err instanceof Error ? stdSerializers.err(err) : err, 0);
}

function withoutTransport(value: unknown, depth: number): unknown {
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => withoutTransport(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as object | null;
  const plain = proto === null || proto === Object.prototype || value instanceof Error || 'stack' in value;
  if (!plain) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !TRANSPORT_FIELDS.has(key))
      .map(([key, v]) => (key === 'code' && isErrorCode(v) ? ['errorCode', v] : [key, withoutTransport(v, depth + 1)])),
  );
}

/**
 * `*.code` is redacted because a verification code may sit in such a field; a symbolic error code
 * (ECONNREFUSED, EAUTH, ERR_SOCKET_TIMEOUT) is no secret and tells the operator what failed, so errors
 * carry it as `errorCode`.
 */
function isErrorCode(v: unknown): v is string {
  return typeof v === 'string' && /^E[A-Z0-9_]{2,}$/.test(v);
}

/**
 * The last look at every line before it is written, for what key-based redaction cannot know about:
 * the configured credentials wherever they turn up (a provider echoing them, a library's error text),
 * HTTP auth schemes, member tokens, Herald API keys, and phone numbers, which keep only their ends.
 */
export function lineScrubber(config: Config): (line: string) => string {
  const secrets = configuredSecrets(config)
    .filter((s) => s.length >= 8)
    .flatMap((s) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]);
  const literals = [...new Set(secrets)].sort((a, b) => b.length - a.length);
  return (line) => {
    let out = line;
    for (const secret of literals) if (out.includes(secret)) out = out.split(secret).join(CENSOR);
    return out
      .replace(/\b(Basic|Bearer)(\s+|%20|\+)[A-Za-z0-9._~+/=-]{16,}/gi, `$1$2${CENSOR}`)
      .replace(/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, CENSOR)
      .replace(/\bhk_[A-Za-z0-9_-]{20,}/g, CENSOR)
      .replace(
        /(?<![A-Za-z0-9/+])(\+|%2[Bb])([1-9][0-9]{6,14})(?![0-9])/g,
        (_, plus: string, digits: string) => `${plus}${maskDigits(digits)}`,
      );
  };
}

/** `8613912345678` → `86*******5678`, like the masked contacts the API shows. */
const maskDigits = (digits: string) => `${digits.slice(0, 2)}${'*'.repeat(digits.length - 6)}${digits.slice(-4)}`;

function configuredSecrets(config: Config): string[] {
  const secrets = [config.jwt.secret];
  // The development key is public (README); naming it in the start-up warning is the point of the warning.
  if (config.bootstrapApiKey && config.bootstrapApiKey !== DEV_API_KEY) secrets.push(config.bootstrapApiKey);
  if (config.sms) {
    secrets.push(config.sms.authToken, Buffer.from(`${config.sms.accountSid}:${config.sms.authToken}`).toString('base64'));
  }
  if (config.wechat) secrets.push(config.wechat.appSecret);
  if (config.metricsToken) secrets.push(config.metricsToken);
  if (config.email.smtpUrl) {
    const password = new URL(config.email.smtpUrl).password;
    if (password) secrets.push(password, decodeURIComponent(password));
  }
  return secrets;
}

/**
 * Logs are JSON lines, except in development on a terminal, where pino-pretty turns them into coloured,
 * readable lines (after the scrubber, so what a developer sees is redacted too).
 */
export function loggerParams(config: Config, terminal = process.stdout.isTTY === true): Params {
  const options = loggerOptions(config);
  if (config.env !== 'development' || !terminal) return { pinoHttp: options };
  return { pinoHttp: [options, pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })] };
}

function loggerOptions(config: Config) {
  return {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    hooks: { streamWrite: lineScrubber(config) },
    // Console assets are immutable files fetched by every page load: logging them adds noise, not information.
    autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' || req.url?.startsWith('/console/assets/') === true },
    // Query strings may carry tokens; log the path only.
    serializers: {
      req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown> }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
        headers: req.headers,
      }),
      err: serializeError,
    },
  } satisfies NonNullable<Exclude<Params['pinoHttp'], unknown[]>>;
}
