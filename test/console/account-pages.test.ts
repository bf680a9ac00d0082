/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { MemberRepository } from '../../src/accounts/member.repository';
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
import { tabTo } from './support/keyboard';
import { interfaceTexts } from './support/labels';

const ACC = 'acc-admin';

describe('Console account pages: subscription, members, delivery log, access, language (Chromium)', () => {
  let peers: Peers;
  let app: ConsoleApp;
  let browser: Browser;
  let page: Page;
  const asAlice = () => app.t.memberAuth(ACC, 'alice', ['creator']);
  const subscription = async (type: string) =>
    (await app.t.http().get(`/v1/accounts/${ACC}/subscriptions`).set(asAlice())).body.types.find((s: { type: string }) => s.type === type);

  beforeAll(async () => {
    peers = await startPeers();
    [app, browser] = await Promise.all([startConsoleApp('console-admin', peers), launchBrowser()]);
    const verified = (value: string) => ({ value, verified: true });
    await createAccount(
      app.t,
      ACC,
      { id: 'alice', name: 'Alice', locale: 'en-US', contacts: { email: verified('alice@admin.test'), phone: verified('+8613800000001') } },
      [
        {
          id: 'fiona',
          name: 'Fiona',
          roles: ['finance_collaborator'],
          contacts: { email: verified('fiona@admin.test'), phone: verified('+8613800000002') },
        },
        { id: 'rita', name: 'Rita', roles: ['receiver'], locale: 'en-US' },
      ],
    );
    await setClock(app.t, '2026-11-20T08:00:00+08:00');
    await postEvents(app.t, [purchase(ACC, 'push-1', 'tpns', '2026-11-20T08:00:00+08:00', '2026-12-01T10:30:00+08:00')]);
    // The first reminder: Twilio refuses one of the two texts for good (an invalid number), so the log has a failure to show.
    await setClock(app.t, '2026-11-24T10:05:00+08:00');
    peers.twilio.failNext(1, 400, 21211, "The 'To' number is not a valid phone number.");
    await runPasses(app.t);
    page = await newPage(browser);
    await signIn(page, app, ACC, 'alice');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await peers?.stop();
  });

  afterEach(() => expect(problemsOf(page)).toEqual([]));

  it('a receiver cannot open the subscription page', async () => {
    const rita = await newPage(browser);
    await signIn(rita, app, ACC, 'rita');
    expect(await rita.locator('#nav a').allTextContents()).toEqual(['Inbox', 'My preferences']);
    await go(rita, app, '/console/subscriptions');
    expect(await rita.locator('h1').textContent()).toBe('Message subscription');
    expect(await rita.locator('main .problem').textContent()).toMatch(/^Only the account creator can open this page/);
    expect(await rita.locator('main table').count()).toBe(0);
    await screenshots(rita, 'forbidden');
    await expectAccessible(rita);
    // The API says the same whatever the page shows.
    await app.t
      .http()
      .get(`/v1/accounts/${ACC}/subscriptions`)
      .set(app.t.memberAuth(ACC, 'rita', ['receiver']))
      .expect(403);
    expect(problemsOf(rita)).toEqual([]);
    await rita.context().close();
  });

  it('shows the subscription matrix with mandatory cells locked and explained, and saves a channel switch', async () => {
    await go(page, app, '/console/subscriptions');
    const row = (type: string) => page.locator('tr', { has: page.locator(`th[data-i18n="type.${type}"]`) });
    const destroyedInbox = row('resource_destroyed').locator('input[aria-label="In-site for Resource released"]');
    expect(await destroyedInbox.isDisabled()).toBe(true);
    expect(await destroyedInbox.isChecked()).toBe(true);
    expect(await page.locator(`#${await destroyedInbox.getAttribute('aria-describedby')}`).textContent()).toMatch(/cannot be switched off/);
    expect(await row('resource_destroyed').locator('td.locked').getAttribute('title')).toBe(
      'Required for this message type: cannot be switched off',
    );
    expect(await page.locator('section.category h2').allTextContents()).toEqual(['Expiry', 'Renewal', 'Billing', 'Usage']);

    await row('expiry_reminder').locator('input[aria-label="WeChat for Expiry reminder"]').uncheck();
    await expectToast(page, 'Subscription of “Expiry reminder” saved.');
    expect((await subscription('expiry_reminder')).channels).toEqual(['inbox', 'email', 'sms']);
    await screenshots(page, 'subscriptions');
    await expectAccessible(page);
  });

  it('edits the receivers of a message type in a dialog, from the keyboard', async () => {
    await go(page, app, '/console/subscriptions');
    await tabTo(page, 'button[aria-label="Edit receivers of Expiry notice"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog[open]');
    await tabTo(page, 'dialog input[value="rita"]');
    await page.keyboard.press('Space');
    await tabTo(page, 'dialog input[value="finance_collaborator"]', 10).catch(async () => {
      // Focus stays inside the modal dialog: Tab wraps around to the first field.
      await tabTo(page, 'dialog input[value="finance_collaborator"]', 20);
    });
    await page.keyboard.press('Space');
    await expectAccessible(page);
    await page.screenshot({ path: 'test-artifacts/console/subscriptions-dialog-1280.png' });
    await tabTo(page, 'dialog button[value="save"]', 20);
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog', { state: 'detached' });
    await expectToast(page, 'Subscription of “Expiry notice” saved.');
    expect((await subscription('expiry_notice')).receivers).toEqual({
      roles: ['creator', 'resource_collaborator'],
      memberIds: ['rita'],
      groupIds: [],
    });
    const chips = page.locator('tr', { has: page.locator('th[data-i18n="type.expiry_notice"]') }).locator('.summary .chip');
    expect(await chips.allTextContents()).toEqual(['Creator', 'Resource collaborator', 'Rita']);
  });

  it('adds a receive-only receiver and a scoped collaborator, and builds a receiver group', async () => {
    await go(page, app, '/console/members');
    const form = page.locator('form.card', { has: page.locator('h2', { hasText: 'Add a member or receiver' }) });
    await form.getByLabel('Name').fill('Ravi');
    await form.getByLabel('Email address').fill('ravi@admin.test');
    expect(await form.locator('fieldset', { hasText: 'Scope' }).isHidden()).toBe(true);
    await form.getByRole('button', { name: 'Add' }).click();
    await expectToast(page, 'Ravi added.');
    await page.locator('tbody tr', { hasText: 'Ravi' }).waitFor();

    await form.getByLabel('Name').fill('Olga');
    await form.getByLabel('Receive-only receiver').uncheck();
    await form.getByLabel('Resource collaborator').check();
    await form.getByLabel('Tencent Push Notification Service').check();
    await form.getByRole('button', { name: 'Add' }).click();
    await expectToast(page, 'Olga added.');
    const olga = page.locator('tbody tr', { hasText: 'Olga' });
    expect(await olga.locator('td[data-label="Scope"]').textContent()).toBe('tpns');

    await page.getByRole('button', { name: 'New receiver group' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByLabel('Group name').fill('Night shift');
    await dialog.getByLabel('Ravi').check();
    await dialog.getByLabel('Rita').check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.waitForSelector('.groups li');
    expect(await page.locator('.groups li strong').textContent()).toBe('Night shift');
    expect(await page.locator('.groups li .chip').allTextContents()).toEqual(['Ravi', 'Rita']);
    const members = (await app.t.http().get(`/v1/accounts/${ACC}/members`).set(asAlice())).body.items;
    expect(members.find((m: { name: string }) => m.name === 'Ravi')).toMatchObject({
      roles: ['receiver'],
      contacts: { email: { verified: false } },
    });
    expect(members.find((m: { name: string }) => m.name === 'Olga')).toMatchObject({
      roles: ['resource_collaborator'],
      scope: { products: ['tpns'] },
    });
    await screenshots(page, 'members');
    await expectAccessible(page);
  });

  it('filters the delivery log and shows each attempt with the provider response', async () => {
    await go(page, app, '/console/deliveries');
    await page.selectOption('#log-channel', 'sms');
    await ready(page);
    await page.selectOption('#log-status', 'failed');
    await page.waitForURL('**/console/deliveries?channel=sms&status=failed');
    await ready(page);
    const entries = page.locator('.log > li');
    expect(await entries.count()).toBe(1);
    await entries.locator('summary').click();
    expect(await entries.locator('.attempts .chip').textContent()).toBe('Permanent error');
    expect(await entries.locator('.attempts code').textContent()).toContain('[21211]');
    expect(await entries.locator('.attempts pre.response').textContent()).toContain('21211');
    await page.selectOption('#log-status', 'sent');
    await ready(page);
    await page.locator('.log > li summary').first().click();
    expect(await page.locator('.log > li .attempts .chip').first().textContent()).toBe('Sent');
    await screenshots(page, 'deliveries');
    await expectAccessible(page);
  });

  it('the language switch changes every label on every page', async () => {
    const pages = [
      '/console/inbox',
      '/console/resources',
      '/console/resources/push-1',
      '/console/subscriptions',
      '/console/members',
      '/console/deliveries',
      '/console/preferences',
    ];
    for (const at of pages) {
      await go(page, app, at);
      const english = await interfaceTexts(page);
      const title = await page.title();
      await page.selectOption('#lang', 'zh-CN');
      await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
      await ready(page);
      const chinese = await interfaceTexts(page);
      expect(chinese.map((c) => c.where)).toEqual(english.map((e) => e.where));
      const unchanged = english.filter((e, i) => chinese[i].text === e.text).map((e) => `${at} ${e.where}: ${e.text}`);
      expect(unchanged).toEqual([]);
      expect(await page.title()).not.toBe(title);
      if (at === '/console/subscriptions') await screenshots(page, 'subscriptions-zh');
      await page.selectOption('#lang', 'en-US');
      await page.waitForFunction(() => document.documentElement.lang === 'en-US');
      await ready(page);
    }
  });

  it('lists every member on the members and subscription pages when they fill more than one page of the API', async () => {
    const repo = app.t.app.get(MemberRepository);
    const contacts = { email: null, phone: null, wechat: null };
    for (let i = 0; i < 230; i++) {
      const n = String(i).padStart(3, '0');
      const fields = { name: `Zed ${n}`, roles: ['receiver' as const], scope: null, contacts, locale: 'en-US' as const };
      await repo.insert(ACC, `zed-${n}`, { ...fields, timeZone: 'UTC', quietHours: null }, new Date());
    }
    const { total } = (await app.t.http().get(`/v1/accounts/${ACC}/members?limit=1`).set(asAlice())).body;
    expect(total).toBeGreaterThan(230);
    await go(page, app, '/console/members');
    expect(await page.locator('table.list tbody tr').count()).toBe(total);
    expect(await page.locator('tbody tr', { hasText: 'Zed 229' }).count()).toBe(1);
    await go(page, app, '/console/subscriptions');
    await page.locator('button[aria-label="Edit receivers of Expiry notice"]').click();
    await page.waitForSelector('dialog[open]');
    expect(await page.locator('dialog input[value="zed-229"]').count()).toBe(1);
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog', { state: 'detached' });
  });
});
