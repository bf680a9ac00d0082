import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { Auth } from '../common/auth/auth.decorators';
import { ValidationFailed, openApiSchema, problemsOf } from '../common/validation';
import { conflict } from '../common/errors';
import { ApiKeyThrottlerGuard } from '../common/throttle';
import { batchSchema, eventSchema } from './event.types';
import { EventsService } from './events.service';

const resultSchema = z.object({
  index: z.int(),
  id: z.string().nullable(),
  outcome: z.enum(['applied', 'duplicate', 'stale', 'rejected']),
  reason: z.string().optional(),
});

@ApiTags('events')
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @HttpCode(200)
  @Auth('service')
  @UseGuards(ApiKeyThrottlerGuard)
  @ApiTooManyRequestsResponse({
    description: 'More than EVENTS_RATE_LIMIT requests from this API key in EVENTS_RATE_WINDOW_MS; see Retry-After',
  })
  @ApiOperation({
    summary: 'Post one lifecycle event, or a batch of up to 1,000 as { "events": [...] }',
    description:
      'Idempotent by event id. Each event gets an outcome: applied, duplicate (id seen before), stale (older than the state it would change) or rejected (with the reason). A single malformed event is a 400 naming the field; in a batch the good events are applied and the bad ones reported.',
  })
  @ApiBody({
    schema: {
      oneOf: [
        openApiSchema(eventSchema),
        {
          type: 'object',
          required: ['events'],
          properties: { events: { type: 'array', minItems: 1, maxItems: 1000, items: openApiSchema(eventSchema) } },
        },
      ],
    },
  })
  @ApiOkResponse({
    schema: {
      oneOf: [
        openApiSchema(resultSchema),
        openApiSchema(z.object({ results: z.array(resultSchema), counts: z.record(z.string(), z.int()) })),
      ],
    },
  })
  async post(@Body() body: unknown) {
    if (body && typeof body === 'object' && 'events' in body) {
      const batch = batchSchema.safeParse(body);
      if (!batch.success) throw new ValidationFailed(problemsOf(batch.error));
      const results = await this.events.ingest(batch.data.events);
      const counts = { applied: 0, duplicate: 0, stale: 0, rejected: 0 };
      for (const r of results) counts[r.outcome]++;
      return { results, counts };
    }
    const [result] = await this.events.ingest([body]);
    if (result.outcome === 'rejected') {
      if (result.fields?.some((f) => f.message === 'belongs to another account')) throw conflict(result.reason!);
      throw new ValidationFailed(result.fields ?? []);
    }
    return result;
  }
}
