import type { Params } from 'nestjs-pino';
import type { Config } from '../config/config';

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

export function loggerParams(config: Config): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
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
      },
    },
  };
}
