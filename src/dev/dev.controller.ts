import { Body, Controller, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { MemberRepository } from '../accounts/member.repository';
import { TokensService } from '../auth/tokens.service';
import { Public } from '../common/auth/auth.decorators';
import { notFound } from '../common/errors';
import { idString, openApiSchema, ZodPipe } from '../common/validation';

const tokenRequest = z.object({ accountId: idString, memberId: idString });

/** Development only (the module is not loaded unless NODE_ENV=development): mint a member token without a host console. */
@ApiTags('development')
@Controller('v1/dev')
export class DevController {
  constructor(
    private readonly members: MemberRepository,
    private readonly tokens: TokensService,
  ) {}

  @Public()
  @Post('tokens')
  @ApiOperation({ summary: 'Development only: a bearer token for an existing member' })
  @ApiBody({ schema: openApiSchema(tokenRequest) })
  async mint(@Body(new ZodPipe(tokenRequest)) body: z.output<typeof tokenRequest>) {
    const member = await this.members.get(body.accountId, body.memberId);
    if (!member) throw notFound('member', body.memberId);
    return {
      token: this.tokens.mint({ acc: member.accountId, sub: member.id, roles: member.roles }),
      member: { id: member.id, name: member.name, roles: member.roles },
    };
  }
}
