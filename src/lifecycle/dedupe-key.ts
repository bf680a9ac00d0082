import { MessageType } from './message-types';
import { isoInstant } from './zone-time';

/** The one place dedupe keys and their parts are built: `subject|type|term|occurrence`. */
export const ONCE = 'once';

export function dedupeKey(resourceId: string, type: MessageType, term: string, occurrence: string): string {
  return `${resourceId}|${type}|${term}|${occurrence}`;
}

/** The term of a notice planned from a resource's expiry: the ISO instant of that `expiresAt`. */
export function expiryTerm(expiresAt: Date | null | undefined): string {
  return expiresAt ? isoInstant(expiresAt.getTime()) : 'no-term';
}

/** The term of an arrears notice: the bill date that started the arrears. */
export function overdueTerm(billDate: Date): string {
  return `overdue:${isoInstant(billDate.getTime())}`;
}

/** Subject of account-level notices not tied to one resource. */
export function accountSubject(accountId: string): string {
  return `account:${accountId}`;
}
