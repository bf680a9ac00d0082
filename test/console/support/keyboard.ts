/// <reference lib="dom" />
import type { Page } from 'playwright-core';

/** Presses Tab until the focused element matches `selector` (as a keyboard user would), failing after `max` presses. */
export async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

export const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el ? { tag: el.tagName.toLowerCase(), id: el.id, text: el.textContent?.trim() ?? '' } : null;
  });
