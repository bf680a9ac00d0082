/// <reference lib="dom" />
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, ConsoleApp, launchBrowser, newPage, problemsOf, startConsoleApp } from './support/browser';
import { createAccount, postEvents, purchase } from './support/data';

/**
 * The console's load-time requirement, measured rather than asserted in every test run: with 1,000 inbox messages and
 * 500 resources for one member and account on the local database, how long from navigation to content on screen.
 * The figures go to test-artifacts/console/load-times.json; `npm run bench:console` runs just this file and fails
 * when a page's median exceeds the 1 s budget.
 */
const ACC = 'acc-load';
const MESSAGES = 1000;
const RESOURCES = 500;
const WARM_RUNS = 7;
const BUDGET_MS = 1000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('Console load time with 1,000 inbox messages and 500 resources (Chromium)', () => {
  let app: ConsoleApp;
  let browser: Browser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startConsoleApp('console-load', null), launchBrowser()]);
    await createAccount(app.t, ACC, { id: 'alice', name: 'Alice', locale: 'en-US' });
    const client = new MongoClient(app.t.config.mongodbUri);
    try {
      const start = Date.parse('2026-11-20T00:00:00Z');
      const categories = [
        ['expiry', 'expiry_reminder'],
        ['renewal', 'autorenew_failed'],
        ['billing', 'low_balance'],
        ['usage', 'usage_threshold'],
      ];
      await client
        .db()
        .collection('inbox')
        .insertMany(
          Array.from({ length: MESSAGES }, (_, i) => ({
            _id: `load-${i}` as never,
            accountId: ACC,
            memberId: 'alice',
            type: categories[i % 4][1],
            category: categories[i % 4][0],
            title: `Message ${i}: resource push-${i % RESOURCES} needs attention`,
            body: `Body ${i}`,
            createdAt: new Date(start - i * 60_000),
            readAt: i % 3 === 0 ? new Date(start) : null,
          })),
        );
    } finally {
      await client.close();
    }
    // Resources arrive the real way: purchase events, planned by the lifecycle engine.
    const events = Array.from({ length: RESOURCES }, (_, i) =>
      purchase(
        ACC,
        `res-${String(i).padStart(3, '0')}`,
        ['tpns', 'iot-enterprise', 'astro-canvas', 'koophone', 'traffic-pack'][i % 5],
        '2026-11-01T08:00:00+08:00',
        new Date(Date.parse('2026-12-01T02:30:00Z') + i * 3_600_000).toISOString(),
      ),
    );
    await postEvents(app.t, events);
    // A running server: the first request to each endpoint (compiling code paths, opening collections) is not the figure.
    const auth = app.t.memberAuth(ACC, 'alice', ['creator']);
    for (const url of [
      '/v1/members/alice/preferences',
      `/v1/accounts/${ACC}`,
      '/v1/inbox',
      '/v1/inbox/unread-count',
      `/v1/resources?accountId=${ACC}`,
      '/v1/policies',
    ])
      await app.t.http().get(url).set(auth).expect(200);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('opens the inbox and the resources page, one page of rows each, and reports the time to content', async () => {
    const token = app.token(ACC, 'alice');
    // A browser that is already running (its network stack up), as a member's would be.
    const warmup = await newPage(browser);
    await warmup.goto(`${app.baseUrl}/health`);
    await warmup.context().close();
    const report: Record<string, { coldMs: number; warmMedianMs: number; warmMs: number[]; rows: number }> = {};
    for (const [name, at, selector] of [
      ['inbox', '/console/inbox', '.messages li'],
      ['resources', '/console/resources', 'tbody tr'],
    ] as const) {
      // Cold: a new browser context, so nothing is cached; then warm reloads as a member would revisit the page.
      const page = await newPage(browser);
      // The instant the first row is in the document, taken inside the page (no test round trip in the figure).
      await page.addInitScript((sel) => {
        new MutationObserver((_, observer) => {
          if (!document.querySelector(`main:not([aria-busy]) ${sel}`)) return;
          (window as unknown as { contentAt: number }).contentAt = performance.now();
          observer.disconnect();
        }).observe(document, { subtree: true, childList: true, attributes: true });
      }, selector);
      const measure = async () => {
        await page.waitForSelector(`main:not([aria-busy]) ${selector}`);
        return Math.round(await page.evaluate(() => (window as unknown as { contentAt: number }).contentAt));
      };
      await page.goto(`${app.baseUrl}${at}#token=${token}`);
      const coldMs = await measure();
      const warmMs: number[] = [];
      for (let i = 0; i < WARM_RUNS; i++) {
        await page.goto(`${app.baseUrl}${at}?run=${i}`);
        warmMs.push(await measure());
      }
      report[name] = { coldMs, warmMedianMs: median(warmMs), warmMs, rows: await page.locator(selector).count() };
      expect(problemsOf(page)).toEqual([]);
      await page.context().close();
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    const out = { messages: MESSAGES, resources: RESOURCES, measuredAt: new Date().toISOString(), budgetMs: BUDGET_MS, pages: report };
    writeFileSync(path.join(ARTIFACTS, 'load-times.json'), `${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(
      `console load (navigation → content visible), ${MESSAGES} messages / ${RESOURCES} resources:\n${Object.entries(report)
        .map(([n, r]) => `  ${n}: cold ${r.coldMs} ms, warm median ${r.warmMedianMs} ms (${r.rows} rows rendered)\n`)
        .join('')}`,
    );
    // Paged APIs: the browser never holds more than one page of rows.
    expect(report.inbox.rows).toBe(20);
    expect(report.resources.rows).toBe(20);
    // The budget is enforced by the benchmark run only: inside `npm test` other suites share the CPU and the
    // database, so a wall-clock assertion there would measure them, not the console.
    if (process.env.npm_lifecycle_event === 'bench:console')
      for (const r of Object.values(report)) expect(r.warmMedianMs).toBeLessThan(BUDGET_MS);
  });
});
