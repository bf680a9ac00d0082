import { SetMetadata, createParamDecorator, ExecutionContext, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import type { Principal, PrincipalKind } from './principal';

export const AUTH_KINDS = 'herald:auth-kinds';
export const PUBLIC = 'herald:public';

/** Which credentials a route accepts. Every route needs either @Auth(...) or @Public(): the guard denies by default. */
export const Auth = (...kinds: PrincipalKind[]) =>
  applyDecorators(
    SetMetadata(AUTH_KINDS, kinds),
    ...(kinds.includes('service') ? [ApiSecurity('apiKey')] : []),
    ...(kinds.includes('member') ? [ApiBearerAuth('memberToken')] : []),
  );

export const Public = () => SetMetadata(PUBLIC, true);

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest().principal,
);
