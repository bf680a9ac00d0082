import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { WallClock } from '../common/clock';
import { CONFIG, Config } from '../config/config';
import type { Role } from '../lifecycle/message-types';

export interface MemberClaims {
  /** account id */
  acc: string;
  /** member id */
  sub: string;
  roles: Role[];
}

/** Seconds of clock difference allowed between the host console that mints a token and Herald. */
const CLOCK_SKEW_S = 60;

/**
 * Member bearer tokens: HS256 JWTs signed with JWT_SECRET, normally minted by the host console. A token
 * must expire, and no later than JWT_MAX_TTL from now: a token without `exp`, or one valid for years,
 * would be a credential that cannot be withdrawn short of changing the secret.
 */
@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    private readonly wall: WallClock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  mint(claims: MemberClaims): string {
    const now = Math.floor(this.wall.now().getTime() / 1000);
    return this.jwt.sign(
      { ...claims, iat: now, exp: now + Math.floor(this.config.jwt.ttlMs / 1000) },
      { secret: this.config.jwt.secret, algorithm: 'HS256' },
    );
  }

  verify(token: string): MemberClaims | null {
    const now = Math.floor(this.wall.now().getTime() / 1000);
    try {
      const claims = this.jwt.verify<MemberClaims & { exp?: number }>(token, {
        secret: this.config.jwt.secret,
        algorithms: ['HS256'],
        clockTimestamp: now,
        clockTolerance: CLOCK_SKEW_S,
      });
      if (typeof claims.exp !== 'number' || claims.exp > now + this.config.jwt.maxTtlMs / 1000 + CLOCK_SKEW_S) return null;
      return typeof claims.acc === 'string' && typeof claims.sub === 'string' ? claims : null;
    } catch {
      return null;
    }
  }
}
