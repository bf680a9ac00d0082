import { join } from 'node:path';
import { eventNotices } from './event-notices';
import { planDue, planTimeline } from './planner';
import { loadPolicies } from './policy-loader';
import { anAccountState, aLifecycleEvent, aResourceState } from './testing/builders';

const policies = loadPolicies(join(__dirname, '../../policies'));
const tpns = policies.get('tpns')!;
const iot = policies.get('iot-enterprise')!;
const iso = (s: string) => new Date(s).toISOString();
const expiresAt = new Date('2026-12-01T10:30:00+08:00');
const resource = aResourceState({ expiresAt });
const account = anAccountState();
const pass = (since: string, now: string, r = resource, policy = tpns) =>
  planDue({ resource: r, account, policy, since: new Date(since), now: new Date(now) });

describe('catch-up after downtime', () => {
  it('a pass at T+2 after downtime since T-5 yields only T+2’s expiry notice, no reminders', () => {
    const { due, nextDueAt } = pass('2026-11-26T10:00:00+08:00', '2026-12-03T11:00:00+08:00');
    expect(due.map((n) => [n.type, n.occurrence, n.dueAt.toISOString()])).toEqual([
      ['expiry_notice', '2026-12-03', iso('2026-12-03T10:00:00+08:00')],
    ]);
    expect(nextDueAt?.toISOString()).toBe(iso('2026-12-04T10:00:00+08:00'));
  });

  it('a pass at T+2 before 10:00 yields the latest valid notice, T+1’s', () => {
    const { due } = pass('2026-11-26T10:00:00+08:00', '2026-12-03T09:00:00+08:00');
    expect(due.map((n) => n.occurrence)).toEqual(['2026-12-02']);
  });

  it('a pass on T-1 after downtime yields one reminder, the latest', () => {
    const { due } = pass('2026-11-20T00:00:00+08:00', '2026-11-30T23:00:00+08:00');
    expect(due.map((n) => `${n.type}@${n.occurrence}`)).toEqual(['expiry_reminder@2026-11-30']);
  });

  it('drops reminders once their window is over at 00:00 of T', () => {
    const { due, nextDueAt } = pass('2026-11-30T10:00:00+08:00', '2026-12-01T00:00:00+08:00');
    expect(due).toEqual([]);
    expect(nextDueAt?.toISOString()).toBe(iso('2026-12-01T10:30:00+08:00'));
  });

  it('drops expiry notices at 00:00 of T+8 but still sends the stop (milestones stay valid)', () => {
    const { due } = pass('2026-12-08T10:00:00.001+08:00', '2026-12-09T00:00:00+08:00');
    expect(due.map((n) => n.type)).toEqual(['service_stopped']);
  });

  it('a pass long after everything sends the stop and the destroy once each, nothing recurring', () => {
    const { due, nextDueAt } = pass('2026-11-20T00:00:00+08:00', '2027-03-01T00:00:00+08:00');
    expect(due.map((n) => n.type)).toEqual(['service_stopped', 'resource_destroyed']);
    expect(nextDueAt).toBeNull();
  });

  it('sends nothing already covered: since after now plans only the next instant', () => {
    const { due, nextDueAt } = pass('2026-11-25T10:00:00+08:00', '2026-11-24T12:00:00+08:00');
    expect(due).toEqual([]);
    expect(nextDueAt?.toISOString()).toBe(iso('2026-11-25T10:00:00+08:00'));
  });
});

