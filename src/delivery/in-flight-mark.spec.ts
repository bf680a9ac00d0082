import { needsInFlightMark } from './delivery.worker';

describe('needsInFlightMark', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  const LEASE = 60_000;
  const left = (ms: number) => new Date(now.getTime() + ms);
  const plain = {};
  const lookup = { findSent: async () => null };

  it('never marks an idempotent send', () => {
    expect(needsInFlightMark({ idempotent: true }, [null], now, LEASE)).toBe(false);
    expect(needsInFlightMark({ idempotent: true }, [left(1_000)], now, LEASE)).toBe(false);
  });

  it('always marks a send its provider can be asked about later', () => {
    expect(needsInFlightMark(lookup, [left(LEASE)], now, LEASE)).toBe(true);
  });

  it('marks any other send only when less than half its lease is left', () => {
    expect(needsInFlightMark(plain, [left(LEASE)], now, LEASE)).toBe(false);
    expect(needsInFlightMark(plain, [left(LEASE / 2)], now, LEASE)).toBe(false);
    expect(needsInFlightMark(plain, [left(LEASE / 2 - 1)], now, LEASE)).toBe(true);
    expect(needsInFlightMark(plain, [left(-1_000)], now, LEASE)).toBe(true);
  });

  it('goes by the delivery of a digest whose lease ends first, and by none at all when one has no lease', () => {
    expect(needsInFlightMark(plain, [left(LEASE), left(10_000), left(50_000)], now, LEASE)).toBe(true);
    expect(needsInFlightMark(plain, [left(LEASE), null], now, LEASE)).toBe(true);
  });
});
