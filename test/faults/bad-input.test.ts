import type { AddressInfo } from 'node:net';
import { SCHEMATHESIS_VERSION } from '../../scripts/python-tools.cjs';
import { startTestApp, TestApp } from '../support/app';
import { startPeers, Peers } from '../support/peers';
import { runSchemathesis } from './support/schemathesis';

// The records test/faults/support/schemathesis.toml draws path and query identifiers from.
const ACCOUNT = 'fuzz-acc';
const CREATOR = 'fuzz-creator';
const BODY_LIMIT_BYTES = 256 * 1024;
const SEED = 20261122;
const MAX_EXAMPLES = Number(process.env.HERALD_FUZZ_EXAMPLES ?? 25);

interface Case {
  name: string;
  as: 'service' | 'creator';
  method: 'get' | 'post' | 'put' | 'patch';
  path: string;
  body: unknown;
  /** Every field path the 400 must name. */
  fields: string[];
}

/** `request` is "METHOD /path?query"; a body of undefined sends none. */
const bad = (name: string, as: Case['as'], request: string, body: unknown, ...fields: string[]): Case => {
  const [method, path] = request.split(' ');
  return { name, as, method: method.toLowerCase() as Case['method'], path, body, fields };
};

const purchase = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: 'evt-bad-1',
  type: 'resource.purchased',
  occurredAt: '2026-11-20T08:00:00+08:00',
  accountId: ACCOUNT,
  resourceId: 'fuzz-res-9',
  data: { product: 'tpns', expiresAt: '2026-12-01T10:30:00+08:00', ...data },
  ...extra,
});
const PREFERENCES = `PUT /v1/members/${CREATOR}/preferences`;
const SUBSCRIPTIONS = `PUT /v1/accounts/${ACCOUNT}/subscriptions`;
const MEMBERS = `POST /v1/accounts/${ACCOUNT}/members`;

const CASES: Case[] = [
  bad('an event with a date that is not ISO 8601', 'service', 'POST /v1/events', purchase({ expiresAt: 'next Tuesday' }), 'data.expiresAt'),
  bad('an event with a negative version', 'service', 'POST /v1/events', purchase({}, { version: -1 }), 'version'),
  bad('an event of an unknown type', 'service', 'POST /v1/events', purchase({}, { type: 'resource.teleported' }), 'type'),
  bad('an empty batch of events', 'service', 'POST /v1/events', { events: [] }, 'events'),
  bad('a batch of over 1,000 events', 'service', 'POST /v1/events', { events: Array.from({ length: 1001 }, () => ({})) }, 'events'),
  bad('quiet hours at 25:00', 'creator', PREFERENCES, { quietHours: { start: '25:00', end: '08:00' } }, 'quietHours.start'),
  bad('an unknown time zone in preferences', 'creator', PREFERENCES, { timeZone: 'Mars/Olympus_Mons' }, 'timeZone'),
  bad(
    'a mandatory channel switched off',
    'creator',
    PREFERENCES,
    { channels: { service_stopped: { inbox: false } } },
    'channels.service_stopped.inbox',
  ),
  bad('preferences read by a service without accountId', 'service', `GET /v1/members/${CREATOR}/preferences`, undefined, 'accountId'),
  bad(
    'an unknown channel in a subscription',
    'creator',
    SUBSCRIPTIONS,
    { types: { expiry_reminder: { channels: ['inbox', 'pigeon'], receivers: {} } } },
    'types.expiry_reminder.channels[1]',
  ),
  bad(
    'an unknown member in a subscription',
    'creator',
    SUBSCRIPTIONS,
    { types: { expiry_reminder: { channels: ['inbox'], receivers: { memberIds: ['ghost'] } } } },
    'types.expiry_reminder.receivers.memberIds',
  ),
  bad(
    'a member with a bad email and no roles',
    'creator',
    MEMBERS,
    { name: 'Dan', roles: [], contacts: { email: { value: 'no-at-sign' } } },
    'roles',
    'contacts.email.value',
  ),
  bad('a member id with a space', 'service', MEMBERS, { id: 'dan smith', name: 'Dan', roles: ['receiver'] }, 'id'),
  bad('a member patch with an unknown locale', 'creator', `PATCH /v1/accounts/${ACCOUNT}/members/${CREATOR}`, { locale: 'tlh' }, 'locale'),
  bad('a path id that is not an id', 'service', 'GET /v1/accounts/acc%20one', undefined, 'accountId'),
  bad('deliveries without accountId', 'service', 'GET /v1/deliveries', undefined, 'accountId'),
  bad(
    'deliveries with limit 0 and an unknown channel',
    'service',
    `GET /v1/deliveries?accountId=${ACCOUNT}&limit=0&channel=fax`,
    undefined,
    'limit',
    'channel',
  ),
  bad(
    'deliveries with a negative, fractional offset',
    'creator',
    `GET /v1/deliveries?accountId=${ACCOUNT}&offset=-1.5`,
    undefined,
    'offset',
  ),
  bad(
    'deliveries with accountId given twice',
    'service',
    `GET /v1/deliveries?accountId=${ACCOUNT}&accountId=other`,
    undefined,
    'accountId',
  ),
  bad('a test clock advanced past 2200', 'service', 'PUT /v1/test-clock', { advance: 'P200Y' }, 'advance'),
  bad('an event from year 0000', 'service', 'POST /v1/events', purchase({}, { occurredAt: '0000-01-01T00:00:00Z' }), 'occurredAt'),
  bad('an event of an unknown product', 'service', 'POST /v1/events', purchase({ product: 'tpns-typo' }), 'data.product'),
  bad('a resource name with a NUL', 'service', 'POST /v1/events', purchase({ name: 'Push\u0000' }), 'data.name'),
];

