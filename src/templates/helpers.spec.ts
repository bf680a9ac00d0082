import Handlebars from 'handlebars';
import { HELPERS } from './helpers';

/** Renders `source` with only Herald's helpers, in a recipient's zone and locale. */
function render(source: string, values: Record<string, unknown>, timeZone: string, locale: string): string {
  const hb = Handlebars.create();
  hb.registerHelper(HELPERS);
  return hb.compile(source, { knownHelpersOnly: true, knownHelpers: Object.fromEntries(Object.keys(HELPERS).map((h) => [h, true])) })({
    ...values,
    timeZone,
    locale,
  });
}

describe('date helpers', () => {
  const at = new Date('2026-12-08T16:30:00Z');

  it('shows one instant in each recipient zone and locale, however often it was shown before', () => {
    const shanghai = () => render('{{datetime at}}', { at }, 'Asia/Shanghai', 'zh-CN');
    const newYork = () => render('{{datetime at}}', { at }, 'America/New_York', 'en-US');
    expect(shanghai()).toBe('2026年12月9日 00:30 (UTC+8)');
    expect(newYork()).toBe('Dec 8, 2026, 11:30 AM (UTC-5)');
    expect(render('{{date at}}', { at }, 'Asia/Shanghai', 'zh-CN')).toBe('2026年12月9日');
    expect(render('{{date at}}', { at }, 'America/New_York', 'en-US')).toBe('Dec 8, 2026');
    expect(render('{{datetime at format="yyyy-MM-dd HH:mm"}}', { at }, 'Asia/Shanghai', 'zh-CN')).toBe('2026-12-09 00:30');
    expect(shanghai()).toBe('2026年12月9日 00:30 (UTC+8)');
    expect(newYork()).toBe('Dec 8, 2026, 11:30 AM (UTC-5)');
    expect(render('{{datetime at}}', { at }, 'Asia/Shanghai', 'en-US')).toBe('Dec 9, 2026, 12:30 AM (UTC+8)');
    expect(render('{{datetime at}}', { at }, 'America/New_York', 'zh-CN')).toBe('2026年12月8日 11:30 (UTC-5)');
  });

  it('still refuses a value that is not a date after the same digits were shown as one', () => {
    expect(render('{{date at}}', { at }, 'UTC', 'en-US')).toBe('Dec 8, 2026');
    expect(() => render('{{date at}}', { at: String(at.getTime()) }, 'UTC', 'en-US')).toThrow(/date: expected an ISO date-time/);
    expect(() => render('{{date at}}', { at: `D${at.getTime()}` }, 'UTC', 'en-US')).toThrow(/date: expected an ISO date-time/);
  });

  it('keeps a date-only value on its calendar date in every zone', () => {
    expect(render('{{date d}}', { d: '2026-05-08' }, 'Pacific/Kiritimati', 'en-US')).toBe('May 8, 2026');
    expect(render('{{date d}}', { d: '2026-05-08' }, 'Pacific/Pago_Pago', 'en-US')).toBe('May 8, 2026');
  });
});

describe('relative', () => {
  const rel = (value: string, now: string, timeZone: string, locale: string) =>
    render('{{relative value}}', { value, now }, timeZone, locale);

  it('counts calendar days in the recipient zone from the send instant, not 24-hour blocks', () => {
    // 23:30 on Dec 1 in Shanghai; the expiry at 00:30 on Dec 3 is one hour more than a day away, but two days.
    const now = '2026-12-01T15:30:00Z';
    expect(rel('2026-12-02T16:30:00Z', now, 'Asia/Shanghai', 'zh-CN')).toBe('2 天后');
    expect(rel('2026-12-02T16:30:00Z', now, 'Asia/Shanghai', 'en-US')).toBe('in 2 days');
    // Ten minutes later, past midnight in Shanghai: one day fewer.
    expect(rel('2026-12-02T16:30:00Z', '2026-12-01T16:10:00Z', 'Asia/Shanghai', 'zh-CN')).toBe('明天');
    // The same instants in New York fall on other dates.
    expect(rel('2026-12-02T16:30:00Z', now, 'America/New_York', 'en-US')).toBe('tomorrow');
  });

  it('says today, tomorrow, yesterday and N days ago in both languages', () => {
    const now = '2026-05-05T02:00:00Z'; // 10:00 in Shanghai
    const cases: [string, string, string][] = [
      ['2026-05-05T15:00:00Z', '今天', 'today'], // 23:00 the same day
      ['2026-05-06T01:00:00Z', '明天', 'tomorrow'],
      ['2026-05-10T02:00:00Z', '5 天后', 'in 5 days'],
      ['2026-05-04T02:00:00Z', '昨天', 'yesterday'],
      ['2026-05-02T02:00:00Z', '3 天前', '3 days ago'],
      ['2026-05-08', '3 天后', 'in 3 days'], // a calendar date stays its date
    ];
    for (const [value, zh, en] of cases) {
      expect(rel(value, now, 'Asia/Shanghai', 'zh-CN')).toBe(zh);
      expect(rel(value, now, 'Asia/Shanghai', 'en-US')).toBe(en);
    }
  });

  it('keeps whole days across a daylight-saving change', () => {
    // New York springs forward on Mar 8, 2026: that day has 23 hours.
    expect(rel('2026-03-09T16:00:00Z', '2026-03-07T17:00:00Z', 'America/New_York', 'en-US')).toBe('in 2 days');
  });

  it('refuses a message without a send instant or a value that is not a date', () => {
    expect(() => render('{{relative value}}', { value: '2026-05-08T00:00:00Z' }, 'UTC', 'en-US')).toThrow(/no send instant/);
    expect(() => rel('soon', '2026-05-05T02:00:00Z', 'UTC', 'en-US')).toThrow(/relative: expected an ISO date-time/);
  });
});
