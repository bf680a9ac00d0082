import { getConnectionToken } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { NoticeRepository } from '../../src/notices/notice.repository';
import { ResourceRepository } from '../../src/resources/resource.repository';
import { startTestApp, TestApp } from '../support/app';

/**
 * A scheduler pass and a fan-out run lease what their cursor read without reading it again. These check the
 * lease against what can happen between the read and the lease.
 */
describe('scheduler and fan-out claims', () => {
  let t: TestApp;
  let resources: ResourceRepository;
  let notices: NoticeRepository;
  let resourceDocs: Collection<{ _id: string; rev: number; nextDueAt: Date | null; leaseUntil: Date | null; leaseToken: string | null }>;
  let noticeDocs: Collection<{ _id: string; fanout: { status: string; leaseUntil: Date | null; leaseToken: string | null } }>;
  const now = new Date('2026-11-20T02:00:00Z');
  const due = new Date(now.getTime() - 60_000);

  beforeAll(async () => {
    t = await startTestApp('claims', { env: { SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false' } });
    resources = t.app.get(ResourceRepository);
    notices = t.app.get(NoticeRepository);
    const connection = t.app.get<Connection>(getConnectionToken());
    resourceDocs = connection.collection('resources') as never;
    noticeDocs = connection.collection('notices') as never;
  });
  afterAll(() => t?.close());

  it('leases due resources at the rev they were read at, and reads back only when some were not leased', async () => {
    await resourceDocs.insertMany(
      ['r-kept', 'r-changed', 'r-taken', 'r-later'].map((id) => ({
        _id: id,
        accountId: 'acc-claims',
        rev: 3,
        nextDueAt: id === 'r-later' ? new Date(now.getTime() + 60_000) : due,
        leaseUntil: null,
        leaseToken: null,
      })),
    );
    const read = [];
    for await (const batch of resources.dueBatches(now, now, 10)) read.push(...batch);
    expect(read.map((r) => r.id).sort()).toEqual(['r-changed', 'r-kept', 'r-taken']);

    // Meanwhile an event changed one (its rev moved on) and another instance leased another.
    await resourceDocs.updateOne({ _id: 'r-changed' }, { $inc: { rev: 1 } });
    await resourceDocs.updateOne({ _id: 'r-taken' }, { $set: { leaseToken: 'other', leaseUntil: new Date(now.getTime() + 30_000) } });
    const { token, resources: leased } = await resources.claim(read, now, now, 30_000);
    expect(leased.map((r) => [r.id, r.leaseToken])).toEqual([['r-kept', token]]);

    // The changed one is read afresh next time and leased at its new rev, with nothing read twice.
    const again = [];
    for await (const batch of resources.dueBatches(now, now, 10)) again.push(...batch);
    expect(again.map((r) => [r.id, r.rev])).toEqual([['r-changed', 4]]);
    const second = await resources.claim(again, now, now, 30_000);
    expect(second.resources.map((r) => [r.id, r.rev, r.leaseToken])).toEqual([['r-changed', 4, second.token]]);
    expect(await resourceDocs.countDocuments({ leaseToken: second.token })).toBe(1);
  });

  it('leases pending notices as read, and reads back only those it leased when another instance took some', async () => {
    const fanout = { status: 'pending', leaseUntil: null, leaseToken: null };
    await noticeDocs.insertMany(['n-1', 'n-2', 'n-3'].map((id) => ({ _id: id, accountId: 'acc-claims', fanout })));
    const read = [];
    for await (const batch of notices.pendingBatches(now, 2)) read.push(batch.map((n) => n.id));
    expect(read).toEqual([['n-1', 'n-2'], ['n-3']]);

    const first = await notices.claim(
      [{ id: 'n-1' }, { id: 'n-2' }].map((n) => ({ ...n, fanout }) as never),
      now,
      30_000,
    );
    expect(first.notices.map((n) => [n.id, n.fanout.leaseToken])).toEqual([
      ['n-1', first.token],
      ['n-2', first.token],
    ]);
    // n-2 is now another worker's: a claim offered n-2 and n-3 gets n-3 alone, read back from the database.
    const second = await notices.claim(
      [{ id: 'n-2' }, { id: 'n-3' }].map((n) => ({ ...n, fanout }) as never),
      now,
      30_000,
    );
    expect(second.notices.map((n) => [n.id, n.fanout.leaseToken, n.accountId])).toEqual([['n-3', second.token, 'acc-claims']]);
  });
});
