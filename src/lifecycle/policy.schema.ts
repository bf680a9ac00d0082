import { IANAZone } from 'luxon';
import { z } from 'zod';
import { BILLING_MODES, LifecycleEventType, RESOURCE_STATUSES } from './lifecycle.types';
import { MESSAGE_TYPES, MessageType } from './message-types';
import { parseClock } from './zone-time';

/** Which upstream event produces each event-driven message type (rules with `anchor: event`). */
export const EVENT_SOURCES: Partial<Record<MessageType, LifecycleEventType>> = {
  autorenew_failed: 'resource.autorenew_failed',
  autorenew_succeeded: 'resource.renewed',
  autorenew_changed: 'resource.autorenew_changed',
  usage_threshold: 'resource.usage_reported',
  service_stopped: 'resource.stopped',
  resource_destroyed: 'resource.destroyed',
  account_overdue: 'account.overdue',
  low_balance: 'account.balance_low',
  service_restored: 'account.paid',
};

export const ANCHORS = ['expiry', 'billDate', 'overdueStart', 'event'] as const;
export type Anchor = (typeof ANCHORS)[number];

/** A day offset from the anchor: an integer, or a sum over `grace`, `retention` and integers (customer-level table). */
export type DayExpr = number | string;
export interface LinearDay {
  constant: number;
  grace: number;
  retention: number;
}

const DAY_TERM = /\s*([+-]?)\s*(\d+|grace|retention)\s*/y;

/** Parses `grace+retention-3` into coefficients; null when malformed. */
export function parseDayExpr(expr: DayExpr): LinearDay | null {
  if (typeof expr === 'number') return { constant: expr, grace: 0, retention: 0 };
  const out: LinearDay = { constant: 0, grace: 0, retention: 0 };
  DAY_TERM.lastIndex = 0;
  let first = true;
  while (DAY_TERM.lastIndex < expr.length) {
    const m = DAY_TERM.exec(expr);
    if (!m || (!first && !m[1])) return null;
    const sign = m[1] === '-' ? -1 : 1;
    if (m[2] === 'grace') out.grace += sign;
    else if (m[2] === 'retention') out.retention += sign;
    else out.constant += sign * Number(m[2]);
    first = false;
  }
  return first ? null : out;
}

export function evalDay(d: LinearDay, level: { graceDays: number; retentionDays: number } | undefined): number {
  return d.constant + d.grace * (level?.graceDays ?? 0) + d.retention * (level?.retentionDays ?? 0);
}

const dayExpr = z.union([z.int(), z.string()]);
const clock = z.string().refine((s) => s === 'anchor' || parseClock(s) !== null, 'must be "HH:mm" (00:00-23:59) or "anchor"');
const dayWindow = z.strictObject({ from: dayExpr, to: dayExpr, every: z.int().min(1).optional() });
const daysField = z.union([dayWindow, z.array(dayExpr).min(1)]);

const condition = z.strictObject({
  autoRenew: z.boolean().optional(),
  status: z.array(z.enum(RESOURCE_STATUSES)).min(1).optional(),
  billingMode: z.array(z.enum(BILLING_MODES)).min(1).optional(),
  customerLevel: z.array(z.string()).min(1).optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).optional(),
});
export type ConditionDoc = z.infer<typeof condition>;

