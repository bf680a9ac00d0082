import { join } from 'node:path';
import { eventNotices } from './event-notices';
import { planTimeline } from './planner';
import { loadPolicies } from './policy-loader';
import { anAccountState, aLifecycleEvent, aResourceState } from './testing/builders';

// Seeds 003/004 (Huawei KooPhone, Astro Canvas): Expired -> grace -> Frozen -> retention -> deleted, by customer level.
const policies = loadPolicies(join(__dirname, '../../policies'));
const astro = policies.get('astro-canvas')!;
const koophone = policies.get('koophone')!;
const iso = (s: string) => new Date(s).toISOString();
const expiresAt = new Date('2026-12-01T10:30:00+08:00');
const resource = aResourceState({ id: 'ac-1', product: 'astro-canvas', expiresAt });

const milestones = (level: string, policy = astro, r = resource) =>
  planTimeline({ resource: r, account: anAccountState({ customerLevel: level }), policy })
    .filter((n) => n.type === 'service_stopped' || n.type === 'resource_destroyed')
    .map((n) => [n.type, n.dueAt.toISOString()]);

describe('Huawei lifecycle by customer level (seed 004)', () => {
  it('freezes a V0 account after 7 grace days and deletes it after 15 retention days', () => {
    expect(milestones('V0')).toEqual([
      ['service_stopped', iso('2026-12-08T10:30:00+08:00')],
      ['resource_destroyed', iso('2026-12-23T10:30:00+08:00')],
    ]);
  });

  it('freezes a V3 account after 30 grace days and deletes it after 30 retention days', () => {
    expect(milestones('V3')).toEqual([
      ['service_stopped', iso('2026-12-31T10:30:00+08:00')],
      ['resource_destroyed', iso('2027-01-30T10:30:00+08:00')],
    ]);
  });

  it('treats an unknown customer level as the default level', () => {
    expect(milestones('VIP-unknown')).toEqual(milestones('V0'));
  });

  it('warns daily in the last three days of retention, at the level-specific dates', () => {
    const warnings = (level: string) =>
      planTimeline({ resource, account: anAccountState({ customerLevel: level }), policy: astro })
        .filter((n) => n.type === 'destroy_warning')
        .map((n) => n.occurrence);
    expect(warnings('V0')).toEqual(['2026-12-20', '2026-12-21', '2026-12-22']);
    expect(warnings('V1')).toEqual(['2026-12-28', '2026-12-29', '2026-12-30']);
  });

  it('repeats the expiry notice every third grace day, the first at the expiry instant', () => {
    const notices = planTimeline({ resource, account: anAccountState({ customerLevel: 'V0' }), policy: astro }).filter(
      (n) => n.type === 'expiry_notice',
    );
    expect(notices.map((n) => n.dueAt.toISOString())).toEqual([
      iso('2026-12-01T10:30:00+08:00'),
      iso('2026-12-04T10:00:00+08:00'),
      iso('2026-12-07T10:00:00+08:00'),
    ]);
    expect(notices[0].data).toMatchObject({
      customerLevel: 'V0',
      graceDays: 7,
      retentionDays: 15,
      graceEndsAt: iso('2026-12-08T10:30:00+08:00'),
    });
  });

  it('marks the freeze as the frozen stage', () => {
    const stop = planTimeline({ resource, account: anAccountState(), policy: astro }).find((n) => n.type === 'service_stopped')!;
    expect(stop.data).toMatchObject({ stage: 'frozen', stopAt: iso('2026-12-08T10:30:00+08:00') });
  });
});

