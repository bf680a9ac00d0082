import { CompiledPolicy, EventRule, expandDays, LevelPlan } from './compiled-policy';
import { accountSubject, dedupeKey, expiryTerm, ONCE, overdueTerm } from './dedupe-key';
import { AccountState, LifecycleEvent, ResourceState } from './lifecycle.types';
import { MessageType } from './message-types';
import { PlannedNotice, resourceFacts } from './planner';
import { EVENT_SOURCES } from './policy.schema';
import { isoDate } from './zone-time';

/** Notices an upstream event causes at once (auto-renew outcomes, usage, billing, upstream stop/destroy). */
export interface EventNoticesInput {
  event: LifecycleEvent;
  before: ResourceState | null;
  /** The resource after the event. Account events: call once per resource of the account; account-level notices share a key. */
  after: ResourceState;
  /** The account after the event. */
  account: AccountState;
  /** The account before the event; `account.paid` needs it to know the account was overdue. */
  accountBefore?: AccountState | null;
  policy: CompiledPolicy;
  now: Date;
}

interface Ctx extends EventNoticesInput {
  rule: EventRule;
  plan: LevelPlan;
}

const ACCOUNT_LEVEL = new Set<MessageType>(['account_overdue', 'low_balance', 'service_restored']);

export function eventNotices(input: EventNoticesInput): PlannedNotice[] {
  const type = MESSAGE_FOR[input.event.type];
  const rule = type && input.policy.eventRules[type];
  if (!type || !rule || !rule.applies(input.after, input.account)) return [];
  // A destroyed resource hears nothing more about itself but the destruction.
  if (input.after.status === 'destroyed' && type !== 'resource_destroyed' && !ACCOUNT_LEVEL.has(type)) return [];
  const ctx: Ctx = { ...input, rule, plan: input.policy.levelPlan(input.account.customerLevel) };
  const n = BUILDERS[type]!(ctx);
  return n ? [n] : [];
}

// Inverse of the policy schema's EVENT_SOURCES: which message an upstream event type produces.
const MESSAGE_FOR = Object.fromEntries(Object.entries(EVENT_SOURCES).map(([message, event]) => [event, message])) as Partial<
  Record<LifecycleEvent['type'], MessageType>
>;

type Builder = (c: Ctx) => PlannedNotice | null;

