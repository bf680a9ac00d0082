import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AUTH_KINDS, PUBLIC } from '../common/auth/auth.decorators';
import type { Principal, PrincipalKind } from '../common/auth/principal';
import { Authenticator, CREDENTIALS_HINT } from './authenticator';

/**
 * Global guard, deny by default: a route opens only with @Public() or @Auth(kinds). Service keys come in
 * `X-Api-Key`, member tokens in `Authorization: Bearer`. A member's roles are read fresh from the
 * database, so removing a member or a role takes effect at once, whatever the token says.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const kinds = this.reflector.getAllAndOverride<PrincipalKind[]>(AUTH_KINDS, targets);
    if (!kinds?.length) throw new ForbiddenException('endpoint is not open to any caller');

    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const principal = await this.authenticator.principalOf(req);
    if (!principal) throw new UnauthorizedException(CREDENTIALS_HINT);
    if (!kinds.includes(principal.kind)) {
      throw new ForbiddenException(
        kinds.includes('service') ? 'this endpoint takes a service API key' : 'this endpoint takes a member token',
      );
    }
    return true;
  }
}
