import { MongoClient } from 'mongodb';
import { memberKey } from '../../src/accounts/member.repository';
import { ApiKeyRepository } from '../../src/auth/api-key.repository';
import { loadConfig } from '../../src/config/config';
import { MAX_CODE_ATTEMPTS } from '../../src/preferences/verification.service';
import { startTestApp, TestApp } from '../support/app';
import { Peers, startPeers } from '../support/peers';

const OTHER_KEY = 'hk_second-upstream-service-key-0123456789';
let seq = 0;
const event = (accountId: string, resourceId = `res-${++seq}`) => ({
  id: `evt-${++seq}`,
  type: 'resource.purchased',
  occurredAt: '2026-11-01T00:00:00Z',
  accountId,
  resourceId,
  data: { product: 'tpns', expiresAt: '2026-12-01T10:30:00+08:00' },
});

describe('rate limit of POST /v1/events', () => {
  let t: TestApp;
  const post = (body: object, headers: Record<string, string> = t.serviceKey) => t.http().post('/v1/events').set(headers).send(body);

  beforeAll(async () => {
    // A window long enough that a loaded machine still gets four requests into it.
    t = await startTestApp('abuse-events', { env: { EVENTS_RATE_LIMIT: '3', EVENTS_RATE_WINDOW_MS: '5000' } });
    await t.app.get(ApiKeyRepository).register(OTHER_KEY, 'second service', 'managed', new Date());
    await t
      .http()
      .put('/v1/accounts/acc-limit')
      .set(t.serviceKey)
      .send({ name: 'Limit Co', creator: { id: 'lim', name: 'Lim' } })
      .expect(200);
  });
  afterAll(() => t.close());

  it('is generous by default: 1,200 requests a minute per API key', () => {
    expect(loadConfig({ MONGODB_URI: 'mongodb://127.0.0.1:1/herald' }).eventsRateLimit).toEqual({ limit: 1200, windowMs: 60_000 });
  });

  it('answers 429 with Retry-After and an error body like any other once a key is over its limit, without applying the event', async () => {
    const window = Date.now();
    for (let i = 0; i < 3; i++) await post(event('acc-limit')).expect(200);
    expect(Date.now() - window).toBeLessThan(5000);
    const over = event('acc-limit', 'res-over-limit');
    const res = await post(over).expect(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 5).toBe(true);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `rate limit exceeded: at most 3 requests per 5 s for this API key; retry in ${retryAfter} s`,
      retryAfter,
    });
    const notFound = await t.http().get('/v1/resources/res-over-limit').set(t.serviceKey).expect(404);
    expect(Object.keys(res.body)).toEqual(expect.arrayContaining(Object.keys(notFound.body)));
    // A batch counts as one request, and is refused whole.
    await post({ events: [event('acc-limit'), event('acc-limit')] }).expect(429);
  });

  it('counts each API key on its own', async () => {
    await post(event('acc-limit')).expect(429);
    await post(event('acc-limit'), { 'X-Api-Key': OTHER_KEY }).expect(200);
  });

  it('lets the key in again after Retry-After', async () => {
    const res = await post(event('acc-limit')).expect(429);
    await new Promise((r) => setTimeout(r, Number(res.headers['retry-after']) * 1000 + 100));
    await post(event('acc-limit')).expect(200);
  });

  it('checks credentials first: no key is a 401 and a member token a 403, not a 429', async () => {
    for (let i = 0; i < 5; i++) await t.http().post('/v1/events').send(event('acc-limit')).expect(401);
    for (let i = 0; i < 5; i++)
      await t
        .http()
        .post('/v1/events')
        .set(t.memberAuth('acc-limit', 'lim', ['creator']))
        .send(event('acc-limit'))
        .expect(403);
  });
});

describe('contact verification attempts', () => {
  let t: TestApp;
  let peers: Peers;
  const ACC = 'acc-verify';
  const PHONE = '+8613800138111';
  const member = () => t.memberAuth(ACC, 'vera', ['creator']);
  const verify = (path: string, body: object) =>
    t.http().post(`/v1/members/vera/contacts/phone/verification${path}`).set(member()).send(body);
  const lastCode = () => /(?<![0-9])([0-9]{6})(?![0-9])/.exec(peers.twilio.messages.filter((m) => m.to === PHONE).at(-1)?.body ?? '')?.[1];
  const phoneContact = async () => (await t.http().get('/v1/members/vera/preferences').set(member()).expect(200)).body.contacts.phone;

  beforeAll(async () => {
    peers = await startPeers();
    t = await startTestApp('abuse-verify', { env: { ...peers.env, SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false' } });
    await t
      .http()
      .put(`/v1/accounts/${ACC}`)
      .set(t.serviceKey)
      .send({ name: 'Verify Co', creator: { id: 'vera', name: 'Vera' } })
      .expect(200);
  });
  afterAll(async () => {
    await t?.close();
    await peers?.stop();
  });

  it(`locks a code after ${MAX_CODE_ATTEMPTS} wrong tries: the right code is then refused with a 429 that says why`, async () => {
    await verify('', { value: PHONE }).expect(202);
    const code = lastCode()!;
    expect(code).toMatch(/^[0-9]{6}$/);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i++) {
      const res = await verify('/confirm', { code: wrong }).expect(400);
      expect(res.body).toMatchObject({ message: 'code: does not match', fields: [{ field: 'code', message: 'does not match' }] });
    }
    const locked = await verify('/confirm', { code }).expect(429);
    expect(locked.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: 'too many wrong codes; request a new code' });
    // A number becomes the contact only once its code is confirmed.
    expect(await phoneContact()).toBeNull();
  });

  it('refuses a new code within the resend interval, saying when to ask again', async () => {
    const sent = peers.twilio.messages.length;
    const res = await verify('', { value: PHONE }).expect(429);
    expect(res.body).toMatchObject({
      statusCode: 429,
      message: expect.stringMatching(/ask again in \d+ s/),
      retryAfter: expect.any(Number),
    });
    expect(res.body.retryAfter).toBeGreaterThan(0);
    expect(res.body.retryAfter).toBeLessThanOrEqual(60);
    expect(peers.twilio.messages.length).toBe(sent);
  });

  it('takes a new code once the interval has passed, and then verifies the phone', async () => {
    // Moves the last send a minute back instead of waiting for it.
    const mongo = new MongoClient(t.config.mongodbUri);
    try {
      await mongo
        .db()
        .collection<{ _id: string; accountId: string }>('members')
        .updateOne(memberKey(ACC, 'vera'), { $set: { 'verification.phone.sentAt': new Date(Date.now() - 61_000) } });
    } finally {
      await mongo.close();
    }
    await verify('', { value: PHONE }).expect(202);
    await verify('/confirm', { code: lastCode() }).expect(200);
    expect(await phoneContact()).toEqual({ value: PHONE, verified: true });
  });
});
