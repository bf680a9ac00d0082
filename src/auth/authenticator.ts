import { HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { MemberRepository } from '../accounts/member.repository';
import type { Principal } from '../common/auth/principal';
import { WallClock } from '../common/clock';
import { CONFIG, Config, DEV_API_KEY } from '../config/config';
import { MetricsService } from '../metrics/metrics.service';
import { ApiKeyRepository, digestOf } from './api-key.repository';
import { TokensService } from './tokens.service';

/** How long a key's record is trusted without reading it again: a revocation reaches every instance within this. */
const KEY_CACHE_MS = 10_000;
/** `lastUsedAt` is written at most this often per key and process. */
const TOUCH_EVERY_MS = 60_000;

export type Refusal = 'unknown_key' | 'revoked_key' | 'development_key' | 'invalid_token' | 'unknown_member';
type Resolved = { principal: Principal } | { refused: Refusal } | { none: true };
type WithAuth = Request & { principal?: Principal; authentication?: Promise<Resolved> };

export const CREDENTIALS_HINT = 'missing or invalid credentials: send X-Api-Key (services) or Authorization: Bearer <member token>';

/**
 * Turns a request's credentials into a principal, once per request (the pre-body middleware and the
 * guard share the answer). Presented credentials that are refused count against the client's address:
 * past AUTH_FAILURE_LIMIT in a window every credential from that address gets a 429 until the window
 * ends, without being checked, so guessing keys or tokens costs the guesser, not the database.
 */
@Injectable()
export class Authenticator {
  private readonly logger = new Logger('Auth');
  private readonly keyCache = new Map<string, { principal: Principal | null; refusal: Refusal | null; until: number }>();
  private readonly touched = new Map<string, number>();
  private readonly failures = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly tokens: TokensService,
    private readonly members: MemberRepository,
    private readonly metrics: MetricsService,
    private readonly wall: WallClock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** The caller, or null without valid credentials; throws 429 while the client's address is over its refusal limit. */
  async principalOf(req: Request): Promise<Principal | null> {
    const r = req as WithAuth;
    r.authentication ??= this.resolve(r);
    const resolved = await r.authentication;
    if ('principal' in resolved) {
      r.principal = resolved.principal;
      return resolved.principal;
    }
    return null;
  }

  /** Forgets cached key records, so a revocation takes effect in this process at once. */
  forgetKeys(): void {
    this.keyCache.clear();
  }

  private async resolve(req: Request): Promise<Resolved> {
    const apiKey = req.header('x-api-key');
    const authorization = req.header('authorization');
    if (!apiKey && !authorization) return { none: true };
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    this.assertNotThrottled(address);
    const resolved = apiKey ? await this.service(apiKey) : await this.member(authorization!);
    if ('refused' in resolved) this.refuse(address, resolved.refused);
    return resolved;
  }

  private async service(key: string): Promise<Resolved> {
    if (this.config.env === 'production' && key === DEV_API_KEY) return { refused: 'development_key' };
    const digest = digestOf(key);
    const now = performance.now();
    let cached = this.keyCache.get(digest);
    if (!cached || cached.until <= now) {
      const found = await this.keys.findByKey(key);
      cached = {
        principal: found && !found.revokedAt ? { kind: 'service', keyId: found.id, name: found.name } : null,
        refusal: !found ? 'unknown_key' : found.revokedAt ? 'revoked_key' : null,
        until: now + KEY_CACHE_MS,
      };
      if (this.keyCache.size > 10_000) this.keyCache.clear();
      this.keyCache.set(digest, cached);
    }
    if (!cached.principal) return { refused: cached.refusal ?? 'unknown_key' };
    this.touch(key, digest, now);
    return { principal: cached.principal };
  }

  private async member(authorization: string): Promise<Resolved> {
    const [scheme, token] = authorization.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) return { refused: 'invalid_token' };
    const claims = this.tokens.verify(token);
    if (!claims) return { refused: 'invalid_token' };
    const member = await this.members.get(claims.acc, claims.sub);
    if (!member) return { refused: 'unknown_member' };
    return { principal: { kind: 'member', accountId: member.accountId, memberId: member.id, roles: member.roles } };
  }

  private touch(key: string, digest: string, now: number): void {
    if ((this.touched.get(digest) ?? -Infinity) > now - TOUCH_EVERY_MS) return;
    if (this.touched.size > 10_000) this.touched.clear();
    this.touched.set(digest, now);
    this.keys.touch(key, this.wall.now()).catch((err: Error) => this.logger.warn(`could not record a key's last use: ${err.message}`));
  }

  private assertNotThrottled(address: string): void {
    const entry = this.failures.get(address);
    const now = performance.now();
    if (!entry || entry.resetAt <= now || entry.count < this.config.authFailures.limit) return;
    this.metrics.authRefusals.inc({ reason: 'throttled' });
    const retryAfter = Math.max(1, Math.ceil((entry.resetAt - now) / 1000));
    throw new HttpException(
      { message: `too many refused credentials from this address; retry in ${retryAfter} s`, retryAfter },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  private refuse(address: string, reason: Refusal): void {
    this.metrics.authRefusals.inc({ reason });
    const now = performance.now();
    const entry = this.failures.get(address);
    if (!entry || entry.resetAt <= now) {
      if (this.failures.size > 10_000) this.failures.clear();
      this.failures.set(address, { count: 1, resetAt: now + this.config.authFailures.windowMs });
    } else entry.count++;
    if (reason === 'development_key' || reason === 'revoked_key') this.logger.warn(`refused a ${reason.replace('_', ' ')} from ${address}`);
  }
}
