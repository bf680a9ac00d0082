import { DynamicModule, ExecutionContext, HttpException, HttpStatus, Injectable, Module } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Response } from 'express';
import type { Config } from '../config/config';
import type { Principal } from './auth/principal';

/** The request limit of `POST /v1/events` (EVENTS_RATE_LIMIT per EVENTS_RATE_WINDOW_MS). */
export const EVENTS_THROTTLER = 'events';
/** Every member's requests, whatever the route (MEMBER_RATE_LIMIT per MEMBER_RATE_WINDOW_MS). */
export const MEMBER_THROTTLER = 'member';

/**
 * Rate limit per caller: a service API key by its id (the digest prefix, never the key), a member by
 * account and id, anyone else by IP. Runs after the global AuthGuard, which has set the principal. Each
 * guard applies only its own named throttler (the library's guard would apply every configured one).
 */
abstract class CallerThrottlerGuard extends ThrottlerGuard {
  protected abstract readonly throttlerName: string;

  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    this.throttlers = this.throttlers.filter((t) => t.name === this.throttlerName);
  }

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

/** The events limit: a route opts in with `@UseGuards(ApiKeyThrottlerGuard)`, and each route counts on its own. */
@Injectable()
export class ApiKeyThrottlerGuard extends CallerThrottlerGuard {
  protected readonly throttlerName = EVENTS_THROTTLER;
}

/**
 * The member limit, global (app.ts installs it after the AuthGuard): one budget per member across every
 * route a member token reaches. Services and anonymous callers pass; their limits are their own.
 */
@Injectable()
export class MemberThrottlerGuard extends CallerThrottlerGuard {
  protected readonly throttlerName = MEMBER_THROTTLER;

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.switchToHttp().getRequest<{ principal?: Principal }>().principal?.kind !== 'member';
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}|${tracker}`;
  }
}

@Module({})
class RateLimitModule {}

/** Counts in this process's memory, so each Herald instance allows the limits on its own. */
export function throttlerModule(config: Config): DynamicModule {
  return {
    module: RateLimitModule,
    imports: [
      ThrottlerModule.forRoot({
        throttlers: [
          { name: EVENTS_THROTTLER, limit: config.eventsRateLimit.limit, ttl: config.eventsRateLimit.windowMs },
          { name: MEMBER_THROTTLER, limit: config.memberRateLimit.limit, ttl: config.memberRateLimit.windowMs },
        ],
        // The 429 carries a plain Retry-After (below); the library's per-name X-RateLimit-* headers would only add noise.
        setHeaders: false,
      }),
    ],
    providers: [MemberThrottlerGuard],
    exports: [MemberThrottlerGuard],
  };
}
