import twilio from 'twilio';
import { ControllableClock } from '../../../src/common/clock';
import type { OutgoingMessage } from '../../../src/delivery/channels/channel-sender';
import { SmsSender } from '../../../src/delivery/channels/sms/sms.sender';
import { verifyTwilioSignature } from '../../../src/delivery/channels/sms/twilio-signature';
import { TwilioFake } from '../../support/fakes/twilio-fake';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'test-auth-token-0123456789';
const FROM = '+15005550006';
const CALLBACK = 'https://herald.example.test/v1/callbacks/twilio/status';

let seq = 0;
const sms = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  deliveryId: `dlv-sms-${++seq}`,
  to: '+8613800138000',
  locale: 'zh-CN',
  content: { channel: 'sms', body: '【Herald】您的资源 push-prod 将于 7 天后到期' },
  ...over,
});

describe('SmsSender through the official twilio SDK', () => {
  let fake: TwilioFake;
  let sender: SmsSender;
  const clock = new ControllableClock(new Date('2026-11-01T00:00:00Z'));
  beforeAll(async () => {
    fake = await TwilioFake.start(ACCOUNT_SID, AUTH_TOKEN);
    sender = new SmsSender(
      { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, baseUrl: fake.url, statusCallbackUrl: CALLBACK },
      clock,
    );
  });
  afterAll(() => fake.stop());

  it('posts To, From, Body and StatusCallback as a form with Basic auth and returns the message SID', async () => {
    const result = await sender.send(sms());
    expect(result).toMatchObject({ outcome: 'sent', response: { status: 'queued' } });
    const request = fake.requests.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', path: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, authorized: true });
    expect(request.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request.form).toEqual({
      To: '+8613800138000',
      From: FROM,
      Body: '【Herald】您的资源 push-prod 将于 7 天后到期',
      StatusCallback: CALLBACK,
    });
    const sent = fake.messages.at(-1)!;
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(result).toMatchObject({ providerMessageId: sent.sid });
  });

  it('ignores TWILIO_REGION and TWILIO_EDGE in the environment, so the configured base URL is the only endpoint', async () => {
    const saved = { region: process.env.TWILIO_REGION, edge: process.env.TWILIO_EDGE };
    process.env.TWILIO_REGION = 'au1';
    process.env.TWILIO_EDGE = 'sydney';
    try {
      const regional = new SmsSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, baseUrl: fake.url }, clock);
      expect(await regional.send(sms())).toMatchObject({ outcome: 'sent' });
    } finally {
      for (const [key, value] of [['TWILIO_REGION', saved.region] as const, ['TWILIO_EDGE', saved.edge] as const]) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('reports 429 as transient and honours Retry-After', async () => {
    const before = fake.messages.length;
    fake.rateLimitNext(1, 7);
    expect(await sender.send(sms())).toMatchObject({
      outcome: 'transient',
      code: 20429,
      retryAfterMs: 7000,
      response: { httpStatus: 429 },
    });
    expect(fake.messages.length).toBe(before);
  });

  it('reports a 5xx as transient', async () => {
    fake.failNext(1, 503, 20503, 'Service Unavailable');
    expect(await sender.send(sms())).toMatchObject({ outcome: 'transient', code: 20503 });
  });

  it('reports error 21211 (invalid To number) as permanent', async () => {
    fake.failNext(1, 400, 21211, "Invalid 'To' Phone Number: +861");
    expect(await sender.send(sms({ to: '+861' }))).toMatchObject({
      outcome: 'permanent',
      code: 21211,
      response: { httpStatus: 400, code: 21211, moreInfo: 'https://www.twilio.com/docs/errors/21211' },
    });
  });

  it('reports error 21610 (recipient replied STOP) as permanent', async () => {
    fake.failNext(1, 400, 21610, 'Attempt to send to unsubscribed recipient');
    expect(await sender.send(sms())).toMatchObject({ outcome: 'permanent', code: 21610 });
  });

  it('keeps the message (transient) when Twilio rejects Herald own credentials, and sends nothing', async () => {
    const before = fake.messages.length;
    const wrong = new SmsSender({ accountSid: ACCOUNT_SID, authToken: 'not-the-token', from: FROM, baseUrl: fake.url }, clock);
    const result = await wrong.send(sms());
    expect(result).toMatchObject({ outcome: 'transient', code: 20003, response: { httpStatus: 401 } });
    expect(JSON.stringify(result)).not.toContain('not-the-token');
    expect(fake.requests.at(-1)!.authorized).toBe(false);
    expect(fake.messages.length).toBe(before);
  });

  it('reports an unreachable API as transient', async () => {
    const down = await TwilioFake.start(ACCOUNT_SID, AUTH_TOKEN);
    await down.stop();
    const nowhere = new SmsSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, baseUrl: down.url }, clock);
    expect(await nowhere.send(sms())).toMatchObject({ outcome: 'transient' });
  });
});

describe('verifyTwilioSignature', () => {
  const params = { MessageSid: `SM${'ab'.repeat(16)}`, MessageStatus: 'delivered', To: '+8613800138000' };

  it('accepts a status callback signed by Twilio', () => {
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, CALLBACK, params);
    expect(verifyTwilioSignature(AUTH_TOKEN, CALLBACK, params, signature)).toBe(true);
  });

  it('rejects a callback whose fields were changed after signing', () => {
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, CALLBACK, params);
    expect(verifyTwilioSignature(AUTH_TOKEN, CALLBACK, { ...params, MessageStatus: 'failed' }, signature)).toBe(false);
  });

  it('rejects a signature made with another auth token, and a missing one', () => {
    const signature = twilio.getExpectedTwilioSignature('someone-else', CALLBACK, params);
    expect(verifyTwilioSignature(AUTH_TOKEN, CALLBACK, params, signature)).toBe(false);
    expect(verifyTwilioSignature(AUTH_TOKEN, CALLBACK, params, undefined)).toBe(false);
  });
});
