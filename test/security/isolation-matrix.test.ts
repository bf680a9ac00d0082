import { MongoClient } from 'mongodb';
import { startTestApp, TestApp } from '../support/app';
import { Peers, startPeers } from '../support/peers';

/**
 * Every HTTP route Herald serves has a row here; the first test fails when a route has none (or a row
 * outlives its route). Account A's members then attack account B through every row, and B's stored
 * data must be byte-for-byte what it was. B's ids all contain "bravo" so a leak is easy to spot.
 */
const A = 'acc-alpha';
const B = 'acc-bravo';
const B_PHONE = '+8613700000002';
const B_EMAIL = 'bob@bravo.test';

type Access = 'public' | 'signed' | 'service' | 'member' | 'service+member' | 'development';
/** What a row touches: one account's data, the calling member's own data, or nothing account-specific. */
type Scope = 'account' | 'own' | 'none';
type Owner = 'bCreator' | 'service';

interface Fixture {
  bMessageId: string;
  bSmsSid: string;
}

interface Row {
  /** `METHOD /path/{param}` as in the OpenAPI document; a trailing `…` covers every route under the prefix. */
  route: string;
  access: Access;
  scope: Scope;
  /** Loaded only with NODE_ENV=development or TEST_CLOCK_ENABLED=true. */
  only?: 'development' | 'testClock';
  /** The request aimed at B's data, with a valid body, so the access check is what answers. */
  target: (f: Fixture) => { path: string; body?: object; form?: boolean };
  /** The same request with A's account id and B's object ids, for routes that take both. */
  mixed?: (f: Fixture) => { path: string; body?: object };
  /** Who may do it to B: their request succeeds (or gets `ownerGets`, an answer from past the access check). */
  owner?: Owner;
  ownerGets?: number;
}

