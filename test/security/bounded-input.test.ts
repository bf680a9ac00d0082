import { ConfigError, loadConfig } from '../../src/config/config';
import { MAX_VERSION } from '../../src/events/event.types';
import { startTestApp, TestApp } from '../support/app';

const ACC = 'acc-bounded';
/** Herald's clock in this file: well before the machine's, so "ahead of Herald's clock" cannot mean the system clock. */
const NOW = '2026-11-20T00:00:00Z';
const HOUR = 3_600_000;
const at = (offsetMs: number) => new Date(Date.parse(NOW) + offsetMs).toISOString();
const UNSAFE = { nul: 'Push\u0000prod', bell: 'Push\u0007', override: 'Push \u202eorp', isolate: 'Push \u2066x\u2069' };

interface Field {
  field: string;
  message: string;
}

/**
 * What Herald takes has to mean something: dates within 1970–2200, events not from the future, versions that
 * cannot outrank every later event, products it has a policy for, JSON where it expects JSON, and names that
 * read as they are shown.
 */
describe('bounded, meaningful input', () => {
  let t: TestApp;
  let seq = 0;
  const svc = () => t.serviceKey;
  const post = (body: object) => t.http().post('/v1/events').set(svc()).send(body);
  const purchase = (resourceId: string, data: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
    id: `bi-${++seq}`,
    type: 'resource.purchased',
    occurredAt: at(0),
    accountId: ACC,
    resourceId,
    data: { product: 'tpns', expiresAt: '2026-12-20T10:30:00+08:00', ...data },
    ...extra,
  });
  const renewal = (resourceId: string, expiresAt: string, extra: Record<string, unknown> = {}) => ({
    id: `bi-${++seq}`,
    type: 'resource.renewed',
    occurredAt: at(0),
    accountId: ACC,
    resourceId,
    data: { expiresAt },
    ...extra,
  });
  const fieldsOf = (body: { fields?: Field[] }) => (body.fields ?? []).map((f) => f.field).sort();
  const resource = (id: string) =>
    t
      .http()
      .get(`/v1/resources/${encodeURIComponent(id)}`)
      .set(svc());

  beforeAll(async () => {
    t = await startTestApp('bounded-input', { env: { TEST_CLOCK_ENABLED: 'true', SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false' } });
    await t.http().put('/v1/test-clock').set(svc()).send({ now: NOW }).expect(200);
    await t
      .http()
      .put(`/v1/accounts/${ACC}`)
      .set(svc())
      .send({ name: 'Bounded Co', creator: { id: 'bi-owner', name: 'Owner' } })
      .expect(200);
  }, 60_000);
  afterAll(() => t?.close());

  it('rejects expiresAt in year 0000 and 9999', async () => {
    for (const expiresAt of ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59+08:00', '1969-12-31T23:59:59Z', '2200-01-01T00:00:00.001Z']) {
      const res = await post(purchase(`bi-exp-${seq}`, { expiresAt })).expect(400);
      expect(fieldsOf(res.body)).toEqual(['data.expiresAt']);
      expect(res.body.message).toContain('data.expiresAt: must be between 1970-01-01T00:00:00Z and 2200-01-01T00:00:00Z');
      const renewed = await post(renewal('bi-exp-renew', expiresAt)).expect(400);
      expect(fieldsOf(renewed.body)).toEqual(['data.expiresAt']);
    }
    await post(purchase('bi-exp-edge', { expiresAt: '2199-12-31T23:59:59+00:00' })).expect(200);
  });

  it('rejects dates outside 1970–2200 wherever a request takes one', async () => {
    const preview = await t.http().get('/v1/policies/tpns?expiresAt=9999-12-31T00:00:00Z').set(svc()).expect(400);
    expect(fieldsOf(preview.body)).toEqual(['expiresAt']);
    const clock = await t.http().put('/v1/test-clock').set(svc()).send({ now: '0000-01-01T00:00:00Z' }).expect(400);
    expect(fieldsOf(clock.body)).toEqual(['now']);
    const far = await t.http().put('/v1/test-clock').set(svc()).send({ advance: 'P200Y' }).expect(400);
    expect(far.body.message).toContain('advance: would move the clock past 2200-01-01');
    expect((await t.http().get('/v1/test-clock').set(svc()).expect(200)).body.now).toBe(new Date(NOW).toISOString());
  });

  it('rejects occurredAt in year 9999 and a version of 2^53-1, so a later renewal still applies', async () => {
    await post(purchase('bi-pin')).expect(200);
    const future = await post(renewal('bi-pin', '2099-01-01T00:00:00Z', { occurredAt: '9999-12-31T00:00:00Z' })).expect(400);
    expect(fieldsOf(future.body)).toEqual(['occurredAt']);
    const huge = await post(renewal('bi-pin', '2099-01-01T00:00:00Z', { version: Number.MAX_SAFE_INTEGER })).expect(400);
    expect(fieldsOf(huge.body)).toEqual(['version']);
    expect(huge.body.message).toContain(`version: must be at most ${MAX_VERSION}`);
    const real = await post(renewal('bi-pin', '2027-12-20T10:30:00+08:00', { occurredAt: at(60_000) })).expect(200);
    expect(real.body.outcome).toBe('applied');
    expect((await resource('bi-pin').expect(200)).body.expiresAt).toBe('2027-12-20T02:30:00.000Z');
  });

  it('rejects occurredAt more than EVENTS_MAX_FUTURE_SKEW ahead so a later renewal still applies', async () => {
    await post(purchase('bi-skew')).expect(200);
    const ahead = await post(renewal('bi-skew', '2099-01-01T00:00:00Z', { occurredAt: at(HOUR + 1_000) })).expect(400);
    expect(ahead.body.fields).toEqual([{ field: 'occurredAt', message: expect.stringContaining("more than 1h ahead of Herald's clock") }]);
    // In a batch the event from the future is rejected, naming the field, and the others go on.
    const batch = await post({
      events: [
        renewal('bi-skew', '2099-01-01T00:00:00Z', { occurredAt: at(2 * HOUR) }),
        renewal('bi-skew', '2027-06-20T10:30:00+08:00', { occurredAt: at(1_000) }),
      ],
    }).expect(200);
    expect(batch.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['rejected', 'applied']);
    expect(batch.body.results[0].fields).toEqual([{ field: 'occurredAt', message: expect.stringContaining('EVENTS_MAX_FUTURE_SKEW') }]);
    // Within the skew an event is taken (upstream clocks drift), and the later real renewal applies after it.
    expect((await post(renewal('bi-skew', '2027-09-20T10:30:00+08:00', { occurredAt: at(HOUR - 1_000) })).expect(200)).body.outcome).toBe(
      'applied',
    );
    await t.http().put('/v1/test-clock').set(svc()).send({ advance: 'PT2H' }).expect(200);
    const later = await post(renewal('bi-skew', '2027-12-20T10:30:00+08:00', { occurredAt: at(HOUR + 30_000) })).expect(200);
    await t.http().put('/v1/test-clock').set(svc()).send({ now: NOW }).expect(200);
    expect(later.body.outcome).toBe('applied');
    expect((await resource('bi-skew').expect(200)).body.expiresAt).toBe('2027-12-20T02:30:00.000Z');
  });

  it('reads EVENTS_MAX_FUTURE_SKEW as a duration, 1h by default', () => {
    const env = { MONGODB_URI: 'mongodb://127.0.0.1:1/herald' };
    expect(loadConfig(env).eventsMaxFutureSkewMs).toBe(HOUR);
    expect(loadConfig({ ...env, EVENTS_MAX_FUTURE_SKEW: '30m' }).eventsMaxFutureSkewMs).toBe(HOUR / 2);
    expect(() => loadConfig({ ...env, EVENTS_MAX_FUTURE_SKEW: 'soon' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, EVENTS_MAX_FUTURE_SKEW: 'soon' })).toThrow(/EVENTS_MAX_FUTURE_SKEW: must be a duration/);
  });

  it('creates nothing for an event it rejects', async () => {
    const rejected = [
      purchase('bi-none-1', {}, { occurredAt: '0000-01-01T00:00:00Z' }),
      purchase('bi-none-2', {}, { occurredAt: at(3 * HOUR) }),
      purchase('bi-none-3', { product: 'no-such-product' }),
      purchase('bi-none-4', { name: UNSAFE.nul }),
      purchase('bi-none-5', {}, { version: MAX_VERSION + 1 }),
    ];
    for (const event of rejected) {
      const res = await post(event).expect(400);
      expect(res.body.fields.length).toBeGreaterThan(0);
      await resource(event.resourceId).expect(404);
    }
    // Nothing remembers the rejected ids either: the corrected events are applied, not taken for duplicates.
    for (const event of rejected) {
      const fixed = { ...event, occurredAt: at(0), data: { product: 'tpns', expiresAt: '2026-12-20T10:30:00+08:00' } };
      delete (fixed as { version?: number }).version;
      expect((await post(fixed).expect(200)).body.outcome).toBe('applied');
    }
  });

  it('rejects an unknown product listing the known ones', async () => {
    const known = (await t.http().get('/v1/policies').set(svc()).expect(200)).body.map((p: { product: string }) => p.product);
    expect(known.length).toBeGreaterThan(1);
    const res = await post(purchase('bi-product', { product: 'tpns-typo' })).expect(400);
    expect(fieldsOf(res.body)).toEqual(['data.product']);
    for (const product of known) expect(res.body.fields[0].message).toContain(product);
    const batch = await post({ events: [purchase('bi-product', { product: 'tpns-typo' }), purchase('bi-product-2')] }).expect(200);
    expect(batch.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['rejected', 'applied']);
    expect(batch.body.results[0].fields.map((f: Field) => f.field)).toEqual(['data.product']);
    await resource('bi-product').expect(404);
  });

  it('refuses form-encoded bodies on JSON endpoints', async () => {
    const form = `id=bi-form&type=resource.purchased&occurredAt=${encodeURIComponent(at(0))}&accountId=${ACC}&resourceId=bi-form`;
    const res = await t.http().post('/v1/events').set(svc()).type('form').send(form).expect(415);
    expect(res.body).toMatchObject({
      statusCode: 415,
      message: 'Content-Type: must be application/json on this route, not application/x-www-form-urlencoded',
    });
    await t.http().put('/v1/accounts/acc-form').set(svc()).type('form').send('name=Form+Co').expect(415);
    await t.http().get('/v1/accounts/acc-form').set(svc()).expect(404);
    await resource('bi-form').expect(404);
  });

  it('rejects NUL and bidi override characters in names', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [purchase('bi-text-1', { name: UNSAFE.nul }), 'data.name'],
      [purchase('bi-text-2', { name: UNSAFE.override }), 'data.name'],
      [purchase('bi-text-3', { region: UNSAFE.isolate }), 'data.region'],
      [purchase('bi-text-4', { attributes: { owner: UNSAFE.bell } }), 'data.attributes.owner'],
      [purchase('bi-text-5', { attributes: { [UNSAFE.override]: 'x' } }), `data.attributes.${UNSAFE.override}`],
      [purchase('bi-text-\u0000'), 'resourceId'],
      [purchase('bi-text-6', {}, { id: 'evt\u202e1' }), 'id'],
      [{ ...renewal('bi-text-7', '2027-01-01T00:00:00Z'), type: 'resource.destroyed', data: { reason: UNSAFE.override } }, 'data.reason'],
      [{ ...renewal('bi-text-8', '2027-01-01T00:00:00Z'), type: 'resource.autorenew_failed', data: { reason: UNSAFE.nul } }, 'data.reason'],
    ];
    for (const [event, field] of cases) {
      const res = await post(event).expect(400);
      expect(res.body.fields.map((f: Field) => f.field)).toContain(field);
    }
    const account = await t
      .http()
      .put('/v1/accounts/acc-bidi')
      .set(svc())
      .send({ name: `Bidi ${UNSAFE.override}` })
      .expect(400);
    expect(fieldsOf(account.body)).toEqual(['name']);
    const creator = await t
      .http()
      .put('/v1/accounts/acc-bidi')
      .set(svc())
      .send({ name: 'Bidi Co', creator: { id: 'bidi-owner', name: UNSAFE.nul } })
      .expect(400);
    expect(fieldsOf(creator.body)).toEqual(['creator.name']);
    const member = await t
      .http()
      .post(`/v1/accounts/${ACC}/members`)
      .set(svc())
      .send({ id: 'bi-mallory', name: UNSAFE.isolate, roles: ['receiver'] })
      .expect(400);
    expect(fieldsOf(member.body)).toEqual(['name']);
    const group = await t.http().post(`/v1/accounts/${ACC}/groups`).set(svc()).send({ id: 'bi-group', name: UNSAFE.bell }).expect(400);
    expect(fieldsOf(group.body)).toEqual(['name']);
    await resource('bi-text-1').expect(404);
    await t.http().get('/v1/accounts/acc-bidi').set(svc()).expect(404);
    // Text in any script is fine: only the invisible characters that change how it reads are refused.
    await post(purchase('bi-text-ok', { name: '推送服务 · 生产 (العربية)', region: 'ap-guangzhou' })).expect(200);
    await t.http().post(`/v1/accounts/${ACC}/groups`).set(svc()).send({ id: 'bi-group', name: '值班 On-call' }).expect(201);
  });
});
