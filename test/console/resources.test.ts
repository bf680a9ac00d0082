import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../src/common/clock';
import { DemoSeedService } from '../../src/dev/demo-seed';
import { startPeers, Peers } from '../support/peers';
import {
  ConsoleApp,
  expectAccessible,
  go,
  launchBrowser,
  newPage,
  problemsOf,
  ready,
  screenshots,
  signIn,
  startConsoleApp,
  expectToast,
} from './support/browser';
import { createAccount, postEvents, purchase, runPasses, setClock } from './support/data';

const ACC = 'acc-res';
const BOUGHT = '2026-11-20T08:00:00+08:00';

describe('Console resources and timeline (Chromium)', () => {
  let peers: Peers;
  let app: ConsoleApp;
  let browser: Browser;
  let page: Page;
  const planned = (type: string) => page.locator(`.planned li[data-type="${type}"] time`).allTextContents();

  beforeAll(async () => {
    peers = await startPeers();
    [app, browser] = await Promise.all([startConsoleApp('console-res', peers), launchBrowser()]);
    await createAccount(
      app.t,
      ACC,
      {
        id: 'alice',
        name: 'Alice',
        locale: 'en-US',
        timeZone: 'Asia/Shanghai',
        contacts: { email: { value: 'alice@res.test', verified: true } },
      },
      [{ id: 'olga', name: 'Olga', roles: ['resource_collaborator'], locale: 'en-US', scope: { products: ['tpns'], resourceIds: [] } }],
    );
    await setClock(app.t, BOUGHT);
    await postEvents(app.t, [
      purchase(ACC, 'push-1', 'tpns', BOUGHT, '2026-12-01T10:30:00+08:00'),
      purchase(ACC, 'push-2', 'tpns', BOUGHT, '2027-01-15T12:00:00+08:00'),
      purchase(ACC, 'iot-1', 'iot-enterprise', '2026-10-18T09:00:00+08:00', '2026-11-18T09:00:00+08:00'),
      {
        id: 'iot-1-stopped',
        type: 'resource.stopped',
        occurredAt: '2026-11-18T09:00:00+08:00',
        accountId: ACC,
        resourceId: 'iot-1',
        data: { reason: 'expired' },
      },
      purchase(ACC, 'canvas-1', 'astro-canvas', BOUGHT, '2026-12-05T20:00:00+08:00'),
      purchase(ACC, 'koo-1', 'koophone', BOUGHT, '2026-12-10T12:00:00+08:00'),
      purchase(ACC, 'pack-1', 'traffic-pack', BOUGHT, '2026-12-20T00:00:00+08:00', { quota: 1000, usage: 0, autoRenew: true }),
    ]);
    page = await newPage(browser);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await peers?.stop();
  });

  afterEach(() => expect(problemsOf(page)).toEqual([]));

  it('lists resources with their phase and expiry, filtered by product and by phase', async () => {
    await signIn(page, app, ACC, 'alice', '/console/resources');
    const ids = () => page.locator('tbody th code').allTextContents();
    expect(await ids()).toEqual(['iot-1', 'push-1', 'canvas-1', 'koo-1', 'pack-1', 'push-2']); // by expiry
    const iot = page.locator('tbody tr', { hasText: 'iot-1' });
    // Upstream reported the stop; the release follows on T+15.
    expect(await iot.locator('td[data-label="Status"] .chip').textContent()).toBe('Stopped');
    expect(await iot.locator('td[data-label="Status"] .next-phase').textContent()).toBe(' To be released Dec 3, 2026, 09:00');
    // push-1 expires Dec 1: its reminder window opens on Nov 24, 10:00.
    const push = page.locator('tbody tr', { hasText: 'push-1' });
    expect(await push.locator('td[data-label="Status"] .chip').textContent()).toBe('Running');
    expect(await push.locator('td[data-label="Status"] .next-phase').textContent()).toBe(' Expiring soon from Nov 24, 2026, 10:00');
    expect(await iot.locator('td[data-label="Expires"] time').textContent()).toBe('Nov 18, 2026, 09:00');

    await page.selectOption('#res-product', 'tpns');
    await page.waitForURL('**/console/resources?product=tpns');
    await ready(page);
    expect(await ids()).toEqual(['push-1', 'push-2']);
    await page.selectOption('#res-product', '');
    await ready(page);
    await page.selectOption('#res-status', 'stopped');
    await page.waitForURL('**/console/resources?phase=stopped');
    await ready(page);
    expect(await ids()).toEqual(['iot-1']);
    await page.selectOption('#res-status', '');
    await ready(page);
    await screenshots(page, 'resources');
    await expectAccessible(page);
  });

  it('the timeline shows planned notices at the right local times, and produced ones with per-channel delivery status', async () => {
    await go(page, app, '/console/resources');
    await page.click('a[href="/console/resources/push-1"]');
    await ready(page);
    expect(await page.locator('h1').textContent()).toBe('Resource push-1');
    // TPNS, expiring 2026-12-01 10:30 (+08:00): reminders T-7..T-1 at 10:00, expiry notices from the expiry itself,
    // the stop at 00:00 of T+8 and the release at T+15 — shown in Alice's zone, Asia/Shanghai.
    expect(await planned('expiry_reminder')).toEqual([24, 25, 26, 27, 28, 29, 30].map((d) => `Nov ${d}, 2026, 10:00`));
    expect((await planned('expiry_notice'))[0]).toBe('Dec 1, 2026, 10:30');
    expect((await planned('expiry_notice'))[1]).toBe('Dec 2, 2026, 10:00');
    expect(await planned('service_stopped')).toEqual(['Dec 9, 2026, 00:00']);
    expect(await planned('resource_destroyed')).toEqual(['Dec 16, 2026, 00:00']);
    expect(await page.locator('.policy-time').count()).toBe(0); // same zone as the policy

    await setClock(app.t, '2026-11-24T10:05:00+08:00');
    await runPasses(app.t);
    await page.reload();
    await ready(page);
    const produced = page.locator('.produced li[data-type="expiry_reminder"]');
    expect(await produced.locator('time').textContent()).toBe('Nov 24, 2026, 10:00');
    // Alice and Olga (scoped to TPNS) receive it; Olga has no verified email, neither has a phone or WeChat.
    expect((await produced.locator('.chip.delivery').allTextContents()).sort()).toEqual([
      'Email: 1 skipped, 1 sent',
      'In-site: 2 sent',
      'SMS: 2 skipped',
      'WeChat: 2 skipped',
    ]);
    expect((await planned('expiry_reminder'))[0]).toBe('Nov 25, 2026, 10:00');
    await screenshots(page, 'timeline');
    await expectAccessible(page);
  });

  it('shows the timeline in the viewer’s own time zone once they change it', async () => {
    await go(page, app, '/console/preferences');
    await page.selectOption('form.card select >> nth=1', 'Europe/London');
    await page.click('form.card button[type=submit]');
    await expectToast(page, 'Saved.');
    await go(page, app, '/console/resources/push-1');
    // 10:00 in Shanghai is 02:00 in London (GMT in November); the policy's own time is given beside it.
    expect((await planned('expiry_reminder'))[0]).toBe('Nov 25, 2026, 02:00');
    expect(await planned('service_stopped')).toEqual(['Dec 8, 2026, 16:00']);
    expect(await page.locator('.planned li[data-type="service_stopped"] .policy-time').textContent()).toBe(
      'policy time 2026-12-09 00:00 (Asia/Shanghai)',
    );
    expect(await page.locator('.timeline > .hint').textContent()).toBe('Times are shown in your time zone, Europe/London (GMT+0).');
  });

  it('a scoped resource collaborator sees only the resources in their scope', async () => {
    const olga = await newPage(browser);
    await signIn(olga, app, ACC, 'olga', '/console/resources');
    expect(await olga.locator('#nav a').allTextContents()).toEqual(['Inbox', 'Resources', 'My preferences']);
    expect(await olga.locator('tbody th code').allTextContents()).toEqual(['push-1', 'push-2']);
    await go(olga, app, '/console/resources/iot-1');
    expect(await olga.locator('.problem').textContent()).toBe('This resource does not exist or is outside your scope.');
    expect(problemsOf(olga)).toEqual([]);
    await olga.context().close();
  });
});

