import { expiryTerm } from '../lifecycle/dedupe-key';
import type { AccountState, ResourceState } from '../lifecycle/lifecycle.types';
import type { MessageType } from '../lifecycle/message-types';

export interface NoticeFacts {
  type: MessageType;
  term: string;
  source: 'schedule' | 'event';
  resourceId: string | null;
}

// Announcements about a term that is still running: pointless once the resource stopped or is gone.
const WHILE_RUNNING = new Set<MessageType>(['expiry_reminder', 'autorenew_scheduled']);

/**
 * Whether a notice still says something true right before it is sent. Event notices report facts and
 * always hold; planned ones hold while the resource is on the term they were planned from (a renewal
 * or a moved expiry cancels them) and, for arrears, while the account is still in the same arrears.
 */
export function stillHolds(
  notice: NoticeFacts,
  resource: ResourceState | null,
  account: AccountState,
): { holds: true } | { holds: false; why: string } {
  if (notice.source === 'event') return { holds: true };
  if (notice.term.startsWith('overdue:')) {
    const current = account.balanceState === 'overdue' && account.billDate ? `overdue:${account.billDate.toISOString()}` : null;
    return current === notice.term ? { holds: true } : { holds: false, why: 'the account is no longer in these arrears' };
  }
  if (!resource) return notice.resourceId ? { holds: false, why: 'the resource is unknown' } : { holds: true };
  if (expiryTerm(resource.expiresAt) !== notice.term) return { holds: false, why: 'the resource was renewed or its expiry changed' };
  if (resource.status === 'destroyed' && notice.type !== 'resource_destroyed') return { holds: false, why: 'the resource was destroyed' };
  if (WHILE_RUNNING.has(notice.type) && resource.status !== 'running') return { holds: false, why: `the resource is ${resource.status}` };
  return { holds: true };
}
