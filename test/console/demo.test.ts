/// <reference lib="dom" />
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DemoSeedService } from '../../src/dev/demo-seed';
import { startPeers, Peers } from '../support/peers';
import {
  ARTIFACTS,
  ConsoleApp,
  expectAccessible,
  go,
  launchBrowser,
  newPage,
  problemsOf,
  ready,
  screenshots,
  startConsoleApp,
} from './support/browser';
import { tabTo } from './support/keyboard';

const PRODUCTS = ['tpns', 'iot-enterprise', 'astro-canvas', 'koophone', 'traffic-pack'];

describe('Console in development: member picker and the demo account (Chromium)', () => {
  let peers: Peers;
  let app: ConsoleApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    peers = await startPeers();
    [app, browser] = await Promise.all([
      startConsoleApp('console-demo', peers, { NODE_ENV: 'development', DEMO_SEED: 'off' }),
      launchBrowser(),
    ]);
    // What `npm start` does in the background on a database without the demo account.
    await app.t.app.get(DemoSeedService).seed();
    page = await newPage(browser);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await peers?.stop();
  });

  afterEach(() => expect(problemsOf(page)).toEqual([]));

  it('lists the seeded members for sign-in (development only) and documents the endpoint', async () => {
    const res = await app.t.http().get('/v1/dev/members').expect(200);
    expect(res.body.accounts[0]).toMatchObject({ id: 'demo', name: 'Demo Cloud Co.' });
    expect(res.body.accounts[0].members.map((m: { id: string; roles: string[] }) => [m.id, m.roles])).toEqual([
      ['demo-creator', ['creator']],
      ['demo-finance', ['finance_collaborator']],
      ['demo-ops', ['resource_collaborator']],
      ['demo-receiver', ['receiver']],
    ]);
    const openapi = (await app.t.http().get('/docs/openapi.json').expect(200)).body;
    expect(Object.keys(openapi.paths['/v1/dev/members'])).toEqual(['get']);
  });

  it('signs in with the member picker from the keyboard alone', async () => {
    await page.goto(`${app.baseUrl}/console`);
    await ready(page);
    expect(page.url()).toBe(`${app.baseUrl}/console/signin`);
    expect(await page.locator('.picker h3').first().textContent()).toBe('Demo Cloud Co. demo');
    await screenshots(page, 'signin-development');
    await expectAccessible(page);
    await tabTo(page, 'button[data-member="demo-creator"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${app.baseUrl}/console/inbox`);
    await ready(page);
    expect(await page.locator('.who .name').textContent()).toBe('Chen Wei');
  });

  it('shows a populated console at once: inbox, every seed policy among the resources, timelines and the delivery log', async () => {
    await go(page, app, '/console/inbox');
    expect(Number(await page.locator('#unread .count').textContent())).toBeGreaterThanOrEqual(5);
    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = path.join(ARTIFACTS, 'demo-inbox-1280.png');
    await page.setViewportSize({ width: 1280, height: 760 });
    await page.screenshot({ path: shot });
    // `HERALD_UPDATE_DOCS=1 npx jest test/console/demo.test.ts` refreshes the README's screenshot.
    if (process.env.HERALD_UPDATE_DOCS === '1') copyFileSync(shot, path.resolve(__dirname, '../../docs/console.png'));
    await page.setViewportSize({ width: 1280, height: 900 });

    const resources = (await app.t.http().get('/v1/resources?accountId=demo&limit=50').set(app.t.serviceKey).expect(200)).body.items;
    expect(new Set(resources.map((r: { product: string }) => r.product))).toEqual(new Set(PRODUCTS));
    for (const r of resources) {
      const tl = (await app.t.http().get(`/v1/resources/${r.id}/timeline`).set(app.t.serviceKey).expect(200)).body;
      expect({ id: r.id, notices: tl.produced.length + tl.planned.length > 0 }).toEqual({ id: r.id, notices: true });
    }
    await go(page, app, '/console/resources');
    expect(await page.locator('tbody tr').count()).toBe(resources.length);
    await go(page, app, '/console/deliveries');
    expect(await page.locator('.log > li').count()).toBeGreaterThan(10);
    await go(page, app, '/console/resources/push-prod');
    expect(await page.locator('.planned li').count()).toBeGreaterThan(5);
  });
});
