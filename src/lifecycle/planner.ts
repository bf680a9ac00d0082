import { CompiledPolicy, LevelPlan, PlannedRule, TimeRule } from './compiled-policy';
import { dedupeKey, expiryTerm, ONCE, overdueTerm } from './dedupe-key';
import { AccountState, ResourceState } from './lifecycle.types';
import { MessageType } from './message-types';
import { isoDate, isoInstant, ZoneTime } from './zone-time';

/** The pure lifecycle planner: resource state + policy + a time window -> notices due and the next due instant. */
export interface PlannedNotice {
  type: MessageType;
  dueAt: Date;
  dedupeKey: string;
  /** ISO of the `expiresAt` planned from, or `overdue:<billDate ISO>` for arrears notices. */
  term: string;
  /** Local date `YYYY-MM-DD` of a recurring occurrence, `once` for milestones, `usage-80` etc. for events. */
  occurrence: string;
  ruleId: string;
  data: Record<string, unknown>;
}

export interface PlanDueInput {
  resource: ResourceState;
  account: AccountState;
  policy: CompiledPolicy;
  /** Notices before this instant were already produced (the stored next-due instant, or the term start). */
  since: Date;
  now: Date;
}

export interface PlanDueResult {
  due: PlannedNotice[];
  nextDueAt: Date | null;
}

export interface PlanTimelineInput {
  resource: ResourceState;
  account: AccountState;
  policy: CompiledPolicy;
  from?: Date;
}

interface Anchor {
  ms: number;
  /** Local calendar day of the anchor (T for expiry). */
  day: number;
  /** Local ms since midnight of the anchor, for `at: anchor`. */
  tod: number;
}

// Types that announce something still ahead; pointless once the service is stopped.
const PRE_STOP = new Set<MessageType>(['expiry_reminder', 'autorenew_scheduled']);

// dueIndex() reports instants through these: planning is synchronous, and it saves an allocation per rule per resource.
let hitMs = NaN;
let nextMs = Infinity;

/**
 * Notices due in [since, now] and the first instant after now. A recurring rule yields at most its latest
 * occurrence, and only while its window lasts; conditions are checked against the current state.
 */
export function planDue(input: PlanDueInput): PlanDueResult {
  const { resource: r, account: a, policy: p } = input;
  const sinceMs = input.since.getTime();
  const nowMs = input.now.getTime();
  const z = p.zone;
  const plan = p.levelPlan(a.customerLevel);
  const nowDay = z.localDay(nowMs);
  const due: PlannedNotice[] = [];
  let next = Infinity;

  if (r.expiresAt !== null && plan.expiry.length > 0) {
    const an = anchorOf(r.expiresAt.getTime(), z);
    for (const pr of plan.expiry) {
      if (!allowed(pr.rule, r, a)) continue;
      const i = dueIndex(pr, an, sinceMs, nowMs, nowDay, z);
      if (nextMs < next) next = nextMs;
      if (i >= 0) {
        const occ = pr.rule.recurring ? isoDate(an.day + pr.offsets[i]) : ONCE;
        due.push(notice(r.id, pr.rule, hitMs, expiryTerm(r.expiresAt), occ, expiryData(pr, i, an, plan, r, a, z)));
      }
    }
  }

  const billAnchor = a.billDate ?? a.overdueSince;
  if (a.balanceState === 'overdue' && billAnchor !== null && plan.overdue.length > 0) {
    for (const pr of plan.overdue) {
      const at = overdueAnchor(pr.rule, a);
      if (at === null || !allowed(pr.rule, r, a)) continue;
      const an = anchorOf(at.getTime(), z);
      const i = dueIndex(pr, an, sinceMs, nowMs, nowDay, z);
      if (nextMs < next) next = nextMs;
      if (i >= 0) {
        const occ = pr.rule.recurring ? isoDate(an.day + pr.offsets[i]) : ONCE;
        due.push(notice(r.id, pr.rule, hitMs, overdueTerm(billAnchor), occ, overdueData(pr, hitMs, r, a)));
      }
    }
  }
  if (due.length > 1) due.sort((x, y) => x.dueAt.getTime() - y.dueAt.getTime());
  return { due, nextDueAt: next === Infinity ? null : new Date(next) };
}

