import fc from 'fast-check';
import { DateTime } from 'luxon';
import { join } from 'node:path';
import { CompiledPolicy } from './compiled-policy';
import { AccountState, ResourceState } from './lifecycle.types';
import { PlannedNotice, planDue, planTimeline } from './planner';
import { loadPolicies, loadPolicy } from './policy-loader';
import { anAccountState, aResourceState } from './testing/builders';
import { DAY_MS, HOUR_MS } from './zone-time';

const shipped = loadPolicies(join(__dirname, '../../policies'));
const ZONES = [
  'Asia/Shanghai',
  'America/New_York',
  'Europe/London',
  'Australia/Adelaide',
  'Asia/Kolkata',
  'America/Santiago',
  'Pacific/Chatham',
];
const tpns = shipped.get('tpns')!;
const POLICIES: CompiledPolicy[] = [
  ...shipped.list(),
  ...ZONES.map((timeZone, i) => loadPolicy({ ...tpns.doc, product: `tpns-zone-${i}`, timeZone })),
];

interface Scenario {
  policy: CompiledPolicy;
  resource: ResourceState;
  account: AccountState;
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    policy: fc.constantFrom(...POLICIES),
    expiresAt: fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2028-12-31T00:00:00Z') }),
    autoRenew: fc.boolean(),
    status: fc.constantFrom('running', 'running', 'expired', 'stopped', 'frozen', 'destroyed'),
    level: fc.constantFrom('V0', 'V1', 'V3', 'V5', 'unknown'),
    edition: fc.constantFrom('enterprise', 'legacy_public'),
    expiryAction: fc.constantFrom('freeze', 'pay_per_use'),
    overdue: fc.boolean(),
    billOffset: fc.integer({ min: -40 * DAY_MS, max: 20 * DAY_MS }),
  })
  .map((s) => ({
    // Counterexamples print as the generated facts, not as the compiled policy with its caches.
    [fc.toStringMethod]: () => JSON.stringify({ ...s, policy: s.policy.product, expiresAt: new Date(s.expiresAt).toISOString() }),
    policy: s.policy,
    resource: aResourceState({
      product: s.policy.product,
      expiresAt: new Date(s.expiresAt),
      autoRenew: s.autoRenew,
      status: s.status as ResourceState['status'],
      attributes: { edition: s.edition, expiryAction: s.expiryAction },
    }),
    account: anAccountState({
      customerLevel: s.level,
      balanceState: s.overdue ? 'overdue' : 'ok',
      billDate: s.overdue ? new Date(s.expiresAt + s.billOffset) : null,
      overdueSince: s.overdue ? new Date(s.expiresAt + s.billOffset + 3 * HOUR_MS) : null,
    }),
  }));

// Pass instants as gaps after a start 60 days before expiry: from seconds to two weeks of downtime.
const gaps = fc.array(fc.integer({ min: 1, max: 14 * DAY_MS }), { minLength: 1, maxLength: 60 });
const startOf = (s: Scenario) => s.resource.expiresAt!.getTime() - 60 * DAY_MS;

/** Runs a scheduler over the passes, feeding each pass's nextDueAt as the next since. */
function runPasses(s: Scenario, passTimes: number[]): PlannedNotice[] {
  const produced: PlannedNotice[] = [];
  let since = startOf(s);
  for (const now of passTimes) {
    if (now < since) continue; // not yet due: a real scheduler would not even claim the resource
    const r = planDue({ ...s, since: new Date(since), now: new Date(now) });
    for (const n of r.due) {
      expect(n.dueAt.getTime()).toBeGreaterThanOrEqual(since);
      expect(n.dueAt.getTime()).toBeLessThanOrEqual(now);
    }
    produced.push(...r.due);
    if (!r.nextDueAt) break;
    expect(r.nextDueAt.getTime()).toBeGreaterThan(now);
    since = r.nextDueAt.getTime();
  }
  return produced;
}

const cumulative = (start: number, gs: number[]) =>
  gs.map(
    (
      (t) => (g: number) =>
        (t += g)
    )(start),
  );

