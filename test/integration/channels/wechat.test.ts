import { MongoClient, type Collection } from 'mongodb';
import { ControllableClock } from '../../../src/common/clock';
import type { OutgoingMessage, SendResult } from '../../../src/delivery/channels/channel-sender';
import { ProviderTokenDoc, ProviderTokenStore } from '../../../src/delivery/channels/wechat/token-store';
import { WeChatClient } from '../../../src/delivery/channels/wechat/wechat.client';
import { DEFAULT_QUOTA_RETRY_AFTER_MS, WeChatSender } from '../../../src/delivery/channels/wechat/wechat.sender';
import { dropDatabase, testDatabaseUri } from '../../support/app';
import { WeChatFake } from '../../support/fakes/wechat-fake';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'test-app-secret';

let seq = 0;
const notice = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  deliveryId: `dlv-wechat-${++seq}`,
  to: 'oAbCdEfGhIjKlMnOpQrStUvWxYz0',
  locale: 'zh-CN',
  content: {
    channel: 'wechat',
    templateId: 'tmpl-expiry',
    data: { thing1: 'push-prod', time2: '2026年12月1日 10:30' },
    url: 'https://console.example.test/r/1',
  },
  ...over,
});

describe('WeChatSender against a local official-account API', () => {
  const uri = testDatabaseUri('wechat-channel');
  let mongo: MongoClient;
  let tokens: Collection<ProviderTokenDoc>;
  let fake: WeChatFake;
  let clock: ControllableClock;
  const sender = (store = new ProviderTokenStore(tokens, clock)) =>
    new WeChatSender(new WeChatClient({ appId: APP_ID, appSecret: APP_SECRET, apiBaseUrl: fake.url }, store, clock));

  beforeAll(async () => {
    mongo = await MongoClient.connect(uri);
    tokens = mongo.db().collection<ProviderTokenDoc>('provider_tokens');
  });
  afterAll(async () => {
    await mongo.close();
    await dropDatabase(uri);
  });
  beforeEach(async () => {
    await tokens.deleteMany({});
    clock = new ControllableClock(new Date('2026-11-01T00:00:00Z'));
    fake = await WeChatFake.start(APP_ID, APP_SECRET);
  });
  afterEach(() => fake.stop());

  it('sends a template message with client_msg_id set to the delivery id and returns the msgid', async () => {
    const message = notice();
    const result = await sender().send(message);
    const delivered = fake.delivered.at(-1)!;
    expect(result).toEqual({
      outcome: 'sent',
      providerMessageId: String(delivered.msgid),
      response: { errcode: 0, errmsg: 'ok', msgid: delivered.msgid },
    });
    expect(delivered).toMatchObject({
      touser: message.to,
      template_id: 'tmpl-expiry',
      url: 'https://console.example.test/r/1',
      client_msg_id: message.deliveryId,
      data: { thing1: { value: 'push-prod' }, time2: { value: '2026年12月1日 10:30' } },
    });
  });

  it('fetches one token for many sends, concurrent ones included', async () => {
    const s = sender();
    const results = await Promise.all(Array.from({ length: 8 }, () => s.send(notice())));
    expect(results.every((r) => r.outcome === 'sent')).toBe(true);
    await s.send(notice());
    expect(fake.tokenFetches).toBe(1);
    expect(fake.delivered).toHaveLength(9);
  });

  it('shares one token between two sender instances through the token store on the database', async () => {
    expect(await sender().send(notice())).toMatchObject({ outcome: 'sent' });
    expect(await sender().send(notice())).toMatchObject({ outcome: 'sent' });
    expect(fake.tokenFetches).toBe(1);
    const stored = await tokens.findOne({ _id: `wechat:${APP_ID}` });
    expect(stored?.token).toBe(fake.issuedTokens[0]);
  });

  it('fetches a new token within five minutes of its expiry by the injected clock, not before', async () => {
    const s = sender();
    await s.send(notice());
    clock.advance(7200_000 - 6 * 60_000);
    await s.send(notice());
    expect(fake.tokenFetches).toBe(1);
    clock.advance(2 * 60_000);
    await s.send(notice());
    expect(fake.tokenFetches).toBe(2);
    expect(fake.sendRequests).toBe(3);
  });

  it('refreshes the token after 40001 and the send then succeeds', async () => {
    const s = sender();
    await s.send(notice());
    fake.failNextSends(40001);
    const message = notice();
    expect(await s.send(message)).toMatchObject({ outcome: 'sent' });
    expect(fake.tokenFetches).toBe(2);
    expect(fake.delivered.at(-1)).toMatchObject({ client_msg_id: message.deliveryId, accessToken: fake.issuedTokens[1] });
    expect((await tokens.findOne({ _id: `wechat:${APP_ID}` }))?.token).toBe(fake.issuedTokens[1]);
  });

  it('refreshes only once: a second 40001 leaves the message for a later retry', async () => {
    fake.failNextSends(40001, 40001);
    expect(await sender().send(notice())).toMatchObject({ outcome: 'transient', code: 40001 });
    expect(fake.sendRequests).toBe(2);
  });

  it('reports 43101 (user refuses messages) as permanent', async () => {
    fake.failNextSends(43101);
    expect(await sender().send(notice())).toMatchObject({ outcome: 'permanent', code: 43101, response: { errcode: 43101 } });
  });

  it('defers on 45009 (daily quota reached) by the configured delay', async () => {
    fake.failNextSends(45009, 45009);
    expect(await sender().send(notice())).toMatchObject({ outcome: 'deferred', code: 45009, retryAfterMs: DEFAULT_QUOTA_RETRY_AFTER_MS });
    const custom = new WeChatSender(
      new WeChatClient({ appId: APP_ID, appSecret: APP_SECRET, apiBaseUrl: fake.url }, new ProviderTokenStore(tokens, clock), clock),
      {
        quotaRetryAfterMs: 600_000,
      },
    );
    expect(await custom.send(notice())).toMatchObject({ outcome: 'deferred', retryAfterMs: 600_000 });
  });

  it('reports -1 (system busy) as transient', async () => {
    fake.failNextSends(-1);
    expect(await sender().send(notice())).toMatchObject({ outcome: 'transient', code: -1 });
  });

  it('reports an errcode it does not know as permanent with WeChat errmsg', async () => {
    fake.failNextSends(48001);
    const result = await sender().send(notice());
    expect(result).toMatchObject({ outcome: 'permanent', code: 48001 });
    expect((result as { error: string }).error).toContain('unrecognised');
  });

  it('cuts a thing value of 30 CJK characters to 20 code points, which WeChat then accepts', async () => {
    // 𠮷 lies outside the BMP: two UTF-16 units, one character to WeChat.
    const long = '𠮷野家资源'.repeat(6);
    expect([...long]).toHaveLength(30);
    expect(await sender().send(notice({ content: { channel: 'wechat', templateId: 't', data: { thing3: long } } }))).toMatchObject({
      outcome: 'sent',
    });
    const value = fake.delivered.at(-1)!.data.thing3.value;
    expect([...value]).toHaveLength(20);
    expect(value.startsWith([...long].slice(0, 19).join(''))).toBe(true);
  });

  it('sends a repeated delivery id once: WeChat drops the repeat by client_msg_id', async () => {
    const message = notice();
    const [first, second] = [await sender().send(message), await sender().send(message)];
    expect(first).toMatchObject({ outcome: 'sent' });
    expect(second).toMatchObject({ outcome: 'sent', providerMessageId: (first as { providerMessageId: string }).providerMessageId });
    expect(fake.delivered.filter((m) => m.client_msg_id === message.deliveryId)).toHaveLength(1);
    expect(fake.duplicates).toEqual([message.deliveryId]);
  });

  it('reports a wrong app secret as transient (an operator fix, not the message fault)', async () => {
    const wrong = new WeChatSender(
      new WeChatClient({ appId: APP_ID, appSecret: 'wrong', apiBaseUrl: fake.url }, new ProviderTokenStore(tokens, clock), clock),
    );
    expect(await wrong.send(notice())).toMatchObject({ outcome: 'transient', code: 40125 });
    expect(fake.sendRequests).toBe(0);
  });

  it('reports an unreachable API as transient', async () => {
    const s = sender();
    await fake.stop();
    expect(await s.send(notice())).toMatchObject({ outcome: 'transient' });
    fake = await WeChatFake.start(APP_ID, APP_SECRET);
  });

  it('never puts the access token in a result', async () => {
    const s = sender();
    const results: SendResult[] = [await s.send(notice())];
    for (const errcode of [40001, 43101, 45009, -1]) {
      fake.failNextSends(errcode);
      results.push(await s.send(notice()));
    }
    const logged = JSON.stringify(results);
    expect(fake.issuedTokens.length).toBeGreaterThan(0);
    for (const token of fake.issuedTokens) expect(logged).not.toContain(token);
  });
});
