import { MongoClient } from 'mongodb';
import { startLocalDb } from '../../scripts/local-db.cjs';
import { startTestApp } from '../support/app';
import { startPeers, Peers } from '../support/peers';
import { HeraldProcess, startHerald } from './support/herald-process';

const RESOURCES = 100;
const OUTAGE_MS = 30_000;
type Db = Awaited<ReturnType<typeof startLocalDb>>;

/**
 * Database outage: the database server stops for 30 s while Herald is delivering. /health turns 503,
 * the process keeps running (no crash loop), and once the database is back everything is delivered, once.
 * The database here is a server of this test's own, so stopping it disturbs nobody else.
 */
describe('database outage', () => {
  const name = `outage-${process.pid}`;
  let db: Db;
  let peers: Peers;
  let herald: HeraldProcess | undefined;

  beforeAll(async () => {
    db = await startLocalDb({ name, fresh: true });
    peers = await startPeers();
    const uri = new URL('herald', db.uri).toString();
    const setup = await startTestApp('db-outage-setup', {
      databaseUri: uri,
      keepDatabase: true,
      env: { ...peers.env, SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false' },
    });
    await setup
      .http()
      .put('/v1/accounts/db-outage-acc')
      .set(setup.serviceKey)
      .send({
        name: 'Outage',
        creator: { id: 'db-owner', name: 'Owner', contacts: { email: { value: 'owner@db-outage.test', verified: true } } },
      })
      .expect(200);
    const now = Date.now();
    const events = Array.from({ length: RESOURCES }, (_, i) => [
      {
        id: `buy-${i}`,
        type: 'resource.purchased',
        occurredAt: new Date(now - 60_000).toISOString(),
        accountId: 'db-outage-acc',
        resourceId: `db-${i}`,
        data: { product: 'tpns', name: `db-${i}`, expiresAt: new Date(now + 20 * 86_400_000).toISOString() },
      },
      {
        id: `stop-${i}`,
        type: 'resource.stopped',
        occurredAt: new Date(now - 1_000).toISOString(),
        accountId: 'db-outage-acc',
        resourceId: `db-${i}`,
        data: {},
      },
    ]).flat();
    await setup.http().post('/v1/events').set(setup.serviceKey).send({ events }).expect(200);
    await setup.close();
  }, 300_000);

  afterAll(async () => {
    await herald?.kill('SIGKILL');
    await peers?.stop();
    await db?.stop();
  });

  it('answers 503 on /health while the database is away, stays up, and completes every delivery once afterwards', async () => {
    const uri = new URL('herald', db.uri).toString();
    herald = await startHerald('db-outage-worker', {
      ...peers.env,
      MONGODB_URI: uri,
      SCHEDULER_ENABLED: 'false',
      DELIVERY_INTERVAL_MS: '200',
      DELIVERY_BACKOFF_BASE_MS: '500',
      // Slow enough that the outage lands mid-run.
      RATE_LIMIT_EMAIL_PER_SEC: '5',
    });
    const health = () => fetch(`${herald!.url}/health`).then((r) => r.status);
    while (peers.smtp.messages.length < 10) await new Promise((r) => setTimeout(r, 100));

    await db.stop();
    const statuses = new Set<number>();
    const stoppedAt = Date.now();
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      statuses.add(await health().catch(() => 0));
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(statuses).toEqual(new Set([503]));
    expect(herald.child.exitCode).toBeNull();
    const sentDuringOutage = peers.smtp.messages.length;
    expect(sentDuringOutage).toBeLessThan(RESOURCES);

    db = await startLocalDb({ name, port: db.port });
    const deadline = Date.now() + 180_000;
    while ((await health()) !== 200) {
      if (Date.now() > deadline) throw new Error('Herald did not become healthy after the database returned');
      await new Promise((r) => setTimeout(r, 500));
    }
    const client = await MongoClient.connect(uri);
    try {
      const deliveries = client.db().collection('deliveries');
      while ((await deliveries.countDocuments({ status: 'pending' })) > 0) {
        if (Date.now() > deadline) throw new Error('deliveries still pending 180 s after the database returned');
        await new Promise((r) => setTimeout(r, 500));
      }
      const all = await deliveries.find({}).toArray();
      // Sent, or skipped at fan-out (the owner has no phone and no WeChat): nothing left pending or failed.
      expect(all.filter((d) => d.status !== 'sent' && d.status !== 'skipped')).toEqual([]);
      const emails = all.filter((d) => d.channel === 'email').map((d) => String(d._id));
      expect(emails).toHaveLength(RESOURCES);
      const received = peers.smtp.messages.map((m) => String(m.headers['x-herald-delivery-id']));
      // Every email arrived; a send interrupted by the outage may have been repeated, always with its Message-ID.
      expect(new Set(received)).toEqual(new Set(emails));
      const inbox = await client.db().collection('inbox').countDocuments({});
      expect(inbox).toBe(all.filter((d) => d.channel === 'inbox' && d.status === 'sent' && !d.sentWith).length);
      process.stdout.write(`database outage: ${sentDuringOutage} emails before the stop, ${received.length} received for ${RESOURCES}\n`);
    } finally {
      await client.close();
    }
    expect(herald.exits()).toBe(0);
  }, 600_000);
});
