import twilio from 'twilio';
import { startTestApp, TestApp } from '../support/app';
import { Peers, startPeers, TWILIO_TOKEN } from '../support/peers';

const ACC = 'acc-webhook';
const NOW = '2026-11-26T09:00:00+08:00';
const EXPIRES = '2027-06-01T10:30:00+08:00';
const ROUTE = '/v1/webhooks/twilio/status';

interface Sent {
  resourceId: string;
  sid: string;
}
interface Delivery {
  status: string;
  reason: string | null;
  providerMessageId: string;
  providerStatus: string | null;
  providerErrorCode: string | null;
}

/**
 * Twilio's status callback is the one route anyone can post to: it must refuse what is not a form without
 * a server error, keep a delivery's provider status moving forward only, and store nothing unbounded.
 */
describe('Twilio status webhook hygiene', () => {
  let t: TestApp;
  let peers: Peers;
  let seq = 0;
  const lines: string[] = [];
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  const svc = () => t.serviceKey;
  const url = () => `${t.config.publicUrl}${ROUTE}`;
  const signed = (params: Record<string, string>) =>
    t
      .http()
      .post(ROUTE)
      .type('form')
      .set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(TWILIO_TOKEN, url(), params))
      .send(params);
  const deliveryOf = async (resourceId: string): Promise<Delivery> => {
    const res = await t.http().get(`/v1/deliveries?accountId=${ACC}&channel=sms&resourceId=${resourceId}`).set(svc()).expect(200);
    expect(res.body.items).toHaveLength(1);
    return res.body.items[0];
  };
  /** A fresh SMS delivery that Twilio (the local fake) took: each test starts from a message just sent. */
  const sentSms = async (): Promise<Sent> => {
    const resourceId = `wh-res-${++seq}`;
    const event = { occurredAt: NOW, accountId: ACC, resourceId };
    const purchase = { ...event, id: `wh-buy-${seq}`, type: 'resource.purchased', data: { product: 'tpns', expiresAt: EXPIRES } };
    const failure = { ...event, id: `wh-fail-${seq}`, type: 'resource.autorenew_failed', data: {} };
    await t.http().post('/v1/events').set(svc()).send(purchase).expect(200);
    await t.http().post('/v1/events').set(svc()).send(failure).expect(200);
    await t.http().post('/v1/scheduler/run').set(svc()).expect(200);
    await t.http().post('/v1/deliveries/run').set(svc()).expect(200);
    const sms = await deliveryOf(resourceId);
    expect(sms).toMatchObject({ status: 'sent', providerMessageId: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
    return { resourceId, sid: sms.providerMessageId };
  };
  const callback = (sms: Sent, MessageStatus: string, extra: Record<string, string> = {}) =>
    signed({ MessageSid: sms.sid, MessageStatus, ...extra });

  beforeAll(async () => {
    peers = await startPeers();
    // pino writes to process.stdout itself once stdout.write is replaced before the logger is built.
    process.stdout.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
    t = await startTestApp('webhook-hygiene', {
      env: { ...peers.env, LOG_LEVEL: 'warn', TEST_CLOCK_ENABLED: 'true', SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false' },
    });
    await t.http().put('/v1/test-clock').set(svc()).send({ now: NOW }).expect(200);
    await t
      .http()
      .put(`/v1/accounts/${ACC}`)
      .set(svc())
      .send({
        name: 'Webhook Co',
        creator: { id: 'wh-owner', name: 'Owner', contacts: { phone: { value: '+8613800000009', verified: true } } },
      })
      .expect(200);
  }, 60_000);
  afterAll(async () => {
    process.stdout.write = stdoutWrite;
    await t?.close();
    await peers?.stop();
  });

  it('answers a JSON body with a bogus signature with 415, not 500, and logs no error for it', async () => {
    const sms = await sentSms();
    lines.length = 0;
    // An object whose toString is not a function made the signature check throw.
    const json = { MessageSid: sms.sid, MessageStatus: { toString: 1 } };
    for (let i = 0; i < 5; i++) {
      const res = await t.http().post(ROUTE).set('X-Twilio-Signature', 'bogus').send(json).expect(415);
      expect(res.body).toMatchObject({ statusCode: 415, message: expect.stringContaining('application/x-www-form-urlencoded') });
    }
    await t.http().post(ROUTE).send(json).expect(415);
    // Routing ignores case and a trailing slash; the choice of body type must too (whoever sends it).
    await t.http().post(`${ROUTE.toUpperCase()}/`).set(svc()).set('X-Twilio-Signature', 'bogus').send(json).expect(415);
    await t.http().post(ROUTE).set('Content-Type', 'text/plain').send('MessageStatus=delivered').expect(415);
    const logged = lines.join('');
    expect(logged).not.toContain('"level":50');
    expect(logged).not.toContain('stack');
    expect(await deliveryOf(sms.resourceId)).toMatchObject({ status: 'sent', providerStatus: null });
  });

  it('records statuses that move forward: sent, delivered, then read', async () => {
    const sms = await sentSms();
    await callback(sms, 'sent').expect(204);
    expect(await deliveryOf(sms.resourceId)).toMatchObject({ status: 'sent', providerStatus: 'sent' });
    await callback(sms, 'delivered').expect(204);
    expect(await deliveryOf(sms.resourceId)).toMatchObject({ status: 'sent', providerStatus: 'delivered' });
    await callback(sms, 'read').expect(204);
    expect(await deliveryOf(sms.resourceId)).toMatchObject({ status: 'sent', providerStatus: 'read' });
  });

  it('ignores a replayed undelivered after delivered', async () => {
    const sms = await sentSms();
    await callback(sms, 'delivered').expect(204);
    await callback(sms, 'undelivered', { ErrorCode: '30005' }).expect(204);
    expect(await deliveryOf(sms.resourceId)).toMatchObject({
      status: 'sent',
      reason: null,
      providerStatus: 'delivered',
      providerErrorCode: null,
    });
  });

  it('ignores a replayed sent after delivered', async () => {
    const sms = await sentSms();
    await callback(sms, 'delivered').expect(204);
    await callback(sms, 'sent').expect(204);
    await callback(sms, 'queued').expect(204);
    expect(await deliveryOf(sms.resourceId)).toMatchObject({ status: 'sent', providerStatus: 'delivered' });
  });

  it('keeps a failed delivery failed when a late delivered follows undelivered', async () => {
    const sms = await sentSms();
    await callback(sms, 'undelivered', { ErrorCode: '30005' }).expect(204);
    await callback(sms, 'delivered').expect(204);
    await callback(sms, 'read').expect(204);
    expect(await deliveryOf(sms.resourceId)).toMatchObject({
      status: 'failed',
      reason: 'provider reported undelivered (30005)',
      providerStatus: 'undelivered',
      providerErrorCode: '30005',
    });
  });

  it('settles racing delivered and undelivered callbacks on one of them, the delivery status agreeing', async () => {
    for (let round = 0; round < 3; round++) {
      const sms = await sentSms();
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          callback(sms, ['undelivered', 'sent', 'delivered'][i % 3], i % 3 === 0 ? { ErrorCode: '30003' } : {}).expect(204),
        ),
      );
      const settled = await deliveryOf(sms.resourceId);
      expect(['delivered', 'undelivered']).toContain(settled.providerStatus);
      expect(settled.status).toBe(settled.providerStatus === 'undelivered' ? 'failed' : 'sent');
      expect(settled.providerErrorCode).toBe(settled.providerStatus === 'undelivered' ? '30003' : null);
    }
  });

  it('does not store an oversized ErrorCode', async () => {
    const sms = await sentSms();
    const res = await callback(sms, 'failed', { ErrorCode: '3'.repeat(56 * 1024) }).expect(400);
    expect(res.body.fields).toEqual([{ field: 'ErrorCode', message: expect.any(String) }]);
    expect(res.text.length).toBeLessThan(1024);
    expect(await deliveryOf(sms.resourceId)).toMatchObject({ status: 'sent', providerStatus: null, providerErrorCode: null });
  });

  it('refuses a MessageSid not shaped like a Twilio SID and a MessageStatus Twilio does not send, naming each', async () => {
    const sms = await sentSms();
    const long = await signed({ MessageSid: `${sms.sid}${'0'.repeat(4096)}`, MessageStatus: 'x'.repeat(4096) }).expect(400);
    expect(long.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['MessageSid', 'MessageStatus']);
    const missing = await signed({ MessageStatus: 'delivered' }).expect(400);
    expect(missing.body.fields.map((f: { field: string }) => f.field)).toEqual(['MessageSid']);
    expect(await deliveryOf(sms.resourceId)).toMatchObject({ status: 'sent', providerStatus: null });
  });
});
