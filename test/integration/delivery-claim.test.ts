import { getConnectionToken } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { DeliveryRepository } from '../../src/delivery/delivery.repository';
import type { DeliveryDoc } from '../../src/delivery/delivery.schema';
import { startTestApp, TestApp } from '../support/app';

/**
 * The delivery worker reads ready deliveries with one cursor and leases what it read without reading it
 * again. These check the lease against what can happen between the read and the lease.
 */
describe('delivery claim', () => {
  let t: TestApp;
  let repo: DeliveryRepository;
  let docs: Collection<DeliveryDoc>;
  const now = new Date('2026-11-20T02:00:00Z');
  const delivery = (id: string, over: Partial<DeliveryDoc> = {}): DeliveryDoc => ({
    _id: id,
    accountId: 'acc-claim',
    memberId: 'alice',
    channel: 'email',
    type: 'expiry_reminder',
    category: 'expiry',
    noticeIds: [`n-${id}`],
    resourceIds: ['r-1'],
    digestKey: null,
    sentWith: null,
    to: 'alice@claim.test',
    locale: 'en-US',
    timeZone: 'Asia/Shanghai',
    recipientName: 'Alice',
    status: 'pending',
    reason: null,
    notBefore: new Date(now.getTime() - 60_000),
    retryAt: null,
    attempts: [],
    attemptCount: 0,
    deferrals: 0,
    inFlightSince: null,
    leaseUntil: null,
    leaseToken: null,
    providerMessageId: null,
    providerStatus: null,
    providerErrorCode: null,
    createdAt: now,
    updatedAt: now,
    sentAt: null,
    ...over,
  });
  const read = async () => {
    const batches: string[][] = [];
    const all = [];
    for await (const batch of repo.readyBatches(now, now, 2)) {
      batches.push(batch.map((d) => d.id));
      all.push(...batch);
    }
    return { batches, all };
  };

  beforeAll(async () => {
    t = await startTestApp('delivery-claim', { env: { SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false' } });
    repo = t.app.get(DeliveryRepository);
    docs = t.app.get<Connection>(getConnectionToken()).collection<DeliveryDoc>('deliveries');
  });
  afterAll(() => t?.close());
  beforeEach(async () => {
    await docs.deleteMany({});
  });

  it('reads only ready deliveries, oldest first, in batches of the asked size', async () => {
    await repo.insertNew([
      delivery('d-late', { notBefore: new Date(now.getTime() - 1_000) }),
      delivery('d-early', { notBefore: new Date(now.getTime() - 50_000) }),
      delivery('d-mid', { notBefore: new Date(now.getTime() - 20_000) }),
      delivery('d-future', { notBefore: new Date(now.getTime() + 60_000) }),
      delivery('d-sent', { status: 'sent' }),
      delivery('d-retry-later', { retryAt: new Date(now.getTime() + 1_000) }),
      delivery('d-leased', { leaseUntil: new Date(now.getTime() + 1_000), leaseToken: 'other' }),
      delivery('d-lease-lapsed', { leaseUntil: new Date(now.getTime() - 1_000), leaseToken: 'other', notBefore: new Date(0) }),
    ]);
    expect((await read()).batches).toEqual([
      ['d-lease-lapsed', 'd-early'],
      ['d-mid', 'd-late'],
    ]);
  });

  it('leases what it read and hands it back without a second read', async () => {
    await repo.insertNew([delivery('a'), delivery('b')]);
    const { all } = await read();
    const { token, deliveries } = await repo.claim(all, now, now, 30_000);
    expect(deliveries.map((d) => [d.id, d.leaseToken])).toEqual([
      ['a', token],
      ['b', token],
    ]);
    expect((await read()).all).toEqual([]);
  });

  it('does not lease a delivery that changed after it was read, nor one another worker leased', async () => {
    await repo.insertNew([delivery('kept'), delivery('retried'), delivery('taken'), delivery('marked')]);
    const { all } = await read();
    // Meanwhile: another worker tried one and scheduled a retry already due, leased one, and marked one
    // in flight before its lease lapsed. Each is still, or again, ready.
    await docs.updateOne(
      { _id: 'retried' },
      { $inc: { attemptCount: 1 }, $push: { attempts: { at: now, outcome: 'transient', durationMs: 1 } } },
    );
    await docs.updateOne({ _id: 'taken' }, { $set: { leaseToken: 'other', leaseUntil: new Date(now.getTime() + 30_000) } });
    await docs.updateOne({ _id: 'marked' }, { $set: { inFlightSince: new Date(now.getTime() - 5_000) } });

    const { token, deliveries } = await repo.claim(all, now, now, 30_000);
    expect(deliveries.map((d) => d.id)).toEqual(['kept']);
    expect(deliveries[0].leaseToken).toBe(token);

    // The changed ones are read afresh by the next read and leased as they now are.
    const again = await read();
    expect(again.all.map((d) => d.id).sort()).toEqual(['marked', 'retried']);
    const second = await repo.claim(again.all, now, now, 30_000);
    const byId = new Map(second.deliveries.map((d) => [d.id, d]));
    expect(byId.get('retried')?.attemptCount).toBe(1);
    expect(byId.get('marked')?.inFlightSince).toEqual(new Date(now.getTime() - 5_000));
  });

  describe('single in-site messages, handed out unleased', () => {
    const inSite = (d: { channel: string }) => d.channel === 'inbox';
    const sent = (ms: number) => ({
      status: 'sent' as const,
      attempt: { at: new Date(now.getTime() + ms), outcome: 'sent' as const, durationMs: 1 },
      providerMessageId: 'site',
    });

    it('are not leased, and of two workers that send one, only the first finish is recorded', async () => {
      await repo.insertNew([delivery('site', { channel: 'inbox', to: 'alice' }), delivery('mail')]);
      const { all } = await read();
      const a = await repo.claim(all, now, now, 30_000, inSite);
      const byId = new Map(a.deliveries.map((d) => [d.id, d]));
      expect(byId.get('site')?.leaseToken).toBeNull();
      expect(byId.get('mail')?.leaseToken).toBe(a.token);
      expect((await docs.findOne({ _id: 'site' }))?.leaseToken).toBeNull();

      // A second worker read the in-site message too, and sends it as well.
      const b = await repo.claim(
        all.filter((d) => d.id === 'site'),
        now,
        now,
        30_000,
        inSite,
      );
      expect(b.deliveries.map((d) => d.id)).toEqual(['site']);
      await Promise.all([repo.finish(byId.get('site')!, a.token, sent(1), now), repo.finish(b.deliveries[0], b.token, sent(2), now)]);
      const stored = await docs.findOne({ _id: 'site' });
      expect(stored).toMatchObject({ status: 'sent', attemptCount: 1, leaseToken: null });
      expect(stored?.attempts.map((x) => x.at)).toEqual([new Date(now.getTime() + 1)]);
    });

    it('keep a retry one worker recorded; the finish of another, read before it, records nothing', async () => {
      await repo.insertNew([delivery('site', { channel: 'inbox', to: 'alice' })]);
      const { all } = await read();
      const [a, b] = [await repo.claim(all, now, now, 30_000, inSite), await repo.claim(all, now, now, 30_000, inSite)];
      const retryAt = new Date(now.getTime() + 60_000);
      await repo.finish(
        a.deliveries[0],
        a.token,
        { status: 'pending', retryAt, attempt: { at: now, outcome: 'transient', error: 'busy', durationMs: 1 } },
        now,
      );
      await repo.finish(b.deliveries[0], b.token, sent(2), now);
      const stored = await docs.findOne({ _id: 'site' });
      expect(stored).toMatchObject({ status: 'pending', attemptCount: 1, retryAt });
      expect(stored?.attempts.map((x) => x.outcome)).toEqual(['transient']);
    });

    it('record nothing once another worker leased one, whose finish stands', async () => {
      await repo.insertNew([delivery('site', { channel: 'inbox', to: 'alice' })]);
      const { all } = await read();
      const unleased = await repo.claim(all, now, now, 30_000, inSite);
      const leased = await repo.claim(all, now, now, 30_000);
      expect(leased.deliveries.map((d) => d.leaseToken)).toEqual([leased.token]);

      await repo.finish(unleased.deliveries[0], unleased.token, sent(1), now);
      expect(await docs.findOne({ _id: 'site' })).toMatchObject({ status: 'pending', attemptCount: 0, leaseToken: leased.token });

      await repo.finish(leased.deliveries[0], leased.token, sent(2), now);
      const stored = await docs.findOne({ _id: 'site' });
      expect(stored).toMatchObject({ status: 'sent', attemptCount: 1, leaseToken: null });
      expect(stored?.attempts.map((x) => x.at)).toEqual([new Date(now.getTime() + 2)]);
    });
  });
});
