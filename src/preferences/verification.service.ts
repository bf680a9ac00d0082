import { BadGatewayException, BadRequestException, ConflictException, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { Member, MemberRepository } from '../accounts/member.repository';
import { WallClock } from '../common/clock';
import { notFound } from '../common/errors';
import { ChannelsService } from '../delivery/channels.service';
import type { RenderedMessage } from '../delivery/channels/channel-sender';

export const CODE_TTL_MS = 10 * 60_000;
export const MAX_CODE_ATTEMPTS = 5;
export const RESEND_AFTER_MS = 60_000;

type Kind = 'email' | 'phone';

const hash = (memberId: string, kind: Kind, value: string, code: string) =>
  createHash('sha256').update(`${memberId}|${kind}|${value}|${code}`).digest('hex');

/**
 * Contact verification: a six-digit code sent through the contact's own channel, stored only as a
 * hash, valid for ten minutes and five tries; a new code at most once a minute. WeChat is bound by
 * openid (the host's OAuth flow proves it), not by code.
 */
@Injectable()
export class VerificationService {
  constructor(
    private readonly members: MemberRepository,
    private readonly channels: ChannelsService,
    private readonly wall: WallClock,
  ) {}

  async start(accountId: string, memberId: string, kind: Kind, newValue: string | undefined): Promise<{ expiresAt: Date; to: string }> {
    const member = await this.load(accountId, memberId);
    const now = this.wall.now();
    const pending = member.verification?.[kind];
    if (pending && now.getTime() - new Date(pending.sentAt).getTime() < RESEND_AFTER_MS) {
      const wait = Math.ceil((RESEND_AFTER_MS - (now.getTime() - new Date(pending.sentAt).getTime())) / 1000);
      throw new HttpException(
        { message: `a code was sent less than a minute ago; ask again in ${wait} s`, retryAfter: wait },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const value = newValue ?? member.contacts[kind]?.value;
    if (!value)
      throw new BadRequestException({
        message: `value: no ${kind} on file; give one`,
        fields: [{ field: 'value', message: `no ${kind} on file; give one` }],
      });
    const channel = kind === 'email' ? 'email' : 'sms';
    const sender = this.channels.get(channel);
    if (!sender) throw new ConflictException(`${channel} is not configured, so a ${kind} cannot be verified`);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const result = await sender.send({
      deliveryId: `verify|${accountId}|${memberId}|${kind}|${now.getTime()}`,
      to: value,
      locale: member.locale,
      content: codeMessage(channel, member.locale, code),
    });
    if (result.outcome !== 'sent') throw new BadGatewayException(`could not send the code: ${result.error}`);
    const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
    const contacts = {
      ...member.contacts,
      [kind]: { value, verified: member.contacts[kind]?.value === value ? member.contacts[kind]!.verified : false },
    };
    await this.members.update(
      accountId,
      memberId,
      {
        contacts,
        verification: {
          ...member.verification,
          [kind]: { codeHash: hash(memberId, kind, value, code), value, expiresAt, attempts: 0, sentAt: now },
        },
      },
      now,
    );
    return { expiresAt, to: mask(value) };
  }

  async confirm(accountId: string, memberId: string, kind: Kind, code: string): Promise<Member> {
    const member = await this.load(accountId, memberId);
    const now = this.wall.now();
    const pending = member.verification?.[kind];
    if (!pending)
      throw new BadRequestException({
        message: `code: no ${kind} verification is pending; request a code first`,
        fields: [{ field: 'code', message: 'no verification pending' }],
      });
    if (pending.attempts >= MAX_CODE_ATTEMPTS)
      throw new HttpException(`too many wrong codes; request a new code`, HttpStatus.TOO_MANY_REQUESTS);
    if (new Date(pending.expiresAt).getTime() <= now.getTime())
      throw new BadRequestException({ message: 'code: expired; request a new code', fields: [{ field: 'code', message: 'expired' }] });
    // Count the try before comparing, atomically, so parallel guesses cannot exceed the limit.
    const counted = await this.members.countVerificationAttempt(accountId, memberId, kind, MAX_CODE_ATTEMPTS);
    if (!counted) throw new HttpException(`too many wrong codes; request a new code`, HttpStatus.TOO_MANY_REQUESTS);
    const expected = Buffer.from(pending.codeHash, 'hex');
    const given = Buffer.from(hash(memberId, kind, pending.value, code), 'hex');
    if (!timingSafeEqual(expected, given))
      throw new BadRequestException({ message: 'code: does not match', fields: [{ field: 'code', message: 'does not match' }] });
    const verification = { ...member.verification };
    delete verification[kind];
    return (await this.members.update(
      accountId,
      memberId,
      { contacts: { ...member.contacts, [kind]: { value: pending.value, verified: true } }, verification },
      now,
    ))!;
  }

  async bindWeChat(accountId: string, memberId: string, openid: string | null): Promise<Member> {
    const member = await this.load(accountId, memberId);
    return (await this.members.update(
      accountId,
      memberId,
      { contacts: { ...member.contacts, wechat: openid ? { value: openid, verified: true } : null } },
      this.wall.now(),
    ))!;
  }

  private async load(accountId: string, memberId: string): Promise<Member> {
    const member = await this.members.get(accountId, memberId);
    if (!member) throw notFound('member', memberId);
    return member;
  }
}

/** `a***@example.com`, `+86*******8000`: enough to recognise, not enough to harvest. */
export function mask(value: string): string {
  if (value.includes('@')) {
    const [user, domain] = value.split('@');
    return `${user.slice(0, 1)}***@${domain}`;
  }
  return `${value.slice(0, 3)}${'*'.repeat(Math.max(0, value.length - 7))}${value.slice(-4)}`;
}

function codeMessage(channel: 'email' | 'sms', locale: 'zh-CN' | 'en-US', code: string): RenderedMessage {
  const zh = locale === 'zh-CN';
  const line = zh
    ? `您的 Herald 验证码是 ${code}，10 分钟内有效。如非本人操作，请忽略。`
    : `Your Herald verification code is ${code}. It is valid for 10 minutes. If you did not ask for it, ignore this message.`;
  if (channel === 'sms') return { channel: 'sms', body: line };
  return { channel: 'email', subject: zh ? 'Herald 验证码' : 'Your Herald verification code', text: line, html: `<p>${line}</p>` };
}
