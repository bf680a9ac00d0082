import { parseRetryAfter } from './retry-after';

describe('parseRetryAfter', () => {
  const now = new Date('2026-11-01T00:00:00Z');
  it('reads delta-seconds', () => expect(parseRetryAfter('7', now)).toBe(7000));
  it('reads an HTTP-date relative to now', () => expect(parseRetryAfter('Sun, 01 Nov 2026 00:00:30 GMT', now)).toBe(30_000));
  it('takes the first of repeated headers', () => expect(parseRetryAfter(['2', '9'], now)).toBe(2000));
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
