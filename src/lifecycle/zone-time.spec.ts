import fc from 'fast-check';
import { DateTime } from 'luxon';
import { DAY_MS, dayOf, isoDate, isoInstant, parseClock, zoneTime } from './zone-time';

const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Adelaide', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC'];
const RANGE = { min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2040-01-01T00:00:00Z') };

describe('ZoneTime', () => {
  it('agrees with luxon on the local date and time of day of any instant', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer(RANGE), (zone, ms) => {
        const z = zoneTime(zone);
        const dt = DateTime.fromMillis(ms, { zone });
        expect(isoDate(z.localDay(ms))).toBe(dt.toISODate());
        expect(z.localMsOfDay(ms)).toBe(((dt.hour * 60 + dt.minute) * 60 + dt.second) * 1000 + dt.millisecond);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with luxon on the instant of a local wall-clock time outside DST overlaps', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer(RANGE), fc.integer({ min: 0, max: 1439 }), (zone, ms, minute) => {
        const z = zoneTime(zone);
        const day = z.localDay(ms);
        const local = DateTime.fromISO(isoDate(day), { zone }).set({ hour: Math.floor(minute / 60), minute: minute % 60 });
        const ambiguous = local.getPossibleOffsets().length > 1;
        fc.pre(!ambiguous);
        expect(z.toUtc(day, minute * 60_000)).toBe(local.toMillis());
      }),
      { numRuns: 2000 },
    );
  });

  it('moves a time inside the spring-forward gap forward by the gap (New York, 2026-03-08 02:30 -> 03:30 EDT)', () => {
    const z = zoneTime('America/New_York');
    expect(new Date(z.toUtc(dayOf('2026-03-08'), parseClock('02:30')!)).toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('resolves an ambiguous fall-back time to the earlier instant (New York, 2026-11-01 01:30 EDT)', () => {
    const z = zoneTime('America/New_York');
    expect(new Date(z.toUtc(dayOf('2026-11-01'), parseClock('01:30')!)).toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('keeps the offset exact inside an hour holding a half-hour transition (Adelaide, 2026-04-05)', () => {
    const z = zoneTime('Australia/Adelaide');
    const before = Date.parse('2026-04-04T16:29:00Z');
    const after = Date.parse('2026-04-04T16:31:00Z');
    expect(z.offsetAt(before)).toBe(10.5 * 3_600_000);
    expect(z.offsetAt(after)).toBe(9.5 * 3_600_000);
  });

  it('counts days from the epoch: 1970-01-01 is day 0', () => {
    expect(dayOf('1970-01-01')).toBe(0);
    expect(isoDate(dayOf('2026-12-01'))).toBe('2026-12-01');
    expect(dayOf('2026-12-02') - dayOf('2026-12-01')).toBe(1);
    expect(DAY_MS).toBe(86_400_000);
  });

  it('formats instants exactly like Date#toISOString', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => expect(isoInstant(ms)).toBe(new Date(ms).toISOString())),
      { numRuns: 5000 },
    );
    expect(isoInstant(Date.parse('2026-12-01T02:30:00.007Z'))).toBe('2026-12-01T02:30:00.007Z');
  });

  it('rejects an unknown zone', () => {
    expect(() => zoneTime('Mars/Olympus')).toThrow("unknown time zone 'Mars/Olympus'");
  });

  it('parses HH:mm and refuses anything else', () => {
    expect(parseClock('00:00')).toBe(0);
    expect(parseClock('23:59')).toBe((23 * 60 + 59) * 60_000);
    expect(parseClock('24:00')).toBeNull();
    expect(parseClock('9:00')).toBeNull();
  });
});
