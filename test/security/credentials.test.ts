import { MongoClient } from 'mongodb';
import { DEV_API_KEY, DEV_JWT_SECRET, loadConfig } from '../../src/config/config';
import { runKeysCommand } from '../../src/auth/keys.cli';
import { TokensService } from '../../src/auth/tokens.service';
import { JwtService } from '@nestjs/jwt';
import { startHerald } from '../faults/support/herald-process';
import { dropDatabase, startTestApp, TestApp, testDatabaseUri } from '../support/app';

const JWT_SECRET = 'a-production-secret-of-more-than-32-characters';
const FIRST_KEY = 'hk_first-bootstrap-key-0123456789abcdef';
const SECOND_KEY = 'hk_second-bootstrap-key-0123456789abcdef';
const quiet = { SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false', RETENTION_ENABLED: 'false', DEMO_SEED: 'off' };
const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/herald' };

const get = (url: string, key: string) => fetch(`${url}/v1/keys`, { headers: { 'X-Api-Key': key } }).then((r) => r.status);

describe('service keys across environments', () => {
  const uri = testDatabaseUri('credentials-processes');
  afterAll(() => dropDatabase(uri));

  it('refuses the development key in production on a database a development run used, and logs that it removed it', async () => {
    const dev = await startHerald('development', { ...quiet, NODE_ENV: 'development', MONGODB_URI: uri });
    try {
      expect(await get(dev.url, DEV_API_KEY)).toBe(200);
    } finally {
      await dev.kill();
    }
    const prod = await startHerald('production', {
      ...quiet,
      NODE_ENV: 'production',
      MONGODB_URI: uri,
      JWT_SECRET,
      BOOTSTRAP_API_KEY: FIRST_KEY,
    });
    try {
      expect(await get(prod.url, DEV_API_KEY)).toBe(401);
      const events = await fetch(`${prod.url}/v1/events`, {
        method: 'POST',
        headers: { 'X-Api-Key': DEV_API_KEY, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(events.status).toBe(401);
      expect(await get(prod.url, FIRST_KEY)).toBe(200);
      expect(prod.output()).toContain(`removed the development service key \\"${DEV_API_KEY}\\" from the database`);
    } finally {
      await prod.kill();
    }
    const mongo = new MongoClient(uri);
    try {
      const kinds = (await mongo.db().collection('api_keys').find({}).toArray()).map((k) => k.kind);
      expect(kinds).not.toContain('development');
    } finally {
      await mongo.close();
    }
  });

  it('leaves the previous bootstrap key refused once BOOTSTRAP_API_KEY is rotated', async () => {
    const prod = await startHerald('rotated', {
      ...quiet,
      NODE_ENV: 'production',
      MONGODB_URI: uri,
      JWT_SECRET,
      BOOTSTRAP_API_KEY: SECOND_KEY,
    });
    try {
      expect(await get(prod.url, SECOND_KEY)).toBe(200);
      expect(await get(prod.url, FIRST_KEY)).toBe(401);
      expect(prod.output()).toMatch(/revoked the previous bootstrap key key_[0-9a-f]{12}/);
      const listed = await fetch(`${prod.url}/v1/keys`, { headers: { 'X-Api-Key': SECOND_KEY } }).then((r) => r.json());
      expect(listed.items.map((k: { kind: string; revokedAt: string | null }) => [k.kind, k.revokedAt !== null])).toEqual([
        ['bootstrap', true],
        ['bootstrap', false],
      ]);
    } finally {
      await prod.kill();
    }
  });

  it('listens on 127.0.0.1 with NODE_ENV unset, and says so', async () => {
    const dev = await startHerald('defaults', { ...quiet, NODE_ENV: undefined, HOST: undefined, MONGODB_URI: uri } as unknown as Record<
      string,
      string
    >);
    try {
      expect(dev.output()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(API docs/);
      expect(dev.output()).not.toContain('0.0.0.0');
    } finally {
      await dev.kill();
    }
  });
});

describe('safe defaults of the configuration', () => {
  it('binds 127.0.0.1 outside production and every interface in production, unless HOST says otherwise', () => {
    expect(loadConfig(base).host).toBe('127.0.0.1');
    expect(loadConfig({ ...base, NODE_ENV: 'test' }).host).toBe('127.0.0.1');
    expect(loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET }).host).toBe('0.0.0.0');
    expect(loadConfig({ ...base, HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('refuses the published development secret and key in production', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET })).toThrow(
      'JWT_SECRET: is the published development secret',
    );
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(
      'JWT_SECRET: must be at least 32 characters',
    );
  });

  it('refuses a JWT_TTL longer than JWT_MAX_TTL', () => {
    expect(() => loadConfig({ ...base, JWT_TTL: '48h' })).toThrow('JWT_TTL: must not exceed JWT_MAX_TTL');
    expect(loadConfig({ ...base, JWT_TTL: '48h', JWT_MAX_TTL: '2d' }).jwt).toMatchObject({ ttlMs: 172_800_000, maxTtlMs: 172_800_000 });
  });
});

describe('member tokens and key management', () => {
  let t: TestApp;
  const ACC = 'acc-cred';
  const sign = (payload: object, options: { expiresIn?: number } = {}) =>
    new JwtService().sign(payload, { secret: t.config.jwt.secret, algorithm: 'HS256', ...options });
  const inbox = (token: string) =>
    t
      .http()
      .get('/v1/inbox')
      .set({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp('credentials', { env: quiet });
    await t
      .http()
      .put(`/v1/accounts/${ACC}`)
      .set(t.serviceKey)
      .send({ name: 'Cred Co', creator: { id: 'cora', name: 'Cora' } })
      .expect(200);
  });
  afterAll(() => t.close());

  it('refuses member tokens without exp or expiring past JWT_MAX_TTL, and takes those Herald mints', async () => {
    const claims = { acc: ACC, sub: 'cora', roles: ['creator'] };
    await inbox(sign(claims)).expect(401);
    await inbox(sign({ ...claims, exp: Math.floor(Date.UTC(2100, 0, 1) / 1000) })).expect(401);
    await inbox(sign(claims, { expiresIn: 25 * 3600 })).expect(401);
    await inbox(sign(claims, { expiresIn: 3600 })).expect(200);
    await inbox(t.app.get(TokensService).mint(claims as never)).expect(200);
  });

  it('creates a key shown once, lists it without the key, and refuses it at once when revoked', async () => {
    const created = await t.http().post('/v1/keys').set(t.serviceKey).send({ name: 'billing' }).expect(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^key_[0-9a-f]{12}$/),
      name: 'billing',
      kind: 'managed',
      key: expect.stringMatching(/^hk_/),
    });
    const key = { 'X-Api-Key': created.body.key as string };
    await t.http().get('/v1/keys').set(key).expect(200);
    // The last use is recorded in the background, at most once a minute per key.
    let listed = await t.http().get('/v1/keys').set(t.serviceKey).expect(200);
    for (let i = 0; i < 50 && !listed.body.items.find((k: { id: string }) => k.id === created.body.id).lastUsedAt; i++) {
      await new Promise((r) => setTimeout(r, 100));
      listed = await t.http().get('/v1/keys').set(t.serviceKey).expect(200);
    }
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect(listed.body.items.find((k: { id: string }) => k.id === created.body.id)).toMatchObject({
      lastUsedAt: expect.any(String),
      revokedAt: null,
    });
    await t.http().delete(`/v1/keys/${created.body.id}`).set(key).expect(409);
    await t.http().delete(`/v1/keys/${created.body.id}`).set(t.serviceKey).expect(204);
    await t.http().get('/v1/keys').set(key).expect(401);
    await t.http().delete('/v1/keys/key_000000000000').set(t.serviceKey).expect(404);
  });

  it('refuses a body without credentials before parsing it', async () => {
    const res = await t.http().post('/v1/events').set('Content-Type', 'application/json').send('{"not json').expect(401);
    expect(res.body.message).toContain('missing or invalid credentials');
    await t
      .http()
      .post('/v1/events')
      .set('Content-Type', 'application/json')
      .send(`{"x":"${'a'.repeat(2_000_000)}"}`)
      .expect(401);
  });
});

describe('refused credentials', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('credentials-throttle', { env: { ...quiet, AUTH_FAILURE_LIMIT: '5', AUTH_FAILURE_WINDOW_MS: '60000' } });
  });
  afterAll(() => t.close());

  it('throttles refused keys per client address with 429 and Retry-After, even for a good key then, and counts the refusals', async () => {
    for (let i = 0; i < 5; i++) await t.http().get('/v1/keys').set('X-Api-Key', `hk_wrong-${i}-0123456789abcdef`).expect(401);
    const throttled = await t.http().get('/v1/keys').set('X-Api-Key', 'hk_wrong-again-0123456789abcdef').expect(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    await t.http().get('/v1/keys').set(t.serviceKey).expect(429);
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/herald_auth_refusals_total\{reason="unknown_key"\} 5/);
    expect(metrics.text).toMatch(/herald_auth_refusals_total\{reason="throttled"\} 2/);
  });
});