describe('planner properties', () => {
  it('never produces a dedupe key twice across successive passes', () => {
    fc.assert(
      fc.property(scenario, gaps, (s, gs) => {
        const keys = runPasses(s, cumulative(startOf(s), gs)).map((n) => n.dedupeKey);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 400 },
    );
  });

  it('a late pass yields at most one occurrence per rule', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 120 * DAY_MS }), fc.integer({ min: 0, max: 120 * DAY_MS }), (s, a, b) => {
        const since = startOf(s) + Math.min(a, b);
        const now = startOf(s) + Math.max(a, b);
        const { due } = planDue({ ...s, since: new Date(since), now: new Date(now) });
        const rules = due.map((n) => n.ruleId);
        expect(new Set(rules).size).toBe(rules.length);
      }),
      { numRuns: 600 },
    );
  });

  it('with a pass at every due instant (and random ones between), the notices produced equal planTimeline', () => {
    fc.assert(
      fc.property(scenario, gaps, (s, gs) => {
        const start = startOf(s);
        const random = cumulative(start, gs);
        const end = random[random.length - 1];
        const timeline = planTimeline({ ...s, from: new Date(start) });
        const instants = timeline.map((n) => n.dueAt.getTime());
        const passes = [...new Set([...instants, ...random])].filter((t) => t <= end).sort((a, b) => a - b);
        const produced: PlannedNotice[] = [];
        let since = start;
        for (const now of passes) {
          const r = planDue({ ...s, since: new Date(since), now: new Date(now) });
          produced.push(...r.due);
          // The stored next-due instant is exactly the timeline's next entry.
          expect(r.nextDueAt?.getTime() ?? null).toBe(instants.find((t) => t > now) ?? null);
          since = now + 1;
        }
        expect(produced).toEqual(timeline.filter((n) => n.dueAt.getTime() <= end));
      }),
      { numRuns: 300 },
    );
  });

  it('plans the same expiry instants as a direct luxon computation', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const account = { ...s.account, balanceState: 'ok' as const, billDate: null, overdueSince: null };
        const planned = planTimeline({ ...s, account }).map((n) => [n.ruleId, n.dueAt.toISOString()]);
        expect(planned).toEqual(luxonTimeline(s.policy, s.resource, account));
      }),
      { numRuns: 400 },
    );
  });
});

/** Independent oracle: every occurrence computed with luxon DateTimes, sorted by instant then rule order. */
function luxonTimeline(policy: CompiledPolicy, r: ResourceState, a: AccountState): [string, string][] {
  const zone = policy.timeZone;
  const anchor = DateTime.fromJSDate(r.expiresAt!, { zone });
  const T = anchor.startOf('day');
  const out: [number, number, string][] = [];
  for (const pr of policy.levelPlan(a.customerLevel).expiry) {
    const rule = pr.rule;
    if (r.status === 'destroyed' && rule.type !== 'resource_destroyed') continue;
    if ((r.status === 'stopped' || r.status === 'frozen') && rule.type === 'expiry_reminder') continue;
    if (r.status === 'stopped' && rule.type === 'service_stopped') continue;
    if (!rule.applies(r, a)) continue;
    for (const off of pr.offsets) {
      let dt: DateTime;
      if (rule.hoursMs !== null) dt = anchor.plus({ milliseconds: rule.hoursMs });
      else {
        const day = DateTime.fromISO(T.plus({ days: off }).toISODate()!, { zone });
        const ms = rule.atMs ?? anchor.diff(T).as('milliseconds') + (anchor.offset - T.offset) * 60_000;
        dt = earliest(
          day.set({
            hour: Math.floor(ms / HOUR_MS),
            minute: Math.floor(ms / 60_000) % 60,
            second: Math.floor(ms / 1000) % 60,
            millisecond: ms % 1000,
          }),
        );
        if (rule.atMs === null && off === 0) dt = anchor;
      }
      let t = dt.toMillis();
      if (rule.notBeforeAnchor && t < anchor.toMillis()) t = anchor.toMillis();
      out.push([t, rule.index, rule.id]);
    }
  }
  out.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return out.filter((o) => o[0] >= 0).map(([t, , id]) => [id, new Date(t).toISOString()]);
}

/** In a fall-back overlap the planner takes the earlier of the two instants. */
function earliest(dt: DateTime): DateTime {
  const options = dt.getPossibleOffsets();
  return options.length > 1 ? options.reduce((x, y) => (y.toMillis() < x.toMillis() ? y : x)) : dt;
}
