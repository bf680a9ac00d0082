import { getModelToken } from '@nestjs/mongoose';
import { DateTime } from 'luxon';
import type { Model } from 'mongoose';
import { DELIVERY, DeliveryDoc, DeliveryStatus } from '../../src/delivery/delivery.schema';
import { INBOX, InboxDoc } from '../../src/inbox/inbox.schema';
import { NOTICE, NoticeDoc } from '../../src/notices/notice.schema';
import { RESOURCE, ResourceDoc } from '../../src/resources/resource.schema';
import type { SweepStats } from '../../src/retention/retention.service';
import { startTestApp, TestApp } from '../support/app';

const ZONE = 'Asia/Shanghai';
const ACC = 'acc-ret';
const DAY = 86_400_000;
// Deliveries and inbox messages are stamped with wall-clock time, so domain time starts at the machine's date.
const START = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 1, hours: 9 });
const EXPIRES = START.plus({ days: 10 }).set({ hour: 10, minute: 30 });
const T = (days: number, time = '00:00') => {
  const [hour, minute] = time.split(':').map(Number);
  return EXPIRES.startOf('day').plus({ days }).set({ hour, minute });
};
const env = {
  TEST_CLOCK_ENABLED: 'true',
  SCHEDULER_ENABLED: 'false',
  DELIVERY_ENABLED: 'false',
  RETENTION_ENABLED: 'false',
  RETENTION_BATCH_SIZE: '10',
  DIGEST_WINDOW_MS: '60000',
};

