import { MongoClient } from 'mongodb';
import { startTestApp, testDatabaseUri } from '../support/app';
import { startPeers, Peers } from '../support/peers';
import { HeraldProcess, startHerald } from './support/herald-process';

const RESOURCES = 400;
const ACCOUNTS = 20;
const DAY = 86_400_000;

/**
 * Several instances: two Herald processes on one database, both running the scheduler and the delivery
 * loop. Every due reminder is produced once, fanned out once, and each delivery sent once, and both
 * processes took a share of the work.
 */
describe('two Herald processes on one database', () => {
  const uri = testDatabaseUri('two-instances');
  let peers: Peers;
  let client: MongoClient;
  const processes: HeraldProcess[] = [];

  beforeAll(async () => {
    peers = await startPeers();
    client = await MongoClient.connect(uri);
    const setup = await startTestApp('two-instances-setup', {
      databaseUri: uri,
      keepDatabase: true,
      env: { ...peers.env, SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false', TEST_CLOCK_ENABLED: 'true' },
    });
    // Bought ten days ago, expiring in four: nothing was due at purchase; the TPNS reminders began three days
    // ago, so when the two processes start (on the real clock) the scheduler owes each resource its latest one.
    const now = Date.now();
    await setup
      .http()
      .put('/v1/test-clock')
      .set(setup.serviceKey)
      .send({ now: new Date(now - 10 * DAY).toISOString() })
      .expect(200);
    for (let a = 0; a < ACCOUNTS; a++) {
      await setup
        .http()
        .put(`/v1/accounts/two-acc-${a}`)
        .set(setup.serviceKey)
        .send({
          name: `Two ${a}`,
          creator: { id: `two-owner-${a}`, name: `Owner ${a}`, contacts: { email: { value: `two-owner-${a}@two.test`, verified: true } } },
        })
        .expect(200);
    }
    const events = Array.from({ length: RESOURCES }, (_, i) => ({
      id: `two-buy-${i}`,
      type: 'resource.purchased',
      occurredAt: new Date(now - 10 * DAY).toISOString(),
      accountId: `two-acc-${i % ACCOUNTS}`,
      resourceId: `two-${i}`,
      data: { product: 'tpns', name: `two-${i}`, expiresAt: new Date(now + 4 * DAY).toISOString() },
    }));
    await setup.http().post('/v1/events').set(setup.serviceKey).send({ events }).expect(200);
    expect(await client.db().collection('notices').countDocuments({})).toBe(0);
    await setup.close();
  }, 300_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGTERM')));
    await client?.close();
    await peers?.stop();
  });

  it('shares scheduler and delivery work through leases without producing or sending anything twice', async () => {
    const env = {
      ...peers.env,
      MONGODB_URI: uri,
      SCHEDULER_INTERVAL_MS: '500',
      SCHEDULER_BATCH_SIZE: '50',
      DELIVERY_INTERVAL_MS: '200',
      DELIVERY_BATCH_SIZE: '50',
      // Reminders are gathered into a daily digest; a short window keeps the test short.
      DIGEST_WINDOW_MS: '1000',
    };
    processes.push(...(await Promise.all([startHerald('instance-a', env), startHerald('instance-b', env)])));

    const db = client.db();
    const deadline = Date.now() + 300_000;
    for (;;) {
      const [planned, notices, waiting] = await Promise.all([
        db.collection('resources').countDocuments({ nextDueAt: { $lte: new Date() } }),
        db.collection('notices').countDocuments({}),
        db.collection('deliveries').countDocuments({ status: 'pending' }),
      ]);
      const unfanned = await db.collection('notices').countDocuments({ 'fanout.status': { $ne: 'done' } });
      if (planned === 0 && notices > 0 && waiting === 0 && unfanned === 0) break;
      if (Date.now() > deadline) throw new Error(`not done: ${planned} due, ${unfanned} not fanned out, ${waiting} deliveries pending`);
      await new Promise((r) => setTimeout(r, 500));
    }

    const notices = await db.collection('notices').find({}).toArray();
    // One reminder per resource (the latest due occurrence), under its unique dedupe key.
    expect(
      notices
        .filter((n) => n.type === 'expiry_reminder')
        .map((n) => n.resourceId)
        .sort(),
    ).toEqual(Array.from({ length: RESOURCES }, (_, i) => `two-${i}`).sort());
    const deliveries = await db.collection('deliveries').find({}).toArray();
    expect(deliveries.filter((d) => d.status !== 'sent' && d.status !== 'skipped')).toEqual([]);

    // In-site: one inbox message per digest (under its lead's id), like email.
    const inbox = await db
      .collection('inbox')
      .find({}, { projection: { _id: 1 } })
      .toArray();
    expect(inbox.map((m) => String(m._id)).sort()).toEqual(
      deliveries
        .filter((d) => d.channel === 'inbox' && d.status === 'sent' && !d.sentWith)
        .map((d) => String(d._id))
        .sort(),
    );
    // Email: one message per digest (a digest's deliveries go out together under its lead's id), never two.
    const leads = deliveries.filter((d) => d.channel === 'email' && d.status === 'sent' && !d.sentWith).map((d) => String(d._id));
    const mailed = peers.smtp.messages.map((m) => String(m.headers['x-herald-delivery-id']));
    expect(mailed.sort()).toEqual(leads.sort());
    expect(new Set(mailed).size).toBe(mailed.length);

    // Both processes did scheduler and delivery work (their logs say so).
    for (const p of processes) {
      expect(p.output()).toMatch(/resources due, \d+ notices produced/);
      expect(p.output()).toMatch(/delivery round: \d+ claimed/);
      expect(p.exits()).toBe(0);
    }
  }, 600_000);
});
