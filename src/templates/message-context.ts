import type { Locale } from '../accounts/member.schema';
import { encodeLinkValue, expandRenewUrl } from '../lifecycle/policy.schema';
import type { MessageType } from '../lifecycle/message-types';

export { LOCALES, type Locale } from '../accounts/member.schema';

/**
 * Expiry, stop, release and renewal-failure messages: besides the console they link to the product's renewal page.
 * A destroyed resource cannot be renewed, so resource_destroyed links to the console only.
 */
export const RENEWAL_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  'expiry_reminder',
  'expiry_notice',
  'service_stopped',
  'destroy_warning',
  'autorenew_failed',
  'usage_threshold',
]);

/**
 * One resource (or account) the message is about: the notice's `data` (see NOTICE_SAMPLES for each type's keys)
 * plus when it was due, the product's display name (the policy's `name`; empty for account-level notices) and the
 * two places a message sends the reader.
 */
export type NoticeItem = Record<string, unknown> & {
  dueAt: string;
  productName: string;
  /** The resource's page in the console (`<consoleUrl>/resources/<id>`); the resource list for an account-level notice. */
  consoleLink: string;
  /** The product's renewal page for this resource (the policy's `renewUrl`), else the same as consoleLink. */
  renewLink: string;
};

/** The one shape every template renders: a single notice is a list of one, a digest a list of several. */
export interface MessageContext {
  locale: Locale;
  /** The recipient's IANA zone: every date is shown in it. */
  timeZone: string;
  /** When the message is rendered for sending (ISO): relative times ("in 3 days") count from it. */
  now: string;
  recipient: { name: string };
  account: { id: string; name: string };
  type: MessageType;
  count: number;
  items: NoticeItem[];
  first: NoticeItem;
  /**
   * Base URL of the message center console, without a trailing slash, e.g. http://localhost:3000/console. In-site
   * messages are read inside the console, so theirs is the console's path (`/console`): links open where the reader is.
   */
  consoleUrl: string;
}

export interface ContextInput {
  locale: Locale;
  timeZone: string;
  /** The send instant: the delivery worker's clock when it renders the message. */
  now: Date | string;
  recipient: { name: string };
  account: { id: string; name: string };
  type: MessageType;
  /** One notice, or the notices of one digest (same type, same day, one account), each with its policy's renewUrl. */
  notices: {
    data: Record<string, unknown>;
    dueAt: Date | string;
    productName: string | null | undefined;
    renewUrl?: string | null;
  }[];
  consoleUrl: string;
}

/** Builds the rendering context from notices; the registry's render() fills a type's optional keys left out. */
export function buildMessageContext(input: ContextInput): MessageContext {
  if (input.notices.length === 0) throw new Error(`a ${input.type} message needs at least one notice`);
  const consoleUrl = input.consoleUrl.replace(/\/+$/, '');
  const items = input.notices.map((n): NoticeItem => {
    const resourceId = n.data.resourceId;
    const consoleLink =
      typeof resourceId === 'string' && resourceId ? `${consoleUrl}/resources/${encodeLinkValue(resourceId)}` : `${consoleUrl}/resources`;
    return {
      ...n.data,
      dueAt: typeof n.dueAt === 'string' ? n.dueAt : n.dueAt.toISOString(),
      productName: n.productName ?? '',
      consoleLink,
      renewLink: n.renewUrl ? expandRenewUrl(n.renewUrl, { resourceId, region: n.data.region, accountId: input.account.id }) : consoleLink,
    };
  });
  return {
    locale: input.locale,
    timeZone: input.timeZone,
    now: typeof input.now === 'string' ? input.now : input.now.toISOString(),
    recipient: input.recipient,
    account: input.account,
    type: input.type,
    count: items.length,
    items,
    first: items[0],
    consoleUrl,
  };
}
