import { Injectable } from '@nestjs/common';
import { GroupRepository } from '../accounts/group.repository';
import { Member, MemberRepository } from '../accounts/member.repository';
import type { MemberDoc } from '../accounts/member.schema';
import { Clock } from '../common/clock';
import { notFound } from '../common/errors';
import { ValidationFailed } from '../common/validation';
import { Channel, MESSAGE_TYPE_SPECS, MESSAGE_TYPES, MessageType } from '../lifecycle/message-types';
import { channelStandings, groupMembers, receivesType } from '../recipients/receives';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';

/** Channels switched on (true) or off (false), per type. */
export type ChannelSwitches = Partial<Record<MessageType, Partial<Record<Channel, boolean>>>>;
type Muted = Partial<Record<MessageType, Channel[]>>;

export type PreferenceChanges = Partial<Pick<MemberDoc, 'locale' | 'timeZone' | 'quietHours'>> & { channels?: ChannelSwitches };

/** A member's own preferences: language, zone, quiet hours, contacts, and per type whether and how it reaches them. */
@Injectable()
export class PreferencesService {
  constructor(
    private readonly members: MemberRepository,
    private readonly groups: GroupRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly clock: Clock,
  ) {}

  async get(accountId: string, memberId: string) {
    return this.view(await this.member(accountId, memberId));
  }

  /** Applies the changes; switching off a type's mandatory channel is refused, naming each such field. */
  async update(accountId: string, memberId: string, changes: PreferenceChanges) {
    const member = await this.member(accountId, memberId);
    const muted = changes.channels ? mutedAfter(member.mutedChannels ?? {}, changes.channels) : undefined;
    const updated = await this.members.update(
      accountId,
      memberId,
      {
        ...(changes.locale ? { locale: changes.locale } : {}),
        ...(changes.timeZone ? { timeZone: changes.timeZone } : {}),
        ...(changes.quietHours !== undefined ? { quietHours: changes.quietHours } : {}),
        ...(muted ? { mutedChannels: muted } : {}),
      },
      this.clock.now(),
    );
    if (!updated) throw notFound('member', memberId);
    return this.view(updated);
  }

  private async member(accountId: string, memberId: string): Promise<Member> {
    const member = await this.members.get(accountId, memberId);
    if (!member) throw notFound('member', memberId);
    return member;
  }

  private async view(member: Member) {
    const [subscription, groups] = await Promise.all([this.subscriptions.get(member.accountId), this.groups.listMany([member.accountId])]);
    const inGroups = groupMembers(groups.get(member.accountId) ?? []);
    return {
      memberId: member.id,
      accountId: member.accountId,
      name: member.name,
      roles: member.roles,
      locale: member.locale,
      timeZone: member.timeZone,
      quietHours: member.quietHours,
      contacts: member.contacts,
      types: MESSAGE_TYPES.map((type) => ({
        type,
        category: MESSAGE_TYPE_SPECS[type].category,
        // Asked of the type in general: a scoped collaborator receives it for the resources in scope.
        receives: receivesType(member, subscription[type].receivers, inGroups, 'any'),
        channels: channelStandings(type, subscription[type].channels, member.mutedChannels?.[type] ?? []),
      })),
    };
  }
}

/** The muted channels after the switches; a type's mandatory channels cannot be muted. */
export function mutedAfter(current: Muted, switches: ChannelSwitches): Muted {
  const muted: Muted = { ...current };
  const problems: { field: string; message: string }[] = [];
  for (const [type, channels] of Object.entries(switches) as [MessageType, Partial<Record<Channel, boolean>>][]) {
    const set = new Set(muted[type] ?? []);
    for (const [channel, on] of Object.entries(channels) as [Channel, boolean][]) {
      if (!on && MESSAGE_TYPE_SPECS[type].mandatoryChannels.includes(channel))
        problems.push({ field: `channels.${type}.${channel}`, message: `${channel} is mandatory for ${type} and cannot be switched off` });
      if (on) set.delete(channel);
      else set.add(channel);
    }
    muted[type] = [...set];
  }
  if (problems.length) throw new ValidationFailed(problems);
  return muted;
}
