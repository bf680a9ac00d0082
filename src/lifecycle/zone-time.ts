import { IANAZone } from 'luxon';

/** The one place where Herald turns instants into local calendar days and back, memoised per zone. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

// Caches are bounded by clearing: a clear costs a few luxon calls to refill, far less than unbounded growth.
const MAX_DAY_ENTRIES = 50_000;
const MAX_HOUR_ENTRIES = 20_000;
const MAX_ISO_ENTRIES = 50_000;

const isoDates = new Map<number, string>();

/** `YYYY-MM-DD` of a day number (days since 1970-01-01 in whatever frame the caller counts). */
export function isoDate(day: number): string {
  let s = isoDates.get(day);
  if (s === undefined) {
    if (isoDates.size >= MAX_ISO_ENTRIES) isoDates.clear();
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoDates.set(day, s);
  }
  return s;
}

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const YEAR_0 = Date.UTC(0, 0, 1);
const YEAR_10000 = Date.UTC(10000, 0, 1);

/** Same string as `new Date(ms).toISOString()`, several times faster (Date#toISOString dominates notice building). */
export function isoInstant(ms: number): string {
  if (!(ms >= YEAR_0 && ms < YEAR_10000)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / HOUR_MS);
  rest -= h * HOUR_MS;
  const m = Math.floor(rest / MINUTE_MS);
  rest -= m * MINUTE_MS;
  const sec = Math.floor(rest / 1000);
  return `${isoDate(day)}T${PAD2[h]}:${PAD2[m]}:${PAD2[sec]}.${PAD3[rest - sec * 1000]}Z`;
}

/** Day number of an ISO date `YYYY-MM-DD`. */
export function dayOf(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
}

export class ZoneTime {
  private readonly zone: IANAZone;
  // UTC day -> offset (ms) when constant over the whole UTC day, NaN when a transition falls inside it.
  private readonly byDay = new Map<number, number>();
  // Same, per UTC hour, consulted only inside transition days.
  private readonly byHour = new Map<number, number>();

  constructor(readonly name: string) {
    if (!IANAZone.isValidZone(name)) throw new Error(`unknown time zone '${name}'`);
    this.zone = IANAZone.create(name);
  }

  /** UTC offset in ms at an instant. */
  offsetAt(ms: number): number {
    const day = Math.floor(ms / DAY_MS);
    let o = this.byDay.get(day);
    if (o === undefined) {
      if (this.byDay.size >= MAX_DAY_ENTRIES) this.byDay.clear();
      o = this.constantOffset(day * DAY_MS, DAY_MS);
      this.byDay.set(day, o);
    }
    if (!Number.isNaN(o)) return o;
    const hour = Math.floor(ms / HOUR_MS);
    let h = this.byHour.get(hour);
    if (h === undefined) {
      if (this.byHour.size >= MAX_HOUR_ENTRIES) this.byHour.clear();
      h = this.constantOffset(hour * HOUR_MS, HOUR_MS);
      this.byHour.set(hour, h);
    }
    return Number.isNaN(h) ? this.zone.offset(ms) * MINUTE_MS : h;
  }

  /** Local calendar day (days since 1970-01-01 local) of an instant. */
  localDay(ms: number): number {
    return Math.floor((ms + this.offsetAt(ms)) / DAY_MS);
  }

  /** Milliseconds since local midnight of an instant. */
  localMsOfDay(ms: number): number {
    const local = ms + this.offsetAt(ms);
    return local - Math.floor(local / DAY_MS) * DAY_MS;
  }

  /**
   * The instant of a local wall-clock time. Nonexistent times (spring-forward gap) move forward by the gap;
   * ambiguous ones (fall-back overlap) resolve to the earlier instant. Same algorithm as luxon's fixOffset.
   */
  toUtc(localDay: number, msOfDay: number): number {
    const local = localDay * DAY_MS + msOfDay;
    const o = this.offsetAt(local);
    let utc = local - o;
    const o2 = this.offsetAt(utc);
    if (o === o2) return utc;
    utc -= o2 - o;
    const o3 = this.offsetAt(utc);
    if (o2 === o3) return utc;
    return local - Math.min(o2, o3);
  }

  /** `YYYY-MM-DD` local date of an instant. */
  isoLocalDate(ms: number): string {
    return isoDate(this.localDay(ms));
  }

  private constantOffset(start: number, span: number): number {
    const a = this.zone.offset(start);
    const b = this.zone.offset(start + span - 1);
    return a === b ? a * MINUTE_MS : NaN;
  }
}

const zones = new Map<string, ZoneTime>();

/** The memoised ZoneTime of an IANA zone; throws on an unknown zone. */
export function zoneTime(name: string): ZoneTime {
  let z = zones.get(name);
  if (!z) {
    z = new ZoneTime(name);
    zones.set(name, z);
  }
  return z;
}

/** Parses "HH:mm" into ms since midnight; null when malformed. */
export function parseClock(hhmm: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  return m ? (Number(m[1]) * 60 + Number(m[2])) * MINUTE_MS : null;
}
