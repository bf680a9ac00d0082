import type { AddressInfo } from 'node:net';
import { startTestApp, TestApp } from '../support/app';
import { Peers, startPeers, TWILIO_TOKEN } from '../support/peers';

const ACC = 'acc-vbind';
const CORA_EMAIL = 'cora@vbind.test';
const CORA_PHONE = '+8613800000101';
const GENERIC = 'could not send the code; try again later';
const ERROR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const codeIn = (text: string | undefined) => /(?<![0-9])([0-9]{6})(?![0-9])/.exec(text ?? '')?.[1];

/** Herald's JSON log lines (pino writes to process.stdout, replaced before the app's logger is built). */
function captureLog() {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
  return {
    text: () => lines.join(''),
    entriesWith: (needle: string) =>
      lines.filter((l) => l.includes(needle)).map((l) => JSON.parse(l) as { level: number; msg: string; [k: string]: unknown }),
    restore: () => void (process.stdout.write = write),
  };
}

/** Many requests at the same moment need a listening server: supertest would open and close one per request. */
async function listening(t: TestApp): Promise<string> {
  const server = t.app.getHttpServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('contact verification and WeChat binding', () => {
  let t: TestApp;
  let peers: Peers;
  let base = '';
  let log: ReturnType<typeof captureLog>;
  const svc = () => t.serviceKey;
  const as = (memberId: string) => t.memberAuth(ACC, memberId, memberId === 'cora' ? ['creator'] : ['receiver']);
  const contacts = async (memberId: string) =>
    (await t.http().get(`/v1/members/${memberId}/preferences`).set(as(memberId)).expect(200)).body.contacts;
  const parallel = (memberId: string, kind: 'email' | 'phone', values: string[]) =>
    Promise.all(
      values.map(async (value) => {
        const res = await fetch(`${base}/v1/members/${memberId}/contacts/${kind}/verification`, {
          method: 'POST',
          headers: { ...as(memberId), 'Content-Type': 'application/json' },
          body: JSON.stringify({ value }),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      }),
    );

  beforeAll(async () => {
    peers = await startPeers();
    log = captureLog();
    t = await startTestApp('verify-bind', {
      env: { ...peers.env, LOG_LEVEL: 'warn', SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false', RETENTION_ENABLED: 'false' },
    });
    // Nest holds its own log lines until listen(), which the app never gets: release them into the log.
    t.app.flushLogs();
    base = await listening(t);
    await t
      .http()
      .put(`/v1/accounts/${ACC}`)
      .set(svc())
      .send({
        name: 'Verify and Bind Co',
        creator: {
          id: 'cora',
          name: 'Cora',
          contacts: { email: { value: CORA_EMAIL, verified: true }, phone: { value: CORA_PHONE, verified: true } },
        },
      })
      .expect(200);
    for (const id of ['rex', 'sam', 'pia', 'wes', 'una'])
      await t
        .http()
        .post(`/v1/accounts/${ACC}/members`)
        .set(svc())
        .send({ id, name: id, roles: ['receiver'] })
        .expect(201);
  });
  afterAll(async () => {
    log?.restore();
    await t?.close();
    await peers?.stop();
  });

  it('sends exactly one email code for 100 parallel requests with different addresses', async () => {
    const addresses = Array.from({ length: 100 }, (_, i) => `rex-${i}@vbind.test`);
    const answers = await parallel('rex', 'email', addresses);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(99);
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(refused.body).toMatchObject({ message: expect.stringMatching(/ask again in \d+ s/), retryAfter: expect.any(Number) });
    }
    await new Promise((r) => setTimeout(r, 300));
    const mails = peers.smtp.messages.filter((m) => m.envelope.to.some((to) => to.startsWith('rex-')));
    expect(mails).toHaveLength(1);
    // The one address that got a code is the one the accepted request named.
    const accepted = answers.findIndex((a) => a.status === 202);
    expect(mails[0].envelope.to).toEqual([addresses[accepted]]);
  });

  it('sends exactly one SMS code for 25 parallel requests', async () => {
    const phones = Array.from({ length: 25 }, (_, i) => `+86139000002${String(i).padStart(2, '0')}`);
    const answers = await parallel('sam', 'phone', phones);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(24);
    await new Promise((r) => setTimeout(r, 300));
    expect(peers.twilio.messages.filter((m) => phones.includes(m.to))).toHaveLength(1);
  });

  it('keeps the verified email until the new one is confirmed', async () => {
    const before = peers.smtp.messages.length;
    await t.http().post('/v1/members/cora/contacts/email/verification').set(as('cora')).send({ value: 'cora.new@vbind.test' }).expect(202);
    expect((await contacts('cora')).email).toEqual({ value: CORA_EMAIL, verified: true });
    const code = codeIn(peers.smtp.messages.slice(before).find((m) => m.envelope.to.includes('cora.new@vbind.test'))?.text);
    expect(code).toMatch(/^[0-9]{6}$/);
    const wrong = code === '000000' ? '111111' : '000000';
    await t.http().post('/v1/members/cora/contacts/email/verification/confirm').set(as('cora')).send({ code: wrong }).expect(400);
    expect((await contacts('cora')).email).toEqual({ value: CORA_EMAIL, verified: true });
    const confirmed = await t
      .http()
      .post('/v1/members/cora/contacts/email/verification/confirm')
      .set(as('cora'))
      .send({ code })
      .expect(200);
    expect(confirmed.body.contacts.email).toEqual({ value: 'cora.new@vbind.test', verified: true });
    expect((await contacts('cora')).email).toEqual({ value: 'cora.new@vbind.test', verified: true });
  });

  it('answers a provider failure with an errorId and no provider text', async () => {
    peers.twilio.failNext(1, 500, 20500, `Internal error auth=${TWILIO_TOKEN}`);
    const phone = '+8613900000301';
    const res = await t.http().post('/v1/members/pia/contacts/phone/verification').set(as('pia')).send({ value: phone }).expect(502);
    expect(res.body).toEqual({ statusCode: 502, error: 'Bad Gateway', message: GENERIC, errorId: expect.stringMatching(ERROR_ID) });
    expect(res.text).not.toContain(TWILIO_TOKEN);
    expect(res.text).not.toContain('Internal error');
    const [entry] = log.entriesWith(res.body.errorId);
    expect(entry).toMatchObject({ errorId: res.body.errorId, channel: 'sms', to: '+86*******0301' });
    expect(entry.level).toBeGreaterThanOrEqual(40);
    expect(JSON.stringify(entry)).not.toContain(TWILIO_TOKEN);
    expect(JSON.stringify(entry)).not.toContain(phone);
    expect((await contacts('pia')).phone).toBeNull();
  });

  it('lets the member ask again at once after a send that failed', async () => {
    const phone = '+8613900000302';
    peers.twilio.failNext(1, 503, 20503, 'Service Unavailable');
    await t.http().post('/v1/members/una/contacts/phone/verification').set(as('una')).send({ value: phone }).expect(502);
    await t.http().post('/v1/members/una/contacts/phone/verification').set(as('una')).send({ value: phone }).expect(202);
    const code = codeIn(peers.twilio.messages.filter((m) => m.to === phone).at(-1)?.body);
    await t.http().post('/v1/members/una/contacts/phone/verification/confirm').set(as('una')).send({ code }).expect(200);
    expect((await contacts('una')).phone).toEqual({ value: phone, verified: true });
    // The successful send holds the minute again.
    await t.http().post('/v1/members/una/contacts/phone/verification').set(as('una')).send({}).expect(429);
  });

  it('keeps the minute and the code after a send whose answer was lost, since the code may have arrived', async () => {
    const phone = '+8613900000303';
    peers.twilio.loseAnswers(1);
    const lost = await t.http().post('/v1/members/wes/contacts/phone/verification').set(as('wes')).send({ value: phone }).expect(502);
    expect(lost.body).toMatchObject({ message: GENERIC, errorId: expect.stringMatching(ERROR_ID) });
    const sent = peers.twilio.messages.filter((m) => m.to === phone);
    expect(sent).toHaveLength(1);
    await t.http().post('/v1/members/wes/contacts/phone/verification').set(as('wes')).send({ value: phone }).expect(429);
    expect(peers.twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
    await t
      .http()
      .post('/v1/members/wes/contacts/phone/verification/confirm')
      .set(as('wes'))
      .send({ code: codeIn(sent[0].body) })
      .expect(200);
    expect((await contacts('wes')).phone).toEqual({ value: phone, verified: true });
  });

  it('refuses a member setting a WeChat openid directly', async () => {
    const res = await t.http().put('/v1/members/wes/contacts/wechat').set(as('wes')).send({ openid: 'openid-not-mine' }).expect(403);
    expect(res.body.message).toContain('/v1/members/wes/contacts/wechat/oauth');
    expect((await contacts('wes')).wechat).toBeNull();
    // A service key still declares an openid its own WeChat login proved.
    const declared = await t
      .http()
      .put(`/v1/members/wes/contacts/wechat?accountId=${ACC}`)
      .set(svc())
      .send({ openid: 'openid-wes-upstream' });
    expect(declared.status).toBe(200);
    expect(declared.body.contacts.wechat).toEqual({ value: 'openid-wes-upstream', verified: true });
    await t.http().delete('/v1/members/wes/contacts/wechat').set(as('wes')).expect(204);
    expect((await contacts('wes')).wechat).toBeNull();
  });

  it('binds WeChat from an OAuth code and refuses a reused code', async () => {
    const code = peers.wechat.issueOAuthCode('oRexOpenid_0123456789');
    const oauth = (body: object) => t.http().post('/v1/members/rex/contacts/wechat/oauth').set(as('rex')).send(body);
    const bound = await oauth({ code }).expect(200);
    expect(bound.body.contacts.wechat).toEqual({ value: 'oRexOpenid_0123456789', verified: true });
    expect((await contacts('rex')).wechat).toEqual({ value: 'oRexOpenid_0123456789', verified: true });

    const reused = await oauth({ code }).expect(400);
    expect(reused.body).toMatchObject({ fields: [{ field: 'code', message: expect.any(String) }] });
    expect(reused.body.message).toMatch(/^code: /);
    const unknown = await oauth({ code: 'a'.repeat(32) }).expect(400);
    expect(unknown.body.fields).toEqual([{ field: 'code', message: expect.any(String) }]);
    for (const res of [reused, unknown]) {
      expect(res.text).not.toMatch(/rid:|been used|invalid code/);
    }
    expect((await contacts('rex')).wechat).toEqual({ value: 'oRexOpenid_0123456789', verified: true });
    await oauth({}).expect(400);
    await oauth({ code: 'x'.repeat(600) }).expect(400);
  });

  it('refuses a code from WeChat’s snapshot page, whose user is not a real one', async () => {
    const code = peers.wechat.issueOAuthCode('oSnapshotVirtualUser01', { snapshotUser: true });
    const res = await t.http().post('/v1/members/sam/contacts/wechat/oauth').set(as('sam')).send({ code }).expect(400);
    expect(res.body.fields).toEqual([{ field: 'code', message: expect.stringContaining('snapshot') }]);
    expect((await contacts('sam')).wechat).toBeNull();
  });

  it('answers WeChat refusing Herald itself with a 502 and an errorId, never WeChat’s own message', async () => {
    peers.wechat.failNextOAuth(40125);
    const code = peers.wechat.issueOAuthCode('oSamOpenid_0123456789');
    const res = await t.http().post('/v1/members/sam/contacts/wechat/oauth').set(as('sam')).send({ code }).expect(502);
    expect(res.body).toEqual({
      statusCode: 502,
      error: 'Bad Gateway',
      message: 'could not check the code with WeChat; try again later',
      errorId: expect.stringMatching(ERROR_ID),
    });
    expect(res.text).not.toMatch(/appsecret|rid:/);
    const [entry] = log.entriesWith(res.body.errorId);
    expect(entry).toMatchObject({ errorId: res.body.errorId, errcode: 40125 });
    expect(log.text()).not.toContain(peers.env.WECHAT_APP_SECRET);
  });

  it('lets a service bind WeChat from a code for the member it names', async () => {
    const code = peers.wechat.issueOAuthCode('oPiaOpenid_0123456789');
    const res = await t.http().post(`/v1/members/pia/contacts/wechat/oauth?accountId=${ACC}`).set(svc()).send({ code }).expect(200);
    expect(res.body.contacts.wechat).toEqual({ value: 'oPiaOpenid_0123456789', verified: true });
  });
});

describe('contact verification with the providers down or absent', () => {
  let t: TestApp;
  let log: ReturnType<typeof captureLog>;
  const member = () => t.memberAuth('acc-down', 'dora', ['creator']);

  beforeAll(async () => {
    log = captureLog();
    // Nothing listens on port 1; WeChat is not configured at all.
    t = await startTestApp('verify-down', {
      env: { SMTP_URL: 'smtp://127.0.0.1:1', LOG_LEVEL: 'warn', SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false' },
    });
    t.app.flushLogs();
    await t
      .http()
      .put('/v1/accounts/acc-down')
      .set(t.serviceKey)
      .send({ name: 'Down Co', creator: { id: 'dora', name: 'Dora' } })
      .expect(200);
  });
  afterAll(async () => {
    log?.restore();
    await t?.close();
  });

  it('answers an unreachable SMTP relay with an errorId and no connection details', async () => {
    const res = await t
      .http()
      .post('/v1/members/dora/contacts/email/verification')
      .set(member())
      .send({ value: 'dora@down.test' })
      .expect(502);
    expect(res.body).toEqual({ statusCode: 502, error: 'Bad Gateway', message: GENERIC, errorId: expect.stringMatching(ERROR_ID) });
    expect(res.text).not.toContain('ECONNREFUSED');
    expect(res.text).not.toContain('127.0.0.1');
    const [entry] = log.entriesWith(res.body.errorId);
    expect(entry).toMatchObject({ errorId: res.body.errorId, channel: 'email', to: 'd***@down.test' });
    expect(JSON.stringify(entry)).toContain('ECONNREFUSED');
    expect(JSON.stringify(entry)).not.toContain('dora@down.test');
  });

  it('answers 409 to a WeChat code when WeChat is not configured', async () => {
    const res = await t
      .http()
      .post('/v1/members/dora/contacts/wechat/oauth')
      .set(member())
      .send({ code: 'b'.repeat(32) })
      .expect(409);
    expect(res.body.message).toBe('WeChat is not configured, so it cannot be bound');
  });
});