/** Every occurrence of the current term from `from` on, in time order: planDue walked from due instant to due instant. */
export function planTimeline(input: PlanTimelineInput): PlannedNotice[] {
  const out: PlannedNotice[] = [];
  let at: Date | null = input.from ?? new Date(0);
  for (let guard = 0; at !== null && guard < 10_000; guard++) {
    const { due, nextDueAt } = planDue({ ...input, since: at, now: at });
    out.push(...due);
    at = nextDueAt;
  }
  return out;
}

/** Instants (epoch ms, NaN where none) of the current term the phase is read from, by the rules the notices come from. */
export interface TermMilestones {
  /** The term's first expiry_reminder occurrence: the reminder window opens. */
  firstReminderMs: number;
  /** The expiry-anchored stop and destroy milestones, as every expiry notice quotes them. */
  stopMs: number;
  destroyMs: number;
  /** The earliest arrears stop (billDate / overdueStart rule) while the account is overdue. */
  arrearsStopMs: number;
  /** The stop milestone's `data.stage` (`frozen` in Huawei's policies), whether or not it applies. */
  stopStage: unknown;
}

export function termMilestones(r: ResourceState, a: AccountState, p: CompiledPolicy): TermMilestones {
  const z = p.zone;
  const plan = p.levelPlan(a.customerLevel);
  const out: TermMilestones = {
    firstReminderMs: NaN,
    stopMs: NaN,
    destroyMs: NaN,
    arrearsStopMs: NaN,
    stopStage: plan.stop?.rule.data?.stage,
  };
  if (r.expiresAt !== null) {
    const an = anchorOf(r.expiresAt.getTime(), z);
    out.stopMs = milestoneMs(plan.stop, an, r, a, z);
    out.destroyMs = milestoneMs(plan.destroy, an, r, a, z);
    for (const pr of plan.expiry)
      if (pr.rule.type === 'expiry_reminder' && pr.rule.applies(r, a))
        out.firstReminderMs = earlier(out.firstReminderMs, occurrence(pr, 0, an, z));
  }
  if (isOverdue(a))
    for (const pr of plan.overdue) {
      const at = overdueAnchor(pr.rule, a);
      if (pr.rule.type !== 'service_stopped' || at === null || !pr.rule.applies(r, a)) continue;
      out.arrearsStopMs = earlier(out.arrearsStopMs, occurrence(pr, 0, anchorOf(at.getTime(), z), z));
    }
  return out;
}

const earlier = (x: number, y: number) => (Number.isNaN(x) || y < x ? y : x);

/** planDue's condition for the arrears rules. */
function isOverdue(a: AccountState): boolean {
  return a.balanceState === 'overdue' && (a.billDate ?? a.overdueSince) !== null;
}

function overdueAnchor(rule: TimeRule, a: AccountState): Date | null {
  return rule.anchor === 'billDate' ? a.billDate : a.overdueSince;
}

/** The instant of the plan's stop or destroy milestone for this term, or NaN when it does not apply to the resource. */
function milestoneMs(pr: PlannedRule | undefined, an: Anchor, r: ResourceState, a: AccountState, z: ZoneTime): number {
  return pr && pr.rule.applies(r, a) ? occurrence(pr, 0, an, z) : NaN;
}

function allowed(rule: TimeRule, r: ResourceState, a: AccountState): boolean {
  if (r.status === 'destroyed' && rule.type !== 'resource_destroyed') return false;
  if ((r.status === 'stopped' || r.status === 'frozen') && PRE_STOP.has(rule.type)) return false;
  // A stopped resource was told so by its stop event's notice; a planned stop would repeat it. (That notice is keyed
  // by the term current when the event was applied, so the plan's own key cannot be relied on to dedupe it when
  // events arrive out of order.)
  if (r.status === 'stopped' && rule.type === 'service_stopped') return false;
  return rule.applies(r, a);
}

function anchorOf(ms: number, z: ZoneTime): Anchor {
  return { ms, day: z.localDay(ms), tod: z.localMsOfDay(ms) };
}

