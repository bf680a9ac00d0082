import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { CONFIG, Config } from '../config/config';
import type { Role } from '../lifecycle/message-types';

export interface MemberClaims {
  /** account id */
  acc: string;
  /** member id */
  sub: string;
  roles: Role[];
}

/** Member bearer tokens: HS256 JWTs signed with JWT_SECRET, normally minted by the host console. */
@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  mint(claims: MemberClaims): string {
    return this.jwt.sign(claims, { secret: this.config.jwt.secret, expiresIn: this.config.jwt.ttl as `${number}h`, algorithm: 'HS256' });
  }

  verify(token: string): MemberClaims | null {
    try {
      const claims = this.jwt.verify<MemberClaims>(token, { secret: this.config.jwt.secret, algorithms: ['HS256'] });
      return typeof claims.acc === 'string' && typeof claims.sub === 'string' ? claims : null;
    } catch {
      return null;
    }
  }
}
