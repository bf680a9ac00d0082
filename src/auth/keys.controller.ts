import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Auth, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { IdParam, openApiSchema, text, ZodPipe } from '../common/validation';
import { ApiKeysService } from './api-keys.service';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
const createBody = z.object({ name: text.trim().min(1).max(100) });

/** Service API keys, for operators: list, create (the key is shown once) and revoke. */
@ApiTags('keys')
@Controller('v1/keys')
export class KeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @Auth('service')
  @ApiOperation({ summary: 'List service API keys (ids, names, kinds, creation, last use, revocation; never the keys)' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200 } })
  @ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, maximum: 100000 } })
  async list(@Query(new ZodPipe(listQuery)) q: z.output<typeof listQuery>) {
    return { ...(await this.keys.page(q.limit, q.offset)), limit: q.limit, offset: q.offset };
  }

  @Post()
  @HttpCode(201)
  @Auth('service')
  @ApiOperation({ summary: 'Create a service API key; the answer is the only time the key is shown' })
  @ApiBody({ schema: openApiSchema(createBody) })
  async create(@Body(new ZodPipe(createBody)) body: z.output<typeof createBody>) {
    const { key, info } = await this.keys.create(body.name);
    return { ...info, key };
  }

  @Delete(':keyId')
  @HttpCode(204)
  @Auth('service')
  @ApiOperation({ summary: 'Revoke a service API key: it is refused from then on (by other instances within 10 s)' })
  async revoke(@IdParam('keyId') keyId: string, @CurrentPrincipal() caller: Principal): Promise<void> {
    await this.keys.revoke(keyId, caller);
  }
}