const q = `?accountId=${B}`;
const ROWS: Row[] = [
  { route: 'GET /health', access: 'public', scope: 'none', target: () => ({ path: '/health' }) },
  { route: 'GET /metrics', access: 'public', scope: 'none', target: () => ({ path: '/metrics' }) },
  { route: 'GET /docs…', access: 'public', scope: 'none', target: () => ({ path: '/docs/openapi.json' }) },
  { route: 'GET /console', access: 'public', scope: 'none', target: () => ({ path: '/console' }) },
  { route: 'GET /console/{*path}', access: 'public', scope: 'none', target: () => ({ path: `/console/resources/res-bravo` }) },
  { route: 'GET /console/assets/{*path}', access: 'public', scope: 'none', target: () => ({ path: '/console/assets/x/console.css' }) },
  {
    route: 'PUT /v1/accounts/{accountId}',
    access: 'service',
    scope: 'account',
    target: () => ({ path: `/v1/accounts/${B}`, body: { name: 'Pwned' } }),
    owner: 'service',
  },
  {
    route: 'GET /v1/accounts/{accountId}',
    access: 'service+member',
    scope: 'account',
    target: () => ({ path: `/v1/accounts/${B}` }),
    owner: 'bCreator',
  },
  {
    route: 'GET /v1/accounts/{accountId}/members',
    access: 'service+member',
    scope: 'account',
    target: () => ({ path: `/v1/accounts/${B}/members` }),
    owner: 'bCreator',
  },
  {
    route: 'POST /v1/accounts/{accountId}/members',
    access: 'service+member',
    scope: 'account',
    target: () => ({ path: `/v1/accounts/${B}/members`, body: { id: 'intruder', name: 'Intruder', roles: ['receiver'] } }),
    owner: 'bCreator',
  },
  {
    route: 'GET /v1/accounts/{accountId}/members/{memberId}',
    access: 'service+member',
    scope: 'account',
    target: () => ({ path: `/v1/accounts/${B}/members/rob-bravo` }),
    mixed: () => ({ path: `/v1/accounts/${A}/members/rob-bravo` }),
    owner: 'bCreator',
  },
  {
    route: 'PATCH /v1/accounts/{accountId}/members/{memberId}',
    access: 'service+member',
    scope: 'account',
    target: () => ({ path: `/v1/accounts/${B}/members/rob-bravo`, body: { name: 'Pwned', roles: ['finance_collaborator'] } }),
    mixed: () => ({ path: `/v1/accounts/${A}/members/rob-bravo`, body: { name: 'Pwned' } }),
    owner: 'bCreator',
  },
  {
    route: 'DELETE /v1/accounts/{accountId}/members/{memberId}',
    access: 'service+member',
    scope: 'account',
    target: () => ({ path: `/v1/accounts/${B}/members/rob-bravo` }),
    mixed: () => ({ path: `/v1/accounts/${A}/members/rob-bravo` }),
    owner: 'bCreator',
  },
  {
    route: 'GET /v1/accounts/{accountId}/groups',
    access: 'service+member',
    scope: 'account',
    target: () => ({ path: `/v1/accounts/${B}/groups` }),
    owner: 'bCreator',
  },
  {
    route: 'POST /v1/accounts/{accountId}/groups',
    access: 'service+member',
    scope: 'account',
    target: () => ({ path: `/v1/accounts/${B}/groups`, body: { id: 'evil-group', name: 'Evil', memberIds: ['bob-bravo'] } }),
    owner: 'bCreator',
  },
  {
    route: 'PATCH /v1/accounts/{accountId}/groups/{groupId}',
    access: 'service+member',
    scope: 'account',
    target: () => ({ path: `/v1/accounts/${B}/groups/grp-bravo`, body: { name: 'Pwned', memberIds: [] } }),
    mixed: () => ({ path: `/v1/accounts/${A}/groups/grp-bravo`, body: { name: 'Pwned', memberIds: [] } }),
    owner: 'bCreator',
  },
  {
    route: 'DELETE /v1/accounts/{accountId}/groups/{groupId}',
    access: 'service+member',
    scope: 'account',
    target: () => ({ path: `/v1/accounts/${B}/groups/grp-bravo` }),
    mixed: () => ({ path: `/v1/accounts/${A}/groups/grp-bravo` }),
    owner: 'bCreator',
  },
  {
    route: 'GET /v1/accounts/{accountId}/subscriptions',
    access: 'service+member',
    scope: 'account',
    target: () => ({ path: `/v1/accounts/${B}/subscriptions` }),
    owner: 'bCreator',
  },
  {
    route: 'PUT /v1/accounts/{accountId}/subscriptions',
    access: 'service+member',
    scope: 'account',
    target: () => ({ path: `/v1/accounts/${B}/subscriptions`, body: SUBSCRIPTION_CHANGE }),
    owner: 'bCreator',
  },
  {
    route: 'GET /v1/resources',
    access: 'service+member',
    scope: 'account',
    target: () => ({ path: `/v1/resources${q}` }),
    owner: 'bCreator',
  },
  {
    route: 'GET /v1/resources/{resourceId}',
    access: 'service+member',
    scope: 'account',
    target: () => ({ path: '/v1/resources/res-bravo' }),
    owner: 'bCreator',
  },
  {
    route: 'GET /v1/resources/{resourceId}/timeline',
    access: 'service+member',
    scope: 'account',
    target: () => ({ path: '/v1/resources/res-bravo/timeline' }),
    owner: 'bCreator',
  },
  {
    route: 'GET /v1/deliveries',
    access: 'service+member',
    scope: 'account',
    target: () => ({ path: `/v1/deliveries${q}` }),
    mixed: () => ({ path: `/v1/deliveries?accountId=${A}&resourceId=res-bravo&memberId=bob-bravo` }),
    owner: 'bCreator',
  },
  {
    route: 'POST /v1/events',
    access: 'service',
    scope: 'account',
    target: () => ({ path: '/v1/events', body: renewal('evt-attack') }),
    owner: 'service',
  },
  { route: 'GET /v1/inbox', access: 'member', scope: 'own', target: () => ({ path: '/v1/inbox' }), owner: 'bCreator' },
  {
    route: 'GET /v1/inbox/unread-count',
    access: 'member',
    scope: 'own',
    target: () => ({ path: '/v1/inbox/unread-count' }),
    owner: 'bCreator',
  },
  {
    route: 'GET /v1/inbox/{messageId}',
    access: 'member',
    scope: 'own',
    target: (f) => ({ path: `/v1/inbox/${encodeURIComponent(f.bMessageId)}` }),
    owner: 'bCreator',
  },
  {
    route: 'POST /v1/inbox/{messageId}/read',
    access: 'member',
    scope: 'own',
    target: (f) => ({ path: `/v1/inbox/${encodeURIComponent(f.bMessageId)}/read` }),
    owner: 'bCreator',
  },
  { route: 'POST /v1/inbox/read-all', access: 'member', scope: 'own', target: () => ({ path: '/v1/inbox/read-all' }), owner: 'bCreator' },
  {
    route: 'GET /v1/members/{memberId}/preferences',
    access: 'service+member',
    scope: 'own',
    target: () => ({ path: `/v1/members/bob-bravo/preferences${q}` }),
    owner: 'bCreator',
  },
  {
    route: 'PUT /v1/members/{memberId}/preferences',
    access: 'service+member',
    scope: 'own',
    target: () => ({
      path: `/v1/members/bob-bravo/preferences${q}`,
      body: { locale: 'en-US', channels: { account_overdue: { sms: false } } },
    }),
    owner: 'bCreator',
  },
  {
    route: 'POST /v1/members/{memberId}/contacts/{kind}/verification',
    access: 'service+member',
    scope: 'own',
    target: () => ({ path: `/v1/members/bob-bravo/contacts/phone/verification${q}`, body: { value: '+8613700000099' } }),
    owner: 'bCreator',
  },
  {
    route: 'POST /v1/members/{memberId}/contacts/{kind}/verification/confirm',
    access: 'service+member',
    scope: 'own',
    target: () => ({ path: `/v1/members/bob-bravo/contacts/phone/verification/confirm${q}`, body: { code: '123456' } }),
    owner: 'bCreator',
    ownerGets: 400, // a wrong code: the code check is past the access check
  },
  {
    route: 'PUT /v1/members/{memberId}/contacts/wechat',
    access: 'service+member',
    scope: 'own',
    target: () => ({ path: `/v1/members/bob-bravo/contacts/wechat${q}`, body: { openid: 'openid-attacker' } }),
    owner: 'service', // a member binds with the OAuth code (below); only a service declares an openid
  },
  {
    route: 'POST /v1/members/{memberId}/contacts/wechat/oauth',
    access: 'service+member',
    scope: 'own',
    target: () => ({ path: `/v1/members/bob-bravo/contacts/wechat/oauth${q}`, body: { code: 'code-nobody-was-given' } }),
    owner: 'bCreator',
    ownerGets: 400, // a code WeChat never issued: the exchange is past the access check
  },
  {
    route: 'DELETE /v1/members/{memberId}/contacts/wechat',
    access: 'service+member',
    scope: 'own',
    target: () => ({ path: `/v1/members/bob-bravo/contacts/wechat${q}` }),
    owner: 'bCreator',
  },
  {
    route: 'POST /v1/webhooks/twilio/status',
    access: 'signed',
    scope: 'account',
    target: (f) => ({
      path: '/v1/webhooks/twilio/status',
      body: { MessageSid: f.bSmsSid, MessageStatus: 'failed', ErrorCode: '30005' },
      form: true,
    }),
  },
  { route: 'GET /v1/policies', access: 'service+member', scope: 'none', target: () => ({ path: '/v1/policies' }), owner: 'service' },
  {
    route: 'GET /v1/policies/{product}',
    access: 'service+member',
    scope: 'none',
    target: () => ({ path: '/v1/policies/tpns?expiresAt=2026-12-01T10:30:00%2B08:00' }),
    owner: 'service',
  },
  {
    route: 'GET /v1/templates/{type}/preview',
    access: 'service+member',
    scope: 'none',
    target: () => ({ path: '/v1/templates/expiry_reminder/preview?channel=email&locale=en-US' }),
    owner: 'service',
  },
  { route: 'GET /v1/keys', access: 'service', scope: 'none', target: () => ({ path: '/v1/keys' }), owner: 'service' },
  {
    route: 'POST /v1/keys',
    access: 'service',
    scope: 'none',
    target: () => ({ path: '/v1/keys', body: { name: 'intruder' } }),
    owner: 'service',
  },
  {
    route: 'DELETE /v1/keys/{keyId}',
    access: 'service',
    scope: 'none',
    target: () => ({ path: '/v1/keys/key_000000000000' }),
    owner: 'service',
    ownerGets: 404,
  },
  { route: 'POST /v1/scheduler/run', access: 'service', scope: 'none', target: () => ({ path: '/v1/scheduler/run' }), owner: 'service' },
  { route: 'POST /v1/deliveries/run', access: 'service', scope: 'none', target: () => ({ path: '/v1/deliveries/run' }), owner: 'service' },
  { route: 'POST /v1/retention/run', access: 'service', scope: 'none', target: () => ({ path: '/v1/retention/run' }), owner: 'service' },
  {
    route: 'GET /v1/test-clock',
    access: 'service',
    scope: 'none',
    only: 'testClock',
    target: () => ({ path: '/v1/test-clock' }),
    owner: 'service',
  },
  {
    route: 'PUT /v1/test-clock',
    access: 'service',
    scope: 'none',
    only: 'testClock',
    target: () => ({ path: '/v1/test-clock', body: { advance: 'PT0S' } }),
    owner: 'service',
  },
  // Development only, by design open to anyone on the developer's machine: the console's sign-in picker.
  {
    route: 'POST /v1/dev/tokens',
    access: 'development',
    scope: 'none',
    only: 'development',
    target: () => ({ path: '/v1/dev/tokens', body: { accountId: B, memberId: 'bob-bravo' } }),
  },
  { route: 'GET /v1/dev/members', access: 'development', scope: 'none', only: 'development', target: () => ({ path: '/v1/dev/members' }) },
];

