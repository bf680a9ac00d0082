import fc from 'fast-check';
import { join } from 'node:path';
import { CompiledPolicy } from './compiled-policy';
import { AccountState, ResourceState } from './lifecycle.types';
import { MessageType } from './message-types';
import { Phase, phaseAt } from './phase';
import { planTimeline } from './planner';
import { loadPolicies, loadPolicy } from './policy-loader';
import { anAccountState, aResourceState } from './testing/builders';
import { DAY_MS, HOUR_MS } from './zone-time';

const shipped = loadPolicies(join(__dirname, '../../policies'));
const tpns = shipped.get('tpns')!;
const POLICIES: CompiledPolicy[] = [
  ...shipped.list(),
  ...['America/New_York', 'Australia/Adelaide', 'Pacific/Chatham'].map((timeZone, i) =>
    loadPolicy({ ...tpns.doc, product: `tpns-zone-${i}`, timeZone }),
  ),
];
const RANK: Record<Phase, number> = { running: 0, expiring: 1, expired: 2, stopped: 3, frozen: 3, released: 4 };
const STATUS_RANK: Record<ResourceState['status'], number> = { running: 0, expired: 2, stopped: 3, frozen: 3, destroyed: 4 };

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
    status: fc.constantFrom('running', 'running', 'running', 'expired', 'stopped', 'frozen', 'destroyed'),
    level: fc.constantFrom('V0', 'V1', 'V3', 'V5', 'unknown'),
    edition: fc.constantFrom('enterprise', 'legacy_public'),
    expiryAction: fc.constantFrom('freeze', 'pay_per_use'),
    overdue: fc.boolean(),
    billOffset: fc.integer({ min: -40 * DAY_MS, max: 20 * DAY_MS }),
    usedPercent: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
  })
  .map((s) => ({
    [fc.toStringMethod]: () => JSON.stringify({ ...s, policy: s.policy.product, expiresAt: new Date(s.expiresAt).toISOString() }),
    policy: s.policy,
    resource: aResourceState({
      product: s.policy.product,
      expiresAt: new Date(s.expiresAt),
      autoRenew: s.autoRenew,
      status: s.status as ResourceState['status'],
      attributes: { edition: s.edition, expiryAction: s.expiryAction },
      quota: s.usedPercent === undefined ? null : 1000,
      usage: s.usedPercent === undefined ? null : s.usedPercent * 10,
    }),
    account: anAccountState({
      customerLevel: s.level,
      balanceState: s.overdue ? 'overdue' : 'ok',
      billDate: s.overdue ? new Date(s.expiresAt + s.billOffset) : null,
      overdueSince: s.overdue ? new Date(s.expiresAt + s.billOffset + 3 * HOUR_MS) : null,
    }),
  }));

// Instants from 60 days before expiry to 90 days after: the whole of every shipped policy's term.
const offsets = fc.array(fc.integer({ min: -60 * DAY_MS, max: 90 * DAY_MS }), { minLength: 2, maxLength: 40 });
const instantsOf = (s: Scenario, offs: number[]) => offs.map((o) => s.resource.expiresAt!.getTime() + o).sort((a, b) => a - b);

/**
 * The phase's rank as the timeline tells it, independently of the phase code: released from the destroy notice,
 * stopped from the first stop notice (expiry or arrears), expired from expiresAt (or a used-up pack where the policy
 * bills exhaustion like expiry), expiring from the first reminder; never below what upstream reported.
 */
function rankFromTimeline(s: Scenario) {
  const timeline = planTimeline(s);
  const first = (...types: MessageType[]) =>
    Math.min(...timeline.filter((n) => types.includes(n.type)).map((n) => n.dueAt.getTime()), Infinity);
  const destroyAt = first('resource_destroyed');
  const stopAt = first('service_stopped', 'resource_destroyed');
  const r = s.resource;
  const usedUp = s.policy.postpaidOnExhaustion && r.quota !== null && r.usage !== null && r.usage >= r.quota;
  const expiredAt = Math.min(usedUp ? -Infinity : r.expiresAt!.getTime(), stopAt);
  const expiringAt = Math.min(first('expiry_reminder'), expiredAt);
  return (t: number) => Math.max(STATUS_RANK[r.status], [expiringAt, expiredAt, stopAt, destroyAt].filter((at) => at <= t).length);
}

describe('phase properties', () => {
  it('is monotonic in time within one term: running ≤ expiring ≤ expired ≤ stopped/frozen ≤ released', () => {
    fc.assert(
      fc.property(scenario, offsets, (s, offs) => {
        const ranks = instantsOf(s, offs).map((t) => RANK[phaseAt(s.resource, s.account, s.policy, new Date(t)).phase]);
        for (let i = 1; i < ranks.length; i++) expect(ranks[i]).toBeGreaterThanOrEqual(ranks[i - 1]);
      }),
      { numRuns: 500 },
    );
  });

  it("agrees with the timeline's notices: never released before the destroy notice, never stopped before the stop notice", () => {
    fc.assert(
      fc.property(scenario, offsets, (s, offs) => {
        const expected = rankFromTimeline(s);
        for (const t of instantsOf(s, offs)) {
          const { phase } = phaseAt(s.resource, s.account, s.policy, new Date(t));
          expect({ at: new Date(t).toISOString(), rank: RANK[phase] }).toEqual({ at: new Date(t).toISOString(), rank: expected(t) });
        }
      }),
      { numRuns: 400 },
    );
  });

  it('stays in its phase until nextPhaseAt and then enters nextPhase', () => {
    fc.assert(
      fc.property(scenario, offsets, (s, offs) => {
        for (const t of instantsOf(s, offs)) {
          const now = phaseAt(s.resource, s.account, s.policy, new Date(t));
          if (now.nextPhaseAt === null) {
            expect(now.nextPhase).toBeNull();
            expect(phaseAt(s.resource, s.account, s.policy, new Date(t + 365 * DAY_MS)).phase).toBe(now.phase);
            continue;
          }
          const at = now.nextPhaseAt.getTime();
          expect(at).toBeGreaterThan(t);
          expect(phaseAt(s.resource, s.account, s.policy, new Date(at - 1)).phase).toBe(now.phase);
          const then = phaseAt(s.resource, s.account, s.policy, now.nextPhaseAt);
          expect(then.phase).toBe(now.nextPhase);
          expect(RANK[then.phase]).toBeGreaterThan(RANK[now.phase]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("names the stop by the policy's word: frozen where the stop milestone says so (Huawei), stopped elsewhere", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const word = phaseAt(s.resource, s.account, s.policy, new Date(s.resource.expiresAt!.getTime() + 365 * DAY_MS)).phase;
        const frozen = ['astro-canvas', 'koophone'].includes(s.policy.product);
        if (RANK[word] === 3) expect(word).toBe(frozen ? 'frozen' : 'stopped');
      }),
      { numRuns: 300 },
    );
  });
});
