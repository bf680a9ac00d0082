import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AccountRepository } from '../accounts/account.repository';
import { MemberRepository } from '../accounts/member.repository';
import { TokensService } from '../auth/tokens.service';
import { Public } from '../common/auth/auth.decorators';
import { notFound } from '../common/errors';
import { idString, openApiSchema, ZodPipe } from '../common/validation';
import { ALL_ACCOUNTS } from '../database/plain';
import { DEMO_ACCOUNT_ID } from './demo-data';

const tokenRequest = z.object({ accountId: idString, memberId: idString });
const membersQuery = z.object({ accountId: idString.optional() });
const PICKER_ACCOUNTS = 20;

/** Development only (the module is not loaded unless NODE_ENV=development): mint a member token without a host console. */
@ApiTags('development')
@Controller('v1/dev')
export class DevController {
  constructor(
    private readonly accounts: AccountRepository,
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

  @Public()
  @Get('members')
  @ApiOperation({ summary: "Development only: the local accounts' members, for the console's sign-in picker (demo account first)" })
  @ApiQuery({ name: 'accountId', required: false, description: 'only this account' })
  async list(@Query(new ZodPipe(membersQuery)) q: z.output<typeof membersQuery>) {
    const accounts = q.accountId
      ? await this.accounts.getMany([q.accountId])
      : await this.accounts.listRecent(ALL_ACCOUNTS, PICKER_ACCOUNTS);
    accounts.sort((a, b) => Number(b.id === DEMO_ACCOUNT_ID) - Number(a.id === DEMO_ACCOUNT_ID));
    const members = await this.members.listMany(accounts.map((a) => a.id));
    return {
      accounts: accounts.map((a) => ({
        id: a.id,
        name: a.name,
        members: (members.get(a.id) ?? [])
          .sort((x, y) => Number(y.roles.includes('creator')) - Number(x.roles.includes('creator')) || x.name.localeCompare(y.name))
          .map((m) => ({ id: m.id, name: m.name, roles: m.roles })),
      })),
    };
  }
}