const SUBSCRIPTION_CHANGE = {
  types: { service_restored: { channels: ['inbox'], receivers: { roles: ['creator'], memberIds: [], groupIds: [] }, digest: false } },
};
const renewal = (id: string) => ({
  id,
  type: 'resource.renewed',
  occurredAt: '2026-11-20T01:00:00Z',
  accountId: B,
  resourceId: 'res-bravo',
  data: { expiresAt: '2030-01-01T00:00:00+08:00' },
});

const matches = (row: Row, route: string) => (row.route.endsWith('…') ? route.startsWith(row.route.slice(0, -1)) : route === row.route);

/** The routes Express will dispatch, as `METHOD /path/{param}`, without Nest's catch-all 404 handler. */
function servedRoutes(t: TestApp): string[] {
  const stack = (
    t.app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }
  ).router.stack;
  const routes = stack
    .filter((layer) => layer.route)
    .flatMap(({ route }) => {
      const methods = Object.keys(route!.methods).filter((m) => m !== '_all');
      if (route!.path === '/{*path}' && methods.length > 20) return [];
      const path = route!.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*([A-Za-z0-9_]+)/g, '{*$1}');
      return methods.map((m) => `${m.toUpperCase()} ${path}`);
    });
  return [...new Set(routes)].sort();
}

