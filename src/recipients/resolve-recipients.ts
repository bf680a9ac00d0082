import { DateTime } from 'luxon';
import type { MemberDoc } from '../accounts/member.schema';
import { Channel, CHANNELS, MESSAGE_TYPE_SPECS, MessageType, Role } from '../lifecycle/message-types';

/** Who receives one message type, as the account's subscription says (roles, members, groups). */
export interface Receivers {
  roles: Role[];
  memberIds: string[];
  groupIds: string[];
}

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
  groups: Map<string, string[]>;
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
 * Resolves a notice's recipients: the subscription's roles, members and groups; collaborators only when
 * their scope covers the resource; each member's channels are the subscription's minus those the
 * member muted, plus the type's mandatory channels; missing or unverified contacts are skipped with
 * the reason; quiet hours defer SMS and WeChat to the end of the member's window. Pure.
 */
export function resolveRecipients(input: ResolveInput): { recipients: Recipient[]; skipped: Skipped[] } {
  const spec = MESSAGE_TYPE_SPECS[input.type];
  const chosen = new Set<string>(input.subscription.receivers.memberIds);
  for (const groupId of input.subscription.receivers.groupIds) for (const id of input.groups.get(groupId) ?? []) chosen.add(id);
  const recipients: Recipient[] = [];
  const skipped: Skipped[] = [];
  for (const member of input.members) {
    const byRole = member.roles.some((r) => input.subscription.receivers.roles.includes(r));
    if (!byRole && !chosen.has(member.id)) continue;
    if (!mayHear(member, input.resource)) continue;
    const muted = new Set(member.mutedChannels[input.type] ?? []);
    for (const channel of CHANNELS) {
      const mandatory = spec.mandatoryChannels.includes(channel);
      if (!mandatory && (!input.subscription.channels.includes(channel) || muted.has(channel))) continue;
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

/** A member whose only standing is a scoped collaboration hears only of resources in that scope. */
function mayHear(member: RecipientMember, resource: ResolveInput['resource']): boolean {
  if (member.roles.some((r) => r === 'creator' || r === 'finance_collaborator' || r === 'receiver')) return true;
  if (!member.roles.includes('resource_collaborator') || !member.scope) return true;
  if (!resource) return false;
  return member.scope.resourceIds.includes(resource.id) || (resource.product !== null && member.scope.products.includes(resource.product));
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
