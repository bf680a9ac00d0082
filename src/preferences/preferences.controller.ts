import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { quietHours, timeZone } from '../accounts/accounts.dto';
import { Member, MemberRepository } from '../accounts/member.repository';
import { LOCALES } from '../accounts/member.schema';
import { Auth, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { Clock } from '../common/clock';
import { notFound } from '../common/errors';
import { idString, IdParam, openApiSchema, ValidationFailed, ZodPipe } from '../common/validation';
import { Channel, CHANNELS, MESSAGE_TYPE_SPECS, MESSAGE_TYPES, MessageType } from '../lifecycle/message-types';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import { memberScope } from './member-access';

const putPreferences = z
  .object({
    locale: z.enum(LOCALES).optional(),
    timeZone: timeZone.optional(),
    quietHours: quietHours.nullable().optional(),
    channels: z.partialRecord(z.enum(MESSAGE_TYPES), z.partialRecord(z.enum(CHANNELS), z.boolean())).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'must change at least one preference');
const accountQuery = z.object({ accountId: idString.optional() });

@ApiTags('preferences')
@Controller('v1/members/:memberId/preferences')
export class PreferencesController {
  constructor(
    private readonly members: MemberRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Auth('member', 'service')
  @ApiOperation({ summary: 'My preferences: language, time zone, quiet hours, contacts, and per type which channels reach me' })
  @ApiQuery({ name: 'accountId', required: false, description: 'required with a service key' })
  async get(
    @IdParam('memberId') memberId: string,
    @Query(new ZodPipe(accountQuery)) q: z.output<typeof accountQuery>,
    @CurrentPrincipal() p: Principal,
  ) {
    const accountId = memberScope(p, memberId, q.accountId);
    const member = await this.members.get(accountId, memberId);
    if (!member) throw notFound('member', memberId);
    return this.view(member);
  }

  @Put()
  @Auth('member', 'service')
  @ApiOperation({ summary: 'Change my preferences; a type’s mandatory channels cannot be switched off' })
  @ApiQuery({ name: 'accountId', required: false, description: 'required with a service key' })
  @ApiBody({ schema: openApiSchema(putPreferences) })
  async put(
    @IdParam('memberId') memberId: string,
    @Query(new ZodPipe(accountQuery)) q: z.output<typeof accountQuery>,
    @Body(new ZodPipe(putPreferences)) body: z.output<typeof putPreferences>,
    @CurrentPrincipal() p: Principal,
  ) {
    const accountId = memberScope(p, memberId, q.accountId);
    const member = await this.members.get(accountId, memberId);
    if (!member) throw notFound('member', memberId);
    const muted: Partial<Record<MessageType, Channel[]>> = { ...(member.mutedChannels ?? {}) };
    const problems: { field: string; message: string }[] = [];
    for (const [type, channels] of Object.entries(body.channels ?? {}) as [MessageType, Partial<Record<Channel, boolean>>][]) {
      const set = new Set(muted[type] ?? []);
      for (const [channel, on] of Object.entries(channels) as [Channel, boolean][]) {
        if (!on && MESSAGE_TYPE_SPECS[type].mandatoryChannels.includes(channel)) {
          problems.push({
            field: `channels.${type}.${channel}`,
            message: `${channel} is mandatory for ${type} and cannot be switched off`,
          });
        }
        if (on) set.delete(channel);
        else set.add(channel);
      }
      muted[type] = [...set];
    }
    if (problems.length) throw new ValidationFailed(problems);
    const updated = await this.members.update(
      accountId,
      memberId,
      {
        ...(body.locale ? { locale: body.locale } : {}),
        ...(body.timeZone ? { timeZone: body.timeZone } : {}),
        ...(body.quietHours !== undefined ? { quietHours: body.quietHours } : {}),
        ...(body.channels ? { mutedChannels: muted } : {}),
      },
      this.clock.now(),
    );
    return this.view(updated!);
  }

  private async view(member: Member) {
    const subscription = await this.subscriptions.get(member.accountId);
    return {
      memberId: member.id,
      accountId: member.accountId,
      name: member.name,
      roles: member.roles,
      locale: member.locale,
      timeZone: member.timeZone,
      quietHours: member.quietHours,
      contacts: member.contacts,
      types: MESSAGE_TYPES.map((type) => {
        const spec = MESSAGE_TYPE_SPECS[type];
        const muted = new Set(member.mutedChannels?.[type] ?? []);
        const receives =
          subscription[type].receivers.roles.some((r) => member.roles.includes(r)) ||
          subscription[type].receivers.memberIds.includes(member.id);
        return {
          type,
          category: spec.category,
          receives,
          channels: Object.fromEntries(
            CHANNELS.map((c) => {
              const mandatory = spec.mandatoryChannels.includes(c);
              return [
                c,
                { enabled: mandatory || !muted.has(c), mandatory, subscribed: mandatory || subscription[type].channels.includes(c) },
              ];
            }),
          ),
        };
      }),
    };
  }
}
