import { DynamicModule, ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Response } from 'express';
import type { Config } from '../config/config';
import type { Principal } from './auth/principal';

/** The request limit of `POST /v1/events` (EVENTS_RATE_LIMIT per EVENTS_RATE_WINDOW_MS). */
export const EVENTS_THROTTLER = 'events';

/**
 * Counts in this process's memory, so each Herald instance allows the limit on its own. No guard is
 * global: a route opts in with `@UseGuards(ApiKeyThrottlerGuard)`.
 */
export function throttlerModule(config: Config): DynamicModule {
  return ThrottlerModule.forRoot({
    throttlers: [{ name: EVENTS_THROTTLER, limit: config.eventsRateLimit.limit, ttl: config.eventsRateLimit.windowMs }],
    // The 429 carries a plain Retry-After (below); the library's per-name X-RateLimit-*-events headers would only add noise.
    setHeaders: false,
  });
}

/**
 * Rate limit per caller: a service API key by its id (the digest prefix, never the key), a member by
 * account and id, anyone else by IP. Runs after the global AuthGuard, which has set the principal.
 */
@Injectable()
export class ApiKeyThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = req.principal as Principal | undefined;
    if (principal?.kind === 'service') return `key:${principal.keyId}`;
    if (principal?.kind === 'member') return `member:${principal.accountId}/${principal.memberId}`;
    return `ip:${await super.getTracker(req)}`;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    const caller = detail.tracker.startsWith('key:') ? 'API key' : detail.tracker.startsWith('member:') ? 'member' : 'client';
    throw new HttpException(
      {
        message: `rate limit exceeded: at most ${detail.limit} requests per ${Math.round(detail.ttl / 1000)} s for this ${caller}; retry in ${retryAfter} s`,
        retryAfter,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
