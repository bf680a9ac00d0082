/**
 * Retry policy, in one place (decideOutcome applies it): exponential backoff with jitter after transient errors
 * (DELIVERY_BACKOFF_BASE_MS), up to DELIVERY_MAX_ATTEMPTS attempts; a provider's Retry-After wins when it asks for
 * longer. Deferrals (WeChat's 45009 quota) do not use up attempts, but are capped too.
 */
export const BACKOFF_CAP_MS = 60 * 60_000;
export const MAX_DEFERRALS = 48;

/** Delay before retry number `attemptNumber` (1 = after the first failure): base · 2^(n-1), capped, half of it jittered. */
export function backoffMs(
  attemptNumber: number,
  baseMs: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, baseMs * 2 ** Math.max(0, attemptNumber - 1));
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  return Math.max(jittered, retryAfterMs ?? 0);
}
