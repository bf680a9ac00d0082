import type { Channel, MessageType, Role } from '../lifecycle/message-types';
import { CHANNELS, MESSAGE_TYPE_SPECS } from '../lifecycle/message-types';
import { ResourceScope, scopeCovers } from '../resources/resource-scope';

/** Who receives one message type, as the account's subscription says (roles, members, groups). */
export interface Receivers {
  roles: Role[];
  memberIds: string[];
  groupIds: string[];
}

/** What the receiver rule needs to know of a member. */
export interface ReceiverMember {
  id: string;
  roles: Role[];
  scope: ResourceScope | null;
}

/** An account's receiver groups: group id → the ids of its members. */
export type GroupMembers = ReadonlyMap<string, ReadonlySet<string>>;

export function groupMembers(groups: readonly { id: string; memberIds: readonly string[] }[]): GroupMembers {
  return new Map(groups.map((g) => [g.id, new Set(g.memberIds)]));
}

/**
 * What a notice is about: one resource, or the account as a whole. `'any'` asks about the type in
 * general, as a member's preferences do: a scoped collaborator then counts for the resources in scope.
 */
export type NoticeSubject = { id: string; product: string | null } | 'account' | 'any';

/**
 * Whether a member receives a type: they hold one of the subscription's roles, are named by id, or
 * belong to one of its groups; and a member whose only standing is a scoped collaboration hears only
 * of resources in that scope (never of the account as a whole). Pure.
 */
export function receivesType(member: ReceiverMember, receivers: Receivers, groups: GroupMembers, about: NoticeSubject): boolean {
  const chosen =
    member.roles.some((r) => receivers.roles.includes(r)) ||
    receivers.memberIds.includes(member.id) ||
    receivers.groupIds.some((g) => groups.get(g)?.has(member.id) ?? false);
  return chosen && mayHear(member, about);
}

function mayHear(member: ReceiverMember, about: NoticeSubject): boolean {
  if (member.roles.some((r) => r === 'creator' || r === 'finance_collaborator' || r === 'receiver')) return true;
  if (!member.roles.includes('resource_collaborator') || !member.scope || about === 'any') return true;
  return about !== 'account' && scopeCovers(member.scope, about);
}

/** One channel of a type as it stands for a member: whether it is mandatory, on for the account, and on for the member. */
export interface ChannelStanding {
  mandatory: boolean;
  /** The account's subscription sends the type on this channel (mandatory channels always). */
  subscribed: boolean;
  /** The member has not switched it off (mandatory channels cannot be). */
  enabled: boolean;
}

/** Per channel, how a type stands for a member; a receiver hears it on the channels both subscribed and enabled. */
export function channelStandings(
  type: MessageType,
  subscribed: readonly Channel[],
  muted: readonly Channel[],
): Record<Channel, ChannelStanding> {
  const mandatoryChannels = MESSAGE_TYPE_SPECS[type].mandatoryChannels;
  return Object.fromEntries(
    CHANNELS.map((c) => {
      const mandatory = mandatoryChannels.includes(c);
      return [c, { mandatory, subscribed: mandatory || subscribed.includes(c), enabled: mandatory || !muted.includes(c) }];
    }),
  ) as Record<Channel, ChannelStanding>;
}
