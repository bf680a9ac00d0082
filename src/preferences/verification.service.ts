import {
  BadGatewayException,
  BadRequestException,
  ConflictException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { Member, MemberRepository } from '../accounts/member.repository';
import { WallClock } from '../common/clock';
import { notFound } from '../common/errors';
import { ValidationFailed } from '../common/validation';
import { CONFIG, Config } from '../config/config';
import { ChannelsService } from '../delivery/channels.service';
import { errorText, isRejectedOAuthCode, type SendResult, WeChatApiError, WeChatOAuthClient } from '../delivery/channels';
import type { RenderedMessage } from '../templates/rendered-message';

export const CODE_TTL_MS = 10 * 60_000;
export const MAX_CODE_ATTEMPTS = 5;
export const RESEND_AFTER_MS = 60_000;

type Kind = 'email' | 'phone';

const hash = (memberId: string, kind: Kind, value: string, code: string) =>
  createHash('sha256').update(`${memberId}|${kind}|${value}|${code}`).digest('hex');

const codeProblem = (message: string) => new ValidationFailed([{ field: 'code', message }]);

/**
 * Contact verification: a six-digit code sent through the contact's own channel, stored only as a hash, valid for
 * ten minutes and five tries; a new code at most once a minute, claimed before anything is sent. The verified
 * contact keeps receiving until the new address is confirmed. WeChat is bound from the code of the official
 * account's web authorisation, or declared by a service.
 */
@Injectable()
export class VerificationService {
  private readonly logger = new Logger('Verification');
  private readonly wechatOAuth: WeChatOAuthClient | null;

  constructor(
    private readonly members: MemberRepository,
    private readonly channels: ChannelsService,
    private readonly wall: WallClock,
    @Inject(CONFIG) config: Config,
  ) {
    this.wechatOAuth = config.wechat ? new WeChatOAuthClient(config.wechat) : null;
  }

  async start(accountId: string, memberId: string, kind: Kind, newValue: string | undefined): Promise<{ expiresAt: Date; to: string }> {
    const member = await this.load(accountId, memberId);
    const value = newValue ?? member.contacts[kind]?.value;
    if (!value)
      throw new BadRequestException({
        message: `value: no ${kind} on file; give one`,
        fields: [{ field: 'value', message: `no ${kind} on file; give one` }],
      });
    const channel = kind === 'email' ? 'email' : 'sms';
    const sender = this.channels.get(channel);
    if (!sender) throw new ConflictException(`${channel} is not configured, so a ${kind} cannot be verified`);
    const now = this.wall.now();
    if (!(await this.members.claimVerificationSend(accountId, memberId, kind, now, RESEND_AFTER_MS))) {
      throw await this.tooSoon(accountId, memberId, kind, now);
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const result = await sender
      .send({
        deliveryId: `verify|${accountId}|${memberId}|${kind}|${now.getTime()}`,
        to: value,
        locale: member.locale,
        content: codeMessage(channel, member.locale, code),
      })
      .catch((err: unknown): SendResult => ({ outcome: 'transient', error: errorText(err) }));
    const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
    const pending = { codeHash: hash(memberId, kind, value, code), value, expiresAt };
    if (result.outcome !== 'sent') {
      // A send that surely did not go out gives the minute back. One that may have (no answer came back) keeps the
      // minute and its code, so the code works if it arrives.
      const maybeSent = result.outcome === 'transient' && result.inDoubt === true;
      if (maybeSent) await this.members.recordVerificationCode(accountId, memberId, kind, now, pending);
      else await this.members.releaseVerificationSend(accountId, memberId, kind, now, member.verification?.[kind]?.sentAt ?? null);
      throw this.sendFailed(channel, value, result);
    }
    if (!(await this.members.recordVerificationCode(accountId, memberId, kind, now, pending))) throw notFound('member', memberId);
    return { expiresAt, to: mask(value) };
  }

  async confirm(accountId: string, memberId: string, kind: Kind, code: string): Promise<Member> {
    const member = await this.load(accountId, memberId);
    const now = this.wall.now();
    const pending = member.verification?.[kind];
    if (!pending?.codeHash || !pending.value || !pending.expiresAt)
      throw new BadRequestException({
        message: `code: no ${kind} verification is pending; request a code first`,
        fields: [{ field: 'code', message: 'no verification pending' }],
      });
    if ((pending.attempts ?? 0) >= MAX_CODE_ATTEMPTS)
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
    const done = await this.members.completeVerification(
      accountId,
      memberId,
      kind,
      { codeHash: pending.codeHash, value: pending.value },
      now,
    );
    if (!done) throw codeProblem('a newer code was sent meanwhile; use that one');
    return done;
  }

  /** A service declaring an openid its own WeChat login proved, or anyone unbinding (null). */
  async bindWeChat(accountId: string, memberId: string, openid: string | null): Promise<Member> {
    const member = await this.members.setContact(
      accountId,
      memberId,
      'wechat',
      openid ? { value: openid, verified: true } : null,
      this.wall.now(),
    );
    if (!member) throw notFound('member', memberId);
    return member;
  }

  /** Binds the openid of whoever authorised the official account's page, proved by WeChat taking the code. */
  async bindWeChatFromCode(accountId: string, memberId: string, code: string): Promise<Member> {
    await this.load(accountId, memberId);
    if (!this.wechatOAuth) throw new ConflictException('WeChat is not configured, so it cannot be bound');
    let user: Awaited<ReturnType<WeChatOAuthClient['exchange']>>;
    try {
      user = await this.wechatOAuth.exchange(code);
    } catch (err) {
      if (isRejectedOAuthCode(err)) throw codeProblem('WeChat did not take it (unknown, expired or already used); authorise again');
      const errorId = randomUUID();
      const errcode = err instanceof WeChatApiError ? err.errcode : undefined;
      this.logger.error({ errorId, errcode, error: errorText(err) }, `could not exchange a WeChat authorisation code (errorId ${errorId})`);
      throw new BadGatewayException({ message: 'could not check the code with WeChat; try again later', errorId });
    }
    if (user.snapshotUser)
      throw codeProblem('comes from WeChat’s snapshot page, whose user is a stand-in; open the page in WeChat and authorise');
    return this.bindWeChat(accountId, memberId, user.openid);
  }

  private async tooSoon(accountId: string, memberId: string, kind: Kind, now: Date): Promise<HttpException> {
    const sentAt = (await this.members.get(accountId, memberId))?.verification?.[kind]?.sentAt;
    const left = sentAt ? RESEND_AFTER_MS - (now.getTime() - new Date(sentAt).getTime()) : 1000;
    const wait = Math.min(RESEND_AFTER_MS / 1000, Math.max(1, Math.ceil(left / 1000)));
    return new HttpException(
      { message: `a code was sent less than a minute ago; ask again in ${wait} s`, retryAfter: wait },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  /** The provider's words stay in the log, under an id the member can quote; the address is logged masked. */
  private sendFailed(channel: 'email' | 'sms', value: string, result: Exclude<SendResult, { outcome: 'sent' }>): HttpException {
    const errorId = randomUUID();
    this.logger.warn(
      {
        errorId,
        channel,
        to: mask(value),
        outcome: result.outcome,
        providerCode: result.code,
        error: result.error.split(value).join(mask(value)),
      },
      `could not send a verification code by ${channel} (errorId ${errorId})`,
    );
    return new BadGatewayException({ message: 'could not send the code; try again later', errorId });
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