describe('conditions are those of the current state', () => {
  it('after renewal nothing of the old term is produced', () => {
    const renewed = { ...resource, expiresAt: new Date('2027-01-01T10:30:00+08:00') };
    const { due, nextDueAt } = pass('2026-11-28T10:00:00+08:00', '2026-12-10T00:00:00+08:00', renewed);
    expect(due).toEqual([]);
    expect(nextDueAt?.toISOString()).toBe(iso('2026-12-25T10:00:00+08:00'));
    const timeline = planTimeline({ resource: renewed, account, policy: tpns });
    expect(timeline.every((n) => n.term === renewed.expiresAt.toISOString())).toBe(true);
    expect(timeline.some((n) => n.dedupeKey.includes(expiresAt.toISOString()))).toBe(false);
  });

  it('a destroyed resource gets nothing but the destroy notice', () => {
    const destroyed = { ...resource, status: 'destroyed' as const, destroyedAt: new Date('2026-12-10T00:00:00+08:00') };
    const { due } = pass('2026-11-20T00:00:00+08:00', '2027-01-01T00:00:00+08:00', destroyed);
    expect(due.map((n) => n.type)).toEqual(['resource_destroyed']);
    expect(planTimeline({ resource: destroyed, account, policy: tpns }).map((n) => n.type)).toEqual(['resource_destroyed']);
  });

  it('a destroyed resource hears no auto-renew failure any more', () => {
    const destroyed = { ...resource, autoRenew: true, status: 'destroyed' as const };
    const n = eventNotices({
      event: aLifecycleEvent('resource.autorenew_failed', '2026-12-01T00:00:00+08:00'),
      before: destroyed,
      after: destroyed,
      account,
      policy: tpns,
      now: new Date('2026-12-01T00:00:00+08:00'),
    });
    expect(n).toEqual([]);
  });

  it('a stopped resource gets no further reminders', () => {
    const stopped = { ...resource, status: 'stopped' as const };
    const { due } = pass('2026-11-20T00:00:00+08:00', '2026-11-28T12:00:00+08:00', stopped);
    expect(due).toEqual([]);
    expect(planTimeline({ resource: stopped, account, policy: tpns }).map((n) => n.type)).not.toContain('expiry_reminder');
  });

  it('a reminder conditioned on manual renewal is not sent once auto-renew is on', () => {
    const r = aResourceState({ product: 'iot-enterprise', expiresAt, autoRenew: true });
    expect(pass('2026-11-20T00:00:00+08:00', '2026-11-30T12:00:00+08:00', r, iot).due).toEqual([]);
  });

  it('an upstream stop event and the planned stop share one key, so only one is sent', () => {
    const planned = planTimeline({ resource, account, policy: tpns }).find((n) => n.type === 'service_stopped')!;
    const stopped = { ...resource, status: 'stopped' as const, stoppedAt: new Date('2026-12-08T20:00:00+08:00') };
    const [fromEvent] = eventNotices({
      event: aLifecycleEvent('resource.stopped', '2026-12-08T20:00:00+08:00', { reason: 'expiry' }),
      before: resource,
      after: stopped,
      account,
      policy: tpns,
      now: new Date('2026-12-08T20:00:01+08:00'),
    });
    expect(fromEvent.dedupeKey).toBe(planned.dedupeKey);
    expect(fromEvent.data).toMatchObject({ reason: 'expiry', pushDisabled: true });
  });

  it('an upstream destroy event and the planned destroy share one key', () => {
    const planned = planTimeline({ resource, account, policy: tpns }).find((n) => n.type === 'resource_destroyed')!;
    const destroyed = { ...resource, status: 'destroyed' as const, destroyedAt: new Date('2026-12-15T00:00:00+08:00') };
    const [fromEvent] = eventNotices({
      event: aLifecycleEvent('resource.destroyed', '2026-12-15T00:00:00+08:00'),
      before: resource,
      after: destroyed,
      account,
      policy: tpns,
      now: new Date('2026-12-15T00:00:01+08:00'),
    });
    expect(fromEvent.dedupeKey).toBe(planned.dedupeKey);
  });

  it('a resource without a term plans nothing from expiry rules', () => {
    const postpaid = aResourceState({ billingMode: 'postpaid', expiresAt: null });
    expect(pass('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z', postpaid)).toEqual({ due: [], nextDueAt: null });
  });
});
