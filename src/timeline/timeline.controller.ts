import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { IdParam } from '../common/validation';
import { TimelineService } from './timeline.service';

@ApiTags('resources')
@Controller('v1/resources/:resourceId/timeline')
export class TimelineController {
  constructor(private readonly timeline: TimelineService) {}

  @Get()
  @Auth('service', 'member')
  @ApiOperation({ summary: 'Notices produced for the resource (with delivery status) and those planned, with exact instants' })
  get(@IdParam('resourceId') resourceId: string, @CurrentPrincipal() p: Principal) {
    return this.timeline.timeline(resourceId, p);
  }
}
