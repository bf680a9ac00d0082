import path from 'node:path';
import { IANAZone } from 'luxon';
import { z } from 'zod';

/**
 * Every environment variable Herald reads, validated once at start-up into a typed object.
 * The README's configuration table mirrors this file.
 */
const bool = z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be an integer' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
const url = (protocols: RegExp, what: string) =>
  z.string().refine((v) => {
    try {
      return protocols.test(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a ${what} URL`);
const zone = z.string().refine((v) => IANAZone.isValidZone(v), 'must be an IANA time zone such as Asia/Shanghai');
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** A duration such as 30s, 15m, 12h or 7d, in milliseconds. */
export const duration = z
  .string()
  .regex(/^\d+[smhd]$/, 'must be a duration such as 30m, 12h or 7d')
  .transform((v) => Number(v.slice(0, -1)) * UNIT_MS[v.slice(-1) as keyof typeof UNIT_MS]);

export const DEV_JWT_SECRET = 'herald-development-secret-do-not-use-in-production';
export const DEV_API_KEY = 'herald-dev-key';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).optional(),
  PORT: int(1, 65535).default(3000),
  MONGODB_URI: url(/^mongodb(\+srv)?:$/, 'mongodb://'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must be a size such as 512kb or 1mb')
    .default('1mb'),
  EVENTS_RATE_LIMIT: int(1, 1_000_000).default(1_200),
  EVENTS_RATE_WINDOW_MS: int(1_000, 3_600_000).default(60_000),
  MEMBER_RATE_LIMIT: int(1, 1_000_000).default(600),
  MEMBER_RATE_WINDOW_MS: int(1_000, 3_600_000).default(60_000),
  METRICS_TOKEN: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  DOCS_PUBLIC: bool.optional(),
  EVENTS_MAX_FUTURE_SKEW: duration.prefault('1h'),
  JWT_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  JWT_TTL: duration.prefault('12h'),
  JWT_MAX_TTL: duration.prefault('24h'),
  AUTH_FAILURE_LIMIT: int(1, 100_000).default(30),
  AUTH_FAILURE_WINDOW_MS: int(1_000, 3_600_000).default(60_000),
  BOOTSTRAP_API_KEY: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  DEFAULT_TIME_ZONE: zone.default('Asia/Shanghai'),
  TEST_CLOCK_ENABLED: bool.default(false),
  DEMO_SEED: z.enum(['auto', 'reset', 'off'], { error: 'must be auto, reset or off' }).default('auto'),
  POLICIES_DIR: z.string().min(1).default('policies'),
  TEMPLATES_DIR: z.string().min(1).default('templates'),
  SCHEDULER_ENABLED: bool.default(true),
  SCHEDULER_INTERVAL_MS: int(100, 3_600_000).default(10_000),
  SCHEDULER_BATCH_SIZE: int(1, 10_000).default(500),
  LEASE_MS: int(1_000, 3_600_000).default(60_000),
  PUBLIC_URL: url(/^https?:$/, 'http(s)://').optional(),
  DELIVERY_ENABLED: bool.default(true),
  DELIVERY_INTERVAL_MS: int(50, 600_000).default(1_000),
  DELIVERY_BATCH_SIZE: int(1, 5_000).default(200),
  DELIVERY_CONCURRENCY: int(1, 256).default(16),
  DELIVERY_MAX_ATTEMPTS: int(1, 50).default(6),
  DELIVERY_BACKOFF_BASE_MS: int(10, 3_600_000).default(30_000),
  DIGEST_WINDOW_MS: int(0, 86_400_000).default(120_000),
  RATE_LIMIT_EMAIL_PER_SEC: int(1, 100_000).default(50),
  RATE_LIMIT_SMS_PER_SEC: int(1, 100_000).default(10),
  RATE_LIMIT_WECHAT_PER_SEC: int(1, 100_000).default(20),
  SMTP_POOL_SIZE: int(1, 100).default(5),
  SMTP_URL: url(/^smtps?:$/, 'smtp:// or smtps://').optional(),
  EMAIL_FROM: z.string().min(3).default('Herald <herald@localhost>'),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  TWILIO_FROM: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +15005550006')
    .optional(),
  TWILIO_BASE_URL: url(/^https?:$/, 'http(s)://').optional(),
  WECHAT_APP_ID: z.string().min(1).optional(),
  WECHAT_APP_SECRET: z.string().min(1).optional(),
  WECHAT_API_BASE_URL: url(/^https?:$/, 'http(s)://').default('https://api.weixin.qq.com'),
  WECHAT_QUOTA_RETRY_MS: int(1_000, 86_400_000).default(3_600_000),
  RETENTION_ENABLED: bool.default(true),
  RETENTION_INTERVAL_MS: int(1_000, 86_400_000).default(3_600_000),
  RETENTION_BATCH_SIZE: int(1, 10_000).default(1_000),
  INBOX_RETENTION_DAYS: int(1, 36_500).default(365),
  DELIVERY_RETENTION_DAYS: int(1, 36_500).default(180),
  EVENT_RETENTION_DAYS: int(1, 36_500).default(90),
});

/** Every variable Herald reads (the README's table and docker-compose.yml are checked against it). */
export const ENV_VARIABLES = Object.keys(schema.shape);

/** Rules across variables, checked on the raw values so they are reported together with per-variable problems. */
function crossFieldProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET) problems.push('JWT_SECRET: is required when NODE_ENV=production');
  if (env.NODE_ENV === 'production' && env.JWT_SECRET === DEV_JWT_SECRET)
    problems.push('JWT_SECRET: is the published development secret; set a random one of at least 32 characters');
  if (env.NODE_ENV === 'production' && env.BOOTSTRAP_API_KEY === DEV_API_KEY)
    problems.push('BOOTSTRAP_API_KEY: is the published development key; set a random one');
  const ttl = duration.safeParse(env.JWT_TTL ?? '12h');
  const maxTtl = duration.safeParse(env.JWT_MAX_TTL ?? '24h');
  if (ttl.success && maxTtl.success && ttl.data > maxTtl.data) problems.push('JWT_TTL: must not exceed JWT_MAX_TTL');
  for (const group of [
    ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'],
    ['WECHAT_APP_ID', 'WECHAT_APP_SECRET'],
  ]) {
    if (group.some((k) => env[k]) && !group.every((k) => env[k])) {
      for (const k of group.filter((k) => !env[k])) problems.push(`${k}: is required when any of ${group.join(', ')} is set`);
    }
  }
  return problems;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  mongodbUri: string;
  logLevel: string;
  bodyLimit: string;
  /** `POST /v1/events` requests per API key (per IP without one) in each window, counted per process. */
  eventsRateLimit: { limit: number; windowMs: number };
  /** Requests per member (account and member id) in each window, across every route, counted per process. */
  memberRateLimit: { limit: number; windowMs: number };
  /** When set, `/metrics` answers only `Authorization: Bearer <metricsToken>`. */
  metricsToken: string | null;
  /** Whether `/docs` and `/docs/openapi.json` are served (by default everywhere but production). */
  docsPublic: boolean;
  /** How far ahead of Herald's clock an event's `occurredAt` may be (ms); beyond it the event is rejected. */
  eventsMaxFutureSkewMs: number;
  /** Member tokens: `ttl` (ms) for the tokens Herald mints; a token must carry `exp` at most `maxTtlMs` ahead. */
  jwt: { secret: string; ttlMs: number; maxTtlMs: number; isDevelopmentSecret: boolean };
  /** Refused credentials per client address in each window before that address gets 429s (counted per process). */
  authFailures: { limit: number; windowMs: number };
  /** A service key registered (hashed) at start-up; the development key when none is given outside production. */
  bootstrapApiKey: string | null;
  defaultTimeZone: string;
  testClockEnabled: boolean;
  /** Development only: seed the demo account when missing (`auto`), wipe and re-seed it (`reset`), or not (`off`). */
  demoSeed: 'auto' | 'reset' | 'off';
  /** Directories of product policies and message templates, relative to the working directory unless absolute. */
  policiesDir: string;
  templatesDir: string;
  scheduler: { enabled: boolean; intervalMs: number; batchSize: number };
  /** Where people reach Herald (links in messages, Twilio status callbacks). */
  publicUrl: string;
  delivery: {
    enabled: boolean;
    intervalMs: number;
    batchSize: number;
    concurrency: number;
    maxAttempts: number;
    backoffBaseMs: number;
    digestWindowMs: number;
    ratePerSec: { inbox: number; email: number; sms: number; wechat: number };
    smtpPoolSize: number;
  };
  /** How long a claimed resource or delivery stays with the worker that claimed it (wall-clock time). */
  leaseMs: number;
  email: { smtpUrl: string | null; from: string };
  sms: { accountSid: string; authToken: string; from: string; baseUrl: string | null } | null;
  wechat: { appId: string; appSecret: string; apiBaseUrl: string; quotaRetryMs: number } | null;
  /** The retention sweep: ages in days of domain time, deletes in batches of `batchSize`. */
  retention: { enabled: boolean; intervalMs: number; batchSize: number; inboxDays: number; deliveryDays: number; eventDays: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads the configuration from an environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  // An empty variable means "not set", as in most shells' `VAR=` idiom.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '(environment)');
        const message = issue.code === 'invalid_type' && present[name] === undefined ? 'is required' : issue.message;
        const secret = /SECRET|TOKEN|KEY|PASSWORD|URI|URL/.test(name);
        const got = present[name] !== undefined && !secret ? ` (got "${present[name]}")` : '';
        return `${name}: ${message}${got}`;
      });
  problems.push(...crossFieldProblems(present));
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  return {
    env: e.NODE_ENV,
    // Outside production Herald serves this machine only, so the development key and secret never reach a network.
    host: e.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    port: e.PORT,
    mongodbUri: e.MONGODB_URI,
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    eventsRateLimit: { limit: e.EVENTS_RATE_LIMIT, windowMs: e.EVENTS_RATE_WINDOW_MS },
    memberRateLimit: { limit: e.MEMBER_RATE_LIMIT, windowMs: e.MEMBER_RATE_WINDOW_MS },
    metricsToken: e.METRICS_TOKEN ?? null,
    docsPublic: e.DOCS_PUBLIC ?? !production,
    eventsMaxFutureSkewMs: e.EVENTS_MAX_FUTURE_SKEW,
    jwt: { secret: e.JWT_SECRET ?? DEV_JWT_SECRET, ttlMs: e.JWT_TTL, maxTtlMs: e.JWT_MAX_TTL, isDevelopmentSecret: !e.JWT_SECRET },
    authFailures: { limit: e.AUTH_FAILURE_LIMIT, windowMs: e.AUTH_FAILURE_WINDOW_MS },
    bootstrapApiKey: e.BOOTSTRAP_API_KEY ?? (production ? null : DEV_API_KEY),
    defaultTimeZone: e.DEFAULT_TIME_ZONE,
    testClockEnabled: e.TEST_CLOCK_ENABLED,
    demoSeed: e.DEMO_SEED,
    policiesDir: path.resolve(e.POLICIES_DIR),
    templatesDir: path.resolve(e.TEMPLATES_DIR),
    scheduler: { enabled: e.SCHEDULER_ENABLED, intervalMs: e.SCHEDULER_INTERVAL_MS, batchSize: e.SCHEDULER_BATCH_SIZE },
    leaseMs: e.LEASE_MS,
    publicUrl: (e.PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/$/, ''),
    delivery: {
      enabled: e.DELIVERY_ENABLED,
      intervalMs: e.DELIVERY_INTERVAL_MS,
      batchSize: e.DELIVERY_BATCH_SIZE,
      concurrency: e.DELIVERY_CONCURRENCY,
      maxAttempts: e.DELIVERY_MAX_ATTEMPTS,
      backoffBaseMs: e.DELIVERY_BACKOFF_BASE_MS,
      digestWindowMs: e.DIGEST_WINDOW_MS,
      ratePerSec: {
        inbox: Number.POSITIVE_INFINITY,
        email: e.RATE_LIMIT_EMAIL_PER_SEC,
        sms: e.RATE_LIMIT_SMS_PER_SEC,
        wechat: e.RATE_LIMIT_WECHAT_PER_SEC,
      },
      smtpPoolSize: e.SMTP_POOL_SIZE,
    },
    email: { smtpUrl: e.SMTP_URL ?? null, from: e.EMAIL_FROM },
    sms:
      e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_FROM
        ? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN, from: e.TWILIO_FROM, baseUrl: e.TWILIO_BASE_URL ?? null }
        : null,
    wechat:
      e.WECHAT_APP_ID && e.WECHAT_APP_SECRET
        ? {
            appId: e.WECHAT_APP_ID,
            appSecret: e.WECHAT_APP_SECRET,
            apiBaseUrl: e.WECHAT_API_BASE_URL,
            quotaRetryMs: e.WECHAT_QUOTA_RETRY_MS,
          }
        : null,
    retention: {
      enabled: e.RETENTION_ENABLED,
      intervalMs: e.RETENTION_INTERVAL_MS,
      batchSize: e.RETENTION_BATCH_SIZE,
      inboxDays: e.INBOX_RETENTION_DAYS,
      deliveryDays: e.DELIVERY_RETENTION_DAYS,
      eventDays: e.EVENT_RETENTION_DAYS,
    },
  };
}

export const CONFIG = Symbol('CONFIG');
