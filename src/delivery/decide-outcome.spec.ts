import type { Channel } from '../lifecycle/message-types';
import type { SendResult } from './channels/channel-sender';
import { classifySmtpError } from './channels/email/email.sender';
import { classifyTwilioError } from './channels/sms/sms.sender';
import { classifyWeChatAnswer, DEFAULT_QUOTA_RETRY_AFTER_MS } from './channels/wechat/wechat.sender';
import { AttemptState, decideOutcome } from './decide-outcome';
import { BACKOFF_CAP_MS, MAX_DEFERRALS } from './retry-policy';

// The configuration's defaults: DELIVERY_MAX_ATTEMPTS=6, DELIVERY_BACKOFF_BASE_MS=30000.
const config = { maxAttempts: 6, backoffBaseMs: 30_000 };
const startedAt = new Date('2025-03-01T08:00:00.000Z');
const decidedAt = new Date('2025-03-01T08:00:02.500Z');
const attempt = (number: number, deferrals = 0): AttemptState => ({ number, deferrals, startedAt, decidedAt });
const after = (ms: number) => new Date(decidedAt.getTime() + ms);
const lowest = () => 0;
const highest = () => 1;

const FIRST = 1;
const MIDDLE = 3;
const LAST = config.maxAttempts;
const attempts = [
  ['first', FIRST],
  ['middle', MIDDLE],
  ['last allowed', LAST],
] as const;

const rest = (status: number, code?: number) => Object.assign(new Error(`HTTP ${status}`), { status, code });
const smtp = (responseCode: number) => Object.assign(new Error(`${responseCode} from the relay`), { responseCode });

/** What each channel's sender really answers (its own classifier where it has one). */
const results: Record<SendResult['outcome'], [Channel, string, SendResult][]> = {
  sent: [
    ['inbox', 'stored under the delivery id', { outcome: 'sent', providerMessageId: 'd-1', response: { stored: true } }],
    ['email', 'accepted with its Message-ID', { outcome: 'sent', providerMessageId: '<d-1@example.com>', response: { smtp: '250 OK' } }],
    ['sms', 'queued by Twilio', { outcome: 'sent', providerMessageId: 'SM123', response: { sid: 'SM123', status: 'queued' } }],
    [
      'wechat',
      'errcode 0 with a msgid',
      classifyWeChatAnswer({ errcode: 0, errmsg: 'ok', msgid: 42 }, DEFAULT_QUOTA_RETRY_AFTER_MS) as SendResult,
    ],
  ],
  transient: [
    ['inbox', 'its database write threw', { outcome: 'transient', error: 'sender threw: connection closed' }],
    ['email', 'SMTP 421', classifySmtpError(smtp(421))],
    ['sms', 'Twilio 500', classifyTwilioError(rest(500, 20500))],
    [
      'wechat',
      'errcode -1 (system busy)',
      classifyWeChatAnswer({ errcode: -1, errmsg: 'system busy' }, DEFAULT_QUOTA_RETRY_AFTER_MS) as SendResult,
    ],
  ],
  deferred: [
    [
      'wechat',
      'errcode 45009 (daily quota)',
      classifyWeChatAnswer({ errcode: 45009, errmsg: 'reach max api daily quota limit' }, DEFAULT_QUOTA_RETRY_AFTER_MS) as SendResult,
    ],
  ],
  permanent: [
    [
      'inbox',
      'a message without account or type',
      { outcome: 'permanent', error: 'in-site message without account or type', code: 'BAD_MESSAGE' },
    ],
    ['email', 'SMTP 550', classifySmtpError(smtp(550))],
    ['sms', 'Twilio 21211 (invalid number)', classifyTwilioError(rest(400, 21211))],
    [
      'wechat',
      'errcode 43004 (not following)',
      classifyWeChatAnswer({ errcode: 43004, errmsg: 'require subscribe' }, DEFAULT_QUOTA_RETRY_AFTER_MS) as SendResult,
    ],
  ],
};

/** Every channel's result of one outcome at every attempt number. */
const table = (outcome: SendResult['outcome']) =>
  results[outcome].flatMap(([channel, what, result]) => attempts.map(([name, n]) => ({ channel, what, result, name, n })));

/** The backoff ceiling of retry number n under the test configuration. */
const ceiling = (n: number) => Math.min(BACKOFF_CAP_MS, config.backoffBaseMs * 2 ** (n - 1));