describe('npm run keys', () => {
  const uri = testDatabaseUri('credentials-cli');
  afterAll(() => dropDatabase(uri));
  const run = async (...argv: string[]) => {
    const lines: string[] = [];
    const code = await runKeysCommand(argv, { MONGODB_URI: uri }, (l) => lines.push(l));
    return { code, out: lines.join('\n') };
  };

  it('creates, lists and revokes keys against MONGODB_URI, and a running Herald refuses the revoked one', async () => {
    const created = await run('create', '--name', 'ops laptop');
    expect(created.code).toBe(0);
    const key = /key: (hk_\S+)/.exec(created.out)![1];
    const id = /created (key_[0-9a-f]{12})/.exec(created.out)![1];
    const t = await startTestApp('credentials-cli-app', { databaseUri: uri, keepDatabase: true, env: quiet });
    try {
      await t.http().get('/v1/keys').set('X-Api-Key', key).expect(200);
      expect((await run('list')).out).toMatch(new RegExp(`${id}\\s+managed\\s+active`));
      expect(await run('revoke', id)).toEqual({ code: 0, out: `revoked ${id}; running instances refuse it within 10 s` });
      expect((await run('list')).out).toMatch(new RegExp(`${id}\\s+managed\\s+revoked`));
      expect((await run('revoke', 'key_000000000000')).code).toBe(1);
      expect((await run('create')).code).toBe(2);
    } finally {
      await t.close();
    }
  });
});

describe('credentials on public routes', () => {
  let t: TestApp;
  const METRICS_TOKEN = 'a-metrics-token-of-32-characters!';
  beforeAll(async () => {
    t = await startTestApp('credentials-public', { env: { ...quiet, METRICS_TOKEN, AUTH_FAILURE_LIMIT: '3' } });
  });
  afterAll(() => t.close());

  it('does not count a scraper sending METRICS_TOKEN as a refused member token', async () => {
    for (let i = 0; i < 6; i++) await t.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    const metrics = await t.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(metrics.text).not.toMatch(/herald_auth_refusals_total\{reason="invalid_token"\} [1-9]/);
  });
});
