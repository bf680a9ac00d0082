import { MongoClient } from 'mongodb';
import { startTestApp, testDatabaseUri } from '../support/app';
import { startPeers, Peers } from '../support/peers';
import { HeraldProcess, startHerald } from './support/herald-process';

const RESOURCES = 60;
const OUTAGE_MS = 15_000;

/**
 * Provider outage: the SMTP server goes away while emails are being sent. Deliveries back off and retry,
 * and all arrive, once each, after it returns; a recipient whose mailbox does not exist fails permanently
 * at once without holding up anybody else.
 */
describe('SMTP outage', () => {
  const uri = testDatabaseUri('provider-outage');
  let peers: Peers;
  let client: MongoClient;
  let herald: HeraldProcess | undefined;

  beforeAll(async () => {
    peers = await startPeers();
    peers.smtp.rejectRecipient('nobody@outage.test');
    client = await MongoClient.connect(uri);
    const setup = await startTestApp('outage-setup', {
      databaseUri: uri,
      keepDatabase: true,
      env: { ...peers.env, SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false' },
    });
    for (const [acc, email] of [
      ['outage-acc-ok', 'owner@outage.test'],
      ['outage-acc-gone', 'nobody@outage.test'],
    ]) {
      await setup
        .http()
        .put(`/v1/accounts/${acc}`)
        .set(setup.serviceKey)
        .send({ name: acc, creator: { id: `${acc}-owner`, name: 'Owner', contacts: { email: { value: email, verified: true } } } })
        .expect(200);
    }
    const now = Date.now();
    const events = Array.from({ length: RESOURCES }, (_, i) => {
      const accountId = i % 10 === 0 ? 'outage-acc-gone' : 'outage-acc-ok';
      const resourceId = `outage-${i}`;
      return [
        {
          id: `buy-${resourceId}`,
          type: 'resource.purchased',
          occurredAt: new Date(now - 60_000).toISOString(),
          accountId,
          resourceId,
          data: { product: 'tpns', name: resourceId, expiresAt: new Date(now + 20 * 86_400_000).toISOString() },
        },
        {
          id: `stop-${resourceId}`,
          type: 'resource.stopped',
          occurredAt: new Date(now - 1_000).toISOString(),
          accountId,
          resourceId,
          data: {},
        },
      ];
    }).flat();
    await setup.http().post('/v1/events').set(setup.serviceKey).send({ events }).expect(200);
    await setup.close();
  }, 300_000);

  afterAll(async () => {
    await herald?.kill('SIGKILL');
    await client?.close();
    await peers?.stop();
  });

  it('retries with backoff through the outage, delivers everything once afterwards, and fails the dead mailbox alone', async () => {
    const emails = () => client.db().collection('deliveries').find({ channel: 'email' }).toArray();
    await peers.smtp.stop();
    const outageStarted = Date.now();
    herald = await startHerald('outage-worker', {
      ...peers.env,
      MONGODB_URI: uri,
      SCHEDULER_ENABLED: 'false',
      DELIVERY_INTERVAL_MS: '200',
      DELIVERY_BACKOFF_BASE_MS: '500',
      DELIVERY_MAX_ATTEMPTS: '12',
    });
    // Attempts fail while the server is away, and are spaced out by the backoff.
    while (Date.now() - outageStarted < OUTAGE_MS) await new Promise((r) => setTimeout(r, 500));
    const during = await emails();
    expect(during.every((d) => d.status === 'pending')).toBe(true);
    const attempts = during.map((d) => d.attempts.length);
    expect(Math.min(...attempts)).toBeGreaterThanOrEqual(1);
    // Backoff, not a busy loop: 15 s at a 500 ms base allow a handful of attempts, not dozens.
    expect(Math.max(...attempts)).toBeLessThanOrEqual(8);
    for (const d of during) expect(d.retryAt).not.toBeNull();

    await peers.smtp.restart();
    const deadline = Date.now() + 180_000;
    let after = await emails();
    while (after.some((d) => d.status === 'pending') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      after = await emails();
    }
    const ok = after.filter((d) => d.accountId === 'outage-acc-ok');
    const gone = after.filter((d) => d.accountId === 'outage-acc-gone');
    expect(ok.length).toBe(RESOURCES - RESOURCES / 10);
    expect(ok.filter((d) => d.status !== 'sent')).toEqual([]);
    for (const d of ok) expect(d.attempts.filter((a: { outcome: string }) => a.outcome === 'transient').length).toBeGreaterThanOrEqual(1);
    // The dead mailbox: refused with 550 on its first attempt after the outage, and not retried.
    expect(gone.length).toBe(RESOURCES / 10);
    for (const d of gone) {
      expect(d.status).toBe('failed');
      expect(d.attempts.at(-1)).toMatchObject({ outcome: 'permanent' });
    }
    const received = peers.smtp.messages.map((m) => String(m.headers['x-herald-delivery-id'])).sort();
    expect(received).toEqual(ok.map((d) => String(d._id)).sort());
    expect(herald.exits()).toBe(0);
  }, 600_000);
});
