import { startTestApp, TestApp } from '../support/app';

describe('Console serving: one page for every deep link, immutable versioned assets', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('console-serving');
  });
  afterAll(() => t?.close());

  it('serves index.html for /console and deep links, uncached, with a strict content security policy', async () => {
    for (const path of ['/console', '/console/', '/console/inbox', '/console/resources/push-1']) {
      const res = await t.http().get(path).expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.text).toMatch(/<script type="module" src="\/console\/assets\/[0-9a-f]{12}\/js\/main\.js"><\/script>/);
    }
  });

  it('serves assets under their content version for good, answers 304 to a known ETag and 404 to unknown files', async () => {
    const page = await t.http().get('/console').expect(200);
    const base = /\/console\/assets\/[0-9a-f]{12}/.exec(page.text)![0];
    const js = await t.http().get(`${base}/js/main.js`).expect(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    await t.http().get(`${base}/js/main.js`).set('If-None-Match', js.headers.etag).expect(304);
    // A page from before a deployment asks for its old version: it gets today's file, not cached for good.
    const stale = await t.http().get('/console/assets/000000000000/console.css').expect(200);
    expect(stale.headers['cache-control']).toBe('no-cache');
    await t.http().get(`${base}/js/nope.js`).expect(404);
    await t.http().get(`${base}/../../../package.json`).expect(404);
  });

  it('is not part of the API document, and the development member list does not exist outside development', async () => {
    const openapi = (await t.http().get('/docs/openapi.json').expect(200)).body;
    expect(Object.keys(openapi.paths).filter((p) => p.startsWith('/console'))).toEqual([]);
    await t.http().get('/v1/dev/members').expect(404);
  });
});
