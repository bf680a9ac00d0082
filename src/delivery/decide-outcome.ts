import type { Config } from '../config/config';
import type { SendResult } from './channels/channel-sender';
import { backoffMs, MAX_DEFERRALS } from './retry-policy';

/** The attempt a result answers; for a digest, its most tried delivery's counts. */
export interface AttemptState {
  /** 1 for the first send. */
  number: number;
  /** Deferrals before this attempt. */
  deferrals: number;
  /** When the send began: the in-flight mark an in-doubt send leaves for the next attempt to ask about. */
  startedAt: Date;
  /** When the result came back; a retry or a deferral waits from here. */
  decidedAt: Date;
}

/** Where a send leaves its deliveries. */
export type Decision =
  | { kind: 'sent'; providerMessageId: string | null }
  | { kind: 'retry'; at: Date; inFlightSince: Date | null }
  | { kind: 'defer'; until: Date }
  /** `deferred`: the failing attempt was a deferral, and counts as one. */
  | { kind: 'fail'; reason: string; deferred: boolean };

/**
 * Decides from a send's result alone (no channel, no clock of its own): transient errors retry with backoff
 * until DELIVERY_MAX_ATTEMPTS, deferrals wait as long as the provider asked until MAX_DEFERRALS, permanent
 * errors fail at once.
 */
export function decideOutcome(
  result: SendResult,
  attempt: AttemptState,
  config: Pick<Config['delivery'], 'maxAttempts' | 'backoffBaseMs'>,
  random: () => number = Math.random,
): Decision {
  const wait = (ms: number) => new Date(attempt.decidedAt.getTime() + ms);
  switch (result.outcome) {
    case 'sent':
      return { kind: 'sent', providerMessageId: result.providerMessageId ?? null };
    case 'permanent':
      return { kind: 'fail', reason: result.error, deferred: false };
    case 'deferred':
      if (attempt.deferrals + 1 >= MAX_DEFERRALS)
        return { kind: 'fail', reason: `deferred ${MAX_DEFERRALS} times: ${result.error}`, deferred: true };
      return { kind: 'defer', until: wait(result.retryAfterMs) };
    case 'transient':
      if (attempt.number >= config.maxAttempts)
        return { kind: 'fail', reason: `gave up after ${attempt.number} attempts: ${result.error}`, deferred: false };
      return {
        kind: 'retry',
        at: wait(backoffMs(attempt.number, config.backoffBaseMs, result.retryAfterMs, random)),
        inFlightSince: result.inDoubt ? attempt.startedAt : null,
      };
  }
}
