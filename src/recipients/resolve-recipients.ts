import { DateTime } from 'luxon';
import type { MemberDoc } from '../accounts/member.schema';
import { Channel, CHANNELS, MessageType } from '../lifecycle/message-types';
import { channelStandings, GroupMembers, Receivers, receivesType } from './receives';

export interface TypeSubscription {
  channels: Channel[];
  receivers: Receivers;
  digest: boolean;
}

export type RecipientMember = Pick<MemberDoc, 'roles' | 'scope' | 'contacts' | 'locale' | 'timeZone' | 'quietHours' | 'name'> & {
  id: string;
  /** Channels the member switched off, per type. */
  mutedChannels: Partial<Record<MessageType, Channel[]>>;
};

export interface ResolveInput {
  type: MessageType;
  subscription: TypeSubscription;
  members: RecipientMember[];
  groups: GroupMembers;
  /** The resource the notice is about; null for account-level notices. */
  resource: { id: string; product: string | null } | null;
  now: Date;
}

export interface Recipient {
  memberId: string;
  channel: Channel;
  /** Member id (in-site), email address, E.164 number or WeChat openid. */
  to: string;
  locale: MemberDoc['locale'];
  timeZone: string;
  recipientName: string;
  /** Quiet hours: SMS and WeChat wait until then. Null = send now. */
  notBefore: Date | null;
}

export interface Skipped {
  memberId: string;
  channel: Channel;
  reason: 'no_email' | 'email_unverified' | 'no_phone' | 'phone_unverified' | 'wechat_unbound';
}

const QUIET_CHANNELS = new Set<Channel>(['sms', 'wechat']);

/**
 * Resolves a notice's recipients: the members `receivesType` admits; each member's channels are the
 * subscription's minus those the member muted, plus the type's mandatory channels; missing or
 * unverified contacts are skipped with the reason; quiet hours defer SMS and WeChat to the end of the
 * member's window. Pure.
 */
export function resolveRecipients(input: ResolveInput): { recipients: Recipient[]; skipped: Skipped[] } {
  const about = input.resource ?? 'account';
  const recipients: Recipient[] = [];
  const skipped: Skipped[] = [];
  for (const member of input.members) {
    if (!receivesType(member, input.subscription.receivers, input.groups, about)) continue;
    const standings = channelStandings(input.type, input.subscription.channels, member.mutedChannels[input.type] ?? []);
    for (const channel of CHANNELS) {
      if (!standings[channel].subscribed || !standings[channel].enabled) continue;
      const contact = contactFor(member, channel);
      if ('reason' in contact) {
        skipped.push({ memberId: member.id, channel, reason: contact.reason });
        continue;
      }
      recipients.push({
        memberId: member.id,
        channel,
        to: contact.to,
        locale: member.locale,
        timeZone: member.timeZone,
        recipientName: member.name,
        notBefore: QUIET_CHANNELS.has(channel) ? quietUntil(member, input.now) : null,
      });
    }
  }
  return { recipients, skipped };
}

function contactFor(member: RecipientMember, channel: Channel): { to: string } | { reason: Skipped['reason'] } {
  switch (channel) {
    case 'inbox':
      return { to: member.id };
    case 'email':
      if (!member.contacts.email) return { reason: 'no_email' };
      return member.contacts.email.verified ? { to: member.contacts.email.value } : { reason: 'email_unverified' };
    case 'sms':
      if (!member.contacts.phone) return { reason: 'no_phone' };
      return member.contacts.phone.verified ? { to: member.contacts.phone.value } : { reason: 'phone_unverified' };
    case 'wechat':
      return member.contacts.wechat?.verified ? { to: member.contacts.wechat.value } : { reason: 'wechat_unbound' };
  }
}

/**
 * The end of the member's quiet window if `now` falls inside it, in the member's zone. Windows may cross
 * midnight (22:00–08:00); a window start equal to its end never occurs (validated on input).
 */
export function quietUntil(member: Pick<RecipientMember, 'quietHours' | 'timeZone'>, now: Date): Date | null {
  if (!member.quietHours) return null;
  const local = DateTime.fromJSDate(now, { zone: member.timeZone });
  const [sh, sm] = member.quietHours.start.split(':').map(Number);
  const [eh, em] = member.quietHours.end.split(':').map(Number);
  const minute = local.hour * 60 + local.minute;
  const start = sh * 60 + sm;
  const end = eh * 60 + em;
  const crossesMidnight = start > end;
  const inside = crossesMidnight ? minute >= start || minute < end : minute >= start && minute < end;
  if (!inside) return null;
  const endDay = crossesMidnight && minute >= start ? local.plus({ days: 1 }) : local;
  return endDay.set({ hour: eh, minute: em, second: 0, millisecond: 0 }).toJSDate();
}
