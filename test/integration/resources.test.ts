import { MongoClient } from 'mongodb';
import { PhaseBackfill } from '../../src/planning/phase-backfill';
import { startTestApp, TestApp } from '../support/app';

const ACC = 'acc-phase';
const BOUGHT = '2026-10-01T08:00:00+08:00';
const NOW = '2026-12-03T12:00:00+08:00';
const iso = (s: string) => new Date(s).toISOString();
let seq = 0;

const purchase = (resourceId: string, product: string, expiresAt: string, accountId = ACC) => ({
  id: `${resourceId}-purchased`,
  type: 'resource.purchased',
  occurredAt: BOUGHT,
  accountId,
  resourceId,
  data: { product, name: `Resource ${resourceId}`, expiresAt },
});
const event = (type: string, resourceId: string | null, occurredAt: string, data: object = {}, accountId = ACC) => ({
  id: `evt-${++seq}`,
  type,
  occurredAt,
  accountId,
  ...(resourceId ? { resourceId } : {}),
  data,
});

/** What each resource's phase is at NOW (2026-12-03 12:00 +08:00), by its expiry under its policy. */
const EXPECTED: Record<string, string[]> = {
  // TPNS: the reminder window opens at 10:00 of T-7.
  running: ['run-1', 'run-2', 'run-3', 'run-4'],
  expiring: ['soon-1', 'soon-2', 'soon-3'],
  // TPNS: expired until 00:00 of T+8.
  expired: ['exp-1', 'exp-2', 'exp-3', 'exp-4', 'exp-5', 'exp-6', 'exp-7'],
  // One by the calendar (stopped 00:00 of T+8, released on T+15), one reported stopped by upstream.
  stopped: ['stop-cal', 'stop-up'],
  // Astro Canvas, V0: frozen after 7 grace days, deleted after 15 retention days.
  frozen: ['canvas-1'],
  released: ['gone-1', 'gone-2'],
};

