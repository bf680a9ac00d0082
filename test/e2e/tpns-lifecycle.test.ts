import { DateTime } from 'luxon';
import { startTestApp, TestApp } from '../support/app';

const ZONE = 'Asia/Shanghai';
const local = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toFormat('MM-dd HH:mm');

/** Walks the test clock hour by hour from `from` to `to`, running a scheduler pass at each step. */
async function walk(t: TestApp, from: string, to: string, at?: Record<string, () => Promise<void>>) {
  let now = DateTime.fromISO(from, { zone: ZONE });
  const end = DateTime.fromISO(to, { zone: ZONE });
  await t.http().put('/v1/test-clock').set(t.serviceKey).send({ now: now.toISO() }).expect(200);
  while (now < end) {
    now = now.plus({ hours: 1 });
    await t.http().put('/v1/test-clock').set(t.serviceKey).send({ advance: 'PT1H' }).expect(200);
    await at?.[now.toISO()!]?.();
    await t.http().post('/v1/scheduler/run').set(t.serviceKey).expect(200);
  }
}

const purchase = (resourceId: string) => ({
  id: `${resourceId}-purchased`,
  type: 'resource.purchased',
  occurredAt: '2026-11-20T09:00:00+08:00',
  accountId: 'acc-tpns',
  resourceId,
  data: { product: 'tpns', name: 'Push (prod)', expiresAt: '2026-12-01T10:30:00+08:00' },
});

describe('a TPNS resource from purchase to destruction, over HTTP with the test clock', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('tpns-e2e', { env: { TEST_CLOCK_ENABLED: 'true', SCHEDULER_ENABLED: 'false' } });
  });
  afterAll(() => t.close());

  const timeline = async (id: string) => (await t.http().get(`/v1/resources/${id}/timeline`).set(t.serviceKey).expect(200)).body;

  it('produces exactly the seed calendar, each notice once, as the timeline planned it', async () => {
    await t.http().put('/v1/test-clock').set(t.serviceKey).send({ now: '2026-11-20T09:30:00+08:00' }).expect(200);
    await t.http().post('/v1/events').set(t.serviceKey).send(purchase('push-1')).expect(200);
    const plannedAtPurchase = (await timeline('push-1')).planned.map((n: { type: string; dueAt: string }) => `${n.type} ${local(n.dueAt)}`);

    await walk(t, '2026-11-20T09:30:00+08:00', '2026-12-17T00:00:00+08:00');

    const produced = (await timeline('push-1')).produced.map((n: { type: string; dueAt: string }) => `${n.type} ${local(n.dueAt)}`);
    expect(produced).toEqual([
      ...['11-24', '11-25', '11-26', '11-27', '11-28', '11-29', '11-30'].map((d) => `expiry_reminder ${d} 10:00`),
      'expiry_notice 12-01 10:30',
      ...['12-02', '12-03', '12-04', '12-05', '12-06', '12-07', '12-08'].map((d) => `expiry_notice ${d} 10:00`),
      'service_stopped 12-09 00:00',
      'resource_destroyed 12-16 00:00',
    ]);
    expect(plannedAtPurchase).toEqual(produced);
    expect((await timeline('push-1')).planned).toEqual([]);
  });

  it('after a renewal on T-3 sends nothing more of the old term', async () => {
    await walk(t, '2026-11-20T09:30:00+08:00', '2026-12-17T00:00:00+08:00', {
      '2026-11-20T10:30:00.000+08:00': async () => {
        await t.http().post('/v1/events').set(t.serviceKey).send(purchase('push-2')).expect(200);
      },
      '2026-11-28T12:30:00.000+08:00': async () => {
        const renewal = {
          id: 'push-2-renewed',
          type: 'resource.renewed',
          occurredAt: '2026-11-28T12:00:00+08:00',
          accountId: 'acc-tpns',
          resourceId: 'push-2',
          data: { expiresAt: '2027-12-01T10:30:00+08:00' },
        };
        await t.http().post('/v1/events').set(t.serviceKey).send(renewal).expect(200);
      },
    });
    const tl = await timeline('push-2');
    const produced = tl.produced.map((n: { type: string; dueAt: string; term: string }) => `${n.type} ${local(n.dueAt)} ${n.term}`);
    const oldTerm = '2026-12-01T02:30:00.000Z';
    expect(produced).toEqual(['11-24', '11-25', '11-26', '11-27', '11-28'].map((d) => `expiry_reminder ${d} 10:00 ${oldTerm}`));
    expect(tl.resource.expiresAt).toBe('2027-12-01T02:30:00.000Z');
    expect(tl.planned[0]).toMatchObject({ type: 'expiry_reminder', term: '2027-12-01T02:30:00.000Z' });
    expect(local(tl.planned[0].dueAt)).toBe('11-24 10:00');
  });

  it('has no test clock when it is not enabled', async () => {
    const plain = await startTestApp('tpns-no-clock');
    try {
      await plain.http().get('/v1/test-clock').set(plain.serviceKey).expect(404);
      await plain.http().put('/v1/test-clock').set(plain.serviceKey).send({ advance: 'P1D' }).expect(404);
    } finally {
      await plain.close();
    }
  });
});