const BUILDERS: Partial<Record<MessageType, Builder>> = {
  autorenew_failed(c) {
    const r = c.after;
    const attemptAt = dateOf(c.event.data.attemptAt) ?? c.event.occurredAt;
    const nextAttempt = r.expiresAt ? nextAttemptAfter(c, r.expiresAt, attemptAt) : null;
    return build(c, r.id, expiryTerm(r.expiresAt), c.policy.zone.isoLocalDate(attemptAt.getTime()), {
      expiresAt: iso(r.expiresAt),
      attemptAt: attemptAt.toISOString(),
      nextAttemptAt: iso(nextAttempt),
      // Traffic packs: a failed renewal leaves the device on postpaid traffic billing.
      postpaid: c.policy.postpaidOnFailure,
    });
  },
  autorenew_succeeded(c) {
    if (c.event.data.auto !== true) return null;
    const previous = c.before?.expiresAt ?? dateOf(c.event.data.previousExpiresAt) ?? c.after.expiresAt;
    return build(c, c.after.id, expiryTerm(previous), ONCE, { expiresAt: iso(c.after.expiresAt), previousExpiresAt: iso(previous) });
  },
  autorenew_changed(c) {
    const enabled = c.after.autoRenew;
    if (c.before && c.before.autoRenew === enabled) return null;
    const z = c.policy.zone;
    const today = z.localDay(c.event.occurredAt.getTime());
    const daysLeft = c.after.expiresAt ? z.localDay(c.after.expiresAt.getTime()) - today : null;
    const lead = c.policy.enableLeadDays;
    // Auto-renew takes effect the next day, so enabling it too close to expiry may miss this term.
    const warning = enabled && lead !== null && daysLeft !== null && daysLeft < lead;
    return build(c, c.after.id, expiryTerm(c.after.expiresAt), `${enabled ? 'enabled' : 'disabled'}-${isoDate(today)}`, {
      autoRenew: enabled,
      expiresAt: iso(c.after.expiresAt),
      daysLeft,
      takesEffectOn: enabled && lead !== null ? isoDate(today + 1) : null,
      warning,
    });
  },
  usage_threshold(c) {
    const r = c.after;
    const pct = percent(r);
    if (pct === null) return null;
    const b = c.before;
    const sameTerm = b !== null && b.expiresAt?.getTime() === r.expiresAt?.getTime();
    const was = (sameTerm && percent(b)) || 0;
    // Only the highest threshold crossed by this report: a jump from 50 % to 95 % is one notice, not a backlog.
    const crossed = c.policy.usageThresholds.filter((t) => was < t && pct >= t).pop();
    if (crossed === undefined) return null;
    const exhausted = crossed >= 100;
    return build(c, r.id, expiryTerm(r.expiresAt), `usage-${crossed}`, {
      threshold: crossed,
      usedPercent: Math.round(pct * 10) / 10,
      usage: r.usage,
      quota: r.quota,
      expiresAt: iso(r.expiresAt),
      exhausted,
      autoRenewTriggered: exhausted && r.autoRenew,
      postpaid: exhausted && !r.autoRenew && c.policy.postpaidOnExhaustion,
    });
  },
  service_stopped(c) {
    const r = c.after;
    const at = c.event.occurredAt;
    const reason = c.event.data.reason;
    const billAnchor = c.account.billDate ?? c.account.overdueSince;
    const arrears =
      reason === 'overdue' || (reason !== 'expired' && c.account.balanceState === 'overdue' && (r.expiresAt === null || r.expiresAt > at));
    // Same key as the planned stop: whichever comes first is the only one sent.
    const term = arrears ? overdueTerm(billAnchor ?? at) : expiryTerm(r.expiresAt ?? c.before?.expiresAt);
    const planned = (arrears ? c.plan.overdue : c.plan.expiry).find((p) => p.rule.type === 'service_stopped' && !p.rule.recurring);
    return build(c, r.id, term, ONCE, { reason: arrears ? 'overdue' : 'expiry', stopAt: at.toISOString(), ...planned?.rule.data });
  },
  resource_destroyed(c) {
    const r = c.after;
    return build(c, r.id, expiryTerm(r.expiresAt ?? c.before?.expiresAt), ONCE, {
      destroyAt: c.event.occurredAt.toISOString(),
      ...c.plan.destroy?.rule.data,
    });
  },
  account_overdue(c) {
    const billDate = dateOf(c.event.data.billDate) ?? c.account.billDate ?? c.event.occurredAt;
    const stop = c.plan.overdue.find((p) => p.rule.type === 'service_stopped' && p.rule.applies(c.after, c.account));
    const stopAt =
      stop && stopAfterOverdue(c, stop.rule.anchor === 'billDate' ? billDate : (c.account.overdueSince ?? c.event.occurredAt), stop);
    return build(c, accountSubject(c.account.id), overdueTerm(billDate), ONCE, {
      billDate: billDate.toISOString(),
      overdueSince: iso(c.account.overdueSince ?? c.event.occurredAt),
      stopAt: iso(stopAt ?? null),
    });
  },
  low_balance(c) {
    const day = c.policy.zone.isoLocalDate(c.event.occurredAt.getTime());
    // At most one low-balance alert per account and local day.
    return build(c, accountSubject(c.account.id), 'balance', day, {
      balance: c.event.data.balance ?? null,
      threshold: c.event.data.threshold ?? null,
    });
  },
  service_restored(c) {
    const was = c.accountBefore ?? c.account;
    const s = c.before ?? c.after;
    const stoppedForArrears =
      (s.status === 'stopped' || s.status === 'frozen') && (s.expiresAt === null || (s.stoppedAt ?? c.event.occurredAt) < s.expiresAt);
    if (!stoppedForArrears && was.balanceState !== 'overdue') return null;
    const billDate = was.billDate ?? dateOf(c.event.data.billDate) ?? was.overdueSince ?? c.event.occurredAt;
    const subject = stoppedForArrears ? s.id : accountSubject(c.account.id);
    return build(c, subject, overdueTerm(billDate), ONCE, { billDate: billDate.toISOString(), paidAt: c.event.occurredAt.toISOString() });
  },
};

function build(c: Ctx, subject: string, term: string, occurrence: string, data: Record<string, unknown>): PlannedNotice {
  const type = c.rule.type;
  const facts = subject === c.after.id ? resourceFacts(c.after) : { accountId: c.account.id };
  return {
    type,
    dueAt: c.now,
    dedupeKey: dedupeKey(subject, type, term, occurrence),
    term,
    occurrence,
    ruleId: c.rule.id,
    data: { ...facts, ...data, ...c.rule.data },
  };
}

/** The next scheduled attempt on a later local day than the failed one; null when the schedule is exhausted. */
function nextAttemptAfter(c: Ctx, expiresAt: Date, attemptAt: Date): Date | null {
  const a = c.plan.attempts;
  if (!a) return null;
  const z = c.policy.zone;
  const T = z.localDay(expiresAt.getTime());
  let offsets = a.offsets;
  const start = a.startAttribute ? Number.parseInt(c.after.attributes[a.startAttribute] ?? '', 10) : NaN;
  // A configured deduction day moves the first attempt to T-N; retries stay daily up to the schedule's end.
  if (start > 0) offsets = expandDays({ from: -start, to: offsets[offsets.length - 1] }, undefined);
  const failedDay = z.localDay(attemptAt.getTime()) - T;
  const off = offsets.find((o) => o > failedDay);
  if (off === undefined) return null;
  const at = z.toUtc(T + off, a.atMs);
  return a.beforeExpiry && at >= expiresAt.getTime() ? null : new Date(at);
}

function stopAfterOverdue(c: Ctx, anchor: Date, stop: LevelPlan['overdue'][number]): Date {
  const z = c.policy.zone;
  const r = stop.rule;
  if (r.hoursMs !== null) return new Date(anchor.getTime() + r.hoursMs);
  return new Date(z.toUtc(z.localDay(anchor.getTime()) + stop.offsets[0], r.atMs ?? z.localMsOfDay(anchor.getTime())));
}

function percent(r: ResourceState): number | null {
  return r.quota && r.quota > 0 && r.usage !== null ? (r.usage / r.quota) * 100 : null;
}

function dateOf(v: unknown): Date | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (typeof v === 'string' || typeof v === 'number') {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}
