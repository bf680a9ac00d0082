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
