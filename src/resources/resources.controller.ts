import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Auth, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { ApiPageQuery, idString, IdParam, PageSize, pageParams, ZodPipe } from '../common/validation';
import { RESOURCE_STATUSES } from '../lifecycle/lifecycle.types';
import { resourceView, ResourcesService } from './resources.service';

const PAGE: PageSize = { byDefault: 50, max: 200 };
const listQuery = z.object({
  accountId: idString,
  product: idString.optional(),
  status: z.enum(RESOURCE_STATUSES).optional(),
  ...pageParams(PAGE),
});

@ApiTags('resources')
@Controller('v1/resources')
export class ResourcesController {
  constructor(private readonly resources: ResourcesService) {}

  @Get()
  @Auth('service', 'member')
  @ApiOperation({ summary: "List an account's resources, by product and status" })
  @ApiQuery({ name: 'accountId', required: true })
  @ApiQuery({ name: 'product', required: false })
  @ApiQuery({ name: 'status', required: false, enum: RESOURCE_STATUSES })
  @ApiPageQuery(PAGE)
  list(@Query(new ZodPipe(listQuery)) q: z.output<typeof listQuery>, @CurrentPrincipal() p: Principal) {
    const { accountId, ...rest } = q;
    return this.resources.list(accountId, rest, p);
  }

  @Get(':resourceId')
  @Auth('service', 'member')
  @ApiOperation({ summary: "A resource's lifecycle state" })
  async get(@IdParam('resourceId') resourceId: string, @CurrentPrincipal() p: Principal) {
    return resourceView(await this.resources.get(resourceId, p));
  }
}
