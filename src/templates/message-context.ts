import type { Locale } from '../accounts/member.schema';
import type { MessageType } from '../lifecycle/message-types';

export { LOCALES, type Locale } from '../accounts/member.schema';

/**
 * One resource (or account) the message is about: the notice's `data` (see NOTICE_SAMPLES for each type's keys)
 * plus when it was due and the product's display name (the policy's `name`; empty for account-level notices).
 */
export type NoticeItem = Record<string, unknown> & { dueAt: string; productName: string };

/** The one shape every template renders: a single notice is a list of one, a digest a list of several. */
export interface MessageContext {
  locale: Locale;
  /** The recipient's IANA zone: every date is shown in it. */
  timeZone: string;
  recipient: { name: string };
  account: { id: string; name: string };
  type: MessageType;
  count: number;
  items: NoticeItem[];
  first: NoticeItem;
  /** Base URL of the message center console, without a trailing slash, e.g. http://localhost:3000/console. */
  consoleUrl: string;
}

export interface ContextInput {
  locale: Locale;
  timeZone: string;
  recipient: { name: string };
  account: { id: string; name: string };
  type: MessageType;
  /** One notice, or the notices of one digest (same type, same day, one account). */
  notices: { data: Record<string, unknown>; dueAt: Date | string; productName: string | null | undefined }[];
  consoleUrl: string;
}

/** Builds the rendering context from notices; the registry's render() fills a type's optional keys left out. */
export function buildMessageContext(input: ContextInput): MessageContext {
  if (input.notices.length === 0) throw new Error(`a ${input.type} message needs at least one notice`);
  const items = input.notices.map((n): NoticeItem => ({
    ...n.data,
    dueAt: typeof n.dueAt === 'string' ? n.dueAt : n.dueAt.toISOString(),
    productName: n.productName ?? '',
  }));
  return {
    locale: input.locale,
    timeZone: input.timeZone,
    recipient: input.recipient,
    account: input.account,
    type: input.type,
    count: items.length,
    items,
    first: items[0],
    consoleUrl: input.consoleUrl.replace(/\/+$/, ''),
  };
}
