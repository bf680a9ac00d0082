import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Auth, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { MemberPrincipal } from '../common/auth/principal';
import { WallClock } from '../common/clock';
import { notFound } from '../common/errors';
import { ApiPageQuery, PageSize, pageParams, ZodPipe } from '../common/validation';
import { CATEGORIES } from '../lifecycle/message-types';
import { InboxRepository } from './inbox.repository';

const PAGE: PageSize = { byDefault: 20, max: 100 };
const pageQuery = z.object({
  unread: z.enum(['true', 'false']).optional(),
  category: z.enum(CATEGORIES).optional(),
  ...pageParams(PAGE),
});

/** A message id is its delivery id (`<notice>|<member>|inbox`, with `|` and instants in it): matched exactly, never parsed. */
const MessageIdParam = () => Param('messageId', new ZodPipe(z.string().min(1).max(600), 'messageId'));

/** A member's own inbox; services have no access (an inbox is personal). */
@ApiTags('inbox')
@Controller('v1/inbox')
export class InboxController {
  constructor(
    private readonly inbox: InboxRepository,
    private readonly wall: WallClock,
  ) {}

  @Get()
  @Auth('member')
  @ApiOperation({ summary: 'My in-site messages, newest first, with unread and category filters' })
  @ApiQuery({ name: 'unread', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'category', required: false, enum: CATEGORIES })
  @ApiPageQuery(PAGE)
  async list(@Query(new ZodPipe(pageQuery)) q: z.output<typeof pageQuery>, @CurrentPrincipal() p: MemberPrincipal) {
    // In parallel: the console waits for this answer before it shows the inbox.
    const [page, unread] = await Promise.all([
      this.inbox.page(p.accountId, p.memberId, { unread: q.unread === 'true', category: q.category, limit: q.limit, offset: q.offset }),
      this.inbox.unreadCount(p.accountId, p.memberId),
    ]);
    return { ...page, limit: q.limit, offset: q.offset, unread };
  }

  @Get('unread-count')
  @Auth('member')
  @ApiOperation({ summary: 'How many of my in-site messages are unread' })
  async unreadCount(@CurrentPrincipal() p: MemberPrincipal) {
    return { unread: await this.inbox.unreadCount(p.accountId, p.memberId) };
  }

  @Get(':messageId')
  @Auth('member')
  @ApiOperation({ summary: 'One of my messages' })
  async get(@MessageIdParam() id: string, @CurrentPrincipal() p: MemberPrincipal) {
    const message = await this.inbox.get(p.accountId, p.memberId, id);
    if (!message) throw notFound('message', id);
    return message;
  }

  @Post(':messageId/read')
  @HttpCode(200)
  @Auth('member')
  @ApiOperation({ summary: 'Mark one of my messages read' })
  async read(@MessageIdParam() id: string, @CurrentPrincipal() p: MemberPrincipal) {
    if (!(await this.inbox.markRead(p.accountId, p.memberId, id, this.wall.now()))) throw notFound('message', id);
    return { unread: await this.inbox.unreadCount(p.accountId, p.memberId) };
  }

  @Post('read-all')
  @HttpCode(200)
  @Auth('member')
  @ApiOperation({ summary: 'Mark all my messages read' })
  async readAll(@CurrentPrincipal() p: MemberPrincipal) {
    const marked = await this.inbox.markAllRead(p.accountId, p.memberId, this.wall.now());
    return { marked, unread: 0 };
  }
}
