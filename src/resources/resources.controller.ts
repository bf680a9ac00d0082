import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Auth, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { ApiPageQuery, idString, IdParam, PageSize, pageParams, ZodPipe } from '../common/validation';
import { RESOURCE_STATUSES } from '../lifecycle/lifecycle.types';
import { PHASES } from '../lifecycle/phase';
import { ResourcesService } from './resources.service';

const PAGE: PageSize = { byDefault: 50, max: 200 };
const listQuery = z.object({
  accountId: idString,
  product: idString.optional(),
  status: z.enum(RESOURCE_STATUSES).optional(),
  phase: z.enum(PHASES).optional(),
  ...pageParams(PAGE),
});

@ApiTags('resources')
@Controller('v1/resources')
export class ResourcesController {
  constructor(private readonly resources: ResourcesService) {}

  @Get()
  @Auth('service', 'member')
  @ApiOperation({
    summary: "List an account's resources, by product, upstream status and phase",
    description:
      'Each resource carries `status` (as upstream reported it) and `phase` (where its term stands now under its policy: ' +
      'running, expiring, expired, stopped or frozen, released) with `nextPhase` and `nextPhaseAt`. `phase` filters by the phase now.',
  })
  @ApiQuery({ name: 'accountId', required: true })
  @ApiQuery({ name: 'product', required: false })
  @ApiQuery({ name: 'status', required: false, enum: RESOURCE_STATUSES, description: 'as upstream reported it' })
  @ApiQuery({ name: 'phase', required: false, enum: PHASES, description: 'the phase now' })
  @ApiPageQuery(PAGE)
  list(@Query(new ZodPipe(listQuery)) q: z.output<typeof listQuery>, @CurrentPrincipal() p: Principal) {
    const { accountId, ...rest } = q;
    return this.resources.list(accountId, rest, p);
  }

  @Get(':resourceId')
  @Auth('service', 'member')
  @ApiOperation({ summary: "A resource's lifecycle state, with its phase now and the next one" })
  async get(@IdParam('resourceId') resourceId: string, @CurrentPrincipal() p: Principal) {
    return this.resources.view(await this.resources.get(resourceId, p));
  }
}
