import { join } from 'node:path';
import { accountSubject, dedupeKey, expiryTerm, overdueTerm } from './dedupe-key';
import { eventNotices } from './event-notices';
import { loadPolicies, loadPolicy } from './policy-loader';
import { anAccountState, aLifecycleEvent, aResourceState } from './testing/builders';

const policies = loadPolicies(join(__dirname, '../../policies'));
const iot = policies.get('iot-enterprise')!;
const at = '2026-11-20T12:00:00+08:00';
const resource = aResourceState({ id: 'r-1', product: 'iot-enterprise', expiresAt: new Date('2026-12-01T00:00:00+08:00') });

describe('dedupe keys', () => {
  it('are built as subject|type|term|occurrence by one function', () => {
    expect(dedupeKey('res-1', 'expiry_reminder', '2026-12-01T02:30:00.000Z', '2026-11-24')).toBe(
      'res-1|expiry_reminder|2026-12-01T02:30:00.000Z|2026-11-24',
    );
    expect(expiryTerm(new Date('2026-12-01T10:30:00+08:00'))).toBe('2026-12-01T02:30:00.000Z');
    expect(overdueTerm(new Date('2026-07-10T00:00:00Z'))).toBe('overdue:2026-07-10T00:00:00.000Z');
    expect(accountSubject('acc-9')).toBe('account:acc-9');
  });
});

describe('eventNotices', () => {
  it('produces nothing for an event the product has no rule for', () => {
    const n = eventNotices({
      event: aLifecycleEvent('resource.usage_reported', at),
      before: resource,
      after: { ...resource, quota: 100, usage: 95 },
      account: anAccountState(),
      policy: iot,
      now: new Date(at),
    });
    expect(n).toEqual([]);
  });

  it.each(['resource.purchased', 'resource.expiry_changed'] as const)('produces nothing for %s (the caller re-plans instead)', (type) => {
    expect(
      eventNotices({
        event: aLifecycleEvent(type, at),
        before: null,
        after: resource,
        account: anAccountState(),
        policy: iot,
        now: new Date(at),
      }),
    ).toEqual([]);
  });

  it('gives an account-level notice one key whichever resource of the account carries the event', () => {
    const overdue = anAccountState({
      balanceState: 'overdue',
      billDate: new Date('2026-11-20T00:00:00+08:00'),
      overdueSince: new Date(at),
    });
    const keys = ['r-1', 'r-2', 'r-3'].map(
      (id) =>
        eventNotices({
          event: aLifecycleEvent('account.overdue', at),
          before: { ...resource, id },
          after: { ...resource, id },
          account: overdue,
          policy: iot,
          now: new Date(at),
        })[0].dedupeKey,
    );
    expect(new Set(keys)).toEqual(new Set(['account:acc-1|account_overdue|overdue:2026-11-19T16:00:00.000Z|once']));
  });

  it('evaluates an event rule’s conditions against the state after the event', () => {
    const policy = loadPolicy({
      product: 'cond',
      name: 'C',
      version: 1,
      source: 'test',
      rules: [{ type: 'autorenew_failed', anchor: 'event', when: { billingMode: ['prepaid'] } }],
    });
    const run = (billingMode: 'prepaid' | 'postpaid') =>
      eventNotices({
        event: aLifecycleEvent('resource.autorenew_failed', at),
        before: resource,
        after: { ...resource, billingMode },
        account: anAccountState(),
        policy,
        now: new Date(at),
      });
    expect(run('prepaid')).toHaveLength(1);
    expect(run('postpaid')).toEqual([]);
  });

  it('is due at the instant of processing and carries the rule id', () => {
    const [n] = eventNotices({
      event: aLifecycleEvent('resource.destroyed', at),
      before: resource,
      after: { ...resource, status: 'destroyed' },
      account: anAccountState(),
      policy: iot,
      now: new Date('2026-11-20T12:00:03+08:00'),
    });
    expect(n.dueAt.toISOString()).toBe(new Date('2026-11-20T12:00:03+08:00').toISOString());
    expect(n.ruleId).toBe('resource_destroyed.2');
    expect(n.data).toMatchObject({ resourceId: 'r-1', destroyAt: new Date(at).toISOString() });
  });

  it('treats a stop reported while the account is overdue and the term is running as an arrears stop', () => {
    const overdue = anAccountState({
      balanceState: 'overdue',
      billDate: new Date('2026-11-18T00:00:00+08:00'),
      overdueSince: new Date('2026-11-18T00:00:00+08:00'),
    });
    const [n] = eventNotices({
      event: aLifecycleEvent('resource.stopped', at),
      before: resource,
      after: { ...resource, status: 'stopped' },
      account: overdue,
      policy: iot,
      now: new Date(at),
    });
    expect(n.term).toBe('overdue:2026-11-17T16:00:00.000Z');
    expect(n.data).toMatchObject({ reason: 'overdue' });
  });
});
