import { MongoClient } from 'mongodb';
import path from 'node:path';
import { loadPolicies, planDue } from '../../src/lifecycle';
import { anAccountState, aResourceState } from '../../src/lifecycle/testing/builders';
import { SchedulerService } from '../../src/scheduler/scheduler.service';
import { startTestApp, TestApp, testDatabaseUri } from '../support/app';

// HERALD_SCHEDULER_TEST_RESOURCES scales the case (for example up, against MongoDB via MONGODB_URI).
const RESOURCES = Number(process.env.HERALD_SCHEDULER_TEST_RESOURCES ?? 10_000);
const PURCHASED_AT = '2026-11-01T09:00:00+08:00';
const PASS_AT = '2026-11-20T12:00:00+08:00';
const policy = loadPolicies(path.join(__dirname, '..', '..', 'policies')).get('tpns')!;
// Expiries on ten days from 11-22, so that at the pass some resources owe a reminder, some an expiry notice, some nothing yet.
const expiryOf = (i: number) => new Date(Date.parse('2026-11-22T10:30:00+08:00') + (i % 10) * 86_400_000);

describe(`two scheduler instances over the same ${RESOURCES} resources`, () => {
  let a: TestApp;
  let b: TestApp;
  const uri = testDatabaseUri('two-schedulers');
  const env = { TEST_CLOCK_ENABLED: 'true', SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false', SCHEDULER_BATCH_SIZE: '250' };

  beforeAll(async () => {
    a = await startTestApp('two-schedulers-a', { databaseUri: uri, env, keepDatabase: true });
    b = await startTestApp('two-schedulers-b', { databaseUri: uri, env });
    for (const t of [a, b]) await t.http().put('/v1/test-clock').set(t.serviceKey).send({ now: PURCHASED_AT }).expect(200);
    for (let start = 0; start < RESOURCES; start += 1000) {
      const events = Array.from({ length: Math.min(1000, RESOURCES - start) }, (_, k) => {
        const i = start + k;
        return {
          id: `buy-${i}`,
          type: 'resource.purchased',
          occurredAt: PURCHASED_AT,
          accountId: `acc-${i % 50}`,
          resourceId: `res-${i}`,
          data: { product: 'tpns', expiresAt: expiryOf(i).toISOString() },
        };
      });
      const res = await a.http().post('/v1/events').set(a.serviceKey).send({ events }).expect(200);
      expect(res.body.counts.applied).toBe(events.length);
    }
  }, 900_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('produces every due notice exactly once while sharing the work', async () => {
    for (const t of [a, b]) await t.http().put('/v1/test-clock').set(t.serviceKey).send({ now: PASS_AT }).expect(200);
    const [statsA, statsB] = await Promise.all([a.app.get(SchedulerService).runPass(), b.app.get(SchedulerService).runPass()]);

    // What the planner says is due at the pass, resource by resource (nothing was due at purchase).
    const expected = new Set<string>();
    for (let i = 0; i < RESOURCES; i++) {
      const resource = aResourceState({ id: `res-${i}`, accountId: `acc-${i % 50}`, expiresAt: expiryOf(i) });
      for (const n of planDue({
        resource,
        account: anAccountState({ id: resource.accountId }),
        policy,
        since: new Date(PURCHASED_AT),
        now: new Date(PASS_AT),
      }).due)
        expected.add(n.dedupeKey);
    }
    expect(expected.size).toBeGreaterThan(RESOURCES / 2);

    const client = new MongoClient(uri);
    try {
      const keys = (
        await client
          .db()
          .collection('notices')
          .find({}, { projection: { _id: 1 } })
          .toArray()
      ).map((d) => String(d._id));
      expect(keys.length).toBe(expected.size);
      expect(new Set(keys)).toEqual(expected);
    } finally {
      await client.close();
    }
    // Both instances worked, and between them every notice was inserted once. (A resource whose lease
    // lapsed mid-pass may be claimed by both; the dedupe keys keep that harmless.)
    expect(statsA.claimed).toBeGreaterThan(0);
    expect(statsB.claimed).toBeGreaterThan(0);
    expect(statsA.claimed + statsB.claimed).toBeGreaterThanOrEqual(new Set([...expected].map((key) => key.split('|')[0])).size);
    expect(statsA.produced + statsB.produced).toBe(expected.size);
  }, 900_000);
});
