import { join } from 'node:path';
import { eventNotices } from './event-notices';
import { ResourceState } from './lifecycle.types';
import { PlannedNotice, planTimeline } from './planner';
import { loadPolicies } from './policy-loader';
import { anAccountState, aLifecycleEvent, aResourceState } from './testing/builders';

// Seed 000 (Tencent Cloud traffic packs): renew on expiry or exhaustion, notify near expiry / run-out, postpaid fallback.
const traffic = loadPolicies(join(__dirname, '../../policies')).get('traffic-pack')!;
const iso = (s: string) => new Date(s).toISOString();
const expiresAt = new Date('2026-12-01T00:00:00+08:00');
const pack = aResourceState({ id: 'tp-1', product: 'traffic-pack', expiresAt, quota: 1000, usage: 0 });
const account = anAccountState();

/** Feeds usage reports one by one, as the events service would, and collects the notices. */
function report(start: ResourceState, usages: number[]): PlannedNotice[] {
  const out: PlannedNotice[] = [];
  let before = start;
  usages.forEach((usage, i) => {
    const after = { ...before, usage };
    const at = new Date(Date.parse('2026-11-10T00:00:00+08:00') + i * 3_600_000);
    out.push(
      ...eventNotices({
        event: aLifecycleEvent('resource.usage_reported', at, { usage }),
        before,
        after,
        account,
        policy: traffic,
        now: at,
      }),
    );
    before = after;
  });
  return out;
}

describe('traffic pack usage thresholds (seed 000)', () => {
  it('notifies 80, 90 and 100 % each once per term as usage grows', () => {
    const notices = report(pack, [100, 500, 790, 800, 850, 900, 950, 999, 1000, 1000, 1200]);
    expect(notices.map((n) => n.occurrence)).toEqual(['usage-80', 'usage-90', 'usage-100']);
    expect(notices.map((n) => n.dedupeKey)).toEqual([
      'tp-1|usage_threshold|2026-11-30T16:00:00.000Z|usage-80',
      'tp-1|usage_threshold|2026-11-30T16:00:00.000Z|usage-90',
      'tp-1|usage_threshold|2026-11-30T16:00:00.000Z|usage-100',
    ]);
  });

  it('reports only the highest threshold a single jump crosses', () => {
    expect(report(pack, [950]).map((n) => n.occurrence)).toEqual(['usage-90']);
  });

  it('says postpaid billing applies on exhaustion without auto-renew', () => {
    const [n] = report({ ...pack, usage: 950 }, [1000]);
    expect(n.data).toMatchObject({ threshold: 100, exhausted: true, postpaid: true, autoRenewTriggered: false });
  });

  it('says auto-renew buys a new pack on exhaustion when it is on', () => {
    const [n] = report({ ...pack, usage: 950, autoRenew: true }, [1000]);
    expect(n.data).toMatchObject({ exhausted: true, postpaid: false, autoRenewTriggered: true });
  });

  it('gives a repeated report the same key, so a stale before-state cannot notify twice', () => {
    const once = report(pack, [850]);
    const again = report(pack, [850]);
    expect(again[0].dedupeKey).toBe(once[0].dedupeKey);
  });

  it('starts the thresholds afresh for a new term', () => {
    const renewed = { ...pack, expiresAt: new Date('2027-01-01T00:00:00+08:00'), usage: 0 };
    const oldTerm = { ...pack, usage: 1000 };
    const [n] = eventNotices({
      event: aLifecycleEvent('resource.usage_reported', '2026-12-05T00:00:00+08:00'),
      before: oldTerm,
      after: { ...renewed, usage: 820 },
      account,
      policy: traffic,
      now: new Date('2026-12-05T00:00:00+08:00'),
    });
    expect(n.dedupeKey).toBe('tp-1|usage_threshold|2026-12-31T16:00:00.000Z|usage-80');
  });

  it('ignores usage of a resource without a quota', () => {
    expect(report({ ...pack, quota: null }, [5000])).toEqual([]);
  });
});

describe('traffic pack renewal (seed 000)', () => {
  it('says traffic is now billed postpaid when auto-renew fails on insufficient balance', () => {
    const r = { ...pack, autoRenew: true };
    const [n] = eventNotices({
      event: aLifecycleEvent('resource.autorenew_failed', '2026-12-01T00:00:00+08:00', { reason: 'insufficient_balance' }),
      before: r,
      after: r,
      account,
      policy: traffic,
      now: new Date('2026-12-01T00:00:00+08:00'),
    });
    expect(n.data).toMatchObject({ postpaid: true, nextAttemptAt: null });
  });

  it('reminds before expiry and, without auto-renew, says postpaid billing applies at expiry', () => {
    const timeline = planTimeline({ resource: pack, account, policy: traffic });
    expect(timeline.map((n) => [n.type, n.dueAt.toISOString()])).toEqual([
      ['expiry_reminder', iso('2026-11-24T10:00:00+08:00')],
      ['expiry_reminder', iso('2026-11-28T10:00:00+08:00')],
      ['expiry_reminder', iso('2026-11-30T10:00:00+08:00')],
      ['expiry_notice', iso('2026-12-01T00:00:00+08:00')],
    ]);
    expect(timeline[3].data).toMatchObject({ postpaid: true });
  });

  it('sends no postpaid expiry notice when auto-renew is on', () => {
    const types = planTimeline({ resource: { ...pack, autoRenew: true }, account, policy: traffic }).map((n) => n.type);
    expect(types).toEqual(['expiry_reminder', 'expiry_reminder', 'expiry_reminder']);
  });

  it('notifies when auto-renew is cancelled, without a late-enable warning (the product has none)', () => {
    const r = { ...pack, autoRenew: true };
    const [n] = eventNotices({
      event: aLifecycleEvent('resource.autorenew_changed', '2026-11-30T12:00:00+08:00'),
      before: r,
      after: { ...r, autoRenew: false },
      account,
      policy: traffic,
      now: new Date('2026-11-30T12:00:00+08:00'),
    });
    expect(n.dedupeKey).toBe('tp-1|autorenew_changed|2026-11-30T16:00:00.000Z|disabled-2026-11-30');
    expect(n.data).toMatchObject({ autoRenew: false, warning: false });
  });
});
