import path from 'node:path';
import {
  AccountState,
  eventNotices,
  LifecycleEvent,
  loadPolicies,
  MESSAGE_TYPES,
  MessageType,
  PlannedNotice,
  planTimeline,
  ResourceState,
} from '../lifecycle';
import { aLifecycleEvent, anAccountState, aResourceState } from '../lifecycle/testing/builders';
import { NOTICE_SAMPLES } from './sample-data';

const policies = loadPolicies(path.resolve(__dirname, '../../policies')).list();
const expiresAt = new Date('2026-12-01T10:30:00+08:00');
const billDate = new Date('2026-11-20T00:00:00+08:00');
const overdue = anAccountState({ balanceState: 'overdue', billDate, overdueSince: billDate });

/** What the lifecycle code puts in `data`, for every policy and a spread of states: planned timelines and event notices. */
function producedNotices(): PlannedNotice[] {
  const out: PlannedNotice[] = [];
  for (const policy of policies) {
    const base = aResourceState({ product: policy.product, expiresAt, quota: 100, usage: 50 });
    const variants: [ResourceState, AccountState][] = [
      [base, anAccountState()],
      [{ ...base, autoRenew: true }, anAccountState({ customerLevel: 'V3' })],
      [{ ...base, attributes: { expiryAction: 'pay_per_use', edition: 'legacy_public' } }, overdue],
    ];
    for (const [resource, account] of variants) {
      out.push(...planTimeline({ resource, account, policy, from: new Date('2026-01-01T00:00:00Z') }));
      for (const [event, before, after, acc, accountBefore] of events(resource, account)) {
        out.push(...eventNotices({ event, before, after, account: acc, accountBefore, policy, now: event.occurredAt }));
      }
    }
  }
  return out;
}

type EventCase = [LifecycleEvent, ResourceState | null, ResourceState, AccountState, AccountState | null];

function events(r: ResourceState, a: AccountState): EventCase[] {
  const at = '2026-11-28T01:00:00+08:00';
  const stopped = { ...r, status: 'stopped' as const, stoppedAt: new Date('2026-11-21T00:00:00+08:00') };
  return [
    [aLifecycleEvent('resource.autorenew_failed', at, { attemptAt: at }), r, { ...r, autoRenew: true }, a, null],
    [aLifecycleEvent('resource.renewed', at, { auto: true }), r, { ...r, expiresAt: new Date('2027-12-01T10:30:00+08:00') }, a, null],
    [aLifecycleEvent('resource.autorenew_changed', at), { ...r, autoRenew: false }, { ...r, autoRenew: true }, a, null],
    [aLifecycleEvent('resource.autorenew_changed', at), { ...r, autoRenew: true }, { ...r, autoRenew: false }, a, null],
    [aLifecycleEvent('resource.usage_reported', at), r, { ...r, usage: 85 }, a, null],
    [aLifecycleEvent('resource.usage_reported', at), r, { ...r, usage: 100, autoRenew: false }, a, null],
    [aLifecycleEvent('resource.stopped', at, { reason: 'expiry' }), r, { ...r, status: 'stopped' }, a, null],
    [aLifecycleEvent('resource.stopped', at, { reason: 'overdue' }), r, { ...r, status: 'stopped' }, overdue, null],
    [aLifecycleEvent('resource.destroyed', at), r, { ...r, status: 'destroyed' }, a, null],
    [aLifecycleEvent('account.overdue', at, { billDate: billDate.toISOString() }), r, r, overdue, a],
    [aLifecycleEvent('account.balance_low', at, { balance: 12.5, threshold: 100 }), r, r, a, null],
    [aLifecycleEvent('account.balance_low', at), r, r, a, null],
    [aLifecycleEvent('account.paid', at), stopped, { ...stopped, status: 'running' }, anAccountState(), overdue],
    [aLifecycleEvent('account.paid', at), r, r, anAccountState(), overdue],
  ];
}

describe('sample data: the contract between lifecycle data and templates', () => {
  const produced = producedNotices();

  it.each(MESSAGE_TYPES)('gives every sample %s notice the same keys, optional ones among them', (type) => {
    const { notices, optional } = NOTICE_SAMPLES[type];
    const keys = Object.keys(notices[0].data).sort();
    for (const n of notices) expect(Object.keys(n.data).sort()).toEqual(keys);
    expect(keys).toEqual(expect.arrayContaining([...optional]));
  });

  it('is exercised: the lifecycle code produces every type but the one no policy schedules', () => {
    const types = new Set(produced.map((n) => n.type));
    expect(MESSAGE_TYPES.filter((t) => !types.has(t))).toEqual(['autorenew_scheduled']);
  });

  it.each(MESSAGE_TYPES.filter((t) => t !== 'autorenew_scheduled'))(
    'covers every key the lifecycle code puts in %s data, and the code always provides the keys templates use unguarded',
    (type: MessageType) => {
      const contract = NOTICE_SAMPLES[type];
      const known = Object.keys(contract.notices[0].data);
      const required = known.filter((k) => !contract.optional.includes(k));
      for (const n of produced.filter((p) => p.type === type)) {
        const keys = Object.keys(n.data);
        expect({ rule: n.ruleId, unknown: keys.filter((k) => !known.includes(k)) }).toEqual({ rule: n.ruleId, unknown: [] });
        expect({ rule: n.ruleId, missing: required.filter((k) => n.data[k] === undefined || n.data[k] === null) }).toEqual({
          rule: n.ruleId,
          missing: [],
        });
      }
    },
  );
});
