import { MongoClient } from 'mongodb';
import { loadConfig } from '../../src/config/config';
import { startTestApp, TestApp } from '../support/app';

const ACC = 'acc-avail';
const METRICS_TOKEN = 'metrics-scrape-token-0123456789abcdef';
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'availability-production-secret-0123456789abcdef',
  BOOTSTRAP_API_KEY: 'hk_availability-production-key-0123456789',
};
const QUIET = { SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false', RETENTION_ENABLED: 'false' };
const PRODUCTS = ['tpns', 'iot-enterprise', 'astro-canvas'];

const purchase = (resourceId: string, product: string, hour: number) => ({
  id: `${resourceId}-purchased`,
  type: 'resource.purchased',
  occurredAt: '2026-11-01T08:00:00+08:00',
  accountId: ACC,
  resourceId,
  data: {
    product,
    name: `Resource ${resourceId}`,
    expiresAt: new Date(Date.parse('2027-03-01T02:00:00Z') + hour * 3_600_000).toISOString(),
  },
});

async function createAccount(t: TestApp, accountId: string, creator: string, members: object[] = []): Promise<void> {
  await t
    .http()
    .put(`/v1/accounts/${accountId}`)
    .set(t.serviceKey)
    .send({ name: `${accountId} Co.`, creator: { id: creator, name: creator } })
    .expect(200);
  for (const m of members) await t.http().post(`/v1/accounts/${accountId}/members`).set(t.serviceKey).send(m).expect(201);
}

describe('per-member rate limit', () => {
  let t: TestApp;
  const alice = () => t.memberAuth('acc-rate', 'rate-alice', ['creator']);

  beforeAll(async () => {
    // A window long enough that a loaded machine still gets six requests into it.
    t = await startTestApp('avail-rate', { env: { ...QUIET, MEMBER_RATE_LIMIT: '5', MEMBER_RATE_WINDOW_MS: '5000' } });
    await createAccount(t, 'acc-rate', 'rate-alice', [{ id: 'rate-bob', name: 'Bob', roles: ['receiver'] }]);
    await createAccount(t, 'acc-rate-other', 'rate-carl');
  });
  afterAll(() => t?.close());

  it('is generous by default: 600 requests a minute per member', () => {
    expect(loadConfig({ MONGODB_URI: 'mongodb://127.0.0.1:1/herald' }).memberRateLimit).toEqual({ limit: 600, windowMs: 60_000 });
  });

  it('answers a member over MEMBER_RATE_LIMIT with 429 and Retry-After', async () => {
    const window = Date.now();
    // One budget across every route the member calls.
    for (const path of [
      '/v1/inbox',
      '/v1/inbox/unread-count',
      '/v1/members/rate-alice/preferences',
      '/v1/policies',
      '/v1/accounts/acc-rate',
    ])
      await t.http().get(path).set(alice()).expect(200);
    expect(Date.now() - window).toBeLessThan(5000);
    const res = await t.http().get(`/v1/resources?accountId=acc-rate`).set(alice()).expect(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 5).toBe(true);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `rate limit exceeded: at most 5 requests per 5 s for this member; retry in ${retryAfter} s`,
      retryAfter,
    });
    // Writes too, and refused before they change anything.
    await t.http().post('/v1/inbox/read-all').set(alice()).expect(429);

    // Another member of the account, a member of another account, services and public routes count on their own.
    await t
      .http()
      .get('/v1/inbox')
      .set(t.memberAuth('acc-rate', 'rate-bob', ['receiver']))
      .expect(200);
    await t
      .http()
      .get('/v1/inbox')
      .set(t.memberAuth('acc-rate-other', 'rate-carl', ['creator']))
      .expect(200);
    await t.http().get('/v1/resources?accountId=acc-rate').set(t.serviceKey).expect(200);
    await t.http().get('/health').expect(200);

    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 100));
    await t.http().get('/v1/inbox').set(alice()).expect(200);
  });
});

