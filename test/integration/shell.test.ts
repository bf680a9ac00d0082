import { Controller, Get, Module } from '@nestjs/common';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { startTestApp, TestApp } from '../support/app';

import { startLocalDb } from '../../scripts/local-db.cjs';

describe('service shell', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('shell', { env: { BODY_LIMIT: '2kb' } });
  });
  afterAll(() => t.close());

  it('reports health with the database up', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', database: 'up' });
  });

  it('serves the OpenAPI document at /docs with the event and account paths', async () => {
    await t.http().get('/docs').redirects(1).expect(200);
    const doc = await t.http().get('/docs/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/events',
        '/v1/resources/{resourceId}',
        '/v1/accounts/{accountId}',
        '/v1/accounts/{accountId}/members/{memberId}',
      ]),
    );
    expect(doc.body.components.securitySchemes).toHaveProperty('apiKey');
  });

  it('serves Prometheus metrics', async () => {
    const res = await t.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('herald_http_request_duration_seconds');
  });

  it('answers 413 to a body over the configured limit', async () => {
    const res = await t
      .http()
      .post('/v1/events')
      .set(t.serviceKey)
      .send({ events: [{ padding: 'x'.repeat(4096) }] })
      .expect(413);
    expect(res.body.message).toContain('limit');
  });

  it('answers 400 to a body that is not JSON', async () => {
    const res = await t.http().post('/v1/events').set(t.serviceKey).set('Content-Type', 'application/json').send('{"id": ').expect(400);
    expect(res.body.message).toContain('JSON');
  });

  it('answers 404 for unknown routes', async () => {
    await t.http().get('/v1/nothing-here').set(t.serviceKey).expect(404);
  });
});

@Controller('boom')
class BoomController {
  @Get()
  boom(): never {
    throw new Error('secret internal detail');
  }
}
@Module({ controllers: [BoomController] })
class BoomModule {}

describe('errors and logs', () => {
  it('turns an unknown error into a 500 with an error id, logged with the stack but not sent to the client', async () => {
    const { createApp } = await import('../../src/app');
    const { loadConfig } = await import('../../src/config/config');
    const { AppModule } = await import('../../src/app.module');
    const { AUTH_KINDS } = await import('../../src/common/auth/auth.decorators');
    Reflect.defineMetadata(AUTH_KINDS, ['service'], BoomController.prototype.boom);
    const lines: string[] = [];
    const capture = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const original = AppModule.forRoot;
    jest.spyOn(AppModule, 'forRoot').mockImplementation((config, clock, wall) => {
      const mod = original.call(AppModule, config, clock, wall);
      return { ...mod, imports: [...(mod.imports ?? []), BoomModule] };
    });
    const { testDatabaseUri, dropDatabase } = await import('../support/app');
    const uri = testDatabaseUri('errors');
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', MONGODB_URI: uri });
    const stdoutWrite = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => capture.write(chunk)) as typeof process.stdout.write;
    const app = await createApp(config, {});
    await app.init();
    const request = (await import('supertest')).default;
    try {
      const res = await request(app.getHttpServer())
        .get('/boom')
        .set('X-Api-Key', 'herald-dev-key')
        .set('Authorization', 'Bearer abc.def.ghi')
        .expect(500);
      expect(res.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error', errorId: expect.any(String) });
      expect(JSON.stringify(res.body)).not.toContain('secret internal detail');
      await new Promise((r) => setTimeout(r, 50));
      const log = lines.join('');
      expect(log).toContain(res.body.errorId);
      expect(log).toContain('secret internal detail');
      expect(log).not.toContain('herald-dev-key');
      expect(log).not.toContain('abc.def.ghi');
      expect(log).toContain('[redacted]');
      for (const line of lines.filter((l) => l.trim())) expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      process.stdout.write = stdoutWrite;
      await app.close();
      await dropDatabase(uri);
      jest.restoreAllMocks();
    }
  });
});

describe('health while the database goes away', () => {
  it('turns 503 when the database stops and 200 when it is back', async () => {
    process.env.HERALD_DB_QUIET = '1';
    const saved = process.env.MONGODB_URI;
    delete process.env.MONGODB_URI;
    let db = await startLocalDb({ name: 'health-outage', fresh: true });
    const { createApp } = await import('../../src/app');
    const { loadConfig } = await import('../../src/config/config');
    // Health alone: a worker round caught in the outage would wait for the driver's server selection (30 s)
    // and hold up app.close() with it.
    const app = await createApp(
      loadConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        MONGODB_URI: `${db.uri}herald`,
        SCHEDULER_ENABLED: 'false',
        DELIVERY_ENABLED: 'false',
        RETENTION_ENABLED: 'false',
      }),
      {},
    );
    await app.init();
    const request = (await import('supertest')).default;
    try {
      await request(app.getHttpServer()).get('/health').expect(200);
      await db.stop();
      const down = await request(app.getHttpServer()).get('/health').expect(503);
      expect(down.body).toMatchObject({ database: 'down' });
      db = await startLocalDb({ name: 'health-outage', port: db.port });
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await request(app.getHttpServer()).get('/health')).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(status).toBe(200);
    } finally {
      await app.close();
      await db.stop();
      if (saved) process.env.MONGODB_URI = saved;
    }
  });
});

describe('start-up configuration', () => {
  const main = path.join(__dirname, '..', '..', 'dist', 'main.js');

  it('exits with code 1 naming each invalid variable', () => {
    const res = spawnSync(process.execPath, [main], {
      env: { PATH: process.env.PATH, MONGODB_URI: 'mongodb://127.0.0.1:1/herald', PORT: 'not-a-port', LOG_LEVEL: 'loud' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('PORT: must be a number (got "not-a-port")');
    expect(res.stderr).toContain('LOG_LEVEL:');
  });
});
