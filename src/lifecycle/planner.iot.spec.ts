import { join } from 'node:path';
import { eventNotices, EventNoticesInput } from './event-notices';
import { planDue, planTimeline } from './planner';
import { loadPolicies } from './policy-loader';
import { anAccountState, aLifecycleEvent, aResourceState } from './testing/builders';

// Seed 002 (Alibaba Cloud IoT Platform): stop at expiry, release T+15, auto-renew T-3/T-1/T/T+6/T+14, legacy 24 h overdue stop.
const iot = loadPolicies(join(__dirname, '../../policies')).get('iot-enterprise')!;
const iso = (s: string) => new Date(s).toISOString();
const expiresAt = new Date('2026-12-01T00:00:00+08:00');
const resource = aResourceState({ id: 'iot-1', product: 'iot-enterprise', expiresAt });
const account = anAccountState();

function failure(attemptLocal: string, over: Partial<EventNoticesInput> = {}) {
  const r = { ...resource, autoRenew: true };
  return eventNotices({
    event: aLifecycleEvent('resource.autorenew_failed', attemptLocal, { attemptAt: attemptLocal }),
    before: r,
    after: r,
    account,
    policy: iot,
    now: new Date(attemptLocal),
    ...over,
  });
}

describe('IoT Enterprise lifecycle (seed 002)', () => {
  it('stops at expiry, warns before release and releases on T+15', () => {
    const timeline = planTimeline({ resource, account, policy: iot });
    expect(timeline.map((n) => [n.type, n.dueAt.toISOString()])).toEqual([
      ['expiry_reminder', iso('2026-11-24T10:00:00+08:00')],
      ['expiry_reminder', iso('2026-11-28T10:00:00+08:00')],
      ['expiry_reminder', iso('2026-11-30T10:00:00+08:00')],
      ['service_stopped', iso('2026-12-01T00:00:00+08:00')],
      ['destroy_warning', iso('2026-12-08T10:00:00+08:00')],
      ['destroy_warning', iso('2026-12-15T10:00:00+08:00')],
      ['resource_destroyed', iso('2026-12-16T00:00:00+08:00')],
    ]);
  });

  it('sends no manual-renewal reminders to an instance with auto-renew on', () => {
    const types = planTimeline({ resource: { ...resource, autoRenew: true }, account, policy: iot }).map((n) => n.type);
    expect(types).not.toContain('expiry_reminder');
    expect(types).toContain('service_stopped');
  });
});

describe('IoT auto-renew failures (seed 002)', () => {
  it.each([
    ['2026-11-28T01:00:00+08:00', 'T-3', '2026-11-30T01:00:00+08:00'],
    ['2026-11-30T01:00:00+08:00', 'T-1', '2026-12-01T01:00:00+08:00'],
    ['2026-12-01T01:00:00+08:00', 'T', '2026-12-07T01:00:00+08:00'],
    ['2026-12-07T01:00:00+08:00', 'T+6', '2026-12-15T01:00:00+08:00'],
  ])('a failure at %s (%s) names the next attempt %s', (attempt, _label, next) => {
    const [n] = failure(attempt);
    expect(n.type).toBe('autorenew_failed');
    expect(n.data).toMatchObject({ attemptAt: iso(attempt), nextAttemptAt: iso(next), postpaid: false });
  });

  it('a failure on T+14 names no further attempt', () => {
    expect(failure('2026-12-15T01:00:00+08:00')[0].data).toMatchObject({ nextAttemptAt: null });
  });

  it('keys each failure by its local attempt date so a retry on another day is a new notice', () => {
    expect(failure('2026-11-28T01:00:00+08:00')[0].dedupeKey).toBe('iot-1|autorenew_failed|2026-11-30T16:00:00.000Z|2026-11-28');
    expect(failure('2026-11-28T01:00:00+08:00')[0].dedupeKey).not.toBe(failure('2026-11-30T01:00:00+08:00')[0].dedupeKey);
  });

  it('uses the event time when the failure carries no attemptAt', () => {
    const r = { ...resource, autoRenew: true };
    const [n] = eventNotices({
      event: aLifecycleEvent('resource.autorenew_failed', '2026-11-28T01:02:00+08:00'),
      before: r,
      after: r,
      account,
      policy: iot,
      now: new Date('2026-11-28T01:03:00+08:00'),
    });
    expect(n.data).toMatchObject({ nextAttemptAt: iso('2026-11-30T01:00:00+08:00') });
  });
});

