import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Auth, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { ApiPageQuery, IdParam, PageSize, pageParams, ZodPipe } from '../common/validation';
import { TimelineService } from './timeline.service';

const PAGE: PageSize = { byDefault: 100, max: 200 };
const pageQuery = z.object(pageParams(PAGE));

@ApiTags('resources')
@Controller('v1/resources/:resourceId/timeline')
export class TimelineController {
  constructor(private readonly timeline: TimelineService) {}

  @Get()
  @Auth('service', 'member')
  @ApiOperation({
    summary: 'Notices produced for the resource (with delivery status) and those planned, with exact instants',
    description:
      'limit and offset page the produced notices from the newest (producedTotal counts them all); a page lists them in due order.',
  })
  @ApiPageQuery(PAGE)
  get(
    @IdParam('resourceId') resourceId: string,
    @Query(new ZodPipe(pageQuery)) page: z.output<typeof pageQuery>,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.timeline.timeline(resourceId, p, page);
  }
}
