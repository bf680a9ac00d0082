import { forbidden, notFound } from '../errors';
import type { MemberPrincipal, Principal } from './principal';

/** Members see only their own account; anything else looks like it does not exist. Services see every account. */
export function assertAccountAccess(principal: Principal, accountId: string): void {
  if (principal.kind === 'member' && principal.accountId !== accountId) throw notFound('account', accountId);
}

/** Receive-only receivers have an inbox and preferences but no console rights. */
export function assertConsoleMember(principal: Principal, accountId: string): void {
  assertAccountAccess(principal, accountId);
  if (principal.kind === 'member' && isReceiverOnly(principal)) throw forbidden('receivers have no console rights');
}

/** Account-wide settings (members, groups, subscriptions): the account's creator or a service. */
export function assertCreator(principal: Principal, accountId: string): void {
  assertAccountAccess(principal, accountId);
  if (principal.kind === 'member' && !principal.roles.includes('creator')) {
    throw forbidden('only the account creator can do this');
  }
}

export function isReceiverOnly(principal: MemberPrincipal): boolean {
  return principal.roles.every((r) => r === 'receiver');
}
