import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { MemberRepository } from '../accounts/member.repository';
import { AUTH_KINDS, PUBLIC } from '../common/auth/auth.decorators';
import type { Principal, PrincipalKind } from '../common/auth/principal';
import { ApiKeyRepository, digestOf } from './api-key.repository';
import { TokensService } from './tokens.service';

const KEY_CACHE_MS = 30_000;

/**
 * Global guard, deny by default: a route opens only with @Public() or @Auth(kinds). Service keys come in
 * `X-Api-Key`, member tokens in `Authorization: Bearer`. A member's roles are read fresh from the
 * database, so removing a member or a role takes effect at once, whatever the token says.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly keyCache = new Map<string, { principal: Principal | null; until: number }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyRepository,
    private readonly tokens: TokensService,
    private readonly members: MemberRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const kinds = this.reflector.getAllAndOverride<PrincipalKind[]>(AUTH_KINDS, targets);
    if (!kinds?.length) throw new ForbiddenException('endpoint is not open to any caller');

    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const principal = await this.authenticate(req);
    if (!principal)
      throw new UnauthorizedException('missing or invalid credentials: send X-Api-Key (services) or Authorization: Bearer <member token>');
    if (!kinds.includes(principal.kind)) {
      throw new ForbiddenException(
        kinds.includes('service') ? 'this endpoint takes a service API key' : 'this endpoint takes a member token',
      );
    }
    req.principal = principal;
    return true;
  }

  private async authenticate(req: Request): Promise<Principal | null> {
    const apiKey = req.header('x-api-key');
    if (apiKey) return this.serviceFor(apiKey);
    const [scheme, token] = (req.header('authorization') ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) return null;
    const claims = this.tokens.verify(token);
    if (!claims) return null;
    const member = await this.members.get(claims.acc, claims.sub);
    return member ? { kind: 'member', accountId: member.accountId, memberId: member.id, roles: member.roles } : null;
  }

  private async serviceFor(key: string): Promise<Principal | null> {
    const digest = digestOf(key);
    const cached = this.keyCache.get(digest);
    const now = performance.now();
    if (cached && cached.until > now) return cached.principal;
    const found = await this.keys.findByKey(key);
    const principal: Principal | null = found ? { kind: 'service', keyId: found.id, name: found.name } : null;
    if (this.keyCache.size > 10_000) this.keyCache.clear();
    this.keyCache.set(digest, { principal, until: now + KEY_CACHE_MS });
    return principal;
  }
}