describe('Console: the demo account’s resource phases (Chromium)', () => {
  let peers: Peers;
  let app: ConsoleApp;
  let browser: Browser;
  let page: Page;
  const ZONE = 'Asia/Shanghai';
  const shown = (at: Date, locale = 'en-US') =>
    new Intl.DateTimeFormat(locale, {
      timeZone: ZONE,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    }).format(at);
  /** "Push · staging" expired 3 days ago at 11:00; TPNS stops it at 00:00 of T+8 (seed 001), in the policy's zone. */
  const stagingStop = () => {
    const today = DateTime.fromJSDate(app.t.app.get(Clock).now(), { zone: ZONE }).startOf('day');
    return today.minus({ days: 3 }).plus({ days: 8 }).toJSDate();
  };

  beforeAll(async () => {
    peers = await startPeers();
    [app, browser] = await Promise.all([
      startConsoleApp('console-res-demo', peers, { NODE_ENV: 'development', DEMO_SEED: 'off' }),
      launchBrowser(),
    ]);
    await app.t.app.get(DemoSeedService).seed();
    page = await newPage(browser);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await peers?.stop();
  });

  afterEach(() => expect(problemsOf(page)).toEqual([]));

  it('shows the expired TPNS resource as Expired with its stop next, and the status filter Expired lists it', async () => {
    await signIn(page, app, 'demo', 'demo-creator', '/console/resources');
    const staging = page.locator('tbody tr', { hasText: 'push-staging' });
    expect(await staging.locator('td[data-label="Status"] .chip').textContent()).toBe('Expired');
    const next = staging.locator('td[data-label="Status"] .next-phase');
    expect(await next.getAttribute('data-phase')).toBe('stopped');
    expect(await next.locator('span').textContent()).toBe('Stops');
    expect(await next.locator('time').getAttribute('datetime')).toBe(stagingStop().toISOString());
    expect(await next.locator('time').textContent()).toBe(shown(stagingStop()));

    await page.selectOption('#res-status', 'expired');
    await page.waitForURL('**/console/resources?phase=expired');
    await ready(page);
    // KooPhone help desk expired 2 days ago and is in its 15-day grace period (V1); both by expiry.
    expect(await page.locator('tbody th code').allTextContents()).toEqual(['push-staging', 'koophone-desk']);
    expect(await page.locator('td[data-label="Status"] .chip').allTextContents()).toEqual(['Expired', 'Expired']);
    expect(await page.locator('.resources .sub').textContent()).toBe('2 resources');
    await screenshots(page, 'resources-expired');
    await expectAccessible(page);

    await page.click('a[href="/console/resources/push-staging"]');
    await ready(page);
    const facts = page.locator('dl.facts');
    expect(await facts.locator('dd .chip.phase-expired').textContent()).toBe('Expired');
    expect(await facts.locator('dd .next-phase time').getAttribute('datetime')).toBe(stagingStop().toISOString());
    // Upstream has not said anything since the purchase: its word is still Running.
    expect(await facts.locator('dd .chip.status-running').textContent()).toBe('Running');
  });

  it('says it in Chinese for a zh-CN member: 已到期, 停服时间', async () => {
    const ops = await newPage(browser);
    await signIn(ops, app, 'demo', 'demo-ops', '/console/resources?phase=expired');
    // Wang Fang is scoped to TPNS and traffic packs: the KooPhone resource is not hers.
    expect(await ops.locator('tbody th code').allTextContents()).toEqual(['push-staging']);
    const cell = ops.locator('td[data-label="状态"]');
    expect(await cell.locator('.chip').textContent()).toBe('已到期');
    expect(await cell.locator('.next-phase span').textContent()).toBe('停服时间：');
    expect(await cell.locator('.next-phase time').textContent()).toBe(shown(stagingStop(), 'zh-CN'));
    expect(await ops.locator('#res-status option').allTextContents()).toEqual([
      '全部状态',
      '运行中',
      '即将到期',
      '已到期',
      '已停服',
      '已冻结',
      '已释放',
    ]);
    expect(problemsOf(ops)).toEqual([]);
    await ops.context().close();
  });
});