describe('decideOutcome', () => {
  it('has a result of every outcome a sender can give, from every channel that gives it', () => {
    expect(Object.keys(results).sort()).toEqual(['deferred', 'permanent', 'sent', 'transient']);
    for (const [outcome, rows] of Object.entries(results)) for (const [, , result] of rows) expect(result.outcome).toBe(outcome);
  });

  describe('sent', () => {
    it.each(table('sent'))('$channel, $what, on the $name attempt ($n) → sent, with the provider id', ({ result, n }) => {
      const providerMessageId = result.outcome === 'sent' ? result.providerMessageId : undefined;
      expect(decideOutcome(result, attempt(n), config)).toEqual({ kind: 'sent', providerMessageId });
    });

    it('a provider that gives no id → sent, with none', () => {
      expect(decideOutcome({ outcome: 'sent', response: {} }, attempt(FIRST), config)).toEqual({ kind: 'sent', providerMessageId: null });
    });
  });

  describe('permanent', () => {
    it.each(table('permanent'))('$channel, $what, on the $name attempt ($n) → fails at once with the provider error', ({ result, n }) => {
      const error = result.outcome === 'permanent' ? result.error : '';
      expect(decideOutcome(result, attempt(n), config)).toEqual({ kind: 'fail', reason: error, deferred: false });
    });
  });

  describe('transient', () => {
    const retries = table('transient').filter(({ n }) => n < LAST);

    it.each(retries)(
      '$channel, $what, on the $name attempt ($n) → retry between half and all of base · 2^(n-1) from now',
      ({ result, n }) => {
        expect(decideOutcome(result, attempt(n), config, lowest)).toEqual({
          kind: 'retry',
          at: after(ceiling(n) / 2),
          inFlightSince: null,
        });
        expect(decideOutcome(result, attempt(n), config, highest)).toEqual({ kind: 'retry', at: after(ceiling(n)), inFlightSince: null });
        for (let i = 0; i < 50; i++) {
          const decision = decideOutcome(result, attempt(n), config);
          if (decision.kind !== 'retry') throw new Error(`expected a retry, got ${decision.kind}`);
          expect(decision.at.getTime()).toBeGreaterThanOrEqual(after(ceiling(n) / 2).getTime());
          expect(decision.at.getTime()).toBeLessThanOrEqual(after(ceiling(n)).getTime());
        }
      },
    );

    it.each(table('transient').filter(({ n }) => n === LAST))(
      '$channel, $what, on the $name attempt ($n) → fails, saying it gave up after that many attempts',
      ({ result, n }) => {
        const error = result.outcome === 'transient' ? result.error : '';
        expect(decideOutcome(result, attempt(n), config)).toEqual({
          kind: 'fail',
          reason: `gave up after ${n} attempts: ${error}`,
          deferred: false,
        });
      },
    );

    it('an attempt past the limit (DELIVERY_MAX_ATTEMPTS lowered since) fails too', () => {
      const result = classifySmtpError(smtp(421));
      expect(decideOutcome(result, attempt(LAST + 2), config)).toMatchObject({
        kind: 'fail',
        reason: `gave up after ${LAST + 2} attempts: ${result.outcome === 'transient' && result.error}`,
      });
    });

    it('the backoff stops growing at its cap', () => {
      const many = { maxAttempts: 50, backoffBaseMs: 30_000 };
      expect(decideOutcome(classifySmtpError(smtp(421)), attempt(30), many, highest)).toMatchObject({
        kind: 'retry',
        at: after(BACKOFF_CAP_MS),
      });
    });

    describe('with a Retry-After (Twilio 429)', () => {
      it.each(attempts.filter(([, n]) => n < LAST))('on the %s attempt (%i) → retry no sooner than the provider asked', (_name, n) => {
        const asked = 10 * 60_000;
        const result = classifyTwilioError(rest(429, 20429), asked);
        expect(decideOutcome(result, attempt(n), config, lowest)).toEqual({
          kind: 'retry',
          at: after(Math.max(asked, ceiling(n) / 2)),
          inFlightSince: null,
        });
        expect(decideOutcome(result, attempt(n), config, highest)).toEqual({
          kind: 'retry',
          at: after(Math.max(asked, ceiling(n))),
          inFlightSince: null,
        });
      });

      it('on the last allowed attempt → fails all the same', () => {
        expect(decideOutcome(classifyTwilioError(rest(429, 20429), 60_000), attempt(LAST), config)).toMatchObject({ kind: 'fail' });
      });
    });

    describe('in doubt (no answer came back: the provider may have the message)', () => {
      // Twilio gets no dedupe key: the next attempt asks it whether the message went out before sending again.
      const inDoubt = classifyTwilioError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));

      it('is what a cut connection to Twilio gives', () => {
        expect(inDoubt).toMatchObject({ outcome: 'transient', inDoubt: true });
      });

      it.each(attempts.filter(([, n]) => n < LAST))(
        'on the %s attempt (%i) → retry, keeping the in-flight mark from when the send began',
        (_name, n) => {
          expect(decideOutcome(inDoubt, attempt(n), config, lowest)).toEqual({
            kind: 'retry',
            at: after(ceiling(n) / 2),
            inFlightSince: startedAt,
          });
        },
      );

      it('on the last allowed attempt → fails, with no mark left to ask about', () => {
        expect(decideOutcome(inDoubt, attempt(LAST), config)).toEqual({
          kind: 'fail',
          reason: `gave up after ${LAST} attempts: ${inDoubt.outcome === 'transient' && inDoubt.error}`,
          deferred: false,
        });
      });
    });
  });

  describe('deferred', () => {
    it.each(table('deferred'))(
      '$channel, $what, on the $name attempt ($n) → defer until the provider asked, using up no attempt',
      ({ result, n }) => {
        expect(decideOutcome(result, attempt(n), config)).toEqual({ kind: 'defer', until: after(DEFAULT_QUOTA_RETRY_AFTER_MS) });
      },
    );

    it('the wait is the one the provider gave (WECHAT_QUOTA_RETRY_MS), not the backoff', () => {
      const result = classifyWeChatAnswer({ errcode: 45009, errmsg: 'quota' }, 5 * 60_000) as SendResult;
      expect(decideOutcome(result, attempt(MIDDLE), config, highest)).toEqual({ kind: 'defer', until: after(5 * 60_000) });
    });

    it.each([0, 1, MAX_DEFERRALS - 2])('after %i deferrals → defers again', (deferrals) => {
      expect(decideOutcome(results.deferred[0][2], attempt(MIDDLE, deferrals), config)).toMatchObject({ kind: 'defer' });
    });

    it(`the ${MAX_DEFERRALS}th deferral → fails, counted as a deferral`, () => {
      const result = results.deferred[0][2];
      expect(decideOutcome(result, attempt(FIRST, MAX_DEFERRALS - 1), config)).toEqual({
        kind: 'fail',
        reason: `deferred ${MAX_DEFERRALS} times: ${result.outcome === 'deferred' && result.error}`,
        deferred: true,
      });
    });
  });
});
