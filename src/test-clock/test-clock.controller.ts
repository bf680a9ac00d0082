import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Duration } from 'luxon';
import { z } from 'zod';
import { Auth } from '../common/auth/auth.decorators';
import { Clock, ControllableClock } from '../common/clock';
import { openApiSchema, ValidationFailed, ZodPipe } from '../common/validation';

const isoDuration = z
  .string()
  .refine(
    (v) => Duration.fromISO(v).isValid && Duration.fromISO(v).toMillis() >= 0,
    'must be a non-negative ISO 8601 duration such as PT1H or P1D',
  );
const setClock = z
  .object({
    now: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with an offset' }).optional(),
    advance: isoDuration.optional(),
  })
  .refine((b) => (b.now === undefined) !== (b.advance === undefined), 'give exactly one of now or advance');
/** The last instant an ISO 8601 date-time (as `now` takes it) can name. */
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Exists only with TEST_CLOCK_ENABLED=true (the module is not loaded otherwise, so the path is a 404). */
@ApiTags('operations')
@Controller('v1/test-clock')
export class TestClockController {
  constructor(private readonly clock: Clock) {}

  @Get()
  @Auth('service')
  @ApiOperation({ summary: "The test clock's current instant" })
  get() {
    return { now: this.clock.now() };
  }

  @Put()
  @Auth('service')
  @ApiOperation({ summary: 'Set the test clock to an instant, or advance it by an ISO 8601 duration; it stays frozen there' })
  @ApiBody({ schema: openApiSchema(setClock) })
  set(@Body(new ZodPipe(setClock)) body: z.output<typeof setClock>) {
    const clock = this.clock as ControllableClock;
    if (body.now) clock.set(new Date(body.now));
    else {
      const ms = Duration.fromISO(body.advance!).toMillis();
      // Beyond JavaScript's date range the clock would hold an invalid date and every request reading it would fail.
      if (!(clock.now().getTime() + ms <= LATEST))
        throw new ValidationFailed([{ field: 'advance', message: 'would move the clock past 9999-12-31' }]);
      clock.advance(ms);
    }
    return { now: clock.now() };
  }
}
