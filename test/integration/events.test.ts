import { MongoClient } from 'mongodb';
import { startTestApp, TestApp } from '../support/app';

const T0 = Date.parse('2026-11-01T00:00:00Z');
let seq = 0;
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const purchased = (resourceId: string, minutes: number, extra: Record<string, unknown> = {}) => ({
  id: `evt-${++seq}`,
  type: 'resource.purchased',
  occurredAt: at(minutes),
  accountId: 'acc-1',
  resourceId,
  data: { product: 'tpns', name: 'push-prod', billingMode: 'prepaid', expiresAt: '2026-12-01T10:30:00+08:00', autoRenew: false, ...extra },
});
const renewed = (resourceId: string, minutes: number, expiresAt: string) => ({
  id: `evt-${++seq}`,
  type: 'resource.renewed',
  occurredAt: at(minutes),
  accountId: 'acc-1',
  resourceId,
  data: { expiresAt },
});

describe('POST /v1/events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('events');
  });
  afterAll(() => t.close());

  const post = (body: unknown, headers = t.serviceKey) =>
    t
      .http()
      .post('/v1/events')
      .set(headers)
      .send(body as object);
  const resource = async (id: string) => (await t.http().get(`/v1/resources/${id}`).set(t.serviceKey).expect(200)).body;

  it('applies a purchase and shows the resource through GET /v1/resources/{id}', async () => {
    const res = await post(purchased('res-a', 0)).expect(200);
    expect(res.body).toMatchObject({ outcome: 'applied' });
    expect(await resource('res-a')).toMatchObject({
      id: 'res-a',
      accountId: 'acc-1',
      product: 'tpns',
      status: 'running',
      expiresAt: '2026-12-01T02:30:00.000Z',
    });
  });

  it('treats a repeated event id as a duplicate that changes nothing', async () => {
    const first = purchased('res-dup', 0);
    await post(first).expect(200);
    const before = await resource('res-dup');
    const again = await post({ ...first, data: { ...first.data, name: 'changed' } }).expect(200);
    expect(again.body.outcome).toBe('duplicate');
    expect(await resource('res-dup')).toEqual(before);
  });

  it('does not roll state back when an older event arrives after a newer one', async () => {
    await post(purchased('res-order', 0)).expect(200);
    await post(renewed('res-order', 20, '2027-12-01T10:30:00+08:00')).expect(200);
    const late = await post(renewed('res-order', 10, '2027-06-01T10:30:00+08:00')).expect(200);
    expect(late.body.outcome).toBe('stale');
    expect((await resource('res-order')).expiresAt).toBe('2027-12-01T02:30:00.000Z');
  });

  it('applies a late event to the fields newer events have not touched', async () => {
    await post(purchased('res-fields', 0)).expect(200);
    await post(renewed('res-fields', 20, '2027-12-01T10:30:00+08:00')).expect(200);
    const late = {
      id: `evt-${++seq}`,
      type: 'resource.autorenew_changed',
      occurredAt: at(10),
      accountId: 'acc-1',
      resourceId: 'res-fields',
      data: { autoRenew: true },
    };
    expect((await post(late).expect(200)).body.outcome).toBe('applied');
    expect(await resource('res-fields')).toMatchObject({ autoRenew: true, expiresAt: '2027-12-01T02:30:00.000Z' });
  });

  it('says nothing again for a replayed or stale event, even after the term moved on', async () => {
    const stopNotices = async () => {
      const client = await MongoClient.connect(t.config.mongodbUri);
      try {
        const notices = client.db().collection<{ _id: string }>('notices');
        return (await notices.find({ _id: { $regex: '^res-stop\\|service_stopped\\|' } }).toArray()).map((n) => n._id);
      } finally {
        await client.close();
      }
    };
    await post(purchased('res-stop', 0)).expect(200);
    const stop = {
      id: `evt-${++seq}`,
      type: 'resource.stopped',
      occurredAt: at(10),
      accountId: 'acc-1',
      resourceId: 'res-stop',
      data: { reason: 'manual' },
    };
    expect((await post(stop).expect(200)).body.outcome).toBe('applied');
    const first = await stopNotices();
    expect(first).toHaveLength(1);

    // A renewal from before the stop arrives late: the term the stop notice was keyed by is no longer current.
    expect((await post(renewed('res-stop', 5, '2027-12-01T10:30:00+08:00')).expect(200)).body.outcome).toBe('applied');
    expect((await post(stop).expect(200)).body.outcome).toBe('duplicate');
    const older = { ...stop, id: `evt-${++seq}`, occurredAt: at(3) };
    expect((await post(older).expect(200)).body.outcome).toBe('stale');
    expect(await stopNotices()).toEqual(first);

    // An event whose first application never settled (the process died midway) speaks again when replayed.
    const client = await MongoClient.connect(t.config.mongodbUri);
    try {
      await client
        .db()
        .collection<{ _id: string }>('events')
        .updateOne({ _id: stop.id }, { $set: { settledAt: null } });
    } finally {
      await client.close();
    }
    expect((await post(stop).expect(200)).body.outcome).toBe('duplicate');
    expect((await stopNotices()).length).toBe(2);
  });

  it('rejects a malformed event with a 400 naming the field', async () => {
    const bad = purchased('res-bad', 0, { expiresAt: 'next tuesday' });
    const res = await post(bad).expect(400);
    expect(res.body.message).toContain('data.expiresAt');
    expect(res.body.fields).toEqual([expect.objectContaining({ field: 'data.expiresAt' })]);
    await t.http().get('/v1/resources/res-bad').set(t.serviceKey).expect(404);
  });

  it('answers a malformed percent-encoding in the path with a 400 naming the path', async () => {
    const res = await t.http().get('/v1/resources/%E0%A4%A').set(t.serviceKey).expect(400);
    expect(res.body.fields).toEqual([{ field: 'path', message: 'has a malformed percent-encoding' }]);
  });

  it('names an unknown event type', async () => {
    const res = await post({ ...purchased('res-x', 0), type: 'resource.teleported' }).expect(400);
    expect(res.body.fields[0].field).toBe('type');
  });

  it('applies the good events of a batch and reports the bad one', async () => {
    const good1 = purchased('res-b1', 0);
    const good2 = purchased('res-b2', 0);
    const bad = { ...purchased('res-b3', 0), accountId: '' };
    const res = await post({ events: [good1, bad, good2, good1] }).expect(200);
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['applied', 'rejected', 'applied', 'duplicate']);
    expect(res.body.results[1].reason).toContain('accountId');
    expect(res.body.counts).toEqual({ applied: 2, duplicate: 1, stale: 0, rejected: 1 });
    await resource('res-b1');
    await resource('res-b2');
  });

  it('folds several events for one resource in one batch in version order', async () => {
    const res = await post({
      events: [
        renewed('res-fold', 30, '2028-01-01T00:00:00+08:00'),
        purchased('res-fold', 0),
        renewed('res-fold', 20, '2027-01-01T00:00:00+08:00'),
      ],
    }).expect(200);
    expect(res.body.counts.applied).toBe(3);
    expect((await resource('res-fold')).expiresAt).toBe('2027-12-31T16:00:00.000Z');
  });

  it('rejects an event for a resource id held by another account', async () => {
    await post(purchased('res-owned', 0)).expect(200);
    const foreign = { ...purchased('res-owned', 5), accountId: 'acc-2' };
    await post(foreign).expect(409);
    expect((await resource('res-owned')).accountId).toBe('acc-1');
  });

  it('refuses a batch over 1,000 events naming the limit', async () => {
    const events = Array.from({ length: 1001 }, (_, i) => purchased(`res-many-${i}`, 0));
    const res = await post({ events }).expect(400);
    expect(res.body.message).toContain('events');
    expect(res.body.message).toContain('1000');
  });

  it('tracks account balance events', async () => {
    const overdue = {
      id: `evt-${++seq}`,
      type: 'account.overdue',
      occurredAt: at(0),
      accountId: 'acc-bal',
      data: { billDate: '2026-11-01T00:00:00+08:00' },
    };
    expect((await post(overdue).expect(200)).body.outcome).toBe('applied');
    const account = await t.http().get('/v1/accounts/acc-bal').set(t.serviceKey).expect(200);
    expect(account.body).toMatchObject({ balanceState: 'overdue', billDate: '2026-10-31T16:00:00.000Z' });
  });

  it('answers 401 without credentials and 403 for a member token', async () => {
    const res = await post(purchased('res-auth', 0), {}).expect(401);
    expect(res.body.message).toContain('X-Api-Key');
    await post(purchased('res-auth', 0), { 'X-Api-Key': 'wrong-key-wrong-key' }).expect(401);
    await post(purchased('res-auth', 0), t.memberAuth('acc-1', 'm-1', ['creator'])).expect(401); // member does not exist
  });

  it('counts events by outcome in /metrics', async () => {
    const res = await t.http().get('/metrics').expect(200);
    expect(res.text).toMatch(/herald_events_ingested_total\{outcome="applied"\} \d+/);
    expect(res.text).toMatch(/herald_http_request_duration_seconds_bucket\{.*route="\/v1\/events"/);
  });
});
