import { BACKOFF_CAP_MS, backoffMs } from './retry-policy';

describe('backoffMs', () => {
  it('doubles per attempt between half and all of the ceiling', () => {
    expect(backoffMs(1, 1000, undefined, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, undefined, () => 1)).toBe(1000);
    expect(backoffMs(3, 1000, undefined, () => 0)).toBe(2000);
    expect(backoffMs(3, 1000, undefined, () => 1)).toBe(4000);
  });

  it('is capped and yields to a longer Retry-After', () => {
    expect(backoffMs(30, 1000, undefined, () => 1)).toBe(BACKOFF_CAP_MS);
    expect(backoffMs(1, 1000, 90_000, () => 1)).toBe(90_000);
  });
});