describe('retention sweep', () => {
  let t: TestApp;
  let seq = 0;
  let inbox: Model<InboxDoc>;
  let deliveries: Model<DeliveryDoc>;
  let notices: Model<NoticeDoc>;
  let resources: Model<ResourceDoc>;

  const setClock = (at: DateTime, app = t) => app.http().put('/v1/test-clock').set(app.serviceKey).send({ now: at.toISO() }).expect(200);
  const sweep = async (app = t): Promise<SweepStats> => (await app.http().post('/v1/retention/run').set(app.serviceKey).expect(200)).body;
  const runAll = async () => {
    await t.http().post('/v1/scheduler/run').set(t.serviceKey).expect(200);
    await t.http().post('/v1/deliveries/run').set(t.serviceKey).expect(200);
  };
  const post = (type: string, resourceId: string, occurredAt: DateTime, data: object = {}) =>
    t
      .http()
      .post('/v1/events')
      .set(t.serviceKey)
      .send({ id: `ret-${++seq}`, type, occurredAt: occurredAt.toISO(), accountId: ACC, resourceId, data })
      .expect(200);
  const purchase = (resourceId: string, expiresAt = EXPIRES) =>
    post('resource.purchased', resourceId, START, { product: 'tpns', name: resourceId, expiresAt: expiresAt.toISO() });
  const resourceStatus = async (id: string) => (await t.http().get(`/v1/resources/${id}`).set(t.serviceKey)).status;
  /** Everything Herald keeps about a resource, by collection. */
  const recordsOf = async (resourceId: string) => {
    const ds = await deliveries.find({ resourceIds: resourceId }).lean();
    const messageIds = ds.filter((d) => d.channel === 'inbox' && d.status === 'sent').map((d) => d.sentWith ?? d._id);
    return {
      notices: await notices.countDocuments({ resourceId }),
      deliveries: ds.length,
      inbox: await inbox.countDocuments({ _id: { $in: messageIds } }),
      messageIds: [...new Set(messageIds)].sort(),
    };
  };

  const inboxDoc = (id: string, createdAt: Date): InboxDoc => ({
    _id: id,
    accountId: 'acc-age',
    memberId: 'm1',
    type: 'expiry_reminder',
    category: 'expiry',
    title: id,
    body: id,
    createdAt,
    readAt: null,
  });
  const deliveryDoc = (id: string, status: DeliveryStatus, createdAt: Date, extra: Partial<DeliveryDoc> = {}) => ({
    _id: id,
    accountId: 'acc-age',
    memberId: 'm1',
    channel: 'email' as const,
    type: 'expiry_reminder' as const,
    category: 'expiry' as const,
    noticeIds: [`n-${id}`],
    resourceIds: ['r-age'],
    to: 'm1@age.test',
    locale: 'en-US' as const,
    timeZone: ZONE,
    status,
    notBefore: createdAt,
    createdAt,
    updatedAt: createdAt,
    ...extra,
  });

  beforeAll(async () => {
    t = await startTestApp('retention', { env });
    inbox = t.app.get(getModelToken(INBOX));
    deliveries = t.app.get(getModelToken(DELIVERY));
    notices = t.app.get(getModelToken(NOTICE));
    resources = t.app.get(getModelToken(RESOURCE));
    // No contacts: email, SMS and WeChat deliveries are skipped (a final status), the inbox gets every message.
    await t
      .http()
      .put(`/v1/accounts/${ACC}`)
      .set(t.serviceKey)
      .send({ name: 'Retention Co', creator: { id: 'alice', name: 'Alice' } })
      .expect(200);
    await setClock(START);
  }, 60_000);
  afterAll(() => t?.close());

  it('runs on POST /v1/retention/run for service keys only, as the OpenAPI document says', async () => {
    await t.http().post('/v1/retention/run').expect(401);
    await t
      .http()
      .post('/v1/retention/run')
      .set(t.memberAuth(ACC, 'alice', ['creator']))
      .expect(403);
    const doc = (await t.http().get('/docs/openapi.json').expect(200)).body;
    expect(doc.paths['/v1/retention/run'].post.security).toEqual([{ apiKey: [] }]);
  });

  it('removes inbox messages, finished deliveries and event records past their age in batches, and keeps young and unfinished ones', async () => {
    const now = START.toJSDate();
    const ago = (days: number) => new Date(now.getTime() - days * DAY);
    await inbox.insertMany([
      ...Array.from({ length: 25 }, (_, i) => inboxDoc(`old-${i}`, ago(366))),
      ...Array.from({ length: 3 }, (_, i) => inboxDoc(`young-${i}`, ago(364))),
    ]);
    const finals: DeliveryStatus[] = ['sent', 'failed', 'cancelled', 'skipped'];
    await deliveries.insertMany([
      ...Array.from({ length: 25 }, (_, i) => deliveryDoc(`old-${i}`, finals[i % 4], ago(181))),
      ...Array.from({ length: 3 }, (_, i) => deliveryDoc(`young-${i}`, 'sent', ago(179))),
      deliveryDoc('old-pending', 'pending', ago(400)),
      deliveryDoc('old-in-flight', 'pending', ago(400), { inFlightSince: ago(400), leaseToken: 'w1', leaseUntil: ago(400) }),
    ]);
    const events = inbox.db.collection<{ _id: string }>('events');
    const eventDoc = (id: string, receivedAt: Date) => ({
      _id: id,
      accountId: 'acc-age',
      resourceId: 'r-age',
      type: 'resource.usage_reported',
      version: receivedAt.getTime(),
      occurredAt: receivedAt,
      receivedAt,
      data: { usage: 1 },
    });
    await events.insertMany([
      ...Array.from({ length: 25 }, (_, i) => eventDoc(`old-evt-${i}`, ago(91))),
      ...Array.from({ length: 3 }, (_, i) => eventDoc(`young-evt-${i}`, ago(89))),
    ]);

    const stats = await sweep();

    // 25 past the age with a batch size of 10: three batches.
    expect(stats.inbox).toEqual({ removed: 25, batches: 3 });
    expect(stats.deliveries).toEqual({ removed: 25, batches: 3 });
    expect(stats.events).toEqual({ removed: 25, batches: 3 });
    expect((await events.find({ accountId: 'acc-age' }, { projection: { _id: 1 } }).toArray()).map((d) => d._id).sort()).toEqual([
      'young-evt-0',
      'young-evt-1',
      'young-evt-2',
    ]);
    expect((await inbox.find({ accountId: 'acc-age' }, { _id: 1 }).lean()).map((d) => d._id).sort()).toEqual([
      'young-0',
      'young-1',
      'young-2',
    ]);
    expect((await deliveries.find({ accountId: 'acc-age' }, { _id: 1 }).lean()).map((d) => d._id).sort()).toEqual([
      'old-in-flight',
      'old-pending',
      'young-0',
      'young-1',
      'young-2',
    ]);
    const again = await sweep();
    expect(again.inbox).toEqual({ removed: 0, batches: 0 });
    expect(again.deliveries).toEqual({ removed: 0, batches: 0 });
    expect(again.events).toEqual({ removed: 0, batches: 0 });
  });

  it("removes a destroyed resource's records once its policy's 30 days have passed since the destroy event, not a day before, and leaves other resources alone", async () => {
    for (const id of ['gone', 'kept', 'stopped']) await purchase(id);
    // T-7: one reminder digest lists all three resources.
    await setClock(T(-7, '10:00'));
    await runAll();
    await setClock(T(-7, '10:05')); // past the digest window
    await runAll();
    await setClock(T(-6, '12:00'));
    await post('resource.stopped', 'stopped', T(-6, '12:00'), { reason: 'manual' });
    const destroyedAt = T(15);
    await setClock(T(15, '00:05'));
    await post('resource.destroyed', 'gone', destroyedAt);
    await post('resource.destroyed', 'orphan', destroyedAt); // never purchased: no product, the default keep days
    await runAll();
    await runAll();

    const before = { gone: await recordsOf('gone'), kept: await recordsOf('kept'), stopped: await recordsOf('stopped') };
    expect(before.gone.notices).toBeGreaterThan(0);
    expect(before.gone.deliveries).toBeGreaterThan(0);
    // The digest message listing all three, and the destroy notice of its own.
    const digest = before.gone.messageIds.filter((id) => before.kept.messageIds.includes(id));
    expect(digest).toHaveLength(1);
    const ownMessages = before.gone.messageIds.filter((id) => !digest.includes(id));
    expect(ownMessages.length).toBeGreaterThan(0);
    const orphanNotices = await notices.countDocuments({ resourceId: 'orphan' });

    // A day before, and at the very instant the 30 days are up: not yet.
    for (const at of [destroyedAt.plus({ days: 29 }), destroyedAt.plus({ days: 30 })]) {
      await setClock(at);
      expect((await sweep()).destroyed).toMatchObject({ resources: 0, notices: 0, deliveries: 0, inbox: 0 });
      expect(await resourceStatus('gone')).toBe(200);
      expect(await recordsOf('gone')).toEqual(before.gone);
    }

    await setClock(destroyedAt.plus({ days: 30, minutes: 1 }));
    const { destroyed } = await sweep();
    expect(destroyed).toEqual({
      resources: 2,
      notices: before.gone.notices + orphanNotices,
      deliveries: before.gone.deliveries,
      inbox: ownMessages.length,
      batches: 2,
      postponed: 0,
    });
    expect(await resourceStatus('gone')).toBe(404);
    expect(await resourceStatus('orphan')).toBe(404);
    expect(await recordsOf('gone')).toEqual({ notices: 0, deliveries: 0, inbox: 0, messageIds: [] });
    expect(await notices.countDocuments({ resourceId: 'orphan' })).toBe(0);
    expect(await inbox.countDocuments({ _id: { $in: ownMessages } })).toBe(0);
    // The digest still lists resources that stay; it goes when it reaches the inbox age.
    expect(await inbox.countDocuments({ _id: digest[0] })).toBe(1);
    for (const id of ['kept', 'stopped'] as const) {
      expect(await resourceStatus(id)).toBe(200);
      expect(await recordsOf(id)).toEqual(before[id]);
    }

    const metrics = (await t.http().get('/metrics').expect(200)).text;
    expect(metrics).toContain('herald_retention_removed_total{collection="resources",reason="destroyed"} 2');

    // A late event from the removed resource's old life (a usage report, a replayed stop) brings nothing back.
    const late = await post('resource.usage_reported', 'gone', T(10), { usage: 42 });
    expect(late.body.outcome).toBe('stale');
    const replayedStop = await post('resource.stopped', 'gone', T(14), { reason: 'expired' });
    expect(replayedStop.body.outcome).toBe('stale');
    expect(await resourceStatus('gone')).toBe(404);
    expect(await recordsOf('gone')).toEqual({ notices: 0, deliveries: 0, inbox: 0, messageIds: [] });
    // A purchase after the destroy starts a new life under the same id.
    await setClock(destroyedAt.plus({ days: 31 }));
    const reborn = await post('resource.purchased', 'gone', destroyedAt.plus({ days: 31 }), {
      product: 'tpns',
      name: 'gone',
      expiresAt: destroyedAt.plus({ days: 90 }).toISO(),
    });
    expect(reborn.body.outcome).toBe('applied');
    expect(await resourceStatus('gone')).toBe(200);
  });

  it('postpones a destroyed resource whose destroy notice is still being delivered, and removes it once it went out', async () => {
    const now = T(60);
    await setClock(now);
    await purchase('busy', now.minus({ days: 20 }));
    await post('resource.destroyed', 'busy', now);
    await setClock(now.plus({ days: 31 }));

    const first = await sweep();
    expect(first.destroyed).toMatchObject({ resources: 0, postponed: 1 });
    expect(await resourceStatus('busy')).toBe(200);

    await runAll();
    await runAll();
    const second = await sweep();
    expect(second.destroyed).toMatchObject({ resources: 1, postponed: 0 });
    expect(await resourceStatus('busy')).toBe(404);
    expect(await recordsOf('busy')).toEqual({ notices: 0, deliveries: 0, inbox: 0, messageIds: [] });
  });

  it('is harmless when two instances sweep the same records at once: each record goes once, young ones stay', async () => {
    const b = await startTestApp('retention-b', { env, databaseUri: t.config.mongodbUri, keepDatabase: true });
    try {
      const now = T(120);
      for (const app of [t, b]) await setClock(now, app);
      const ago = (days: number) => new Date(now.toMillis() - days * DAY);
      await inbox.insertMany([
        ...Array.from({ length: 45 }, (_, i) => ({ ...inboxDoc(`two-old-${i}`, ago(400)), accountId: 'acc-two' })),
        ...Array.from({ length: 5 }, (_, i) => ({ ...inboxDoc(`two-young-${i}`, ago(10)), accountId: 'acc-two' })),
      ]);
      await deliveries.insertMany([
        ...Array.from({ length: 45 }, (_, i) => ({ ...deliveryDoc(`two-old-${i}`, 'sent', ago(200)), accountId: 'acc-two' })),
        ...Array.from({ length: 5 }, (_, i) => ({ ...deliveryDoc(`two-young-${i}`, 'failed', ago(10)), accountId: 'acc-two' })),
      ]);
      await resources.insertMany(
        Array.from({ length: 15 }, (_, i) => ({
          _id: `two-gone-${i}`,
          accountId: 'acc-two',
          product: 'tpns',
          status: 'destroyed',
          destroyedAt: ago(31),
          createdAt: ago(60),
          updatedAt: ago(31),
        })),
      );
      await notices.insertMany(
        Array.from({ length: 15 }, (_, i) => ({
          _id: `two-gone-${i}|resource_destroyed|x|once`,
          accountId: 'acc-two',
          resourceId: `two-gone-${i}`,
          type: 'resource_destroyed',
          category: 'expiry',
          term: 'x',
          occurrence: 'once',
          dueAt: ago(31),
          producedAt: ago(31),
          source: 'event',
          product: 'tpns',
          policyVersion: 2,
          data: {},
          fanout: { status: 'done', leaseUntil: null, leaseToken: null },
        })),
      );
      const oldInbox = await inbox.countDocuments({ createdAt: { $lt: ago(365) } });
      const oldDeliveries = await deliveries.countDocuments({ createdAt: { $lt: ago(180) }, status: { $ne: 'pending' } });

      const [x, y] = await Promise.all([sweep(t), sweep(b)]);

      expect(x.inbox.removed + y.inbox.removed).toBe(oldInbox);
      expect(x.deliveries.removed + y.deliveries.removed).toBe(oldDeliveries);
      expect(x.destroyed.resources + y.destroyed.resources).toBe(15);
      expect(x.destroyed.notices + y.destroyed.notices).toBe(15);
      expect(await inbox.countDocuments({ accountId: 'acc-two' })).toBe(5);
      expect(await deliveries.countDocuments({ accountId: 'acc-two' })).toBe(5);
      expect(await resources.countDocuments({ accountId: 'acc-two' })).toBe(0);
      expect(await notices.countDocuments({ accountId: 'acc-two' })).toBe(0);
      // The resources that were never destroyed are still there.
      expect(await resources.countDocuments({ _id: { $in: ['kept', 'stopped'] } })).toBe(2);

      const after = await sweep(b);
      expect(after.inbox.removed + after.deliveries.removed + after.destroyed.resources).toBe(0);
    } finally {
      await b.close();
    }
  });
});
