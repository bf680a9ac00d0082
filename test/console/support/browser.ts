/// <reference lib="dom" />
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestApp, TestApp } from '../../support/app';
import type { Peers } from '../../support/peers';

/** Debian's Chromium (`apt-get install chromium`); Playwright never downloads a browser here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(__dirname, '../../../test-artifacts/console');
export const WIDTHS = [1280, 390] as const;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface ConsoleApp {
  t: TestApp;
  baseUrl: string;
  /** The bearer token a host console would hand over for this member. */
  token: (accountId: string, memberId: string) => string;
  close: () => Promise<void>;
}

/** Herald in-process on a free local port, with the test clock and manual scheduler and delivery runs. */
export async function startConsoleApp(label: string, peers: Peers | null, env: Record<string, string> = {}): Promise<ConsoleApp> {
  const t = await startTestApp(label, {
    env: {
      ...(peers?.env ?? {}),
      TEST_CLOCK_ENABLED: 'true',
      SCHEDULER_ENABLED: 'false',
      DELIVERY_ENABLED: 'false',
      DIGEST_WINDOW_MS: '0',
      ...env,
    },
  });
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return {
    t,
    baseUrl: `http://127.0.0.1:${port}`,
    token: (accountId, memberId) => t.memberAuth(accountId, memberId, []).Authorization.slice('Bearer '.length),
    close: () => t.close(),
  };
}

/** A fresh page (own sessionStorage) that fails the test on any script error or missing translation. */
export async function newPage(browser: Browser, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'en-US', reducedMotion: 'reduce' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  (page as Page & { problems: string[] }).problems = problems;
  return page;
}

export const problemsOf = (page: Page): string[] => (page as Page & { problems?: string[] }).problems ?? [];

/** Waits until the current view has rendered (the router clears aria-busy and a heading is there). */
export async function ready(page: Page): Promise<void> {
  await page.waitForSelector('main:not([aria-busy]) h1');
}

/** Signs in the way production does: the host console opens /console#token=… */
export async function signIn(page: Page, app: ConsoleApp, accountId: string, memberId: string, at = '/console/inbox'): Promise<void> {
  await page.goto(`${app.baseUrl}${at}#token=${app.token(accountId, memberId)}`);
  await ready(page);
}

export async function go(page: Page, app: ConsoleApp, at: string): Promise<void> {
  await page.goto(`${app.baseUrl}${at}`);
  await ready(page);
}

/**
 * Screenshots the page at 1280 px and 390 px (test-artifacts/console/<name>-<width>.png) and checks that
 * neither needs horizontal scrolling. Leaves the page at 1280 px.
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect({ page: name, width, scrollsSideways: scrollWidth > innerWidth }).toEqual({ page: name, width, scrollsSideways: false });
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** axe-core on the rendered page: no serious or critical violation. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad).toEqual([]);
}

/** Waits for the status line (what screen readers announce after an action) to say `text`. */
export async function expectToast(page: Page, text: string): Promise<void> {
  try {
    await page.waitForFunction((t) => document.querySelector('#toast')?.textContent === t, text, { timeout: 5000 });
  } catch {
    throw new Error(`the status line says "${await page.locator('#toast').textContent()}", not "${text}"`);
  }
}
