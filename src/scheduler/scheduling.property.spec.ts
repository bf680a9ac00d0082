import fc from 'fast-check';
import path from 'node:path';
import { applyResourceEvent, emptyResource } from '../events/event-reducers';
import type { ResourceEvent } from '../events/event.types';
import { loadPolicies, planDue, PlannedNotice, planTimeline } from '../lifecycle';
import { anAccountState } from '../lifecycle/testing/builders';
import type { VersionedResource } from '../resources/versioned-resource';

/**
 * The scheduler's loop, in memory: upstream events fold into the resource and re-plan it at once
 * (from the start of time, the way ingestion does); scheduler passes plan from the stored next-due
 * instant. Properties hold over random event sequences and pass timings.
 */
const policies = loadPolicies(path.join(__dirname, '..', '..', 'policies'));
const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');

type Step =
  | { kind: 'pass'; gapMs: number }
  | { kind: 'renew'; gapMs: number; byDays: number }
  | { kind: 'move'; gapMs: number; byDays: number }
  | { kind: 'autorenew'; gapMs: number; on: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('pass' as const), gapMs: fc.integer({ min: HOUR / 2, max: 3 * DAY }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('renew' as const),
      gapMs: fc.integer({ min: HOUR, max: 5 * DAY }),
      byDays: fc.integer({ min: 20, max: 400 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      gapMs: fc.integer({ min: HOUR, max: 5 * DAY }),
      byDays: fc.integer({ min: -10, max: 10 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('autorenew' as const), gapMs: fc.integer({ min: HOUR, max: 5 * DAY }), on: fc.boolean() }),
  },
);
const scenario = fc.record({
  product: fc.constantFrom('tpns', 'iot-enterprise', 'astro-canvas', 'koophone', 'traffic-pack'),
  expiresInMs: fc.integer({ min: 2 * DAY, max: 40 * DAY }),
  steps: fc.array(step, { minLength: 1, maxLength: 40 }),
});

interface Run {
  fromPasses: PlannedNotice[][];
  fromEvents: PlannedNotice[];
  renewals: { at: number; oldTerm: string }[];
  produced: Map<string, { at: number; notice: PlannedNotice }>;
}

interface Scenario {
  product: string;
  expiresInMs: number;
  steps: Step[];
}

function simulate(s: Scenario): Run {
  const policy = policies.get(s.product)!;
  const account = anAccountState();
  let version = 0;
  let now = T0;
  const event = (type: ResourceEvent['type'], data: object): ResourceEvent =>
    ({
      id: `e${++version}`,
      type,
      occurredAt: new Date(now).toISOString(),
      accountId: 'acc-1',
      resourceId: 'res-1',
      version,
      data,
    }) as ResourceEvent;
  let state: VersionedResource = emptyResource('res-1', 'acc-1');
  const run: Run = { fromPasses: [], fromEvents: [], renewals: [], produced: new Map() };
  const keep = (n: PlannedNotice) => {
    if (!run.produced.has(n.dedupeKey)) run.produced.set(n.dedupeKey, { at: now, notice: n });
  };
  let nextDueAt: Date | null = null;
  const replan = (e: ResourceEvent) => {
    state = applyResourceEvent(state, e).next;
    const plan = planDue({ resource: state, account, policy, since: new Date(0), now: new Date(now) });
    plan.due.forEach(keep);
    run.fromEvents.push(...plan.due);
    nextDueAt = plan.nextDueAt;
  };
  replan(
    event('resource.purchased', {
      product: s.product,
      billingMode: 'prepaid',
      expiresAt: new Date(T0 + s.expiresInMs).toISOString(),
      autoRenew: false,
    }),
  );
  for (const st of s.steps) {
    now += st.gapMs;
    if (st.kind === 'pass') {
      const due: Date | null = nextDueAt;
      if (due === null || due.getTime() > now) continue;
      const plan = planDue({ resource: state, account, policy, since: due, now: new Date(now) });
      plan.due.forEach(keep);
      run.fromPasses.push(plan.due);
      nextDueAt = plan.nextDueAt;
    } else if (st.kind === 'renew') {
      run.renewals.push({ at: now, oldTerm: state.expiresAt!.toISOString() });
      replan(event('resource.renewed', { expiresAt: new Date(state.expiresAt!.getTime() + st.byDays * DAY).toISOString() }));
    } else if (st.kind === 'move') {
      replan(
        event('resource.expiry_changed', {
          expiresAt: new Date(Math.max(now + HOUR, state.expiresAt!.getTime() + st.byDays * DAY)).toISOString(),
        }),
      );
    } else {
      replan(event('resource.autorenew_changed', { autoRenew: st.on }));
    }
  }
  return run;
}

describe('scheduling over random event sequences and passes', () => {
  it('never produces a dedupe key twice from scheduler passes', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const keys = simulate(s)
          .fromPasses.flat()
          .map((n) => n.dedupeKey);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 300 },
    );
  });

  it('produces nothing of the old term after a renewal', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const run = simulate(s);
        for (const { at, oldTerm } of run.renewals) {
          const late = [...run.produced.values()].filter((p) => p.at >= at && p.notice.term === oldTerm);
          expect(late).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('yields at most one occurrence per rule in any pass, however late', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        for (const pass of simulate(s).fromPasses) {
          const rules = pass.map((n) => n.ruleId);
          expect(new Set(rules).size).toBe(rules.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('produces what the timeline planned, when passes run at every due instant after the last event', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 60 * DAY }), (s, horizon) => {
        const policy = policies.get(s.product)!;
        // Replay the events only, then run a pass at each due instant.
        const events = s.steps.filter((x) => x.kind !== 'pass');
        const last = T0 + events.reduce((sum, x) => sum + x.gapMs, 0);
        const finalState = reconstruct(s.product, s.expiresInMs, events);
        const planned = planTimeline({ resource: finalState, account: anAccountState(), policy, from: new Date(last) }).filter(
          (n) => n.dueAt.getTime() > last && n.dueAt.getTime() <= last + horizon,
        );
        let since: Date | null = planDue({
          resource: finalState,
          account: anAccountState(),
          policy,
          since: new Date(0),
          now: new Date(last),
        }).nextDueAt;
        const produced: string[] = [];
        while (since && since.getTime() <= last + horizon) {
          const plan = planDue({ resource: finalState, account: anAccountState(), policy, since, now: since });
          produced.push(...plan.due.map((n) => n.dedupeKey));
          since = plan.nextDueAt;
        }
        expect(produced).toEqual(planned.map((n) => n.dedupeKey));
      }),
      { numRuns: 200 },
    );
  });
});

