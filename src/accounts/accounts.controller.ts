import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { ApiPageQuery, IdParam, openApiSchema, ZodPipe } from '../common/validation';
import {
  createMemberInput,
  groupInput,
  MEMBERS_PAGE,
  pageQuery,
  putAccountInput,
  updateGroupInput,
  updateMemberInput,
} from './accounts.dto';
import type { CreateMemberInput, PageQuery, PutAccountInput, UpdateMemberInput } from './accounts.dto';
import { AccountsService } from './accounts.service';
import type { Member } from './member.repository';

/** A member as the API shows it: pending verification codes (even hashed) never leave Herald. */
const publicMember = ({ verification: _v, ...member }: Member) => (void _v, member);

@ApiTags('accounts')
@Controller('v1/accounts/:accountId')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Put()
  @Auth('service')
  @ApiOperation({ summary: 'Create or update an account (upstream); optionally with its creator' })
  @ApiBody({ schema: openApiSchema(putAccountInput) })
  async put(
    @IdParam('accountId') accountId: string,
    @Body(new ZodPipe(putAccountInput)) body: PutAccountInput,
    @CurrentPrincipal() p: Principal,
  ) {
    const result = await this.accounts.putAccount(accountId, body, p);
    return { ...result, creator: result.creator && publicMember(result.creator) };
  }

  @Get()
  @Auth('service', 'member')
  @ApiOperation({ summary: 'Read an account' })
  get(@IdParam('accountId') accountId: string, @CurrentPrincipal() p: Principal) {
    return this.accounts.getAccount(accountId, p);
  }

  @Get('members')
  @Auth('service', 'member')
  @ApiOperation({ summary: `The account's members by name, at most ${MEMBERS_PAGE.max} a page (creator)` })
  @ApiPageQuery(MEMBERS_PAGE)
  async listMembers(
    @IdParam('accountId') accountId: string,
    @Query(new ZodPipe(pageQuery)) q: PageQuery,
    @CurrentPrincipal() p: Principal,
  ) {
    const page = await this.accounts.listMembers(accountId, q, p);
    return { items: page.items.map(publicMember), total: page.total, limit: q.limit, offset: q.offset };
  }

  @Post('members')
  @Auth('service', 'member')
  @ApiOperation({ summary: 'Add a member: creator (one per account), collaborator, finance collaborator or receive-only receiver' })
  @ApiBody({ schema: openApiSchema(createMemberInput) })
  async addMember(
    @IdParam('accountId') accountId: string,
    @Body(new ZodPipe(createMemberInput)) body: CreateMemberInput,
    @CurrentPrincipal() p: Principal,
  ) {
    return publicMember(await this.accounts.addMember(accountId, body, p));
  }

  @Get('members/:memberId')
  @Auth('service', 'member')
  @ApiOperation({ summary: 'Read a member (creator, or the member themself)' })
  async getMember(@IdParam('accountId') accountId: string, @IdParam('memberId') memberId: string, @CurrentPrincipal() p: Principal) {
    return publicMember(await this.accounts.getMember(accountId, memberId, p));
  }

  @Patch('members/:memberId')
  @Auth('service', 'member')
  @ApiOperation({ summary: "Change a member's roles, scope, contacts, locale, time zone or quiet hours (creator)" })
  @ApiBody({ schema: openApiSchema(updateMemberInput) })
  async updateMember(
    @IdParam('accountId') accountId: string,
    @IdParam('memberId') memberId: string,
    @Body(new ZodPipe(updateMemberInput)) body: UpdateMemberInput,
    @CurrentPrincipal() p: Principal,
  ) {
    return publicMember(await this.accounts.updateMember(accountId, memberId, body, p));
  }

  @Delete('members/:memberId')
  @HttpCode(204)
  @Auth('service', 'member')
  @ApiOperation({ summary: 'Remove a member (creator); the creator cannot be removed' })
  async removeMember(@IdParam('accountId') accountId: string, @IdParam('memberId') memberId: string, @CurrentPrincipal() p: Principal) {
    await this.accounts.removeMember(accountId, memberId, p);
  }

  @Get('groups')
  @Auth('service', 'member')
  @ApiOperation({ summary: `The account's receiver groups by name, at most ${MEMBERS_PAGE.max} a page (creator)` })
  @ApiPageQuery(MEMBERS_PAGE)
  async listGroups(@IdParam('accountId') accountId: string, @Query(new ZodPipe(pageQuery)) q: PageQuery, @CurrentPrincipal() p: Principal) {
    const page = await this.accounts.listGroups(accountId, q, p);
    return { ...page, limit: q.limit, offset: q.offset };
  }

  @Post('groups')
  @Auth('service', 'member')
  @ApiOperation({ summary: 'Create a receiver group (creator)' })
  @ApiBody({ schema: openApiSchema(groupInput) })
  createGroup(
    @IdParam('accountId') accountId: string,
    @Body(new ZodPipe(groupInput)) body: { id?: string; name: string; memberIds: string[] },
    @CurrentPrincipal() p: Principal,
  ) {
    return this.accounts.createGroup(accountId, body, p);
  }

  @Patch('groups/:groupId')
  @Auth('service', 'member')
  @ApiOperation({ summary: 'Rename a receiver group or change its members (creator)' })
  @ApiBody({ schema: openApiSchema(updateGroupInput) })
  updateGroup(
    @IdParam('accountId') accountId: string,
    @IdParam('groupId') groupId: string,
    @Body(new ZodPipe(updateGroupInput)) body: { name?: string; memberIds?: string[] },
    @CurrentPrincipal() p: Principal,
  ) {
    return this.accounts.updateGroup(accountId, groupId, body, p);
  }

  @Delete('groups/:groupId')
  @HttpCode(204)
  @Auth('service', 'member')
  @ApiOperation({ summary: 'Delete a receiver group (creator)' })
  async deleteGroup(@IdParam('accountId') accountId: string, @IdParam('groupId') groupId: string, @CurrentPrincipal() p: Principal) {
    await this.accounts.deleteGroup(accountId, groupId, p);
  }
}