describe('Huawei auto-renew charges (seed 004)', () => {
  const autoRenewing = { ...resource, autoRenew: true };
  const fail = (attemptLocal: string, r = autoRenewing) =>
    eventNotices({
      event: aLifecycleEvent('resource.autorenew_failed', attemptLocal, { attemptAt: attemptLocal }),
      before: r,
      after: r,
      account: anAccountState(),
      policy: astro,
      now: new Date(attemptLocal),
    })[0];

  it('names the next day at 03:00 after a failed charge on T-7', () => {
    expect(fail('2026-11-24T03:00:00+08:00').data).toMatchObject({ nextAttemptAt: iso('2026-11-25T03:00:00+08:00') });
  });

  it('names T at 03:00 after a failure on T-1 when the resource expires later that day', () => {
    expect(fail('2026-11-30T03:00:00+08:00').data).toMatchObject({ nextAttemptAt: iso('2026-12-01T03:00:00+08:00') });
  });

  it('names no attempt after the last one before expiry', () => {
    expect(fail('2026-12-01T03:00:00+08:00').data).toMatchObject({ nextAttemptAt: null });
    const atMidnight = { ...autoRenewing, expiresAt: new Date('2026-12-01T00:00:00+08:00') };
    expect(fail('2026-11-30T03:00:00+08:00', atMidnight).data).toMatchObject({ nextAttemptAt: null });
  });

  it('starts the attempts on the configured deduction day (renewDeductionDays attribute)', () => {
    const threeDays = { ...autoRenewing, attributes: { renewDeductionDays: '3' } };
    // A failure before the configured first attempt names that first attempt, T-3.
    expect(fail('2026-11-24T03:00:00+08:00', threeDays).data).toMatchObject({ nextAttemptAt: iso('2026-11-28T03:00:00+08:00') });
  });

  it('confirms a successful auto-renewal keyed by the renewed term', () => {
    const renewed = { ...autoRenewing, expiresAt: new Date('2027-01-01T10:30:00+08:00') };
    const [n] = eventNotices({
      event: aLifecycleEvent('resource.renewed', '2026-11-24T03:00:00+08:00', { auto: true }),
      before: autoRenewing,
      after: renewed,
      account: anAccountState(),
      policy: astro,
      now: new Date('2026-11-24T03:00:01+08:00'),
    });
    expect(n.dedupeKey).toBe('ac-1|autorenew_succeeded|2026-12-01T02:30:00.000Z|once');
    expect(n.data).toMatchObject({ expiresAt: renewed.expiresAt.toISOString(), previousExpiresAt: expiresAt.toISOString() });
  });

  it('sends no success notice for a manual renewal', () => {
    const n = eventNotices({
      event: aLifecycleEvent('resource.renewed', '2026-11-24T03:00:00+08:00', { auto: false }),
      before: resource,
      after: { ...resource, expiresAt: new Date('2027-01-01T10:30:00+08:00') },
      account: anAccountState(),
      policy: astro,
      now: new Date('2026-11-24T03:00:01+08:00'),
    });
    expect(n).toEqual([]);
  });
});

describe('KooPhone (seed 003, lifecycle from 004)', () => {
  const phone = aResourceState({ id: 'kp-1', product: 'koophone', expiresAt });

  it('follows the same level-dependent freeze and deletion as Astro Canvas', () => {
    expect(milestones('V1', koophone, phone)).toEqual([
      ['service_stopped', iso('2026-12-16T10:30:00+08:00')],
      ['resource_destroyed', iso('2026-12-31T10:30:00+08:00')],
    ]);
  });

  it('announces pay-per-use after expiration instead of freezing and deleting', () => {
    const ppu = { ...phone, attributes: { expiryAction: 'pay_per_use' } };
    const timeline = planTimeline({ resource: ppu, account: anAccountState(), policy: koophone });
    expect(timeline.map((n) => [n.type, n.dueAt.toISOString(), n.ruleId])).toEqual([
      ['expiry_reminder', iso('2026-11-24T10:00:00+08:00'), 'expiry_reminder'],
      ['expiry_reminder', iso('2026-11-28T10:00:00+08:00'), 'expiry_reminder'],
      ['expiry_reminder', iso('2026-11-30T10:00:00+08:00'), 'expiry_reminder'],
      ['expiry_notice', iso('2026-12-01T10:30:00+08:00'), 'pay_per_use_notice'],
    ]);
    expect(timeline[3].data).toMatchObject({ payPerUse: true });
  });
});
