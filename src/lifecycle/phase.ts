import { CompiledPolicy } from './compiled-policy';
import { AccountState, ResourceState } from './lifecycle.types';
import { termMilestones } from './planner';

/**
 * Where a resource is in its term, in time order: what the provider itself would show, computed from the
 * policy and now rather than waiting for upstream to say so. `stopped` and `frozen` are the same step, named as
 * the policy names it (Huawei freezes, Tencent and Alibaba stop).
 */
export const PHASES = ['running', 'expiring', 'expired', 'stopped', 'frozen', 'released'] as const;
export type Phase = (typeof PHASES)[number];
export type StopPhase = 'stopped' | 'frozen';

/**
 * The instants a resource enters each phase of its current term; null when it does not in this term. Each is
 * no later than the next (a later phase reached implies the earlier ones), so the phase at an instant is the
 * last one whose instant has passed. `SINCE_ALWAYS` marks a phase upstream already reported.
 */
export interface PhaseInstants {
  expiringAt: Date | null;
  expiredAt: Date | null;
  stopAt: Date | null;
  releaseAt: Date | null;
  stopPhase: StopPhase;
}

export interface PhaseNow {
  phase: Phase;
  /** The phase the resource enters next in this term, and when; null when none is ahead. */
  nextPhase: Phase | null;
  nextPhaseAt: Date | null;
}

export const SINCE_ALWAYS = new Date(0);
const ALWAYS_MS = SINCE_ALWAYS.getTime();

/**
 * The phase instants of the current term: expiring from the first expiry_reminder, expired at expiresAt (or
 * when a traffic pack is used up, where the policy bills exhaustion like expiry), stopped / frozen at the stop
 * milestone or the arrears stop, released at the destroy milestone — the planner's own instants. Upstream's word
 * wins: a resource it reported expired, stopped or destroyed is at least in that phase. Without a policy (or an
 * account to read its level from) only expiresAt and upstream's status count.
 */
export function phaseInstants(r: ResourceState, a: AccountState | null, p: CompiledPolicy | undefined): PhaseInstants {
  const m = p && a ? termMilestones(r, a, p) : undefined;
  let expiring = m?.firstReminderMs ?? NaN;
  let expired = r.expiresAt?.getTime() ?? NaN;
  let stop = m ? earliest(m.stopMs, m.arrearsStopMs) : NaN;
  let release = m?.destroyMs ?? NaN;
  // Seed 000: a pack renews, bills postpaid and is reminded of "when it expires or resources are exhausted" alike.
  if (p?.postpaidOnExhaustion && r.quota !== null && r.usage !== null && r.usage >= r.quota) expired = ALWAYS_MS;
  if (r.status === 'expired') expired = ALWAYS_MS;
  if (r.status === 'stopped' || r.status === 'frozen') stop = ALWAYS_MS;
  if (r.status === 'destroyed') release = ALWAYS_MS;
  stop = earliest(stop, release);
  expired = earliest(expired, stop);
  expiring = earliest(expiring, expired);
  const frozen = m ? m.stopStage === 'frozen' : r.status === 'frozen';
  return {
    expiringAt: dateOrNull(expiring),
    expiredAt: dateOrNull(expired),
    stopAt: dateOrNull(stop),
    releaseAt: dateOrNull(release),
    stopPhase: frozen ? 'frozen' : 'stopped',
  };
}

/** The phase at `now` from a term's instants, and the next one ahead. */
export function phaseOf(instants: PhaseInstants, now: Date): PhaseNow {
  const i = stepsPassed(instants, now.getTime());
  const next = [instants.expiringAt, instants.expiredAt, instants.stopAt, instants.releaseAt][i] ?? null;
  return {
    phase: phaseName(instants, i),
    nextPhase: next ? phaseName(instants, stepsPassed(instants, next.getTime())) : null,
    nextPhaseAt: next,
  };
}

/** `phaseOf(phaseInstants(…), now)`: the phase of a resource under its policy at an instant of domain time. */
export function phaseAt(r: ResourceState, a: AccountState, p: CompiledPolicy | undefined, now: Date): PhaseNow {
  return phaseOf(phaseInstants(r, a, p), now);
}

export function samePhaseInstants(x: PhaseInstants | null | undefined, y: PhaseInstants): boolean {
  if (!x) return false;
  const ms = (d: Date | null) => d?.getTime() ?? null;
  return (
    x.stopPhase === y.stopPhase &&
    ms(x.expiringAt) === ms(y.expiringAt) &&
    ms(x.expiredAt) === ms(y.expiredAt) &&
    ms(x.stopAt) === ms(y.stopAt) &&
    ms(x.releaseAt) === ms(y.releaseAt)
  );
}

function stepsPassed(instants: PhaseInstants, nowMs: number): number {
  const steps = [instants.expiringAt, instants.expiredAt, instants.stopAt, instants.releaseAt];
  let i = 0;
  while (i < steps.length && steps[i] !== null && steps[i]!.getTime() <= nowMs) i++;
  return i;
}

function phaseName(instants: PhaseInstants, steps: number): Phase {
  return (['running', 'expiring', 'expired', instants.stopPhase, 'released'] as const)[steps];
}

const earliest = (x: number, y: number) => (Number.isNaN(x) ? y : Number.isNaN(y) || x <= y ? x : y);
const dateOrNull = (ms: number) => (Number.isNaN(ms) ? null : new Date(ms));