describe('bad input', () => {
  let peers: Peers;
  let t: TestApp;
  let baseUrl: string;
  const creator = () => t.memberAuth(ACCOUNT, CREATOR, ['creator']);

  beforeAll(async () => {
    peers = await startPeers();
    t = await startTestApp('bad-input', {
      env: {
        ...peers.env,
        // Every operation in the OpenAPI document: the development endpoints and the test clock too.
        NODE_ENV: 'development',
        DEMO_SEED: 'off',
        TEST_CLOCK_ENABLED: 'true',
        SCHEDULER_ENABLED: 'false',
        DELIVERY_ENABLED: 'false',
        BODY_LIMIT: '256kb',
        // The run posts faster than the production limits allow; 429s would only hide code from it.
        EVENTS_RATE_LIMIT: '1000000',
        MEMBER_RATE_LIMIT: '1000000',
        // Schemathesis also sends mangled credentials on purpose; every run shares 127.0.0.1, which they would throttle.
        AUTH_FAILURE_LIMIT: '100000',
      },
    });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;

    await t
      .http()
      .put(`/v1/accounts/${ACCOUNT}`)
      .set(t.serviceKey)
      .send({
        name: 'Fuzz',
        creator: { id: CREATOR, name: 'Fuzz Creator', contacts: { email: { value: 'creator@fuzz.test', verified: true } } },
      })
      .expect(200);
    await t
      .http()
      .post(`/v1/accounts/${ACCOUNT}/members`)
      .set(t.serviceKey)
      .send({ id: 'fuzz-receiver', name: 'Fuzz Receiver', roles: ['receiver'], contacts: { phone: { value: '+8613800138000' } } })
      .expect(201);
    await t
      .http()
      .post(`/v1/accounts/${ACCOUNT}/groups`)
      .set(t.serviceKey)
      .send({ id: 'fuzz-group', name: 'On-call', memberIds: ['fuzz-receiver'] })
      .expect(201);
    await t
      .http()
      .post('/v1/events')
      .set(t.serviceKey)
      .send({ ...purchase({ name: 'Push (fuzz)' }, { id: 'evt-fuzz-1' }), resourceId: 'fuzz-res-1' })
      .expect(200);
  });
  afterAll(async () => {
    await t?.close();
    await peers?.stop();
  });

  it.each(CASES)('answers 400 naming the field to $name', async ({ method, path, as, body, fields }) => {
    const agent = t.http();
    const req = agent[method](path).set(as === 'service' ? t.serviceKey : creator());
    const res = await (body === undefined ? req : req.send(body as object));
    expect(res.status).toBe(400);
    expect(res.body.fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(fields));
    for (const field of fields) expect(res.body.message).toContain(`${field}: `);
  });

  it('answers 400 naming the body to JSON that does not parse', async () => {
    const res = await t
      .http()
      .post('/v1/events')
      .set(t.serviceKey)
      .set('Content-Type', 'application/json')
      .send('{"id": "evt-1",')
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, fields: [{ field: 'body', message: expect.stringContaining('not valid JSON') }] });
    const bare = await t
      .http()
      .put(`/v1/accounts/${ACCOUNT}`)
      .set(t.serviceKey)
      .set('Content-Type', 'application/json')
      .send('null')
      .expect(400);
    expect(bare.body.fields).toEqual([{ field: 'body', message: expect.stringContaining('not valid JSON') }]);
  });

  it('answers 415 to a body that is neither JSON nor a form, and reads an empty one as no body', async () => {
    const res = await t
      .http()
      .post('/v1/events')
      .set(t.serviceKey)
      .set('Content-Type', 'text/plain')
      .send('resource.purchased')
      .expect(415);
    expect(res.body).toMatchObject({ statusCode: 415, message: expect.stringContaining('application/json') });
    await t.http().post('/v1/inbox/read-all').set(creator()).set('Content-Length', '0').expect(200);
  });

  it('answers 413 with a JSON error to JSON and form bodies over BODY_LIMIT, and reads one just under it', async () => {
    const over = JSON.stringify({ events: [{ id: 'x'.repeat(BODY_LIMIT_BYTES) }] });
    const json = await t.http().post('/v1/events').set(t.serviceKey).set('Content-Type', 'application/json').send(over).expect(413);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: `request body exceeds the limit of ${BODY_LIMIT_BYTES} bytes`,
    });
    // Forms are read on the Twilio status callback only.
    await t
      .http()
      .post('/v1/webhooks/twilio/status')
      .type('form')
      .send(`padding=${'x'.repeat(BODY_LIMIT_BYTES)}`)
      .expect(413);

    const under = JSON.stringify({ events: [{ id: 'x'.repeat(BODY_LIMIT_BYTES - 100) }] });
    const read = await t.http().post('/v1/events').set(t.serviceKey).set('Content-Type', 'application/json').send(under).expect(200);
    expect(read.body.results[0]).toMatchObject({ outcome: 'rejected' });
  });

  it('answers 409, not 500, to renaming a receiver group to a name the account already uses', async () => {
    await t.http().post(`/v1/accounts/${ACCOUNT}/groups`).set(t.serviceKey).send({ id: 'fuzz-group-2', name: 'Night shift' }).expect(201);
    const res = await t.http().patch(`/v1/accounts/${ACCOUNT}/groups/fuzz-group-2`).set(creator()).send({ name: 'On-call' }).expect(409);
    expect(res.body.message).toContain('On-call');
  });

  // Member first: the service run may change the creator's record (never its creator role).
  it.each([
    ['a member token', () => `Authorization: ${creator().Authorization}`],
    ['the service key', () => `X-Api-Key: ${t.serviceKey['X-Api-Key']}`],
  ])(`finds no server error with schemathesis ${SCHEMATHESIS_VERSION} over every operation, sent with %s`, async (label, header) => {
    const started = Date.now();
    const run = await runSchemathesis({
      openApiUrl: `${baseUrl}/docs/openapi.json`,
      header: header(),
      maxExamples: MAX_EXAMPLES,
      seed: SEED,
    });
    process.stdout.write(`\nschemathesis (${label}, ${Math.round((Date.now() - started) / 1000)} s):\n${run.summary}\n`);
    expect({ exitCode: run.exitCode, problems: run.problems }).toEqual({ exitCode: 0, problems: '' });
  });
});
