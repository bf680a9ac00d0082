import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Auth } from '../common/auth/auth.decorators';
import { notFound } from '../common/errors';
import { instant, ZodPipe } from '../common/validation';
import { PoliciesService, previewCalendar } from './policies.service';

const previewQuery = z.object({
  expiresAt: instant.optional(),
  autoRenew: z.enum(['true', 'false']).optional(),
  customerLevel: z.string().max(16).optional(),
});

@ApiTags('policies')
@Controller('v1/policies')
export class PoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @Get()
  @Auth('service', 'member')
  @ApiOperation({ summary: 'Every product policy with its version and time zone' })
  list() {
    return this.policies
      .list()
      .map((p) => ({ product: p.product, name: p.name, version: p.version, timeZone: p.timeZone, source: p.source }));
  }

  @Get(':product')
  @Auth('service', 'member')
  @ApiOperation({ summary: "A product's policy, and with ?expiresAt= the calendar it gives a resource expiring then" })
  @ApiQuery({ name: 'expiresAt', required: false, description: 'ISO 8601 with offset' })
  @ApiQuery({ name: 'autoRenew', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'customerLevel', required: false })
  get(@Param('product') product: string, @Query(new ZodPipe(previewQuery)) q: z.output<typeof previewQuery>) {
    const policy = this.policies.get(product);
    if (!policy) throw notFound('policy', product);
    const calendar = q.expiresAt
      ? previewCalendar(policy, {
          expiresAt: new Date(q.expiresAt),
          autoRenew: q.autoRenew === 'true',
          customerLevel: q.customerLevel ?? 'V0',
        })
      : undefined;
    return {
      product: policy.product,
      name: policy.name,
      version: policy.version,
      timeZone: policy.timeZone,
      source: policy.source,
      policy: policy.doc,
      calendar,
    };
  }
}