describe('IoT enabling auto-renew late (seed 002)', () => {
  const enable = (atLocal: string) =>
    eventNotices({
      event: aLifecycleEvent('resource.autorenew_changed', atLocal, { autoRenew: true }),
      before: resource,
      after: { ...resource, autoRenew: true },
      account,
      policy: iot,
      now: new Date(atLocal),
    });

  it('warns to renew manually when auto-renew is enabled on T-1 (takes effect the next day)', () => {
    const [n] = enable('2026-11-30T15:00:00+08:00');
    expect(n.data).toMatchObject({ warning: true, daysLeft: 1, takesEffectOn: '2026-12-01' });
  });

  it('does not warn when auto-renew is enabled two days ahead', () => {
    expect(enable('2026-11-29T23:59:00+08:00')[0].data).toMatchObject({ warning: false, daysLeft: 2 });
  });

  it('says nothing when the flag did not change', () => {
    const r = { ...resource, autoRenew: true };
    const notices = eventNotices({
      event: aLifecycleEvent('resource.autorenew_changed', '2026-11-30T15:00:00+08:00'),
      before: r,
      after: r,
      account,
      policy: iot,
      now: new Date('2026-11-30T15:00:00+08:00'),
    });
    expect(notices).toEqual([]);
  });
});

describe('IoT overdue (seed 002)', () => {
  const overdueSince = new Date('2026-05-10T14:20:00+08:00');
  const overdue = anAccountState({ balanceState: 'overdue', overdueSince, billDate: new Date('2026-05-10T00:00:00+08:00') });
  const legacy = aResourceState({
    id: 'pub-1',
    product: 'iot-enterprise',
    billingMode: 'postpaid',
    attributes: { edition: 'legacy_public' },
  });

  it('stops a legacy public instance 24 h after the overdue payment', () => {
    const timeline = planTimeline({ resource: legacy, account: overdue, policy: iot, from: overdueSince });
    expect(timeline.map((n) => [n.type, n.dueAt.toISOString(), n.dedupeKey])).toEqual([
      ['service_stopped', iso('2026-05-11T14:20:00+08:00'), 'pub-1|service_stopped|overdue:2026-05-09T16:00:00.000Z|once'],
    ]);
  });

  it('does not stop other editions for arrears', () => {
    const enterprise = { ...legacy, attributes: { edition: 'enterprise' } };
    expect(planTimeline({ resource: enterprise, account: overdue, policy: iot, from: overdueSince })).toEqual([]);
  });

  it('is not due one minute before the 24 h are over', () => {
    const r = planDue({ resource: legacy, account: overdue, policy: iot, since: overdueSince, now: new Date('2026-05-11T14:19:00+08:00') });
    expect(r.due).toEqual([]);
    expect(r.nextDueAt?.toISOString()).toBe(iso('2026-05-11T14:20:00+08:00'));
  });

  it('alerts low balance at most once per account and local day', () => {
    const alert = (at: string) =>
      eventNotices({
        event: aLifecycleEvent('account.balance_low', at, { balance: 12.5 }),
        before: legacy,
        after: legacy,
        account,
        policy: iot,
        now: new Date(at),
      });
    const [morning] = alert('2026-05-09T08:00:00+08:00');
    const [evening] = alert('2026-05-09T23:00:00+08:00');
    const [next] = alert('2026-05-10T00:30:00+08:00');
    expect(morning.dedupeKey).toBe('account:acc-1|low_balance|balance|2026-05-09');
    expect(evening.dedupeKey).toBe(morning.dedupeKey);
    expect(next.dedupeKey).toBe('account:acc-1|low_balance|balance|2026-05-10');
    expect(morning.data).toMatchObject({ balance: 12.5, accountId: 'acc-1' });
  });

  it('tells the account service is restored after paying, within 30 minutes', () => {
    const [n] = eventNotices({
      event: aLifecycleEvent('account.paid', '2026-05-10T18:00:00+08:00'),
      before: legacy,
      after: legacy,
      account,
      accountBefore: overdue,
      policy: iot,
      now: new Date('2026-05-10T18:00:00+08:00'),
    });
    expect(n.dedupeKey).toBe('account:acc-1|service_restored|overdue:2026-05-09T16:00:00.000Z|once');
    expect(n.data).toMatchObject({ restoreWithinMinutes: 30 });
  });

  it('tells nothing on payment when the account was not overdue', () => {
    const n = eventNotices({
      event: aLifecycleEvent('account.paid', '2026-05-10T18:00:00+08:00'),
      before: legacy,
      after: legacy,
      account,
      accountBefore: account,
      policy: iot,
      now: new Date('2026-05-10T18:00:00+08:00'),
    });
    expect(n).toEqual([]);
  });
});
