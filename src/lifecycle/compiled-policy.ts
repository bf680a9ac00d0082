import { AccountState, ResourceState } from './lifecycle.types';
import { MessageType } from './message-types';
import { ConditionDoc, DayExpr, evalDay, parseDayExpr, PolicyDoc, RuleDoc } from './policy.schema';
import { HOUR_MS, parseClock, ZoneTime, zoneTime } from './zone-time';

/** A policy turned once into the form the planner walks per resource: numbers, sorted offsets, predicates. */
export type Predicate = (resource: ResourceState, account: AccountState) => boolean;

export interface TimeRule {
  id: string;
  index: number;
  type: MessageType;
  anchor: 'expiry' | 'billDate' | 'overdueStart';
  /** `days` rules recur (occurrence = local date, catch-up keeps the latest); `day`/`hours` rules happen once. */
  recurring: boolean;
  /** Local time of day in ms, or null for the anchor's own time of day (or exact instant with `hours`). */
  atMs: number | null;
  /** Offset from the anchor instant for `hours` rules, null for day rules. */
  hoursMs: number | null;
  notBeforeAnchor: boolean;
  applies: Predicate;
  data: Record<string, unknown> | undefined;
}

export interface EventRule {
  id: string;
  type: MessageType;
  applies: Predicate;
  data: Record<string, unknown> | undefined;
}

export interface PlannedRule {
  rule: TimeRule;
  /** Ascending day offsets from the anchor's local date. */
  offsets: number[];
  /** Recurring rules are valid until 00:00 of this offset (day after the window). */
  windowEnd: number;
}

export interface AttemptPlan {
  offsets: number[];
  atMs: number;
  startAttribute: string | undefined;
  beforeExpiry: boolean;
}

export interface LevelPlan {
  level: string | null;
  graceDays: number | null;
  retentionDays: number | null;
  expiry: PlannedRule[];
  overdue: PlannedRule[];
  /** The expiry-anchored stop and destroy milestones, quoted in every notice's data. */
  stop: PlannedRule | undefined;
  destroy: PlannedRule | undefined;
  attempts: AttemptPlan | undefined;
}

export interface CompiledPolicy {
  product: string;
  name: string;
  version: number;
  timeZone: string;
  source: string;
  doc: PolicyDoc;
  zone: ZoneTime;
  rules: TimeRule[];
  eventRules: Partial<Record<MessageType, EventRule>>;
  enableLeadDays: number | null;
  postpaidOnFailure: boolean;
  usageThresholds: number[];
  postpaidOnExhaustion: boolean;
  /** The plan for an account's customer level (unknown levels fall back to `defaultLevel`), memoised. */
  levelPlan(customerLevel: string): LevelPlan;
}

/** Compiles a validated policy document; call once per policy version. */
export function compilePolicy(doc: PolicyDoc): CompiledPolicy {
  const rules: TimeRule[] = [];
  const eventRules: Partial<Record<MessageType, EventRule>> = {};
  const ids = ruleIds(doc.rules);
  doc.rules.forEach((r, index) => {
    const base = { id: ids[index], type: r.type, applies: predicate(r.when, r.unless), data: r.data };
    if (r.anchor === 'event') {
      eventRules[r.type] = base;
      return;
    }
    rules.push({
      ...base,
      index,
      anchor: r.anchor,
      recurring: r.days !== undefined,
      atMs: r.at === undefined || r.at === 'anchor' ? null : parseClock(r.at),
      hoursMs: r.hours === undefined ? null : r.hours * HOUR_MS,
      notBeforeAnchor: r.notBeforeAnchor === true,
    });
  });
  const table = doc.customerLevels;
  const plans = new Map<string, LevelPlan>(table ? Object.keys(table).map((l) => [l, resolve(doc, rules, l)]) : []);
  const flat = table ? plans.get(doc.defaultLevel!)! : resolve(doc, rules, null);
  const levelPlan = (customerLevel: string): LevelPlan => plans.get(customerLevel) ?? flat;
  return {
    product: doc.product,
    name: doc.name,
    version: doc.version,
    timeZone: doc.timeZone,
    source: doc.source,
    doc,
    zone: zoneTime(doc.timeZone),
    rules,
    eventRules,
    enableLeadDays: doc.autoRenew?.enableLeadDays ?? null,
    postpaidOnFailure: doc.autoRenew?.onFailure === 'postpaid',
    usageThresholds: doc.usage?.thresholds ?? [],
    postpaidOnExhaustion: doc.usage?.onExhaustion === 'postpaid',
    levelPlan,
  };
}

