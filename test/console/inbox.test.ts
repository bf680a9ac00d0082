/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { InboxRepository } from '../../src/inbox/inbox.repository';
import type { Category, MessageType } from '../../src/lifecycle/message-types';
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
} from './support/browser';
import { createAccount, postEvents, purchase, runPasses, setClock } from './support/data';
import { focused, tabTo } from './support/keyboard';

const ACC = 'acc-inbox';
const TYPES: [Category, MessageType][] = [
  ['expiry', 'expiry_reminder'],
  ['renewal', 'autorenew_failed'],
  ['billing', 'low_balance'],
  ['usage', 'usage_threshold'],
];
const TOTAL = 45;

const badge = (page: Page) => page.locator('#unread .count').textContent();

describe('Console inbox (Chromium)', () => {
  let app: ConsoleApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startConsoleApp('console-inbox', null), launchBrowser()]);
    await createAccount(app.t, ACC, { id: 'alice', name: 'Alice', locale: 'en-US', timeZone: 'Asia/Shanghai' }, [
      { id: 'fiona', name: 'Fiona', roles: ['finance_collaborator'] },
    ]);
    // Messages as the in-site channel stores them: 45 for Alice across the four categories, newest first by index.
    const inbox = app.t.app.get(InboxRepository);
    const start = Date.parse('2026-11-20T02:00:00Z');
    for (let i = 0; i < TOTAL; i++) {
      const [category, type] = TYPES[i % TYPES.length];
      await inbox.put({
        _id: `msg-${String(i).padStart(2, '0')}`,
        accountId: ACC,
        memberId: 'alice',
        type,
        category,
        title: `Message ${i} (${category})`,
        body: `Body of message ${i}.\n- first line\n- second line`,
        createdAt: new Date(start - i * 3_600_000),
        readAt: null,
      });
    }
    page = await newPage(browser);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  afterEach(() => expect(problemsOf(page)).toEqual([]));

  it('signs in with the token the host console hands over, and shows the unread badge', async () => {
    await signIn(page, app, ACC, 'alice');
    expect(page.url()).toBe(`${app.baseUrl}/console/inbox`); // the token left the address bar
    expect(await badge(page)).toBe(String(TOTAL));
    expect(await page.locator('.messages li').count()).toBe(20);
    expect(await page.locator('.messages li .title').first().textContent()).toBe('Message 0 (expiry)');
    // Dates are shown in the member's zone: 02:00 UTC is 10:00 in Asia/Shanghai.
    expect(await page.locator('.messages li time').first().textContent()).toBe('Nov 20, 2026, 10:00');
  });

  it('reading a message lowers the unread badge', async () => {
    await go(page, app, '/console/inbox');
    await page.locator('.messages li a.open').first().click();
    await ready(page);
    expect(await page.locator('h1').textContent()).toBe('Message 0 (expiry)');
    // The body's "- " lines are a real list.
    expect(await page.locator('.message .body p').first().textContent()).toBe('Body of message 0.');
    expect(await page.locator('.message .body ul li').allTextContents()).toEqual(['first line', 'second line']);
    expect(await badge(page)).toBe(String(TOTAL - 1));
    await page.locator('.back a').click();
    await ready(page);
    expect(await page.locator('.messages li').first().getAttribute('class')).toBe('msg');
    // The quick action on a row does the same without opening it.
    await page.locator('.messages li.unread button.mark').first().click();
    await page.waitForFunction((n) => document.querySelector('#unread .count')?.textContent === String(n), TOTAL - 2);
    expect(
      (
        await app.t
          .http()
          .get('/v1/inbox/unread-count')
          .set(app.t.memberAuth(ACC, 'alice', ['creator']))
      ).body.unread,
    ).toBe(TOTAL - 2);
  });

  it('filters by category and unread, and pages through the list', async () => {
    await go(page, app, '/console/inbox');
    await page.selectOption('#inbox-category', 'billing');
    await page.waitForURL('**/console/inbox?category=billing');
    await ready(page);
    const titles = await page.locator('.messages li .title').allTextContents();
    expect(titles).toHaveLength(11);
    expect(titles.every((t) => t.endsWith('(billing)'))).toBe(true);

    await page.selectOption('#inbox-category', '');
    await page.waitForURL(`${app.baseUrl}/console/inbox`);
    await ready(page);
    await page.check('#unread-only');
    await page.waitForURL('**/console/inbox?unread=true');
    await ready(page);
    expect(await page.locator('.pager .range').textContent()).toBe(`1–20 of ${TOTAL - 2}`);
    await page.click('#pager-next');
    await page.waitForURL('**/console/inbox?unread=true&offset=20');
    await ready(page);
    expect(await page.locator('.pager .range').textContent()).toBe(`21–40 of ${TOTAL - 2}`);
    await page.click('#pager-next');
    await ready(page);
    expect(await page.locator('.messages li').count()).toBe(TOTAL - 2 - 40);
    expect(await page.locator('#pager-next').isDisabled()).toBe(true);
    await screenshots(page, 'inbox');
    await expectAccessible(page);
  });

  it('works from the keyboard alone: filter, open a message, go back', async () => {
    await go(page, app, '/console/inbox');
    await tabTo(page, '#unread-only');
    await page.keyboard.press('Space');
    await page.waitForURL('**/console/inbox?unread=true');
    await ready(page);
    expect(await focused(page)).toMatchObject({ id: 'unread-only' }); // focus survives the re-render
    const before = Number(await badge(page));
    await tabTo(page, '.messages li a.open');
    const title = await page.evaluate(() => document.activeElement!.querySelector('.title')!.textContent);
    await page.keyboard.press('Enter');
    await ready(page);
    expect(await focused(page)).toMatchObject({ tag: 'h1', text: title });
    expect(Number(await badge(page))).toBe(before - 1);
    await screenshots(page, 'inbox-message');
    await expectAccessible(page);
    await tabTo(page, '.back a');
    await page.keyboard.press('Enter');
    await ready(page);
    expect(page.url()).toBe(`${app.baseUrl}/console/inbox?unread=true`);
  });

  it('marks everything read', async () => {
    await go(page, app, '/console/inbox');
    await page.click('#mark-all');
    await page.waitForSelector('#mark-all[disabled]');
    expect(await badge(page)).toBe('0');
    expect(await page.locator('.messages li.unread').count()).toBe(0);
    expect(await page.locator('#toast').textContent()).toBe(`${TOTAL - 3} messages marked as read.`);
  });

  it('without a token shows the production sign-in (no member picker outside development) and accepts a pasted token', async () => {
    const fresh = await newPage(browser);
    await fresh.goto(`${app.baseUrl}/console/resources`);
    await ready(fresh);
    expect(fresh.url()).toBe(`${app.baseUrl}/console/signin?next=%2Fconsole%2Fresources`);
    expect(await fresh.locator('.picker').count()).toBe(0);
    await screenshots(fresh, 'signin');
    await expectAccessible(fresh);
    await fresh.fill('textarea', 'not-a-token');
    await fresh.click('form button[type=submit]');
    await fresh.waitForSelector('.problem:not([hidden])');
    await fresh.fill('textarea', app.token(ACC, 'alice'));
    await fresh.click('form button[type=submit]');
    await fresh.waitForURL('**/console/resources');
    await ready(fresh);
    expect(await fresh.locator('h1').textContent()).toBe('Resources');
    expect(problemsOf(fresh)).toEqual([]);
    await fresh.context().close();
  });

  it('shows an in-site digest as a list whose lines link to their resources, and a resource name as plain text', async () => {
    // Two TPNS resources expiring the same day: their T-7 reminders reach Alice's inbox as one digest.
    const hostile = '<img src=x onerror=alert(1)>';
    await setClock(app.t, '2026-12-01T09:00:00+08:00');
    await postEvents(app.t, [
      purchase(ACC, 'push-a', 'tpns', '2026-12-01T09:00:00+08:00', '2026-12-09T12:00:00+08:00', { name: hostile }),
      purchase(ACC, 'push-b', 'tpns', '2026-12-01T09:00:00+08:00', '2026-12-09T15:00:00+08:00', {
        name: 'Push **bold** [x](javascript:alert(2))',
      }),
    ]);
    await setClock(app.t, '2026-12-02T10:05:00+08:00');
    await runPasses(app.t);
    const box = (
      await app.t
        .http()
        .get('/v1/inbox?category=expiry&limit=100')
        .set(app.t.memberAuth(ACC, 'alice', ['creator']))
        .expect(200)
    ).body;
    const digest = box.items.find((m: { title: string }) => m.title === '2 resources expire soon');
    expect(digest).toBeDefined();
    expect(typeof digest.body).toBe('string');

    await go(page, app, `/console/inbox/${digest.id}`);
    const lines = page.locator('.message .body ul li');
    expect(await lines.count()).toBe(2);
    const links = page.locator('.message .body ul li a[href^="/console/resources/"]');
    expect(await links.evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent]))).toEqual([
      ['/console/resources/push-a', `${hostile} (push-a)`],
      ['/console/resources/push-b', 'Push **bold** [x](javascript:alert(2)) (push-b)'],
    ]);
    // Markup in data is text: no image, no bold, no second link came out of the names.
    expect(await page.locator('.message .body img, .message .body strong, .message .body script').count()).toBe(0);
    expect(await page.locator('.message .body a[href^="javascript:"]').count()).toBe(0);
    expect(await page.locator('.message .body a[href="/console/resources"]').textContent()).toBe('All resources in the console');
    await screenshots(page, 'inbox-digest');
    await expectAccessible(page);

    await links.first().click();
    await page.waitForURL('**/console/resources/push-a');
    await ready(page);
    expect(await page.locator('h1').textContent()).toBe(hostile);
  });

  it('renders only safe formatting from a message body: no HTML, and a javascript: link is no link', async () => {
    const inbox = app.t.app.get(InboxRepository);
    await inbox.put({
      _id: 'msg-hostile',
      accountId: ACC,
      memberId: 'alice',
      type: 'expiry_reminder',
      category: 'expiry',
      title: 'Formatting',
      body: [
        '<script>window.__pwned = 1</script> and <img src=x onerror="window.__pwned = 2">',
        '**Renew** [now](javascript:window.__pwned=3) or [there](https://renew.example/r?id=1) or [here](/console/resources/push-a) or [data](data:text/html,hi) or [away](//evil.example/x)',
        '',
        'Escaped \\*\\*not bold\\*\\* and \\[not](/console/link)',
      ].join('\n'),
      createdAt: new Date('2026-11-21T02:00:00Z'),
      readAt: null,
    });
    await go(page, app, '/console/inbox/msg-hostile');
    const body = page.locator('.message .body');
    expect(await body.locator('p').allTextContents()).toEqual([
      '<script>window.__pwned = 1</script> and <img src=x onerror="window.__pwned = 2">Renew [now](javascript:window.__pwned=3) or there or here or [data](data:text/html,hi) or [away](//evil.example/x)',
      'Escaped **not bold** and [not](/console/link)',
    ]);
    expect(await body.locator('script, img').count()).toBe(0);
    expect(await body.locator('strong').allTextContents()).toEqual(['Renew']);
    expect(
      await body.locator('a').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('target')])),
    ).toEqual([
      ['there', 'https://renew.example/r?id=1', '_blank'],
      ['here', '/console/resources/push-a', null],
    ]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });
});
