import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Auth } from '../common/auth/auth.decorators';
import { openApiSchema } from '../common/validation';
import { RetentionService } from './retention.service';

const count = z.int().min(0);
const batchCount = z.object({ removed: count, batches: count });
const sweepStats = z.object({
  inbox: batchCount.describe('inbox messages older than INBOX_RETENTION_DAYS'),
  deliveries: batchCount.describe('deliveries in a final status older than DELIVERY_RETENTION_DAYS'),
  events: batchCount.describe('event records (the idempotency record of POST /v1/events) older than EVENT_RETENTION_DAYS'),
  destroyed: z
    .object({ resources: count, notices: count, deliveries: count, inbox: count, batches: count, postponed: count })
    .describe("resources destroyed longer ago than their policy's keepAfterDestroyDays, with their notices, deliveries and inbox messages"),
  durationMs: count,
});

@ApiTags('operations')
@Controller('v1/retention')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Post('run')
  @HttpCode(200)
  @Auth('service')
  @ApiOperation({
    summary: 'Run a retention sweep now (operators); returns what it removed',
    description:
      'Removes inbox messages, finished deliveries and event records past their age, and the records of resources destroyed longer ago than their keep days, in batches of RETENTION_BATCH_SIZE. Safe to run while another instance sweeps.',
  })
  @ApiOkResponse({ schema: openApiSchema(sweepStats) })
  run() {
    return this.retention.runSweep();
  }
}