describe('resource phases through the API', () => {
  let t: TestApp;
  let client: MongoClient;
  const svc = () => t.serviceKey;
  const setClock = (now: string) => t.http().put('/v1/test-clock').set(svc()).send({ now }).expect(200);
  const post = async (events: object[]) => {
    const res = await t.http().post('/v1/events').set(svc()).send({ events }).expect(200);
    expect(res.body.results.filter((r: { outcome: string }) => r.outcome === 'rejected')).toEqual([]);
  };
  const get = async (id: string) => (await t.http().get(`/v1/resources/${id}`).set(svc()).expect(200)).body;
  const resources = () => client.db().collection<{ _id: string }>('resources');
  /** Every page of a filtered list, `limit` at a time: the ids in order, and each page's total. */
  async function allPages(query: string, limit: number, auth = svc()) {
    const ids: string[] = [];
    const totals = new Set<number>();
    for (let offset = 0; ; offset += limit) {
      const page = (await t.http().get(`/v1/resources?accountId=${ACC}&${query}&limit=${limit}&offset=${offset}`).set(auth).expect(200))
        .body;
      totals.add(page.total);
      ids.push(...page.items.map((r: { id: string }) => r.id));
      if (page.items.length < limit) return { ids, totals: [...totals] };
    }
  }

  beforeAll(async () => {
    t = await startTestApp('resources-phase', {
      env: { TEST_CLOCK_ENABLED: 'true', SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false', RETENTION_ENABLED: 'false' },
    });
    client = await MongoClient.connect(t.config.mongodbUri);
    await t
      .http()
      .put(`/v1/accounts/${ACC}`)
      .set(svc())
      .send({ name: 'Phase Co.', creator: { id: 'pam', name: 'Pam' } })
      .expect(200);
    await t
      .http()
      .post(`/v1/accounts/${ACC}/members`)
      .set(svc())
      .send({ id: 'otto', name: 'Otto', roles: ['resource_collaborator'], scope: { products: ['tpns'], resourceIds: ['canvas-1'] } })
      .expect(201);
    await setClock('2026-11-01T12:00:00+08:00');
    await post([
      ...['run-1', 'run-2', 'run-3', 'run-4'].map((id, i) => purchase(id, 'tpns', `2026-12-2${i}T10:30:00+08:00`)),
      ...['soon-1', 'soon-2', 'soon-3'].map((id, i) => purchase(id, 'tpns', `2026-12-0${6 + i}T10:30:00+08:00`)),
      ...['exp-1', 'exp-2', 'exp-3', 'exp-4', 'exp-5', 'exp-6', 'exp-7'].map((id, i) =>
        purchase(id, 'tpns', `2026-11-${String(26 + (i % 5)).padStart(2, '0')}T11:0${i}:00+08:00`),
      ),
      purchase('stop-cal', 'tpns', '2026-11-20T13:00:00+08:00'),
      purchase('stop-up', 'tpns', '2026-12-25T13:00:00+08:00'),
      event('resource.stopped', 'stop-up', '2026-11-01T12:00:00+08:00', { reason: 'overdue' }),
      purchase('canvas-1', 'astro-canvas', '2026-11-20T20:00:00+08:00'),
      purchase('gone-1', 'tpns', '2026-11-10T09:00:00+08:00'),
      purchase('gone-2', 'iot-enterprise', '2026-11-15T09:00:00+08:00'),
    ]);
    await setClock(NOW);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await t?.close();
  });

  it('returns the phase now and the next phase with its instant beside the upstream status', async () => {
    expect(await get('exp-1')).toMatchObject({
      status: 'running',
      phase: 'expired',
      nextPhase: 'stopped',
      nextPhaseAt: iso('2026-12-04T00:00:00+08:00'),
    });
    expect(await get('soon-1')).toMatchObject({
      status: 'running',
      phase: 'expiring',
      nextPhase: 'expired',
      nextPhaseAt: iso('2026-12-06T10:30:00+08:00'),
    });
    expect(await get('stop-up')).toMatchObject({ status: 'stopped', phase: 'stopped', nextPhaseAt: iso('2027-01-09T00:00:00+08:00') });
    expect(await get('canvas-1')).toMatchObject({ phase: 'frozen', nextPhase: 'released', nextPhaseAt: iso('2026-12-12T20:00:00+08:00') });
    expect(await get('gone-2')).toMatchObject({ status: 'running', phase: 'released', nextPhase: null, nextPhaseAt: null });
    const timeline = (await t.http().get('/v1/resources/exp-1/timeline').set(svc()).expect(200)).body;
    expect(timeline.resource).toMatchObject({ phase: 'expired', nextPhaseAt: iso('2026-12-04T00:00:00+08:00') });
  });

  it('moves with the domain clock, without a scheduler pass', async () => {
    await setClock('2026-12-04T00:00:00+08:00');
    expect(await get('exp-1')).toMatchObject({ phase: 'stopped', nextPhase: 'released', nextPhaseAt: iso('2026-12-11T00:00:00+08:00') });
    await setClock(NOW);
    expect((await get('exp-1')).phase).toBe('expired');
  });

  it('filters the list by phase with every page full and the total counting only that phase', async () => {
    const listed: string[] = [];
    for (const [phase, ids] of Object.entries(EXPECTED)) {
      const pages = await allPages(`phase=${phase}`, 3);
      expect({ phase, ids: [...pages.ids].sort(), totals: pages.totals }).toEqual({ phase, ids: [...ids].sort(), totals: [ids.length] });
      listed.push(...pages.ids);
    }
    // Every resource is in exactly one phase.
    const all = await allPages('', 50);
    expect([...listed].sort()).toEqual([...all.ids].sort());
    // The list keeps its order by expiry within a phase, and each item says the phase it was filtered by.
    const expired = (await t.http().get(`/v1/resources?accountId=${ACC}&phase=expired&limit=50`).set(svc()).expect(200)).body.items;
    expect(expired.map((r: { phase: string }) => r.phase)).toEqual(EXPECTED.expired.map(() => 'expired'));
    const expiries = expired.map((r: { expiresAt: string }) => r.expiresAt);
    expect(expiries).toEqual([...expiries].sort());
  });

  it("combines the phase filter with a scoped collaborator's scope and the upstream status filter", async () => {
    const otto = t.memberAuth(ACC, 'otto', ['resource_collaborator']);
    expect(await allPages('phase=expired', 2, otto)).toEqual({ ids: expect.any(Array), totals: [7] });
    expect(await allPages('phase=frozen', 2, otto)).toEqual({ ids: ['canvas-1'], totals: [1] });
    // gone-2 (IoT) is outside Otto's scope.
    expect(await allPages('phase=released', 2, otto)).toEqual({ ids: ['gone-1'], totals: [1] });
    expect((await allPages('phase=stopped&status=stopped', 5)).ids).toEqual(['stop-up']);
    expect((await allPages('phase=stopped&status=running', 5)).ids).toEqual(['stop-cal']);
  });

  it('names the phase filter in a 400 when it is not a phase', async () => {
    const res = await t.http().get(`/v1/resources?accountId=${ACC}&phase=destroyed`).set(svc()).expect(400);
    expect(res.body.fields.map((f: { field: string }) => f.field)).toEqual(['phase']);
  });

  it('puts a renewed resource back to running and one reported destroyed to released, in the list too', async () => {
    await post([
      event('resource.renewed', 'exp-7', '2026-12-03T11:00:00+08:00', { expiresAt: '2027-11-30T11:00:00+08:00' }),
      event('resource.destroyed', 'run-4', '2026-12-03T11:00:00+08:00'),
    ]);
    expect(await get('exp-7')).toMatchObject({ phase: 'running', nextPhase: 'expiring', nextPhaseAt: iso('2027-11-23T10:00:00+08:00') });
    expect(await get('run-4')).toMatchObject({ status: 'destroyed', phase: 'released', nextPhaseAt: null });
    expect((await allPages('phase=running', 10)).ids).toEqual(expect.arrayContaining(['exp-7']));
    expect((await allPages('phase=released', 10)).ids.sort()).toEqual(['gone-1', 'gone-2', 'run-4']);
  });

  it("stops a resource at the policy's arrears stop while its account is overdue, and not once it has paid", async () => {
    const other = 'acc-arrears';
    await t
      .http()
      .put(`/v1/accounts/${other}`)
      .set(svc())
      .send({ name: 'Arrears Co.', creator: { id: 'abe', name: 'Abe' } })
      .expect(200);
    await post([purchase('push-arrears', 'tpns', '2027-06-01T10:30:00+08:00', other)]);
    // TPNS: arrears of more than 7 days, the bill day included, stop service at 00:00 of bill day + 7.
    await post([event('account.overdue', null, '2026-11-25T09:00:00+08:00', { billDate: '2026-11-25T09:00:00+08:00' }, other)]);
    expect(await get('push-arrears')).toMatchObject({ status: 'running', phase: 'stopped', nextPhase: 'released' });
    const list = (await t.http().get(`/v1/resources?accountId=${other}&phase=stopped`).set(svc()).expect(200)).body;
    expect(list.items.map((r: { id: string }) => r.id)).toEqual(['push-arrears']);
    await post([event('account.paid', null, '2026-12-03T11:30:00+08:00', {}, other)]);
    expect(await get('push-arrears')).toMatchObject({ phase: 'running', nextPhaseAt: iso('2027-05-25T10:00:00+08:00') });
  });

  it('a scheduler pass stores phase instants that no longer match the policy', async () => {
    await resources().updateOne({ _id: 'exp-2' }, { $set: { 'phases.stopAt': null, 'phases.releaseAt': null, nextDueAt: new Date(0) } });
    await t.http().post('/v1/scheduler/run').set(svc()).expect(200);
    const doc = (await resources().findOne({ _id: 'exp-2' })) as unknown as { phases: { stopAt: Date; releaseAt: Date } };
    expect(doc.phases).toMatchObject({
      stopAt: new Date(iso('2026-12-05T00:00:00+08:00')),
      releaseAt: new Date(iso('2026-12-12T00:00:00+08:00')),
    });
  });

  it('gives resources stored without phase instants theirs at start-up, so the filter finds them', async () => {
    await resources().updateOne({ _id: 'exp-3' }, { $unset: { phases: '' } });
    // Meanwhile the resource shows what upstream's status and expiry alone say, and the phase filter misses it.
    expect(await get('exp-3')).toMatchObject({ phase: 'expired', nextPhase: null });
    expect((await allPages('phase=expired', 10)).ids).not.toContain('exp-3');
    expect(await t.app.get(PhaseBackfill).run()).toBe(1);
    expect((await allPages('phase=expired', 10)).ids).toContain('exp-3');
    expect(await get('exp-3')).toMatchObject({ phase: 'expired', nextPhase: 'stopped' });
    expect(await t.app.get(PhaseBackfill).run()).toBe(0);
  });
});