function occurrence(pr: PlannedRule, i: number, an: Anchor, z: ZoneTime): number {
  const rule = pr.rule;
  if (rule.hoursMs !== null) return an.ms + rule.hoursMs;
  const off = pr.offsets[i];
  let ms = rule.atMs !== null ? z.toUtc(an.day + off, rule.atMs) : off === 0 ? an.ms : z.toUtc(an.day + off, an.tod);
  if (rule.notBeforeAnchor && ms < an.ms) ms = an.ms;
  return ms;
}

/**
 * Index of the occurrence due in [since, now] (its instant in hitMs), or -1; the first occurrence after now goes
 * to nextMs. Only the latest occurrence <= now can be due, and a recurring one only until its window is over.
 */
function dueIndex(pr: PlannedRule, an: Anchor, sinceMs: number, nowMs: number, nowDay: number, z: ZoneTime): number {
  const offs = pr.offsets;
  // Occurrences never land on a local day before their offset's, so those after today's offset are after now.
  let lo = 0;
  let hi = offs.length;
  const d = pr.rule.hoursMs !== null ? Infinity : nowDay - an.day;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offs[mid] <= d) lo = mid + 1;
    else hi = mid;
  }
  let next = lo < offs.length ? occurrence(pr, lo, an, z) : Infinity;
  let i = lo - 1;
  let ms = NaN;
  while (i >= 0) {
    ms = occurrence(pr, i, an, z);
    if (ms <= nowMs) break;
    next = ms;
    i--;
  }
  nextMs = next;
  hitMs = ms;
  if (i < 0 || ms < sinceMs) return -1;
  return pr.rule.recurring && nowMs >= z.toUtc(an.day + pr.windowEnd, 0) ? -1 : i;
}

function notice(
  subject: string,
  rule: TimeRule,
  dueMs: number,
  term: string,
  occurrence: string,
  data: Record<string, unknown>,
): PlannedNotice {
  return {
    type: rule.type,
    dueAt: new Date(dueMs),
    dedupeKey: dedupeKey(subject, rule.type, term, occurrence),
    term,
    occurrence,
    ruleId: rule.id,
    data,
  };
}

function expiryData(pr: PlannedRule, i: number, an: Anchor, plan: LevelPlan, r: ResourceState, a: AccountState, z: ZoneTime) {
  // Built field by field, no spreads: this runs for every notice of a bulk pass.
  const data: Record<string, unknown> = { resourceId: r.id, resourceName: r.name, product: r.product, region: r.region };
  data.expiresAt = isoInstant(an.ms);
  if (pr.rule.hoursMs === null) {
    const day = pr.offsets[i];
    data.day = day;
    data.daysLeft = day < 0 ? -day : 0;
    data.daysSince = day > 0 ? day : 0;
  }
  const stop = milestoneMs(plan.stop, an, r, a, z);
  const destroy = milestoneMs(plan.destroy, an, r, a, z);
  if (!Number.isNaN(stop)) data.stopAt = isoInstant(stop);
  if (!Number.isNaN(destroy)) data.destroyAt = isoInstant(destroy);
  if (plan.level !== null) {
    data.customerLevel = plan.level;
    data.graceDays = plan.graceDays;
    data.retentionDays = plan.retentionDays;
    if (!Number.isNaN(stop)) data.graceEndsAt = data.stopAt;
  }
  return pr.rule.data ? Object.assign(data, pr.rule.data) : data;
}

function overdueData(pr: PlannedRule, dueMs: number, r: ResourceState, a: AccountState) {
  const data: Record<string, unknown> = { resourceId: r.id, resourceName: r.name, product: r.product, region: r.region };
  data.reason = 'overdue';
  data.billDate = a.billDate ? isoInstant(a.billDate.getTime()) : null;
  data.overdueSince = a.overdueSince ? isoInstant(a.overdueSince.getTime()) : null;
  if (pr.rule.type === 'service_stopped') data.stopAt = isoInstant(dueMs);
  return pr.rule.data ? Object.assign(data, pr.rule.data) : data;
}

export function resourceFacts(r: ResourceState): Record<string, unknown> {
  return { resourceId: r.id, resourceName: r.name, product: r.product, region: r.region };
}
