import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { assertCreator } from '../common/auth/access';
import { Auth, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { ApiPageQuery, idString, PageSize, pageParams, ZodPipe } from '../common/validation';
import { CHANNELS } from '../lifecycle/message-types';
import { DeliveryRepository } from './delivery.repository';
import { DELIVERY_STATUSES } from './delivery.schema';

const PAGE: PageSize = { byDefault: 50, max: 200 };
const query = z.object({
  accountId: idString,
  resourceId: idString.optional(),
  noticeId: z.string().min(1).max(400).optional(),
  memberId: idString.optional(),
  channel: z.enum(CHANNELS).optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  ...pageParams(PAGE),
});

@ApiTags('deliveries')
@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveryRepository) {}

  @Get()
  @Auth('service', 'member')
  @ApiOperation({ summary: 'The delivery log of an account, newest first, each attempt with the provider response (services, creator)' })
  @ApiQuery({ name: 'accountId', required: true })
  @ApiQuery({ name: 'resourceId', required: false })
  @ApiQuery({ name: 'noticeId', required: false })
  @ApiQuery({ name: 'memberId', required: false })
  @ApiQuery({ name: 'channel', required: false, enum: CHANNELS })
  @ApiQuery({ name: 'status', required: false, enum: DELIVERY_STATUSES })
  @ApiPageQuery(PAGE)
  async list(@Query(new ZodPipe(query)) q: z.output<typeof query>, @CurrentPrincipal() p: Principal) {
    assertCreator(p, q.accountId);
    const { accountId, limit, offset, ...filter } = q;
    const page = await this.deliveries.list(accountId, filter, limit, offset);
    return {
      items: page.items.map(({ leaseToken: _t, leaseUntil: _u, ...d }) => (void _t, void _u, d)),
      total: page.total,
      limit,
      offset,
    };
  }
}
