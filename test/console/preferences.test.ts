/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { startPeers, Peers } from '../support/peers';
import {
  ConsoleApp,
  expectAccessible,
  go,
  launchBrowser,
  newPage,
  problemsOf,
  screenshots,
  signIn,
  startConsoleApp,
  expectToast,
} from './support/browser';
import { createAccount, postEvents, purchase, runPasses, setClock } from './support/data';
import { focused, tabTo } from './support/keyboard';

const ACC = 'acc-prefs';
const ALICE_PHONE = '+8613800000001';
const FIONA_PHONE = '+8613800000002';
const RITA_PHONE = '+8613800000004';
const cell = (type: string, channel: string) => `input[data-type="${type}"][data-channel="${channel}"]`;

describe('Console preferences (Chromium)', () => {
  let peers: Peers;
  let app: ConsoleApp;
  let browser: Browser;
  let page: Page;
  const smsTo = (phone: string) => peers.twilio.messages.filter((m) => m.to === phone).length;

  beforeAll(async () => {
    peers = await startPeers();
    [app, browser] = await Promise.all([startConsoleApp('console-prefs', peers), launchBrowser()]);
    const verified = (value: string) => ({ value, verified: true });
    await createAccount(
      app.t,
      ACC,
      {
        id: 'alice',
        name: 'Alice',
        locale: 'en-US',
        contacts: { email: verified('alice@prefs.test'), phone: verified(ALICE_PHONE), wechat: verified('openid-alice') },
      },
      [
        {
          id: 'fiona',
          name: 'Fiona',
          roles: ['finance_collaborator'],
          contacts: { email: verified('fiona@prefs.test'), phone: verified(FIONA_PHONE) },
        },
        { id: 'rita', name: 'Rita', roles: ['receiver'], locale: 'en-US', contacts: { phone: { value: RITA_PHONE, verified: false } } },
      ],
    );
    await setClock(app.t, '2026-11-20T08:00:00+08:00');
    await postEvents(app.t, [purchase(ACC, 'push-1', 'tpns', '2026-11-20T08:00:00+08:00', '2026-12-01T10:30:00+08:00')]);
    page = await newPage(browser);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await peers?.stop();
  });

  afterEach(() => expect(problemsOf(page)).toEqual([]));

  it('switching SMS off for expiry reminders (keyboard only) changes what the next scheduler pass sends', async () => {
    // T-7 10:00: the first reminder goes out by SMS to both the creator and the finance collaborator.
    await setClock(app.t, '2026-11-24T10:05:00+08:00');
    await runPasses(app.t);
    expect([smsTo(ALICE_PHONE), smsTo(FIONA_PHONE)]).toEqual([1, 1]);

    await signIn(page, app, ACC, 'alice', '/console/preferences');
    expect(await page.isChecked(cell('expiry_reminder', 'sms'))).toBe(true);
    await tabTo(page, cell('expiry_reminder', 'sms'));
    await page.keyboard.press('Space');
    await expectToast(page, 'Saved.');
    expect(await focused(page)).toMatchObject({ tag: 'input' });
    const prefs = (
      await app.t
        .http()
        .get('/v1/members/alice/preferences')
        .set(app.t.memberAuth(ACC, 'alice', ['creator']))
    ).body;
    expect(prefs.types.find((x: { type: string }) => x.type === 'expiry_reminder').channels.sms.enabled).toBe(false);

    // T-6 10:00: the next pass texts the finance collaborator only; Alice still gets the reminder by email and in-site.
    const emailsBefore = peers.smtp.messages.filter((m) => m.envelope.to[0] === 'alice@prefs.test').length;
    await setClock(app.t, '2026-11-25T10:05:00+08:00');
    await runPasses(app.t);
    expect([smsTo(ALICE_PHONE), smsTo(FIONA_PHONE)]).toEqual([1, 2]);
    expect(peers.smtp.messages.filter((m) => m.envelope.to[0] === 'alice@prefs.test').length).toBe(emailsBefore + 1);
  });

  it('locks mandatory channels with an explanation and greys out channels the account does not use', async () => {
    await go(page, app, '/console/preferences');
    const locked = page.locator(cell('resource_destroyed', 'inbox'));
    expect(await locked.isDisabled()).toBe(true);
    expect(await locked.isChecked()).toBe(true);
    const note = await locked.getAttribute('aria-describedby');
    expect(await page.locator(`#${note}`).textContent()).toBe(' Required channels cannot be switched off.');
    // By default the account sends auto-renewal notices without WeChat.
    expect(await page.locator(cell('autorenew_failed', 'wechat')).isDisabled()).toBe(true);
    expect(await page.locator('.contact[data-kind="email"] h3 .chip').textContent()).toBe('Verified');
    expect(await page.locator('.contact:not([data-kind]) .chip').textContent()).toBe('Bound');
    await screenshots(page, 'preferences');
    await expectAccessible(page);
  });

  it('saves language, time zone and quiet hours', async () => {
    await go(page, app, '/console/preferences');
    await page.check('form.card input[type=checkbox]');
    await page.fill('form.card input[type=time] >> nth=0', '22:30');
    await page.fill('form.card input[type=time] >> nth=1', '07:00');
    await page.selectOption('form.card select >> nth=0', 'zh-CN');
    await page.click('form.card button[type=submit]');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    // The reader never picked an interface language here, so the interface follows the new preference.
    await expectToast(page, '已保存。');
    const prefs = (
      await app.t
        .http()
        .get('/v1/members/alice/preferences')
        .set(app.t.memberAuth(ACC, 'alice', ['creator']))
    ).body;
    expect(prefs).toMatchObject({ locale: 'zh-CN', timeZone: 'Asia/Shanghai', quietHours: { start: '22:30', end: '07:00' } });
  });

  it('verifies a phone number with the code sent by SMS, and shows WeChat as not bound', async () => {
    const rita = await newPage(browser, 390);
    await signIn(rita, app, ACC, 'rita', '/console/preferences');
    expect(await rita.locator('#nav a').allTextContents()).toEqual(['Inbox', 'My preferences']);
    const phone = rita.locator('.contact[data-kind="phone"]');
    expect(await phone.locator('h3 .chip').textContent()).toBe('Not verified');
    expect(await rita.locator('.contact:not([data-kind]) .chip').textContent()).toBe('Not bound');
    await phone.locator('button:has-text("Send verification code")').click();
    await expectToast(rita, 'A code was sent to +86*******0004. It is valid for 10 minutes.');
    const sms = peers.twilio.messages.filter((m) => m.to === RITA_PHONE).at(-1)!;
    const code = /\b(\d{6})\b/.exec(sms.body)![1];
    await phone.locator('input[autocomplete="one-time-code"]').fill(code);
    await phone.locator('button:has-text("Verify")').click();
    await rita.waitForSelector('.contact[data-kind="phone"] h3 .chip.ok');
    expect(await rita.locator('.contact[data-kind="phone"] h3 .chip').textContent()).toBe('Verified');
    expect(problemsOf(rita)).toEqual([]);
    await rita.context().close();
  });

  it('shows a type as received by a member who receives it only through a receiver group', async () => {
    await app.t
      .http()
      .post(`/v1/accounts/${ACC}/groups`)
      .set(app.t.serviceKey)
      .send({ id: 'on-call', name: 'On-call', memberIds: ['rita'] })
      .expect(201);
    const byRoles = { roles: ['creator', 'resource_collaborator', 'finance_collaborator'], memberIds: [], groupIds: ['on-call'] };
    await app.t
      .http()
      .put(`/v1/accounts/${ACC}/subscriptions`)
      .set(app.t.serviceKey)
      .send({ types: { expiry_reminder: { channels: ['inbox', 'email', 'sms', 'wechat'], receivers: byRoles, digest: true } } })
      .expect(200);

    const rita = await newPage(browser);
    await signIn(rita, app, ACC, 'rita', '/console/preferences');
    const row = (type: string) => rita.locator(`tr:has(${cell(type, 'inbox')})`);
    // Rita holds none of the subscribed roles and is not named: the group alone makes her a receiver of expiry reminders.
    expect(await row('expiry_reminder').getAttribute('class')).toBeNull();
    expect(await row('expiry_reminder').locator('.chip.muted').count()).toBe(0);
    expect(await row('expiry_notice').getAttribute('class')).toBe('not-receiving');
    expect(await row('expiry_notice').locator('.chip.muted').textContent()).toBe('You are not a receiver');
    expect(problemsOf(rita)).toEqual([]);
    await rita.context().close();
  });
});