type Callers = Record<
  'anonymous' | 'service' | 'aCreator' | 'aCollaborator' | 'aFinance' | 'aReceiver' | 'bCreator',
  Record<string, string>
>;

describe('isolation matrix', () => {
  let t: TestApp;
  let peers: Peers;
  let callers: Callers;
  const fixture: Fixture = { bMessageId: '', bSmsSid: '' };
  let bBefore: string[] = [];
  const svc = () => t.serviceKey;

  const send = (caller: Record<string, string>, method: string, req: { path: string; body?: object; form?: boolean }) => {
    const http = t.http();
    let r = http[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](req.path).set(caller);
    if (req.form) r = r.type('form');
    return req.body ? r.send(req.body) : r;
  };
  /** Everything stored about B, document by document. */
  const snapshotOfB = async (): Promise<string[]> => {
    const mongo = new MongoClient(t.config.mongodbUri);
    try {
      const db = mongo.db();
      const out: string[] = [];
      for (const { name } of await db.listCollections().toArray())
        for (const doc of await db.collection(name).find().toArray()) {
          const json = JSON.stringify(doc);
          if (json.includes('bravo')) out.push(`${name} ${json}`);
        }
      return out.sort();
    } finally {
      await mongo.close();
    }
  };
  /** B's data that a response must not carry unless the request named it. */
  const bMarkers = () => [
    'Bravo Holdings',
    'bob-bravo',
    'rob-bravo',
    'grp-bravo',
    'res-bravo',
    B_PHONE,
    B_EMAIL,
    fixture.bMessageId,
    fixture.bSmsSid,
  ];

  beforeAll(async () => {
    peers = await startPeers();
    t = await startTestApp('isolation-matrix', {
      env: {
        ...peers.env,
        NODE_ENV: 'development',
        DEMO_SEED: 'off',
        TEST_CLOCK_ENABLED: 'true',
        SCHEDULER_ENABLED: 'false',
        DELIVERY_ENABLED: 'false',
        RETENTION_ENABLED: 'false',
      },
    });
    await t.http().put('/v1/test-clock').set(svc()).send({ now: '2026-11-20T09:00:00+08:00' }).expect(200);
    const account = async (id: string, name: string, creator: object, members: object[]) => {
      await t.http().put(`/v1/accounts/${id}`).set(svc()).send({ name, creator }).expect(200);
      for (const m of members) await t.http().post(`/v1/accounts/${id}/members`).set(svc()).send(m).expect(201);
    };
    await account(A, 'Alpha Ltd', { id: 'alice', name: 'Alice' }, [
      { id: 'carol', name: 'Carol', roles: ['resource_collaborator'], scope: { products: ['tpns'] } },
      { id: 'fin', name: 'Fin', roles: ['finance_collaborator'] },
      { id: 'rita', name: 'Rita', roles: ['receiver'] },
    ]);
    await account(
      B,
      'Bravo Holdings',
      { id: 'bob-bravo', name: 'Bob', contacts: { email: { value: B_EMAIL, verified: true }, phone: { value: B_PHONE, verified: true } } },
      [{ id: 'rob-bravo', name: 'Rob', roles: ['receiver'] }],
    );
    await t
      .http()
      .post(`/v1/accounts/${B}/groups`)
      .set(svc())
      .send({ id: 'grp-bravo', name: 'On-call', memberIds: ['rob-bravo'] })
      .expect(201);
    await t.http().put(`/v1/accounts/${B}/subscriptions`).set(svc()).send(SUBSCRIPTION_CHANGE).expect(200);
    await t.http().put(`/v1/members/bob-bravo/contacts/wechat${q}`).set(svc()).send({ openid: 'openid-bob-bravo' }).expect(200);
    // Account-level notices go to an account's resources' people, so the purchases come first.
    const purchases = [A, B].map((acc) => ({
      id: `buy-${acc}`,
      type: 'resource.purchased',
      occurredAt: '2026-11-01T00:00:00Z',
      accountId: acc,
      resourceId: acc === A ? 'res-alpha' : 'res-bravo',
      data: { product: 'tpns', name: `push of ${acc}`, expiresAt: '2026-12-01T10:30:00+08:00' },
    }));
    const overdue = [A, B].map((acc) => ({
      id: `overdue-${acc}`,
      type: 'account.overdue',
      occurredAt: '2026-11-20T01:00:00Z',
      accountId: acc,
      data: { billDate: '2026-11-20T00:00:00+08:00' },
    }));
    await t.http().post('/v1/events').set(svc()).send({ events: purchases }).expect(200);
    await t.http().post('/v1/events').set(svc()).send({ events: overdue }).expect(200);
    await t.http().post('/v1/scheduler/run').set(svc()).expect(200);
    await t.http().post('/v1/deliveries/run').set(svc()).expect(200);

    callers = {
      anonymous: {},
      service: svc(),
      aCreator: t.memberAuth(A, 'alice', ['creator']),
      aCollaborator: t.memberAuth(A, 'carol', ['resource_collaborator']),
      aFinance: t.memberAuth(A, 'fin', ['finance_collaborator']),
      aReceiver: t.memberAuth(A, 'rita', ['receiver']),
      bCreator: t.memberAuth(B, 'bob-bravo', ['creator']),
    };
    const inbox = await t.http().get('/v1/inbox').set(callers.bCreator).expect(200);
    fixture.bMessageId = inbox.body.items[0].id;
    const sms = await t.http().get(`/v1/deliveries${q}&channel=sms&status=sent`).set(svc()).expect(200);
    fixture.bSmsSid = sms.body.items[0].providerMessageId;
    expect(fixture).toEqual({ bMessageId: expect.any(String), bSmsSid: expect.stringMatching(/^SM/) });
    bBefore = await snapshotOfB();
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await peers?.stop();
  });

  it('has exactly one row for every route Herald serves, and covers every operation of the OpenAPI document', async () => {
    const routes = servedRoutes(t);
    expect(routes.length).toBeGreaterThan(40);
    const unlisted = routes.filter((r) => !ROWS.some((row) => matches(row, r)));
    expect(unlisted).toEqual([]);
    const stale = ROWS.filter((row) => !routes.some((r) => matches(row, r))).map((row) => row.route);
    expect(stale).toEqual([]);
    const doc = (await t.http().get('/docs/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.filter((op) => !routes.includes(op))).toEqual([]);
    expect(documented.filter((op) => !ROWS.some((row) => row.route === op))).toEqual([]);
  });

  it("refuses every request of A's members on B's data with 403 or 404, and without credentials with 401", async () => {
    const attackers = ['aCreator', 'aCollaborator', 'aFinance', 'aReceiver'] as const;
    const problems: string[] = [];
    for (const row of ROWS) {
      const method = row.route.split(' ')[0];
      const variants = [{ req: row.target(fixture), mixed: false }, ...(row.mixed ? [{ req: row.mixed(fixture), mixed: true }] : [])];
      for (const { req, mixed } of variants) {
        const named = decodeURIComponent(JSON.stringify(req));
        const attempts: [string, Record<string, string>, (s: number) => boolean][] = [];
        const anonymousOk = { public: (s: number) => s < 400, signed: (s: number) => s === 403, development: (s: number) => s < 500 }[
          row.access as 'public' | 'signed' | 'development'
        ];
        attempts.push(['anonymous', callers.anonymous, anonymousOk ?? ((s) => s === 401)]);
        // The service key is platform-wide by design; it only has to be refused where it is the wrong credential.
        if (row.access === 'member') attempts.push(['service', callers.service, (s) => s === 403]);
        for (const who of attackers) {
          const expected =
            row.access === 'service'
              ? (s: number) => s === 403
              : row.access === 'signed'
                ? (s: number) => s === 403
                : row.scope === 'none' || row.access === 'development'
                  ? (s: number) => s < 400
                  : (row.scope === 'own' && !named.includes('bravo')) || mixed
                    ? (s: number) => s < 300 || s === 403 || s === 404 // the caller's own data, checked for B's below
                    : (s: number) => s === 403 || s === 404;
          attempts.push([who, callers[who], expected]);
        }
        for (const [who, headers, ok] of attempts) {
          const res = await send(headers, method, req);
          if (!ok(res.status)) problems.push(`${who} ${method} ${req.path}: ${res.status} ${res.text.slice(0, 160)}`);
          if (row.access === 'development') continue;
          for (const marker of bMarkers()) {
            if (!named.includes(marker) && res.text.includes(marker))
              problems.push(`${who} ${method} ${req.path}: answer carries ${marker}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("leaves B's stored data exactly as it was", async () => {
    expect(bBefore.length).toBeGreaterThan(10);
    expect(await snapshotOfB()).toEqual(bBefore);
  });

  it('does not let a receive-only receiver, a collaborator or a finance collaborator change the account subscription', async () => {
    const path = `/v1/accounts/${A}/subscriptions`;
    const before = (await t.http().get(path).set(callers.aCreator).expect(200)).body;
    for (const who of ['aReceiver', 'aCollaborator', 'aFinance'] as const) {
      const res = await t.http().put(path).set(callers[who]).send(SUBSCRIPTION_CHANGE).expect(403);
      expect(res.body.message).toBe('only the account creator can do this');
    }
    await t.http().get(path).set(callers.aReceiver).expect(403);
    expect((await t.http().get(path).set(callers.aCreator).expect(200)).body).toEqual(before);
    // The same body from the creator is accepted, so the refusals were about who asked.
    const changed = await t.http().put(path).set(callers.aCreator).send(SUBSCRIPTION_CHANGE).expect(200);
    expect(changed.body.types.find((x: { type: string }) => x.type === 'service_restored')).toMatchObject({ channels: ['inbox'] });
  });

  it('does not let a service API key read or change any inbox', async () => {
    const before = (await t.http().get('/v1/inbox').set(callers.aCreator).expect(200)).body;
    const aMessage = before.items[0].id as string;
    for (const [method, path] of [
      ['get', '/v1/inbox'],
      ['get', '/v1/inbox/unread-count'],
      ['get', `/v1/inbox/${encodeURIComponent(aMessage)}`],
      ['post', `/v1/inbox/${encodeURIComponent(aMessage)}/read`],
      ['post', '/v1/inbox/read-all'],
    ] as const) {
      const res = await t.http()[method](path).set(svc()).expect(403);
      expect(res.body.message).toBe('this endpoint takes a member token');
    }
    expect((await t.http().get('/v1/inbox').set(callers.aCreator).expect(200)).body).toEqual(before);
  });

  it('does not let a member token post events, one or a batch, even for its own account', async () => {
    const own = { ...renewal('evt-by-member'), accountId: A, resourceId: 'res-alpha' };
    const before = (await t.http().get('/v1/resources/res-alpha').set(svc()).expect(200)).body;
    for (const who of ['aCreator', 'aCollaborator', 'aFinance', 'aReceiver'] as const) {
      for (const body of [own, { events: [own] }]) {
        const res = await t.http().post('/v1/events').set(callers[who]).send(body).expect(403);
        expect(res.body.message).toBe('this endpoint takes a service API key');
      }
    }
    expect((await t.http().get('/v1/resources/res-alpha').set(svc()).expect(200)).body).toEqual(before);
  });

  it("lets B's own creator or the service do each of these to B, so the refusals above were about who asked", async () => {
    const problems: string[] = [];
    const ordered = [...ROWS.filter((r) => !r.route.startsWith('DELETE')), ...ROWS.filter((r) => r.route.startsWith('DELETE'))];
    for (const row of ordered.filter((r) => r.owner)) {
      const method = row.route.split(' ')[0];
      const req = row.target(fixture);
      const res = await send(callers[row.owner!], method, req);
      if (row.ownerGets ? res.status !== row.ownerGets : res.status >= 300)
        problems.push(`${row.owner} ${method} ${req.path}: ${res.status} ${res.text.slice(0, 160)}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('routes that exist only when enabled', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('isolation-default', { env: { SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false' } });
  });
  afterAll(() => t.close());

  it('serves neither the development endpoints nor the test clock outside development and without TEST_CLOCK_ENABLED', async () => {
    const routes = servedRoutes(t);
    const expected = ROWS.filter((r) => !r.only).map((r) => r.route);
    expect(expected.filter((r) => !r.endsWith('…') && !routes.includes(r))).toEqual([]);
    expect(routes.filter((r) => !ROWS.some((row) => !row.only && matches(row, r)))).toEqual([]);
    for (const row of ROWS.filter((r) => r.only)) {
      const req = row.target({ bMessageId: '', bSmsSid: '' });
      const method = row.route.split(' ')[0].toLowerCase() as 'get' | 'post' | 'put';
      await t.http()[method](req.path).set(t.serviceKey).send(req.body).expect(404);
    }
  });
});
