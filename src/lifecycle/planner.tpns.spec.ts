import { join } from 'node:path';
import { eventNotices } from './event-notices';
import { planDue, planTimeline } from './planner';
import { loadPolicies } from './policy-loader';
import { anAccountState, aLifecycleEvent, aResourceState } from './testing/builders';

// Seed 001 (Tencent Cloud TPNS): reminders T-7..T-1, notices T..T+7, stop 00:00 of T+8, destroy T+15, arrears stop.
const tpns = loadPolicies(join(__dirname, '../../policies')).get('tpns')!;
const iso = (s: string) => new Date(s).toISOString();
const resource = aResourceState({ id: 'res-1', expiresAt: new Date('2026-12-01T10:30:00+08:00') });
const account = anAccountState();

describe('TPNS calendar (seed 001)', () => {
  const timeline = planTimeline({ resource, account, policy: tpns });

  it('plans exactly the 17 notices of a resource expiring 2026-12-01 10:30 +08:00', () => {
    expect(timeline.map((n) => [n.type, n.dueAt.toISOString(), n.occurrence])).toEqual([
      ['expiry_reminder', iso('2026-11-24T10:00:00+08:00'), '2026-11-24'],
      ['expiry_reminder', iso('2026-11-25T10:00:00+08:00'), '2026-11-25'],
      ['expiry_reminder', iso('2026-11-26T10:00:00+08:00'), '2026-11-26'],
      ['expiry_reminder', iso('2026-11-27T10:00:00+08:00'), '2026-11-27'],
      ['expiry_reminder', iso('2026-11-28T10:00:00+08:00'), '2026-11-28'],
      ['expiry_reminder', iso('2026-11-29T10:00:00+08:00'), '2026-11-29'],
      ['expiry_reminder', iso('2026-11-30T10:00:00+08:00'), '2026-11-30'],
      // notBeforeAnchor: the T notice waits for the expiry itself (10:30), later ones go at 10:00.
      ['expiry_notice', iso('2026-12-01T10:30:00+08:00'), '2026-12-01'],
      ['expiry_notice', iso('2026-12-02T10:00:00+08:00'), '2026-12-02'],
      ['expiry_notice', iso('2026-12-03T10:00:00+08:00'), '2026-12-03'],
      ['expiry_notice', iso('2026-12-04T10:00:00+08:00'), '2026-12-04'],
      ['expiry_notice', iso('2026-12-05T10:00:00+08:00'), '2026-12-05'],
      ['expiry_notice', iso('2026-12-06T10:00:00+08:00'), '2026-12-06'],
      ['expiry_notice', iso('2026-12-07T10:00:00+08:00'), '2026-12-07'],
      ['expiry_notice', iso('2026-12-08T10:00:00+08:00'), '2026-12-08'],
      ['service_stopped', iso('2026-12-09T00:00:00+08:00'), 'once'],
      ['resource_destroyed', iso('2026-12-16T00:00:00+08:00'), 'once'],
    ]);
  });

  it('keys each notice by resource, type, term (the expiresAt) and local occurrence date', () => {
    expect(timeline[0].dedupeKey).toBe('res-1|expiry_reminder|2026-12-01T02:30:00.000Z|2026-11-24');
    expect(timeline[15].dedupeKey).toBe('res-1|service_stopped|2026-12-01T02:30:00.000Z|once');
    expect(new Set(timeline.map((n) => n.dedupeKey)).size).toBe(17);
  });

  it('tells templates the days left, the stop and destroy instants', () => {
    expect(timeline[0].data).toMatchObject({
      expiresAt: '2026-12-01T02:30:00.000Z',
      daysLeft: 7,
      stopAt: iso('2026-12-09T00:00:00+08:00'),
      destroyAt: iso('2026-12-16T00:00:00+08:00'),
    });
    expect(timeline[9].data).toMatchObject({ daysSince: 2 });
  });

  it('says in the stop notice that device registration still works but pushing does not', () => {
    expect(timeline[15].data).toMatchObject({ deviceRegistrationWorks: true, pushDisabled: true });
  });

  it.each([
    ['2026-11-23T23:59:59+08:00', [], '2026-11-24T10:00:00+08:00'],
    ['2026-11-24T10:00:00+08:00', ['expiry_reminder@2026-11-24'], '2026-11-25T10:00:00+08:00'],
    ['2026-12-01T10:15:00+08:00', [], '2026-12-01T10:30:00+08:00'],
    ['2026-12-08T23:59:00+08:00', [], '2026-12-09T00:00:00+08:00'],
    ['2026-12-09T00:00:00+08:00', ['service_stopped@once'], '2026-12-16T00:00:00+08:00'],
    ['2026-12-16T00:00:00+08:00', ['resource_destroyed@once'], null],
  ])('a pass at %s since the previous due instant yields %j and next due %s', (now, expected, next) => {
    const since = timeline.filter((n) => n.dueAt < new Date(now)).pop()?.dueAt ?? new Date(0);
    const nextAfterSince = new Date(since.getTime() + 1);
    const { due, nextDueAt } = planDue({ resource, account, policy: tpns, since: nextAfterSince, now: new Date(now) });
    expect(due.map((n) => `${n.type}@${n.occurrence}`)).toEqual(expected);
    expect(nextDueAt?.toISOString() ?? null).toBe(next && iso(next));
  });
});