describe('lists, headers and operator endpoints', () => {
  let t: TestApp;
  const creator = () => t.memberAuth(ACC, 'av-creator', ['creator']);
  const carol = () => t.memberAuth(ACC, 'av-carol', ['resource_collaborator']);

  beforeAll(async () => {
    t = await startTestApp('avail', { env: { ...QUIET, METRICS_TOKEN } });
    await createAccount(t, ACC, 'av-creator', [
      { id: 'av-carol', name: 'Carol', roles: ['resource_collaborator'], scope: { products: ['tpns'], resourceIds: ['res-35'] } },
    ]);
    // 36 resources, the products taking turns in expiry order: 12 are tpns, and res-35 (astro-canvas) is named in Carol's scope.
    const events = Array.from({ length: 36 }, (_, i) => purchase(`res-${String(i).padStart(2, '0')}`, PRODUCTS[i % 3], i));
    const res = await t.http().post('/v1/events').set(t.serviceKey).send({ events }).expect(200);
    expect(res.body.results.filter((r: { outcome: string }) => r.outcome === 'rejected')).toEqual([]);
  });
  afterAll(() => t?.close());

  it('caps every list at its maximum page size', async () => {
    const lists = [
      { path: `/v1/resources?accountId=${ACC}`, as: () => t.serviceKey, byDefault: 50, max: 200, openApi: '/v1/resources' },
      { path: `/v1/deliveries?accountId=${ACC}`, as: () => t.serviceKey, byDefault: 50, max: 200, openApi: '/v1/deliveries' },
      { path: '/v1/inbox?', as: creator, byDefault: 20, max: 100, openApi: '/v1/inbox' },
      {
        path: '/v1/resources/res-00/timeline?',
        as: () => t.serviceKey,
        byDefault: 100,
        max: 200,
        openApi: '/v1/resources/{resourceId}/timeline',
      },
    ];
    const doc = (await t.http().get('/docs/openapi.json').expect(200)).body;
    for (const list of lists) {
      const at = (params: string) => `${list.path}${list.path.endsWith('?') ? '' : '&'}${params}`;
      const over = await t
        .http()
        .get(at(`limit=${list.max + 1}`))
        .set(list.as());
      expect({ list: list.path, status: over.status, fields: over.body.fields }).toEqual({
        list: list.path,
        status: 400,
        fields: [{ field: 'limit', message: expect.stringContaining(String(list.max)) }],
      });
      const deep = await t.http().get(at('offset=1000001')).set(list.as());
      expect({ list: list.path, status: deep.status, field: deep.body.fields?.[0]?.field }).toEqual({
        list: list.path,
        status: 400,
        field: 'offset',
      });
      expect(
        (
          await t
            .http()
            .get(at(`limit=${list.max}`))
            .set(list.as())
            .expect(200)
        ).body,
      ).toMatchObject({ limit: list.max, offset: 0 });
      expect((await t.http().get(list.path).set(list.as()).expect(200)).body).toMatchObject({ limit: list.byDefault, offset: 0 });
      const params = doc.paths[list.openApi].get.parameters as { name: string; schema: { maximum?: number } }[];
      expect({ list: list.openApi, max: params.find((p) => p.name === 'limit')?.schema.maximum }).toEqual({
        list: list.openApi,
        max: list.max,
      });
    }

    // A full page when there is more: resources by the page, a timeline's produced notices newest first.
    const page = (await t.http().get(`/v1/resources?accountId=${ACC}&limit=10&offset=30`).set(t.serviceKey).expect(200)).body;
    expect({ items: page.items.length, total: page.total }).toEqual({ items: 6, total: 36 });
    const mongo = new MongoClient(t.config.mongodbUri);
    try {
      await mongo
        .db()
        .collection('notices')
        .insertMany(
          Array.from({ length: 5 }, (_, i) => ({
            _id: `res-00|expiry_reminder|t1|n${i}` as never,
            accountId: ACC,
            resourceId: 'res-00',
            type: 'expiry_reminder',
            category: 'expiry',
            term: 't1',
            occurrence: `n${i}`,
            dueAt: new Date(Date.parse('2026-11-10T00:00:00Z') + i * 86_400_000),
            producedAt: new Date(Date.parse('2026-11-10T00:00:00Z') + i * 86_400_000),
            source: 'schedule',
            product: 'tpns',
            policyVersion: 1,
            data: {},
            fanout: { status: 'done', leaseUntil: null, leaseToken: null },
          })),
        );
    } finally {
      await mongo.close();
    }
    const timeline = (path: string) => t.http().get(path).set(t.serviceKey).expect(200);
    const newest = (await timeline('/v1/resources/res-00/timeline?limit=2')).body;
    expect(newest).toMatchObject({ producedTotal: 5, limit: 2, offset: 0 });
    expect(newest.produced.map((n: { occurrence: string }) => n.occurrence)).toEqual(['n3', 'n4']);
    const older = (await timeline('/v1/resources/res-00/timeline?limit=2&offset=2')).body;
    expect(older.produced.map((n: { occurrence: string }) => n.occurrence)).toEqual(['n1', 'n2']);
    expect((await timeline('/v1/resources/res-00/timeline')).body.produced).toHaveLength(5);
  });

  it("counts only in-scope resources in a scoped collaborator's total and fills the page", async () => {
    const visible = ['res-35', ...Array.from({ length: 12 }, (_, i) => `res-${String(i * 3).padStart(2, '0')}`)].sort();
    const seen: string[] = [];
    for (let offset = 0; offset < 15; offset += 5) {
      const page = (await t.http().get(`/v1/resources?accountId=${ACC}&limit=5&offset=${offset}`).set(carol()).expect(200)).body;
      expect({ total: page.total, items: page.items.length }).toEqual({ total: 13, items: offset < 10 ? 5 : 3 });
      seen.push(...page.items.map((r: { id: string }) => r.id));
    }
    expect([...seen].sort()).toEqual(visible);
    // The query's own filters narrow the scope further.
    const astro = (await t.http().get(`/v1/resources?accountId=${ACC}&product=astro-canvas`).set(carol()).expect(200)).body;
    expect({ total: astro.total, ids: astro.items.map((r: { id: string }) => r.id) }).toEqual({ total: 1, ids: ['res-35'] });
    // The creator sees every resource.
    expect((await t.http().get(`/v1/resources?accountId=${ACC}&limit=5`).set(creator()).expect(200)).body.total).toBe(36);
  });

  it('sends nosniff and no-store on authenticated responses', async () => {
    const authenticated = {
      'a member token': await t.http().get('/v1/inbox').set(creator()).expect(200),
      'a service key': await t.http().get(`/v1/resources?accountId=${ACC}`).set(t.serviceKey).expect(200),
      'a 404': await t.http().get('/v1/resources/no-such-resource').set(t.serviceKey).expect(404),
      'a body that does not parse': await t
        .http()
        .post('/v1/events')
        .set(t.serviceKey)
        .set('Content-Type', 'application/json')
        .send('{"id": ')
        .expect(400),
      'a refused token': await t.http().get('/v1/inbox').set('Authorization', 'Bearer not-a-token').expect(401),
    };
    for (const [name, res] of Object.entries(authenticated))
      expect({ name, nosniff: res.headers['x-content-type-options'], cache: res.headers['cache-control'] }).toEqual({
        name,
        nosniff: 'nosniff',
        cache: 'no-store',
      });

    const health = await t.http().get('/health').expect(200);
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expect(health.headers['cache-control']).toBeUndefined();
    expect((await t.http().get('/v1/inbox').expect(401)).headers['x-content-type-options']).toBe('nosniff');

    // The console's files keep their own caching, whoever asks.
    const page = await t.http().get('/console').expect(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    const asset = /\/console\/assets\/[0-9a-f]+\/[^"]+\.css/.exec(page.text)?.[0];
    expect(asset).toBeDefined();
    const css = await t.http().get(asset!).set(creator()).expect(200);
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(css.headers['x-content-type-options']).toBe('nosniff');
  });

  it('guards /metrics with METRICS_TOKEN', async () => {
    const refused = [
      await t.http().get('/metrics'),
      await t.http().get('/metrics').set('Authorization', 'Bearer metrics-scrape-token-0123456789abcdeX'),
      await t.http().get('/metrics').set('Authorization', 'Bearer short'),
      await t.http().get('/metrics').set('Authorization', METRICS_TOKEN),
      await t.http().get('/metrics').set(t.serviceKey),
    ];
    for (const res of refused) {
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.body).toMatchObject({ statusCode: 401, message: expect.stringContaining('METRICS_TOKEN') });
      expect(res.text).not.toContain('herald_');
    }
    // A scraper comes back every few seconds with the same header.
    for (let i = 0; i < 3; i++) {
      const res = await t.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
      expect(res.text).toContain('herald_http_request_duration_seconds');
    }
  });
});

describe('/docs in production', () => {
  const started: TestApp[] = [];
  afterAll(async () => {
    for (const t of started) await t.close();
  });

  it('hides /docs in production unless DOCS_PUBLIC', async () => {
    const at = (env: Record<string, string>) => loadConfig({ MONGODB_URI: 'mongodb://127.0.0.1:1/herald', ...env }).docsPublic;
    expect([at({}), at({ NODE_ENV: 'test' }), at({ ...PRODUCTION }), at({ ...PRODUCTION, DOCS_PUBLIC: 'true' })]).toEqual([
      true,
      true,
      false,
      true,
    ]);

    const hidden = await startTestApp('avail-docs-hidden', { env: { ...QUIET, ...PRODUCTION } });
    started.push(hidden);
    for (const path of ['/docs', '/docs/', '/docs/openapi.json']) await hidden.http().get(path).expect(404);
    const served = await startTestApp('avail-docs-public', { env: { ...QUIET, ...PRODUCTION, DOCS_PUBLIC: 'true' } });
    started.push(served);
    await served.http().get('/docs').redirects(1).expect(200);
    expect((await served.http().get('/docs/openapi.json').expect(200)).body.paths).toHaveProperty('/v1/events');
    const testRun = await startTestApp('avail-docs-off', { env: { ...QUIET, DOCS_PUBLIC: 'false' } });
    started.push(testRun);
    await testRun.http().get('/docs/openapi.json').expect(404);
  });
});
