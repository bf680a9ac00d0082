import type { HelperOptions } from 'handlebars';
import { DateTime } from 'luxon';
import type { MessageContext } from './message-context';

/**
 * The only helpers templates may call (compiled with `knownHelpersOnly`). Formatting helpers throw on a missing value,
 * so a date a template forgot to guard with {{#if}} fails at load time (sample data with optional keys null) instead
 * of printing a blank.
 */
export const HELPERS = {
  /** `{{datetime stopAt}}` → "2026年5月16日 00:00 (UTC+8)"; `format=` takes a luxon format, e.g. for SMS or WeChat. */
  datetime(value: unknown, options: HelperOptions): string {
    return formatted('datetime', value, options, (dt, format) => {
      if (format) return dt.toFormat(format);
      return `${dt.toLocaleString({ ...DateTime.DATETIME_MED, ...(dt.locale === 'zh-CN' && { hourCycle: 'h23' }) })} (${dt.toFormat("'UTC'Z")})`;
    });
  },
  /** `{{date expiresAt}}` → "2026年5月8日" / "May 8, 2026"; a bare `YYYY-MM-DD` keeps its date. */
  date(value: unknown, options: HelperOptions): string {
    return formatted('date', value, options, (dt, format) => (format ? dt.toFormat(format) : dt.toLocaleString(DateTime.DATE_MED)));
  },
  /**
   * `{{relative expiresAt}}` → "5 天后" / "in 5 days", "明天" / "tomorrow", "今天" / "today", "昨天" / "yesterday",
   * "3 天前" / "3 days ago": calendar days in the recipient's zone between the message's `now` (the instant it is
   * rendered for sending) and the value, so a message sent late still tells the truth.
   */
  relative(value: unknown, options: HelperOptions): string {
    const ctx = root(options);
    return RELATIVE[ctx.locale](dayNumber('relative', value, options) - sendDayNumber(ctx));
  },
  /** `{{percent usedPercent}}` with a number that already counts percent points: 85.5 → "85.5%". */
  percent(value: unknown, options: HelperOptions): string {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`percent: expected a number, got ${show(value)}`);
    return new Intl.NumberFormat(root(options).locale, { style: 'percent', maximumFractionDigits: 1 }).format(value / 100);
  },
  eq: (a: unknown, b: unknown): boolean => a === b,
  gt: (a: unknown, b: unknown): boolean => typeof a === 'number' && typeof b === 'number' && a > b,
};

export const HELPER_NAMES: readonly string[] = Object.keys(HELPERS);

const RELATIVE: Record<MessageContext['locale'], (days: number) => string> = {
  'zh-CN': (d) => (d === 0 ? '今天' : d === 1 ? '明天' : d === -1 ? '昨天' : d > 0 ? `${d} 天后` : `${-d} 天前`),
  'en-US': (d) => (d === 0 ? 'today' : d === 1 ? 'tomorrow' : d === -1 ? 'yesterday' : d > 0 ? `in ${d} days` : `${-d} days ago`),
};

/**
 * Calendar days in the recipient's zone, as day numbers (days since 1970-01-01 of the local date), by value and
 * zone: every message asks for them, for its send instant and each date it shows, and working out a zone's offset
 * is the costly step. An instant counts by its minute (zones' offsets are whole minutes, so a local midnight falls
 * on a minute), which lets the send instants of a whole round share one entry. Bounded: when full it starts over.
 */
const dayCache = new Map<string, number>();

const localDay = (dt: DateTime): number => Date.UTC(dt.year, dt.month - 1, dt.day) / 86_400_000;

function cachedDay(key: string, compute: () => DateTime): number {
  const known = dayCache.get(key);
  if (known !== undefined) return known;
  const day = localDay(compute());
  if (dayCache.size >= FORMATTED_MAX) dayCache.clear();
  dayCache.set(key, day);
  return day;
}

function dayNumber(helper: string, value: unknown, options: HelperOptions): number {
  const { timeZone } = root(options);
  if (value instanceof Date) {
    const minute = Math.floor(value.getTime() / 60_000) * 60_000;
    return cachedDay(`D${minute}\u0000${timeZone}`, () => DateTime.fromMillis(minute, { zone: timeZone }));
  }
  if (typeof value === 'string') return cachedDay(`S${value}\u0000${timeZone}`, () => instant(helper, value, options));
  return localDay(instant(helper, value, options));
}

function sendDayNumber({ now, timeZone }: MessageContext): number {
  if (typeof now !== 'string') throw new Error('relative: the message has no send instant (now)');
  const ms = Date.parse(now);
  if (!Number.isFinite(ms)) throw new Error(`relative: the send instant ${show(now)} is not an ISO date-time`);
  const minute = Math.floor(ms / 60_000) * 60_000;
  return cachedDay(`D${minute}\u0000${timeZone}`, () => DateTime.fromMillis(minute, { zone: timeZone }));
}

const root = (options: HelperOptions): MessageContext => options.data.root as MessageContext;

const formatOf = (options: HelperOptions): string | undefined =>
  typeof options.hash?.format === 'string' ? options.hash.format : undefined;

/**
 * Formatted dates, by helper, value, zone, locale and format. One notice's dates are shown again and again: in
 * each part of a message (subject, text, HTML), to each of its recipients, in each digest that lists it. Working
 * out a zone's offset is the costly step, and the result depends on nothing else, so it is kept. Bounded: when
 * full it starts over.
 */
const FORMATTED_MAX = 10_000;
const formattedCache = new Map<string, string>();

function formatted(
  helper: string,
  value: unknown,
  options: HelperOptions,
  format: (dt: DateTime, pattern: string | undefined) => string,
): string {
  const { timeZone, locale } = root(options);
  const pattern = formatOf(options);
  const key =
    value instanceof Date || typeof value === 'string'
      ? `${helper}\u0000${value instanceof Date ? `D${value.getTime()}` : `S${value}`}\u0000${timeZone}\u0000${locale}\u0000${pattern ?? ''}`
      : null;
  const known = key === null ? undefined : formattedCache.get(key);
  if (known !== undefined) return known;
  const text = plain(format(instant(helper, value, options), pattern));
  if (key !== null) {
    if (formattedCache.size >= FORMATTED_MAX) formattedCache.clear();
    formattedCache.set(key, text);
  }
  return text;
}

function instant(helper: string, value: unknown, options: HelperOptions): DateTime {
  const { timeZone, locale } = root(options);
  // Built in the recipient's zone and locale at once (an ISO value with an offset is converted to the zone):
  // each further setZone or setLocale would work out the zone's offset again, the costliest step here.
  const dt =
    value instanceof Date
      ? DateTime.fromMillis(value.getTime(), { zone: timeZone, locale })
      : typeof value === 'string'
        ? // A date-only value is a calendar date already; reading it in the recipient's zone keeps that date.
          DateTime.fromISO(value, { zone: timeZone, locale })
        : null;
  if (!dt || !dt.isValid) throw new Error(`${helper}: expected an ISO date-time, got ${show(value)}`);
  return dt;
}

// ICU puts narrow no-break spaces into some formats ("10:00 AM"); plain spaces keep SMS within the GSM alphabet.
const plain = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : String(v));
