import type { MessageContext, NoticeItem } from './message-context';

/**
 * In-site messages are read inside the console. Their links are relative to it (`/console/resources/…`), so they
 * open in the console the reader is signed in to whatever PUBLIC_URL says; renewal pages elsewhere stay absolute.
 */
export function withConsolePaths(ctx: MessageContext): MessageContext {
  const base = ctx.consoleUrl;
  const path = consolePath(base);
  if (path === base) return ctx;
  const relative = (link: string) => (link === base || link.startsWith(`${base}/`) ? path + link.slice(base.length) : link);
  const items = ctx.items.map((i): NoticeItem => ({ ...i, consoleLink: relative(i.consoleLink), renewLink: relative(i.renewLink) }));
  return { ...ctx, consoleUrl: path, items, first: items[0] };
}

function consolePath(url: string): string {
  if (url.startsWith('/')) return url;
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return url;
  }
}

// Links are built by Herald (console paths, percent-encoded renewal URLs): only the data around them is escaped.
const LINKS = new Set(['consoleLink', 'renewLink']);

/**
 * The in-site body is formatted text (paragraphs, `- ` lists, `[text](url)` links, `**bold**`). A resource name
 * or any other value must never add formatting of its own — a link, bold, a list item — so its `\`, `*`, `[` and
 * `]` (and a leading `-`) are backslash-escaped, and line breaks become spaces. The console shows them as typed.
 */
export function escapeFormatting(ctx: MessageContext): MessageContext {
  const items = ctx.items.map(
    (item): NoticeItem => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, LINKS.has(k) ? v : escapeValue(v)])) as NoticeItem,
  );
  return {
    ...ctx,
    recipient: { ...ctx.recipient, name: escapeText(ctx.recipient.name) },
    account: { id: escapeText(ctx.account.id), name: escapeText(ctx.account.name) },
    items,
    first: items[0],
  };
}

const escapeValue = (v: unknown): unknown => (typeof v === 'string' ? escapeText(v) : v);

export const escapeText = (s: string): string =>
  s
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\\*[\]]/g, '\\$&')
    .replace(/^-/, '\\-');
