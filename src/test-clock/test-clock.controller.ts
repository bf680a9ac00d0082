import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Duration } from 'luxon';
import { z } from 'zod';
import { Auth } from '../common/auth/auth.decorators';
import { Clock, ControllableClock } from '../common/clock';
import { instant, LATEST_INSTANT, openApiSchema, ValidationFailed, ZodPipe } from '../common/validation';

const isoDuration = z
  .string()
  .refine(
    (v) => Duration.fromISO(v).isValid && Duration.fromISO(v).toMillis() >= 0,
    'must be a non-negative ISO 8601 duration such as PT1H or P1D',
  );
const setClock = z
  .object({
    now: instant.optional(),
    advance: isoDuration.optional(),
  })
  .refine((b) => (b.now === undefined) !== (b.advance === undefined), 'give exactly one of now or advance');

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
      // Herald takes no instant past LATEST_INSTANT, so neither does its clock (and far beyond, dates turn invalid).
      if (!(clock.now().getTime() + ms <= LATEST_INSTANT))
        throw new ValidationFailed([{ field: 'advance', message: 'would move the clock past 2200-01-01' }]);
      clock.advance(ms);
    }
    return { now: clock.now() };
  }
}