const rule = z.strictObject({
  id: z
    .string()
    .regex(/^[\w.-]+$/)
    .optional(),
  type: z.string(),
  anchor: z.enum(ANCHORS).default('expiry'),
  day: dayExpr.optional(),
  days: daysField.optional(),
  hours: z.number().optional(),
  at: clock.optional(),
  notBeforeAnchor: z.boolean().optional(),
  when: condition.optional(),
  unless: condition.optional(),
  /** Static facts handed to templates, e.g. `pushDisabled: true`. */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type RuleDoc = Omit<z.infer<typeof rule>, 'type'> & { type: MessageType };

const attempts = z.strictObject({
  days: daysField,
  at: z.string().refine((s) => parseClock(s) !== null, 'must be "HH:mm" (00:00-23:59)'),
  /** Resource attribute holding how many days before T the first attempt runs (Huawei's configurable deduction day). */
  startAttribute: z.string().optional(),
  /** Attempts stop at the expiry instant ("until renewed or expired"). */
  beforeExpiry: z.boolean().optional(),
});

/** What a policy's `renewUrl` may name; each is replaced by the resource's (or account's) value, URL-encoded. */
export const RENEW_URL_PLACEHOLDERS = ['resourceId', 'region', 'accountId'] as const;
export type RenewUrlPlaceholder = (typeof RENEW_URL_PLACEHOLDERS)[number];
const PLACEHOLDER = /\{([^{}]*)\}/g;
// Characters that end or break a link in plain text, Markdown or HTML: a renewal page never needs them unencoded.
const LINK_BREAKERS = /[\s()[\]*<>"'`\\^|]/;

/** The product's renewal page for one resource: the policy's `renewUrl` with its placeholders filled in. */
export function expandRenewUrl(template: string, values: Partial<Record<RenewUrlPlaceholder, unknown>>): string {
  return template.replace(PLACEHOLDER, (_, name: RenewUrlPlaceholder) => {
    const v = values[name];
    return v === null || v === undefined ? '' : encodeLinkValue(String(v));
  });
}

/** encodeURIComponent, and also the few characters it leaves that end a link in Markdown or text. */
export const encodeLinkValue = (v: string): string =>
  encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Problems with a `renewUrl` template: an http(s) URL once filled in, naming only known placeholders. */
function renewUrlProblem(template: string): string | null {
  const unknown = [...template.matchAll(PLACEHOLDER)]
    .map((m) => m[1])
    .filter((n) => !(RENEW_URL_PLACEHOLDERS as readonly string[]).includes(n));
  if (unknown.length)
    return `names unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `{${n}}`).join(', ')} (known: ${RENEW_URL_PLACEHOLDERS.map((n) => `{${n}}`).join(', ')})`;
  const filled = template.replace(PLACEHOLDER, 'x');
  if (/[{}]/.test(filled)) return 'has a { or } that is not part of a placeholder';
  const absolute = 'must be an absolute http(s) URL such as https://console.example.com/renew?resourceId={resourceId}';
  if (!/^https?:\/\/[^/?#]/i.test(filled)) return absolute;
  try {
    new URL(filled);
  } catch {
    return absolute;
  }
  if (LINK_BREAKERS.test(filled)) return 'must not contain spaces, quotes or ( ) [ ] * < > \\ ^ | ` (percent-encode them)';
  return null;
}

const level = z.strictObject({ graceDays: z.int().min(0), retentionDays: z.int().min(0) });

/** Days Herald keeps a destroyed resource's records (resource, notices, deliveries, inbox) when the policy does not say. */
export const DEFAULT_KEEP_AFTER_DESTROY_DAYS = 30;

const policyShape = z.strictObject({
  product: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
  name: z.string().min(1),
  version: z.int().min(1),
  timeZone: z.string().default('Asia/Shanghai'),
  source: z.string().min(1),
  /**
   * The product's renewal page, linked from expiry, stop, release and renewal-failure messages, e.g.
   * `https://console.example.com/renew?resourceId={resourceId}`; without it they link to the console's resource page.
   */
  renewUrl: z
    .string()
    .max(2000)
    .superRefine((v, ctx) => {
      const problem = renewUrlProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  customerLevels: z.record(z.string(), level).optional(),
  defaultLevel: z.string().optional(),
  autoRenew: z
    .strictObject({
      attempts: attempts.optional(),
      /** Auto-renew enabled fewer days than this before T may not take effect in time. */
      enableLeadDays: z.int().min(0).optional(),
      onFailure: z.literal('postpaid').optional(),
    })
    .optional(),
  /** How long after upstream reports the resource destroyed the retention sweep removes Herald's records of it. */
  keepAfterDestroyDays: z.int().min(0).max(36_500).default(DEFAULT_KEEP_AFTER_DESTROY_DAYS),
  usage: z
    .strictObject({
      thresholds: z.array(z.int().min(1).max(100)).min(1),
      /** What applies when usage reaches 100 % without auto-renew. */
      onExhaustion: z.literal('postpaid').optional(),
    })
    .optional(),
  rules: z.array(rule).min(1),
});

type Path = (string | number)[];

export const policySchema = policyShape.superRefine((doc, ctx) => {
  const issue = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (!IANAZone.isValidZone(doc.timeZone)) issue(['timeZone'], `'${doc.timeZone}' is not a known IANA time zone`);
  const levels = doc.customerLevels ? Object.entries(doc.customerLevels) : [];
  if (doc.customerLevels && levels.length === 0) issue(['customerLevels'], 'must name at least one level');
  if (doc.customerLevels && !doc.defaultLevel) issue(['defaultLevel'], 'is required with customerLevels');
  if (doc.defaultLevel && !doc.customerLevels?.[doc.defaultLevel]) {
    issue(['defaultLevel'], `'${doc.defaultLevel}' is not in customerLevels`);
  }
  const levelValues = levels.length ? levels : [['-', undefined] as const];
  const ids = new Set<string>();
  const eventTypes = new Set<string>();
  doc.rules.forEach((r, i) => {
    const at = (...p: Path) => ['rules', i, ...p];
    if (!(MESSAGE_TYPES as readonly string[]).includes(r.type)) {
      issue(at('type'), `'${r.type}' is not a known message type`);
      return;
    }
    if (r.id) {
      if (ids.has(r.id)) issue(at('id'), `'${r.id}' is used by another rule`);
      ids.add(r.id);
    }
    if (r.anchor === 'event') {
      if (!EVENT_SOURCES[r.type as MessageType]) issue(at('anchor'), `event is not a source of ${r.type}`);
      if (eventTypes.has(r.type)) issue(at('type'), 'has a second event rule');
      eventTypes.add(r.type);
      for (const k of ['day', 'days', 'hours', 'at', 'notBeforeAnchor'] as const) {
        if (r[k] !== undefined) issue(at(k), 'is not allowed on an event rule');
      }
      return;
    }
    const forms = (['day', 'days', 'hours'] as const).filter((k) => r[k] !== undefined);
    if (forms.length !== 1) {
      issue(at(), 'needs exactly one of day, days, hours');
      return;
    }
    if (r.hours !== undefined && r.at !== undefined) issue(at('at'), 'is not allowed with hours');
    if (r.hours === undefined && r.at === undefined) issue(at('at'), 'is required with day/days');
    checkDays(r, at, levelValues, !!doc.customerLevels, issue);
  });
  if (doc.autoRenew?.attempts) {
    const a = doc.autoRenew.attempts;
    checkDays({ days: a.days }, (...p) => ['autoRenew', 'attempts', ...p], levelValues, !!doc.customerLevels, issue);
  }
  const th = doc.usage?.thresholds ?? [];
  if (th.some((t, i) => i > 0 && t <= th[i - 1])) issue(['usage', 'thresholds'], 'must be strictly ascending');
  if (eventTypes.has('usage_threshold') && !doc.usage) issue(['usage'], 'is required by the usage_threshold rule');
  checkOverlaps(doc.rules, levelValues, issue);
});

type Issue = (path: Path, message: string) => void;
type Levels = readonly (readonly [string, { graceDays: number; retentionDays: number } | undefined])[];

function checkDays(
  r: { day?: DayExpr; days?: z.infer<typeof daysField>; notBeforeAnchor?: boolean },
  at: (...p: Path) => Path,
  levels: Levels,
  hasTable: boolean,
  issue: Issue,
) {
  const parse = (e: DayExpr, p: Path): LinearDay | null => {
    const d = parseDayExpr(e);
    if (!d) issue(at(...p), `'${e}' is not a day offset (integer or sum of grace, retention, integers)`);
    else if (!hasTable && (d.grace || d.retention)) issue(at(...p), `'${e}' references customerLevels, which this policy does not define`);
    return d && (hasTable || !(d.grace || d.retention)) ? d : null;
  };
  const all: LinearDay[] = [];
  if (r.day !== undefined) {
    const d = parse(r.day, ['day']);
    if (d) all.push(d);
  } else if (Array.isArray(r.days)) {
    r.days.forEach((e, j) => {
      const d = parse(e, ['days', j]);
      if (d) all.push(d);
    });
    for (const [name, lv] of levels) {
      const v = all.map((d) => evalDay(d, lv));
      if (v.some((x, j) => j > 0 && x <= v[j - 1])) issue(at('days'), `must be strictly ascending${lv ? ` (level ${name})` : ''}`);
    }
  } else if (r.days) {
    const from = parse(r.days.from, ['days', 'from']);
    const to = parse(r.days.to, ['days', 'to']);
    if (!from || !to) return;
    all.push(from, to);
    for (const [name, lv] of levels) {
      if (evalDay(from, lv) > evalDay(to, lv)) issue(at('days', 'from'), `must be <= days.to${lv ? ` (level ${name})` : ''}`);
    }
  }
  // Moving an occurrence to the anchor instant only keeps occurrences in order when none lies before day 0.
  if (r.notBeforeAnchor && levels.some(([, lv]) => all.some((d) => evalDay(d, lv) < 0))) {
    issue(at('notBeforeAnchor'), 'needs every day offset >= 0');
  }
}

/** Two time rules of one type and term would share dedupe keys: reject overlapping days. */
function checkOverlaps(rules: z.infer<typeof rule>[], levels: Levels, issue: Issue) {
  for (const [name, lv] of levels) {
    const seen = new Map<string, number>();
    rules.forEach((r, i) => {
      if (r.anchor === 'event' || !(MESSAGE_TYPES as readonly string[]).includes(r.type)) return;
      const term = r.anchor === 'expiry' ? 'expiry' : 'overdue';
      for (const occ of occurrenceNames(r, lv)) {
        const k = occ === 'once' ? `${r.type}|${term}|once` : `${r.type}|${r.anchor}|${occ}`;
        const prev = seen.get(k);
        if (prev !== undefined && prev !== i) {
          issue(['rules', i], `overlaps rules[${prev}] on occurrence ${occ}${lv ? ` (level ${name})` : ''}`);
          return;
        }
        seen.set(k, i);
      }
    });
  }
}

function occurrenceNames(r: z.infer<typeof rule>, lv: Levels[number][1]): string[] {
  if (r.day !== undefined || r.hours !== undefined) return ['once'];
  const ds = r.days;
  if (!ds) return [];
  const parsed = (Array.isArray(ds) ? ds : [ds.from, ds.to]).map(parseDayExpr);
  if (parsed.some((d) => !d)) return [];
  const v = parsed.map((d) => evalDay(d!, lv));
  if (Array.isArray(ds)) return v.map(String);
  const out: string[] = [];
  for (let d = v[0]; d <= v[1]; d += ds.every ?? 1) out.push(String(d));
  return out;
}

export type PolicyDoc = Omit<z.infer<typeof policySchema>, 'rules'> & { rules: RuleDoc[] };
