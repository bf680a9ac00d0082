/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Page } from 'playwright-core';

/**
 * Every piece of interface text on the page, in document order: the text of headings, labels, buttons, links,
 * table headers, chips, hints… (data such as names, titles and ids is marked `data-value` and left out) and
 * every aria-label. Used to check that a language switch leaves nothing behind.
 */
export function interfaceTexts(page: Page): Promise<{ where: string; text: string }[]> {
  return page.evaluate(() => {
    const SELECTOR = 'h1,h2,h3,label,button,th,td[data-label],legend,caption,summary,a,option,p,dt,.chip,[aria-label]';
    const own = (el: Element) => {
      const copy = el.cloneNode(true) as Element;
      copy.querySelectorAll('[data-value],[data-fixed]').forEach((n) => n.remove());
      return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
    };
    // Generated ids (`cat-3`) differ between renders; stable ones name the control.
    const id = (el: Element) => (el.id && !/-\d+(-[a-z]+)?$/.test(el.id) ? `#${el.id}` : '');
    // Loading-state classes (the unread badge is `.unknown` until its count arrives) do not name an element.
    const classes = (el: Element) =>
      String(el.className)
        .split(' ')
        .filter((c) => c && c !== 'unknown');
    const where = (el: Element) => `${el.tagName.toLowerCase()}${id(el)}${classes(el).length ? `.${classes(el).join('.')}` : ''}`;
    const out: { where: string; text: string }[] = [];
    for (const el of document.querySelectorAll(SELECTOR)) {
      if (el.closest('[data-value],[data-fixed],[hidden],noscript')) continue;
      const text = own(el);
      if (text) out.push({ where: where(el), text });
      const aria = el.getAttribute('aria-label');
      if (aria) out.push({ where: `${where(el)}[aria-label]`, text: aria });
      const cellLabel = el.getAttribute('data-label');
      if (cellLabel) out.push({ where: `${where(el)}[data-label]`, text: cellLabel });
    }
    return out;
  });
}
