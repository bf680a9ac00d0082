import pino from 'pino';
import { Writable } from 'node:stream';
import { loadConfig } from '../config/config';
import { loggerParams, REDACTED_PATHS, serializeError } from './logging';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, serializers: { err: serializeError } }, stream);
  return { logger, lines };
}

describe('log serialisation', () => {
  it('keeps a symbolic error code readable while a code field stays redacted', () => {
    const { logger, lines } = capture();
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ECONNREFUSED' });
    logger.error({ err }, 'smtp down');
    logger.info({ body: { code: '482913' } }, 'verification');
    const [failure, verification] = lines.map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
    expect(failure.err.errorCode).toBe('ECONNREFUSED');
    expect(failure.err.code).toBeUndefined();
    expect(verification.body.code).toBe('[redacted]');
    expect(lines.join('')).not.toContain('482913');
  });

  it('drops the transport internals of an HTTP client error', () => {
    const err = Object.assign(new Error('request failed'), { config: { headers: { Authorization: 'Basic abc' } }, status: 401 });
    const out = serializeError(err) as Record<string, unknown>;
    expect(out.config).toBeUndefined();
    expect(out.status).toBe(401);
  });
});

describe('log format', () => {
  const config = (env: string) => loadConfig({ MONGODB_URI: 'mongodb://127.0.0.1:1/herald', NODE_ENV: env, JWT_SECRET: 'x'.repeat(40) });

  it('is pretty on a terminal in development, JSON lines otherwise', () => {
    expect(Array.isArray(loggerParams(config('development'), true).pinoHttp)).toBe(true);
    expect(Array.isArray(loggerParams(config('development'), false).pinoHttp)).toBe(false);
    expect(Array.isArray(loggerParams(config('production'), true).pinoHttp)).toBe(false);
    expect(Array.isArray(loggerParams(config('test'), true).pinoHttp)).toBe(false);
  });
});
