import { BadRequestException } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { notFound } from '../common/errors';

/**
 * Whose preferences a call may touch: a member only their own; a service any member, naming the
 * account in `?accountId=` (member ids are unique per account only). Returns the account id.
 */
export function memberScope(principal: Principal, memberId: string, accountIdQuery: string | undefined): string {
  if (principal.kind === 'member') {
    if (principal.memberId !== memberId) throw notFound('member', memberId);
    return principal.accountId;
  }
  if (!accountIdQuery)
    throw new BadRequestException({
      message: 'accountId: is required for service calls',
      fields: [{ field: 'accountId', message: 'is required for service calls' }],
    });
  return accountIdQuery;
}