/** The resource after the purchase and the given events, folded by the same reducer ingestion uses. */
function reconstruct(product: string, expiresInMs: number, events: Step[]): VersionedResource {
  let state = emptyResource('res-1', 'acc-1');
  let version = 0;
  let now = T0;
  const apply = (type: ResourceEvent['type'], data: object) => {
    state = applyResourceEvent(state, {
      id: `e${++version}`,
      type,
      occurredAt: new Date(now).toISOString(),
      accountId: 'acc-1',
      resourceId: 'res-1',
      version,
      data,
    } as ResourceEvent).next;
  };
  apply('resource.purchased', { product, billingMode: 'prepaid', expiresAt: new Date(T0 + expiresInMs).toISOString(), autoRenew: false });
  for (const st of events) {
    now += st.gapMs;
    if (st.kind === 'renew') apply('resource.renewed', { expiresAt: new Date(state.expiresAt!.getTime() + st.byDays * DAY).toISOString() });
    else if (st.kind === 'move')
      apply('resource.expiry_changed', {
        expiresAt: new Date(Math.max(now + HOUR, state.expiresAt!.getTime() + st.byDays * DAY)).toISOString(),
      });
    else if (st.kind === 'autorenew') apply('resource.autorenew_changed', { autoRenew: st.on });
  }
  return state;
}
