import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { Auth } from '../common/auth/auth.decorators';
import { notFound } from '../common/errors';
import { ZodPipe } from '../common/validation';
import { Clock } from '../common/clock';
import { CONFIG, Config } from '../config/config';
import { CHANNELS, MESSAGE_TYPES, MessageType } from '../lifecycle/message-types';
import { LOCALES } from './message-context';
import { TemplateRegistry } from './template-registry';

const previewQuery = z.object({
  channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` }),
  locale: z.enum(LOCALES, { error: `must be one of ${LOCALES.join(', ')}` }).default('zh-CN'),
  digest: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  timeZone: z
    .string()
    .refine((v) => IANAZone.isValidZone(v), 'must be an IANA time zone such as Asia/Shanghai')
    .optional(),
});

@ApiTags('templates')
@Controller('v1/templates')
export class TemplatesController {
  constructor(
    private readonly templates: TemplateRegistry,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Get(':type/preview')
  @Auth('service', 'member')
  @ApiOperation({ summary: "A message type rendered for one channel and locale with the type's sample data" })
  @ApiParam({ name: 'type', enum: MESSAGE_TYPES })
  @ApiQuery({ name: 'channel', enum: CHANNELS })
  @ApiQuery({ name: 'locale', enum: LOCALES, required: false, description: 'default zh-CN' })
  @ApiQuery({ name: 'digest', enum: ['true', 'false'], required: false, description: 'render the multi-resource digest sample' })
  @ApiQuery({ name: 'timeZone', required: false, description: 'IANA zone dates are shown in; default Asia/Shanghai' })
  preview(@Param('type') type: string, @Query(new ZodPipe(previewQuery)) q: z.output<typeof previewQuery>) {
    if (!(MESSAGE_TYPES as readonly string[]).includes(type)) throw notFound('message type', type);
    return this.templates.preview(type as MessageType, q.channel, q.locale, {
      digest: q.digest === 'true',
      timeZone: q.timeZone,
      // As a message sent now would read: relative times count from the current clock.
      now: this.clock.now(),
      consoleUrl: `${this.config.publicUrl}/console`,
    });
  }
}