function resolve(doc: PolicyDoc, rules: TimeRule[], level: string | null): LevelPlan {
  const lv = level === null ? undefined : doc.customerLevels![level];
  const planned = rules.map((rule): PlannedRule => {
    const offsets = dayOffsets(doc.rules[rule.index], lv);
    return { rule, offsets, windowEnd: offsets[offsets.length - 1] + 1 };
  });
  const single = (type: MessageType) => planned.find((p) => p.rule.type === type && p.rule.anchor === 'expiry' && !p.rule.recurring);
  const a = doc.autoRenew?.attempts;
  return {
    level,
    graceDays: lv?.graceDays ?? null,
    retentionDays: lv?.retentionDays ?? null,
    expiry: planned.filter((p) => p.rule.anchor === 'expiry'),
    overdue: planned.filter((p) => p.rule.anchor !== 'expiry'),
    stop: single('service_stopped'),
    destroy: single('resource_destroyed'),
    attempts: a && {
      offsets: expandDays(a.days, lv),
      atMs: parseClock(a.at)!,
      startAttribute: a.startAttribute,
      beforeExpiry: a.beforeExpiry === true,
    },
  };
}

type LevelRow = { graceDays: number; retentionDays: number } | undefined;
type DaysDoc = NonNullable<RuleDoc['days']>;

function dayOffsets(r: RuleDoc, lv: LevelRow): number[] {
  if (r.hours !== undefined) return [0];
  if (r.day !== undefined) return [evalExpr(r.day, lv)];
  return expandDays(r.days!, lv);
}

export function expandDays(days: DaysDoc, lv: LevelRow): number[] {
  if (Array.isArray(days)) return days.map((d) => evalExpr(d, lv));
  const out: number[] = [];
  const to = evalExpr(days.to, lv);
  for (let d = evalExpr(days.from, lv); d <= to; d += days.every ?? 1) out.push(d);
  return out;
}

function evalExpr(e: DayExpr, lv: LevelRow): number {
  return evalDay(parseDayExpr(e)!, lv);
}

/** Rule ids: explicit `id`, else the type, suffixed `.2`, `.3` when a type has several rules. */
function ruleIds(rules: RuleDoc[]): string[] {
  const count = new Map<string, number>();
  return rules.map((r) => {
    if (r.id) return r.id;
    const n = (count.get(r.type) ?? 0) + 1;
    count.set(r.type, n);
    return n === 1 ? r.type : `${r.type}.${n}`;
  });
}

function predicate(when: ConditionDoc | undefined, unless: ConditionDoc | undefined): Predicate {
  const w = when && condition(when);
  const u = unless && condition(unless);
  if (!w && !u) return () => true;
  return (r, a) => (!w || w(r, a)) && (!u || !u(r, a));
}

function condition(c: ConditionDoc): Predicate {
  const checks: Predicate[] = [];
  if (c.autoRenew !== undefined) checks.push((r) => r.autoRenew === c.autoRenew);
  if (c.status) checks.push((r) => c.status!.includes(r.status));
  if (c.billingMode) checks.push((r) => c.billingMode!.includes(r.billingMode));
  if (c.customerLevel) checks.push((_, a) => c.customerLevel!.includes(a.customerLevel));
  for (const [key, want] of Object.entries(c.attributes ?? {})) {
    const values = Array.isArray(want) ? want : [want];
    checks.push((r) => values.includes(r.attributes[key]));
  }
  return (r, a) => checks.every((f) => f(r, a));
}
