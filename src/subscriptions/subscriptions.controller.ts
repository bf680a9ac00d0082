import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { GroupRepository } from '../accounts/group.repository';
import { MemberRepository } from '../accounts/member.repository';
import { assertCreator } from '../common/auth/access';
import { Auth, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { Clock } from '../common/clock';
import { ValidationFailed, idString, IdParam, openApiSchema, ZodPipe } from '../common/validation';
import { CATEGORIES, CHANNELS, MESSAGE_TYPE_SPECS, MESSAGE_TYPES, MessageType, ROLES } from '../lifecycle/message-types';
import { SubscriptionRepository } from './subscription.repository';

const typeSubscription = z.object({
  channels: z.array(z.enum(CHANNELS)).refine((c) => new Set(c).size === c.length, 'must not repeat a channel'),
  receivers: z.object({
    roles: z.array(z.enum(ROLES)).default([]),
    memberIds: z.array(idString).max(500).default([]),
    groupIds: z.array(idString).max(100).default([]),
  }),
  digest: z.boolean().default(false),
});
const putSubscriptions = z.object({ types: z.partialRecord(z.enum(MESSAGE_TYPES), typeSubscription) });

@ApiTags('subscriptions')
@Controller('v1/accounts/:accountId/subscriptions')
export class SubscriptionsController {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly members: MemberRepository,
    private readonly groups: GroupRepository,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Auth('service', 'member')
  @ApiOperation({
    summary: "The account's message subscription: per type, channels, receivers, digest; with the catalogue's mandatory channels (creator)",
  })
  async get(@IdParam('accountId') accountId: string, @CurrentPrincipal() p: Principal) {
    assertCreator(p, accountId);
    const subs = await this.subscriptions.get(accountId);
    return {
      accountId,
      types: MESSAGE_TYPES.map((type) => ({
        type,
        category: MESSAGE_TYPE_SPECS[type].category,
        mandatoryChannels: MESSAGE_TYPE_SPECS[type].mandatoryChannels,
        ...subs[type],
      })),
      categories: CATEGORIES,
    };
  }

  @Put()
  @Auth('service', 'member')
  @ApiOperation({ summary: 'Change the subscription of some message types (creator); mandatory channels cannot be switched off' })
  @ApiBody({ schema: openApiSchema(putSubscriptions) })
  async put(
    @IdParam('accountId') accountId: string,
    @Body(new ZodPipe(putSubscriptions)) body: z.output<typeof putSubscriptions>,
    @CurrentPrincipal() p: Principal,
  ) {
    assertCreator(p, accountId);
    const problems: { field: string; message: string }[] = [];
    const named = Object.values(body.types).map((sub) => sub!.receivers);
    const memberIds = new Set(await this.members.countExisting(accountId, [...new Set(named.flatMap((r) => r.memberIds))]));
    const groupIds = new Set(await this.groups.existing(accountId, [...new Set(named.flatMap((r) => r.groupIds))]));
    for (const [type, sub] of Object.entries(body.types) as [MessageType, z.output<typeof typeSubscription>][]) {
      for (const channel of MESSAGE_TYPE_SPECS[type].mandatoryChannels) {
        if (!sub.channels.includes(channel))
          problems.push({ field: `types.${type}.channels`, message: `${channel} is mandatory for ${type} and cannot be switched off` });
      }
      for (const id of sub.receivers.memberIds)
        if (!memberIds.has(id)) problems.push({ field: `types.${type}.receivers.memberIds`, message: `unknown member ${id}` });
      for (const id of sub.receivers.groupIds)
        if (!groupIds.has(id)) problems.push({ field: `types.${type}.receivers.groupIds`, message: `unknown group ${id}` });
    }
    if (problems.length) throw new ValidationFailed(problems);
    await this.subscriptions.put(accountId, body.types, this.clock.now());
    return this.get(accountId, p);
  }
}
