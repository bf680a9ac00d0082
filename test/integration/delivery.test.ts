import { startPeers, Peers } from '../support/peers';
import { startTestApp, TestApp } from '../support/app';

const ACC = 'acc-dlv';
const T = '2026-12-01T10:30:00+08:00';

describe('delivery pipeline', () => {
  let t: TestApp;
  let peers: Peers;
  let seq = 0;
  const svc = () => t.serviceKey;
  const setClock = (now: string) => t.http().put('/v1/test-clock').set(svc()).send({ now }).expect(200);
  const runAll = async () => {
    await t.http().post('/v1/scheduler/run').set(svc()).expect(200);
    return (await t.http().post('/v1/deliveries/run').set(svc()).expect(200)).body;
  };
  const post = (body: object) => t.http().post('/v1/events').set(svc()).send(body).expect(200);
  const purchase = (resourceId: string, expiresAt = T) =>
    post({
      id: `e${++seq}`,
      type: 'resource.purchased',
      occurredAt: '2026-11-20T00:00:00Z',
      accountId: ACC,
      resourceId,
      data: { product: 'tpns', name: resourceId, expiresAt },
    });
  const deliveries = async (q: string) =>
    (await t.http().get(`/v1/deliveries?accountId=${ACC}&limit=200&${q}`).set(svc()).expect(200)).body.items;

  beforeAll(async () => {
    peers = await startPeers();
    t = await startTestApp('delivery', {
      env: {
        ...peers.env,
        TEST_CLOCK_ENABLED: 'true',
        SCHEDULER_ENABLED: 'false',
        DELIVERY_ENABLED: 'false',
        DELIVERY_BACKOFF_BASE_MS: '20',
        DIGEST_WINDOW_MS: '60000',
        WECHAT_QUOTA_RETRY_MS: '1000',
      },
    });
    await t
      .http()
      .put(`/v1/accounts/${ACC}`)
      .set(svc())
      .send({
        name: 'Delivery Co',
        creator: {
          id: 'alice',
          name: 'Alice',
          contacts: { email: { value: 'alice@dlv.test', verified: true }, phone: { value: '+8613800000001', verified: true } },
        },
      })
      .expect(200);
    await setClock('2026-11-20T09:00:00+08:00');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await peers?.stop();
  });

  it('sends five resources due the same reminder the same day as one message per channel listing all five', async () => {
    for (let i = 1; i <= 5; i++) await purchase(`digest-${i}`);
    await setClock('2026-11-24T10:00:00+08:00');
    await runAll();
    expect(peers.smtp.messages).toHaveLength(0); // the digest waits for its window to gather the day's notices
    await setClock('2026-11-24T10:01:00+08:00');
    await runAll();
    expect(peers.smtp.messages).toHaveLength(1);
    const mail = peers.smtp.messages[0];
    for (let i = 1; i <= 5; i++) expect(mail.text).toContain(`digest-${i}`);
    expect(peers.twilio.messages).toHaveLength(1);
    const box = (
      await t
        .http()
        .get('/v1/inbox')
        .set(t.memberAuth(ACC, 'alice', ['creator']))
        .expect(200)
    ).body;
    expect(box.items).toHaveLength(1);
    const emails = await deliveries('channel=email');
    expect(emails).toHaveLength(5);
    expect(new Set(emails.map((d: { digestKey: string }) => d.digestKey)).size).toBe(1);
    for (const d of emails) expect(d).toMatchObject({ status: 'sent', attemptCount: 1 });
    expect(emails.filter((d: { sentWith: string | null }) => d.sentWith === null)).toHaveLength(1);
  });

  it("shows on a resource's timeline each produced notice's deliveries, counted per channel and status", async () => {
    const timeline = (await t.http().get('/v1/resources/digest-1/timeline').set(svc()).expect(200)).body;
    const reminder = timeline.produced.find((n: { type: string }) => n.type === 'expiry_reminder');
    expect(reminder.deliveries).toEqual({ email: { sent: 1 }, sms: { sent: 1 }, inbox: { sent: 1 }, wechat: { skipped: 1 } });
  });

  it('cancels queued deliveries of a reminder when a renewal arrives before they are sent', async () => {
    await setClock('2026-11-24T11:00:00+08:00');
    await purchase('renew-me', '2026-12-02T10:30:00+08:00');
    await setClock('2026-11-25T10:00:00+08:00');
    const before = { smtp: peers.smtp.messages.length, sms: peers.twilio.messages.length };
    await t.http().post('/v1/scheduler/run').set(svc()).expect(200);
    await t.http().post('/v1/deliveries/run').set(svc()).expect(200); // fans out; digests wait for their window
    expect((await deliveries('resourceId=renew-me&status=pending')).length).toBeGreaterThan(0);
    await post({
      id: `e${++seq}`,
      type: 'resource.renewed',
      occurredAt: '2026-11-25T10:00:30+08:00',
      accountId: ACC,
      resourceId: 'renew-me',
      data: { expiresAt: '2027-12-02T10:30:00+08:00' },
    });
    await setClock('2026-11-25T10:05:00+08:00');
    await runAll();
    const mine = await deliveries('resourceId=renew-me');
    const reminders = mine.filter((d: { type: string; status: string }) => d.type === 'expiry_reminder' && d.status !== 'skipped');
    expect(reminders.map((d: { channel: string }) => d.channel).sort()).toEqual(['email', 'inbox', 'sms']);
    for (const d of reminders)
      expect(d).toMatchObject({ status: 'cancelled', reason: expect.stringContaining('renewed'), attemptCount: 0 });
    // The digests that also carried other resources' reminders went out without the renewed one.
    const sentNow = peers.smtp.messages.slice(before.smtp);
    for (const m of sentNow) expect(m.text).not.toContain('renew-me');
  });

  it('retries an email after a 451 and records both attempts', async () => {
    await setClock('2026-11-26T09:00:00+08:00');
    peers.smtp.failNext(1, 451);
    await post({
      id: `e${++seq}`,
      type: 'resource.autorenew_failed',
      occurredAt: '2026-11-26T09:00:00+08:00',
      accountId: ACC,
      resourceId: 'digest-1',
      data: {},
    });
    await runAll();
    await new Promise((r) => setTimeout(r, 100)); // past the (test-sized) backoff
    await runAll();
    const [sent] = (await deliveries('channel=email&status=sent')).filter((d: { type: string }) => d.type === 'autorenew_failed');
    expect(sent.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['transient', 'sent']);
  });

  it('fails an email permanently after one 550', async () => {
    peers.smtp.failNext(1, 550);
    await setClock('2026-11-27T09:00:00+08:00');
    await post({
      id: `e${++seq}`,
      type: 'resource.autorenew_failed',
      occurredAt: '2026-11-27T09:00:00+08:00',
      accountId: ACC,
      resourceId: 'digest-2',
      data: {},
    });
    await runAll();
    const failed = await deliveries('channel=email&status=failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ attemptCount: 1, reason: expect.stringContaining('550') });
  });

  it('records Twilio status callbacks with a valid signature and refuses a bad one', async () => {
    const twilio = await import('twilio');
    const [sms] = await deliveries('channel=sms&status=sent');
    const url = `${t.config.publicUrl}/v1/webhooks/twilio/status`;
    const params = { MessageSid: sms.providerMessageId, MessageStatus: 'undelivered', ErrorCode: '30005' };
    await t.http().post('/v1/webhooks/twilio/status').type('form').set('X-Twilio-Signature', 'bogus').send(params).expect(403);
    const signature = twilio.default.getExpectedTwilioSignature('twilio-test-auth-token', url, params);
    await t.http().post('/v1/webhooks/twilio/status').type('form').set('X-Twilio-Signature', signature).send(params).expect(204);
    const [updated] = (await deliveries('channel=sms')).filter((d: { id: string }) => d.id === sms.id);
    expect(updated).toMatchObject({ providerStatus: 'undelivered', providerErrorCode: '30005', status: 'failed' });
  });

  it('defers a WeChat message on 45009 (daily quota) and sends it later, once', async () => {
    await t.http().put(`/v1/members/alice/contacts/wechat?accountId=${ACC}`).set(svc()).send({ openid: 'openid-alice' }).expect(200);
    await setClock('2026-11-28T09:00:00+08:00');
    peers.wechat.failNextSends(45009);
    const deliveredBefore = peers.wechat.delivered.length;
    await post({
      id: `e${++seq}`,
      type: 'account.overdue',
      occurredAt: '2026-11-28T09:00:00+08:00',
      accountId: ACC,
      data: { billDate: '2026-11-28T00:00:00+08:00' },
    });
    await runAll();
    const [deferred] = (await deliveries('channel=wechat&status=pending')).filter((d: { type: string }) => d.type === 'account_overdue');
    expect(deferred).toMatchObject({ deferrals: 1, attemptCount: 0 });
    expect(deferred.attempts[0]).toMatchObject({ outcome: 'deferred', code: 45009 });
    expect(peers.wechat.delivered.length).toBe(deliveredBefore);
    await new Promise((r) => setTimeout(r, 1100));
    await runAll();
    const [sent] = (await deliveries('channel=wechat&status=sent')).filter((d: { type: string }) => d.type === 'account_overdue');
    expect(sent.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['deferred', 'sent']);
    expect(peers.wechat.delivered.filter((m) => m.client_msg_id === sent.id)).toHaveLength(1);
  });

  it('looks an SMS up instead of sending it again when Twilio took it but the answer was lost', async () => {
    await setClock('2026-11-29T09:00:00+08:00');
    const before = peers.twilio.messages.length;
    peers.twilio.loseAnswers(1, '自动续费扣款失败');
    await post({
      id: `e${++seq}`,
      type: 'resource.autorenew_failed',
      occurredAt: '2026-11-29T09:00:00+08:00',
      accountId: ACC,
      resourceId: 'digest-3',
      data: {},
    });
    await runAll();
    await new Promise((r) => setTimeout(r, 100)); // past the (test-sized) backoff of the first attempt
    await runAll();
    const sms = (d: { type: string; resourceIds: string[] }) => d.type === 'autorenew_failed' && d.resourceIds.includes('digest-3');
    const [sent] = (await deliveries('channel=sms&status=sent')).filter(sms);
    expect(sent.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['transient', 'sent']);
    expect(sent.attempts[1].response).toMatchObject({ foundAfterInterruption: true });
    const [taken] = peers.twilio.messages.filter((m) => m.sid === sent.providerMessageId);
    expect(peers.twilio.messages.slice(before).filter((m) => m.body === taken.body)).toHaveLength(1);
  });

  it('sends an SMS whose earlier attempt never reached Twilio', async () => {
    await setClock('2026-11-30T09:00:00+08:00');
    const before = peers.twilio.messages.length;
    peers.twilio.cutNext(1, '自动续费扣款失败');
    await post({
      id: `e${++seq}`,
      type: 'resource.autorenew_failed',
      occurredAt: '2026-11-30T09:00:00+08:00',
      accountId: ACC,
      resourceId: 'digest-4',
      data: {},
    });
    await runAll();
    await new Promise((r) => setTimeout(r, 100)); // past the (test-sized) backoff of the first attempt
    await runAll();
    const [sent] = (await deliveries('channel=sms&status=sent')).filter(
      (d: { type: string; resourceIds: string[] }) => d.type === 'autorenew_failed' && d.resourceIds.includes('digest-4'),
    );
    expect(sent.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['transient', 'sent']);
    expect(sent.attempts[1].response).not.toHaveProperty('foundAfterInterruption');
    const [taken] = peers.twilio.messages.filter((m) => m.sid === sent.providerMessageId);
    expect(peers.twilio.messages.slice(before).filter((m) => m.body === taken.body)).toHaveLength(1);
  });
});
