import { DateTime } from 'luxon';

/** An instant as ISO 8601 in a zone, e.g. 2026-12-09T00:00:00.000+08:00: how instants are shown to people. */
export function localIso(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISO()!;
}
