import { Body, Controller, Delete, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { emailValue, phoneValue } from '../accounts/accounts.dto';
import { Auth, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { forbidden } from '../common/errors';
import { idString, IdParam, openApiSchema, ZodPipe } from '../common/validation';
import { memberScope } from './member-access';
import { VerificationService } from './verification.service';

const kindParam = z.enum(['email', 'phone'], { error: 'must be email or phone' });
const accountQuery = z.object({ accountId: idString.optional() });
const startBody = z.object({ value: z.string().min(3).max(254).optional() });
const confirmBody = z.object({ code: z.string().regex(/^\d{6}$/, 'must be the six digits that were sent') });
const wechatBody = z.object({ openid: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, 'must be a WeChat openid') });
const oauthBody = z.object({
  code: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be the code WeChat added to the authorisation redirect'),
});

@ApiTags('preferences')
@Controller('v1/members/:memberId/contacts')
export class ContactsController {
  constructor(private readonly verification: VerificationService) {}

  @Post(':kind/verification')
  @HttpCode(202)
  @Auth('member', 'service')
  @ApiOperation({ summary: 'Send a verification code to my email or phone (optionally a new address first)' })
  @ApiQuery({ name: 'accountId', required: false, description: 'required with a service key' })
  @ApiBody({ schema: openApiSchema(startBody) })
  async start(
    @IdParam('memberId') memberId: string,
    @Param('kind', new ZodPipe(kindParam, 'kind')) kind: 'email' | 'phone',
    @Query(new ZodPipe(accountQuery)) q: z.output<typeof accountQuery>,
    @Body(new ZodPipe(startBody)) body: z.output<typeof startBody>,
    @CurrentPrincipal() p: Principal,
  ) {
    if (body.value !== undefined) new ZodPipe(z.object({ value: kind === 'email' ? emailValue : phoneValue })).transform(body);
    return this.verification.start(memberScope(p, memberId, q.accountId), memberId, kind, body.value);
  }

  @Post(':kind/verification/confirm')
  @HttpCode(200)
  @Auth('member', 'service')
  @ApiOperation({ summary: 'Confirm the code; the contact becomes verified' })
  @ApiQuery({ name: 'accountId', required: false, description: 'required with a service key' })
  @ApiBody({ schema: openApiSchema(confirmBody) })
  async confirm(
    @IdParam('memberId') memberId: string,
    @Param('kind', new ZodPipe(kindParam, 'kind')) kind: 'email' | 'phone',
    @Query(new ZodPipe(accountQuery)) q: z.output<typeof accountQuery>,
    @Body(new ZodPipe(confirmBody)) body: z.output<typeof confirmBody>,
    @CurrentPrincipal() p: Principal,
  ) {
    const member = await this.verification.confirm(memberScope(p, memberId, q.accountId), memberId, kind, body.code);
    return { contacts: member.contacts };
  }

  @Put('wechat')
  @Auth('member', 'service')
  @ApiOperation({
    summary: 'Declare a WeChat openid that the upstream service proved (service key only; members bind with the OAuth code)',
  })
  @ApiQuery({ name: 'accountId', required: true, description: 'the member’s account' })
  @ApiBody({ schema: openApiSchema(wechatBody) })
  async bind(
    @IdParam('memberId') memberId: string,
    @Query(new ZodPipe(accountQuery)) q: z.output<typeof accountQuery>,
    @Body(new ZodPipe(wechatBody)) body: z.output<typeof wechatBody>,
    @CurrentPrincipal() p: Principal,
  ) {
    const accountId = memberScope(p, memberId, q.accountId);
    // An openid alone proves nothing: a member could name anyone's and receive their messages.
    if (p.kind === 'member')
      throw forbidden(`a member binds WeChat with the code of its authorisation: POST /v1/members/${memberId}/contacts/wechat/oauth`);
    const member = await this.verification.bindWeChat(accountId, memberId, body.openid);
    return { contacts: member.contacts };
  }

  @Post('wechat/oauth')
  @HttpCode(200)
  @Auth('member', 'service')
  @ApiOperation({
    summary: 'Bind my WeChat from the code of the official account’s web authorisation (the `code` on the redirect URL)',
    description:
      'Herald exchanges the code at WeChat (sns/oauth2/access_token) and binds the openid it belongs to, verified. ' +
      'A code works once: an unknown, expired or used code is a 400 naming `code`; 409 when WeChat is not configured.',
  })
  @ApiQuery({ name: 'accountId', required: false, description: 'required with a service key' })
  @ApiBody({ schema: openApiSchema(oauthBody) })
  async bindFromCode(
    @IdParam('memberId') memberId: string,
    @Query(new ZodPipe(accountQuery)) q: z.output<typeof accountQuery>,
    @Body(new ZodPipe(oauthBody)) body: z.output<typeof oauthBody>,
    @CurrentPrincipal() p: Principal,
  ) {
    const member = await this.verification.bindWeChatFromCode(memberScope(p, memberId, q.accountId), memberId, body.code);
    return { contacts: member.contacts };
  }

  @Delete('wechat')
  @HttpCode(204)
  @Auth('member', 'service')
  @ApiOperation({ summary: 'Unbind my WeChat' })
  @ApiQuery({ name: 'accountId', required: false, description: 'required with a service key' })
  async unbind(
    @IdParam('memberId') memberId: string,
    @Query(new ZodPipe(accountQuery)) q: z.output<typeof accountQuery>,
    @CurrentPrincipal() p: Principal,
  ) {
    await this.verification.bindWeChat(memberScope(p, memberId, q.accountId), memberId, null);
  }
}
