import { MongoClient } from 'mongodb';
import { createHash, randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { lineScrubber, serializeError } from '../../src/common/logging';
import { loadConfig } from '../../src/config/config';
import { startTestApp, TestApp } from '../support/app';
import { Peers, startPeers, TWILIO_SID, TWILIO_TOKEN, WECHAT_SECRET } from '../support/peers';

const ACC = 'acc-secrets';
const OWNER = 'sec-owner';
const PHONE = '+8613912345678';
const NEW_PHONE = '+8613987654321';
const EMAIL = 'owner@secrets.test';
const API_KEY = `hk_${randomBytes(24).toString('base64url')}`;
const JWT_SECRET = randomBytes(32).toString('hex');
const SMTP_PASSWORD = `smtp-${randomBytes(12).toString('hex')}`;
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');
/** A six-digit code on its own, not as part of a longer number such as a timestamp. */
const standalone = (code: string) => new RegExp(`(?<![0-9])${code}(?![0-9])`);

/**
 * Herald's real log output (pino JSON lines on stdout, at trace level) while it handles credentials,
 * verification codes, phone numbers and failing providers: none of the secrets may appear in it.
 */
describe('secrets stay out of logs and the database', () => {
  let t: TestApp;
  let peers: Peers;
  const lines: string[] = [];
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  const log = () => lines.join('');
  const codes: string[] = [];
  const jwts: string[] = [];
  let member: Record<string, string>;
  let smtpUrl = '';
  let validSignature = '';

  const svc = () => ({ 'X-Api-Key': API_KEY });
  const runAll = async () => {
    await t.http().post('/v1/scheduler/run').set(svc()).expect(200);
    return (await t.http().post('/v1/deliveries/run').set(svc()).expect(200)).body;
  };
  const deliveries = async (q: string) =>
    (await t.http().get(`/v1/deliveries?accountId=${ACC}&limit=200&${q}`).set(svc()).expect(200)).body.items;
  const codeIn = (text: string | undefined) => /(?<![0-9])([0-9]{6})(?![0-9])/.exec(text ?? '')?.[1];

  beforeAll(async () => {
    peers = await startPeers();
    const smtp = new URL(peers.env.SMTP_URL);
    smtp.username = 'herald-mailer';
    smtp.password = SMTP_PASSWORD;
    smtpUrl = smtp.toString();
    // pino writes to process.stdout itself once stdout.write is replaced before the logger is built.
    process.stdout.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
    t = await startTestApp('secrets', {
      env: {
        ...peers.env,
        SMTP_URL: smtpUrl,
        LOG_LEVEL: 'trace',
        BOOTSTRAP_API_KEY: API_KEY,
        JWT_SECRET,
        TEST_CLOCK_ENABLED: 'true',
        SCHEDULER_ENABLED: 'false',
        DELIVERY_ENABLED: 'false',
        DELIVERY_BACKOFF_BASE_MS: '600000',
      },
    });
    // Nest holds its own log lines until listen(), which tests never call: release them into the log as well.
    t.app.flushLogs();
    await t.http().put('/v1/test-clock').set(svc()).send({ now: '2026-11-20T09:00:00+08:00' }).expect(200);
    await t
      .http()
      .put(`/v1/accounts/${ACC}`)
      .set(svc())
      .send({
        name: 'Secrets Co',
        creator: {
          id: OWNER,
          name: 'Owner',
          contacts: { email: { value: EMAIL, verified: true }, phone: { value: PHONE, verified: true } },
        },
      })
      .expect(200);
    await t.http().put(`/v1/members/${OWNER}/contacts/wechat?accountId=${ACC}`).set(svc()).send({ openid: 'openid-owner' }).expect(200);
    member = t.memberAuth(ACC, OWNER, ['creator']);
    jwts.push(member.Authorization.slice('Bearer '.length));

    // Credentials on ordinary requests, in headers, a cookie and a query string.
    await t.http().get(`/v1/accounts/${ACC}`).set(svc()).expect(200);
    await t.http().get('/v1/inbox').set(member).expect(200);
    await t.http().get('/v1/inbox/unread-count').set(member).set(svc()).expect(403);
    await t.http().get(`/v1/inbox?access_token=${jwts[0]}&apiKey=${API_KEY}`).set('Cookie', `session=${jwts[0]}`).expect(401);
    await t.http().get('/v1/inbox').set('Authorization', `Bearer ${jwts[0]}x`).expect(401);
    await t.http().get(`/v1/accounts/${ACC}`).set('X-Api-Key', `${API_KEY}-wrong`).expect(401);

    // Phone verification: a code by SMS to a new number, a wrong try, then the right code.
    const sentBefore = peers.twilio.messages.length;
    await t.http().post(`/v1/members/${OWNER}/contacts/phone/verification`).set(member).send({ value: NEW_PHONE }).expect(202);
    const sms = peers.twilio.messages.slice(sentBefore).find((m) => m.to === NEW_PHONE);
    const phoneCode = codeIn(sms?.body);
    expect(phoneCode).toBeDefined();
    codes.push(phoneCode!);
    const wrong = phoneCode === '000000' ? '111111' : '000000';
    await t.http().post(`/v1/members/${OWNER}/contacts/phone/verification/confirm`).set(member).send({ code: wrong }).expect(400);
    await t.http().post(`/v1/members/${OWNER}/contacts/phone/verification/confirm`).set(member).send({ code: phoneCode }).expect(200);

    // Email verification through the SMTP relay (whose URL carries a password).
    const mailsBefore = peers.smtp.messages.length;
    await t.http().post(`/v1/members/${OWNER}/contacts/email/verification`).set(member).send({}).expect(202);
    const emailCode = codeIn(peers.smtp.messages.slice(mailsBefore)[0]?.text);
    expect(emailCode).toBeDefined();
    codes.push(emailCode!);
    await t.http().post(`/v1/members/${OWNER}/contacts/email/verification/confirm`).set(member).send({ code: emailCode }).expect(200);

    // A notice on every channel, with providers that fail and echo our credentials and the number back.
    await t
      .http()
      .patch(`/v1/accounts/${ACC}/members/${OWNER}`)
      .set(svc())
      .send({ contacts: { phone: { value: PHONE, verified: true } } });
    peers.twilio.failNext(1, 500, 20500, `internal error for ${TWILIO_SID}:${TWILIO_TOKEN} sending to ${PHONE}`);
    peers.smtp.failNext(1, 451, `relay busy for herald-mailer/${SMTP_PASSWORD}`);
    await t
      .http()
      .post('/v1/events')
      .set(svc())
      .send({
        id: 'evt-purchase',
        type: 'resource.purchased',
        occurredAt: '2026-11-01T00:00:00Z',
        accountId: ACC,
        resourceId: 'sec-push',
        data: { product: 'tpns', name: 'Push', expiresAt: '2027-06-01T10:30:00+08:00' },
      })
      .expect(200);
    await t
      .http()
      .post('/v1/events')
      .set(svc())
      .send({
        id: 'evt-overdue',
        type: 'account.overdue',
        occurredAt: '2026-11-20T09:00:00+08:00',
        accountId: ACC,
        data: { billDate: '2026-11-20T00:00:00+08:00' },
      })
      .expect(200);
    await runAll();
    const [smsDelivery] = await deliveries('channel=sms');
    expect(smsDelivery.attempts[0]).toMatchObject({ outcome: 'transient' });

    // The status callback: a forged signature is refused; a valid one is accepted (and not logged either).
    const url = `${t.config.publicUrl}/v1/webhooks/twilio/status`;
    const params = { MessageSid: `SM${'0'.repeat(32)}`, MessageStatus: 'delivered' };
    validSignature = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, url, params);
    await t.http().post('/v1/webhooks/twilio/status').type('form').send(params).set('X-Twilio-Signature', 'forged').expect(403);
    await t.http().post('/v1/webhooks/twilio/status').type('form').send(params).set('X-Twilio-Signature', validSignature).expect(204);

    // An interrupted SMS send (a worker died mid-send) while Twilio is unreachable: the SDK's network
    // error carries the request it made, Authorization header and recipient included, into the log.
    const mongo = new MongoClient(t.config.mongodbUri);
    try {
      await mongo
        .db()
        .collection<{ _id: string }>('deliveries')
        .updateOne({ _id: smsDelivery.id }, { $set: { inFlightSince: new Date(), retryAt: null } });
    } finally {
      await mongo.close();
    }
    await peers.twilio.stop();
    await runAll();
    await new Promise((r) => setTimeout(r, 50));
  }, 120_000);

  afterAll(async () => {
    process.stdout.write = stdoutWrite;
    await t?.close();
    await peers?.stop();
  });

  it('captures the request and provider-failure log lines these checks read', () => {
    expect(log()).toContain(`/v1/members/${OWNER}/contacts/phone/verification/confirm`);
    expect(log()).toContain('could not ask the provider about an interrupted send');
    expect(log()).toContain('[redacted]');
    for (const line of lines.filter((l) => l.trim())) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('logs neither the service API key nor the member JWT', () => {
    expect(log()).not.toContain(API_KEY);
    for (const jwt of jwts) {
      expect(log()).not.toContain(jwt);
      expect(log()).not.toContain(jwt.split('.')[2]);
    }
    expect(log()).not.toContain(JWT_SECRET);
  });

  it('logs no verification code', () => {
    expect(codes).toHaveLength(2);
    for (const code of codes) expect(log()).not.toMatch(standalone(code));
  });

  it('logs no provider credential, even when a provider error echoes them', () => {
    for (const secret of [TWILIO_TOKEN, basic(TWILIO_SID, TWILIO_TOKEN), SMTP_PASSWORD, smtpUrl, WECHAT_SECRET, validSignature])
      expect(log()).not.toContain(secret);
    for (const token of peers.wechat.issuedTokens) expect(log()).not.toContain(token);
  });

  it('logs phone numbers only masked', () => {
    for (const phone of [PHONE, NEW_PHONE]) expect(log()).not.toContain(phone.slice(3));
  });

  it('stores service API keys only as SHA-256 digests, and no credential a provider echoed', async () => {
    const mongo = new MongoClient(t.config.mongodbUri);
    try {
      const db = mongo.db();
      const keys = await db.collection('api_keys').find().toArray();
      expect(keys.map((k) => k._id)).toContain(createHash('sha256').update(API_KEY).digest('hex'));
      for (const name of (await db.listCollections().toArray()).map((c) => c.name)) {
        const dump = JSON.stringify(await db.collection(name).find().toArray());
        expect(dump).not.toContain(API_KEY);
        expect(dump).not.toContain(JWT_SECRET);
        for (const jwt of jwts) expect(dump).not.toContain(jwt);
        // Provider errors are kept with each delivery attempt; the credentials they echoed are not.
        for (const secret of [TWILIO_TOKEN, SMTP_PASSWORD, WECHAT_SECRET]) expect(dump).not.toContain(secret);
      }
    } finally {
      await mongo.close();
    }
  });

  it('refuses a Twilio status callback whose signature is missing, forged or made with another token', async () => {
    const url = `${t.config.publicUrl}/v1/webhooks/twilio/status`;
    const params = { MessageSid: 'SM0001', MessageStatus: 'failed', ErrorCode: '30005' };
    await t.http().post('/v1/webhooks/twilio/status').type('form').send(params).expect(403);
    await t.http().post('/v1/webhooks/twilio/status').type('form').send(params).set('X-Twilio-Signature', 'forged').expect(403);
    const otherToken = twilio.getExpectedTwilioSignature('another-auth-token', url, params);
    await t.http().post('/v1/webhooks/twilio/status').type('form').send(params).set('X-Twilio-Signature', otherToken).expect(403);
    const tampered = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, url, params);
    await t
      .http()
      .post('/v1/webhooks/twilio/status')
      .type('form')
      .send({ ...params, MessageStatus: 'delivered' })
      .set('X-Twilio-Signature', tampered)
      .expect(403);
  });
});

describe('the log redaction layers, each on its own', () => {
  it('drops the request an HTTP client error carries, keeping what explains the failure', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      status: 503,
      config: { headers: { Authorization: `Basic ${basic(TWILIO_SID, TWILIO_TOKEN)}` }, data: 'To=%2B8613912345678&Body=code+123456' },
      request: { _header: `GET /x HTTP/1.1\r\nAuthorization: Basic ${basic(TWILIO_SID, TWILIO_TOKEN)}` },
      response: { data: { echo: TWILIO_TOKEN } },
      cause: Object.assign(new Error('socket hang up'), { options: { auth: `${TWILIO_SID}:${TWILIO_TOKEN}` } }),
    });
    const serialized = JSON.stringify(serializeError(err));
    expect(serialized).toContain('connect ECONNREFUSED');
    expect(serialized).toContain('socket hang up');
    expect(JSON.parse(serialized)).toMatchObject({ type: 'Error', status: 503 });
    for (const gone of [TWILIO_TOKEN, basic(TWILIO_SID, TWILIO_TOKEN), '8613912345678', '123456']) expect(serialized).not.toContain(gone);
  });

  it('scrubs configured credentials, auth schemes, tokens, API keys and phone numbers from any line', () => {
    const scrub = lineScrubber(
      loadConfig({
        MONGODB_URI: 'mongodb://127.0.0.1:1/herald',
        JWT_SECRET,
        BOOTSTRAP_API_KEY: API_KEY,
        TWILIO_ACCOUNT_SID: TWILIO_SID,
        TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
        TWILIO_FROM: '+15005550006',
        WECHAT_APP_ID: 'wx-app',
        WECHAT_APP_SECRET: 'wechat "quoted" secret',
        SMTP_URL: `smtp://mailer:${encodeURIComponent('p@ss/word+1')}@127.0.0.1:25`,
      }),
    );
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXBhcnQ';
    const line = JSON.stringify({
      msg: `echo ${TWILIO_TOKEN} ${API_KEY} ${JWT_SECRET} wechat "quoted" secret p@ss/word+1 ${encodeURIComponent('p@ss/word+1')}`,
      auth: basic(TWILIO_SID, TWILIO_TOKEN),
      header: `Authorization: Bearer ${jwt}`,
      other: `hk_${'A'.repeat(32)} to +8613912345678 and To=%2B8613987654321`,
    });
    const out = scrub(line);
    expect(() => JSON.parse(out)).not.toThrow();
    for (const gone of [
      TWILIO_TOKEN,
      API_KEY,
      JWT_SECRET,
      'quoted',
      'p@ss',
      basic(TWILIO_SID, TWILIO_TOKEN),
      jwt,
      'AAAAAAAA',
      '13912345678',
      '13987654321',
    ])
      expect(out).not.toContain(gone);
    expect(out).toContain('+86*******5678');
    expect(out).toContain('%2B86*******4321');
    const ordinary =
      '{"level":30,"time":1795341765042,"msg":"stops at 2026-12-09T00:00:00+08:00 after 1234567 ms","etag":"W/\\"22-7LUNYKITV18Fe+js\\""}';
    expect(scrub(ordinary)).toBe(ordinary);
  });
});