describe('TPNS arrears (seed 001)', () => {
  const billDate = new Date('2026-07-10T09:00:00+08:00');
  const overdue = anAccountState({ balanceState: 'overdue', billDate, overdueSince: billDate });
  const longTerm = aResourceState({ expiresAt: new Date('2027-07-01T00:00:00+08:00') });

  it('stops service at 00:00 of bill day + 7 (arrears over 7 days, bill day counted as day 1)', () => {
    const before = planDue({
      resource: longTerm,
      account: overdue,
      policy: tpns,
      since: billDate,
      now: new Date('2026-07-16T23:59:59+08:00'),
    });
    expect(before.due).toEqual([]);
    expect(before.nextDueAt?.toISOString()).toBe(iso('2026-07-17T00:00:00+08:00'));
    const at = planDue({
      resource: longTerm,
      account: overdue,
      policy: tpns,
      since: before.nextDueAt!,
      now: new Date('2026-07-17T00:00:00+08:00'),
    });
    expect(at.due.map((n) => [n.type, n.dueAt.toISOString(), n.dedupeKey])).toEqual([
      ['service_stopped', iso('2026-07-17T00:00:00+08:00'), 'res-1|service_stopped|overdue:2026-07-10T01:00:00.000Z|once'],
    ]);
    expect(at.due[0].data).toMatchObject({ reason: 'overdue', billDate: billDate.toISOString(), pushDisabled: true });
  });

  it('plans no arrears stop once the account has paid', () => {
    const paid = anAccountState({ balanceState: 'ok', billDate: null, overdueSince: null });
    const timeline = planTimeline({ resource: longTerm, account: paid, policy: tpns, from: billDate });
    expect(timeline.filter((n) => n.term.startsWith('overdue:'))).toEqual([]);
  });

  it('shares one key between the planned arrears stop and an upstream resource.stopped event', () => {
    const planned = planTimeline({ resource: longTerm, account: overdue, policy: tpns, from: billDate }).find((n) =>
      n.term.startsWith('overdue:'),
    )!;
    const stopped = { ...longTerm, status: 'stopped' as const, stoppedAt: new Date('2026-07-16T20:00:00+08:00') };
    const [fromEvent] = eventNotices({
      event: aLifecycleEvent('resource.stopped', '2026-07-16T20:00:00+08:00'),
      before: longTerm,
      after: stopped,
      account: overdue,
      policy: tpns,
      now: new Date('2026-07-16T20:00:05+08:00'),
    });
    expect(fromEvent.dedupeKey).toBe(planned.dedupeKey);
  });

  it('announces the arrears once per bill date at the account level', () => {
    const notices = eventNotices({
      event: aLifecycleEvent('account.overdue', '2026-07-10T09:05:00+08:00', { billDate: billDate.toISOString() }),
      before: longTerm,
      after: longTerm,
      account: overdue,
      policy: tpns,
      now: new Date('2026-07-10T09:05:00+08:00'),
    });
    expect(notices.map((n) => n.dedupeKey)).toEqual(['account:acc-1|account_overdue|overdue:2026-07-10T01:00:00.000Z|once']);
    expect(notices[0].data).toMatchObject({ stopAt: iso('2026-07-17T00:00:00+08:00') });
  });

  it('restores service after payment for a resource stopped for arrears', () => {
    const stopped = { ...longTerm, status: 'stopped' as const, stoppedAt: new Date('2026-07-17T00:00:00+08:00') };
    const notices = eventNotices({
      event: aLifecycleEvent('account.paid', '2026-07-18T12:00:00+08:00'),
      before: stopped,
      after: { ...stopped, status: 'running', stoppedAt: null },
      account: anAccountState(),
      accountBefore: overdue,
      policy: tpns,
      now: new Date('2026-07-18T12:00:00+08:00'),
    });
    expect(notices.map((n) => n.dedupeKey)).toEqual(['res-1|service_restored|overdue:2026-07-10T01:00:00.000Z|once']);
  });
});

describe('TPNS auto-renew (seed 001)', () => {
  it('names no further attempt when the single attempt on T fails', () => {
    const [n] = eventNotices({
      event: aLifecycleEvent('resource.autorenew_failed', '2026-12-01T00:00:00+08:00'),
      before: { ...resource, autoRenew: true },
      after: { ...resource, autoRenew: true },
      account,
      policy: tpns,
      now: new Date('2026-12-01T00:00:01+08:00'),
    });
    expect(n.dedupeKey).toBe('res-1|autorenew_failed|2026-12-01T02:30:00.000Z|2026-12-01');
    expect(n.data).toMatchObject({ nextAttemptAt: null, postpaid: false });
  });
});
