import { join } from 'node:path';
import { AccountState, ResourceState } from './lifecycle.types';
import { phaseAt, phaseInstants, phaseOf, SINCE_ALWAYS } from './phase';
import { loadPolicies } from './policy-loader';
import { anAccountState, aResourceState } from './testing/builders';

const policies = loadPolicies(join(__dirname, '../../policies'));
const iso = (s: string | null) => (s === null ? null : new Date(s).toISOString());

type Row = [at: string, phase: string, nextPhase: string | null, nextPhaseAt: string | null];

/** The phase at each instant of a row, with the next phase and its instant. */
function walk(product: string, r: Partial<ResourceState>, rows: Row[], a: Partial<AccountState> = {}) {
  const resource = aResourceState({ product, ...r });
  const account = anAccountState(a);
  const got = rows.map(([at]) => {
    const p = phaseAt(resource, account, policies.get(product), new Date(at));
    return [at, p.phase, p.nextPhase, p.nextPhaseAt?.toISOString() ?? null];
  });
  expect(got).toEqual(rows.map(([at, phase, next, nextAt]) => [at, phase, next, iso(nextAt)]));
}

describe('phase of a TPNS package (seed 001: reminders T-7..T-1, stop 00:00 of T+8, destroy T+15)', () => {
  const expiresAt = new Date('2026-12-01T10:30:00+08:00');

  it('runs, is expiring from the first reminder, expired at expiry, stopped at 00:00 of T+8 and released on T+15', () =>
    walk('tpns', { expiresAt }, [
      ['2026-11-24T09:59:59+08:00', 'running', 'expiring', '2026-11-24T10:00:00+08:00'],
      ['2026-11-24T10:00:00+08:00', 'expiring', 'expired', '2026-12-01T10:30:00+08:00'],
      ['2026-12-01T10:29:59+08:00', 'expiring', 'expired', '2026-12-01T10:30:00+08:00'],
      ['2026-12-01T10:30:00+08:00', 'expired', 'stopped', '2026-12-09T00:00:00+08:00'],
      ['2026-12-08T23:59:59+08:00', 'expired', 'stopped', '2026-12-09T00:00:00+08:00'],
      ['2026-12-09T00:00:00+08:00', 'stopped', 'released', '2026-12-16T00:00:00+08:00'],
      ['2026-12-16T00:00:00+08:00', 'released', null, null],
    ]));

  it('reminds auto-renewing packages too, so they are expiring in the window as well', () =>
    walk('tpns', { expiresAt, autoRenew: true }, [['2026-11-30T12:00:00+08:00', 'expiring', 'expired', '2026-12-01T10:30:00+08:00']]));

  it('is stopped once upstream reports the stop, whatever the calendar says, and released on T+15', () =>
    walk('tpns', { expiresAt, status: 'stopped', stoppedAt: new Date('2026-11-20T00:00:00+08:00') }, [
      ['2026-11-20T12:00:00+08:00', 'stopped', 'released', '2026-12-16T00:00:00+08:00'],
    ]));

  it('is released once upstream reports the destruction', () =>
    walk('tpns', { expiresAt, status: 'destroyed' }, [['2026-11-20T12:00:00+08:00', 'released', null, null]]));

  it('is stopped at 00:00 of bill day + 7 while the account is in arrears, before any expiry', () =>
    walk(
      'tpns',
      { expiresAt },
      [
        ['2026-11-16T23:59:59+08:00', 'running', 'stopped', '2026-11-17T00:00:00+08:00'],
        ['2026-11-17T00:00:00+08:00', 'stopped', 'released', '2026-12-16T00:00:00+08:00'],
      ],
      { balanceState: 'overdue', billDate: new Date('2026-11-10T09:00:00+08:00'), overdueSince: new Date('2026-11-10T09:00:00+08:00') },
    ));

  it('is running again after a renewal: the new term has its own instants', () =>
    walk('tpns', { expiresAt: new Date('2027-12-01T10:30:00+08:00') }, [
      ['2026-12-10T12:00:00+08:00', 'running', 'expiring', '2027-11-24T10:00:00+08:00'],
    ]));

  it('is running without a term (postpaid without expiresAt)', () =>
    walk('tpns', { billingMode: 'postpaid', expiresAt: null }, [['2026-12-10T12:00:00+08:00', 'running', null, null]]));
});

describe('phase of an IoT Enterprise instance (seed 002: stopped at expiry, released 15 days after)', () => {
  const expiresAt = new Date('2026-12-10T09:00:00+08:00');

  it('goes from expiring straight to stopped at expiry (the service stops when the instance expires)', () =>
    walk('iot-enterprise', { expiresAt }, [
      ['2026-12-03T09:59:59+08:00', 'running', 'expiring', '2026-12-03T10:00:00+08:00'],
      ['2026-12-03T10:00:00+08:00', 'expiring', 'stopped', '2026-12-10T09:00:00+08:00'],
      ['2026-12-10T09:00:00+08:00', 'stopped', 'released', '2026-12-25T09:00:00+08:00'],
      ['2026-12-25T09:00:00+08:00', 'released', null, null],
    ]));

  it('has no reminder window with auto-renewal on (the reminders are for manual renewal)', () =>
    walk('iot-enterprise', { expiresAt, autoRenew: true }, [
      ['2026-12-09T12:00:00+08:00', 'running', 'stopped', '2026-12-10T09:00:00+08:00'],
    ]));

  it('stops a legacy public instance 24 hours into arrears, and not an enterprise one', () => {
    const overdue = { balanceState: 'overdue' as const, overdueSince: new Date('2026-11-05T12:00:00+08:00'), billDate: null };
    walk(
      'iot-enterprise',
      { expiresAt, attributes: { edition: 'legacy_public' } },
      [['2026-11-06T12:00:00+08:00', 'stopped', 'released', '2026-12-25T09:00:00+08:00']],
      overdue,
    );
    walk(
      'iot-enterprise',
      { expiresAt, attributes: { edition: 'enterprise' } },
      [['2026-11-06T12:00:00+08:00', 'running', 'expiring', '2026-12-03T10:00:00+08:00']],
      overdue,
    );
  });
});

describe('phase of a Huawei subscription (seeds 003/004: Expired -> grace -> Frozen -> retention -> deleted)', () => {
  const expiresAt = new Date('2026-12-05T20:00:00+08:00');

  it('freezes a V0 Astro Canvas subscription after 7 grace days and deletes it after 15 retention days', () =>
    walk('astro-canvas', { expiresAt }, [
      ['2026-11-28T10:00:00+08:00', 'expiring', 'expired', '2026-12-05T20:00:00+08:00'],
      ['2026-12-05T20:00:00+08:00', 'expired', 'frozen', '2026-12-12T20:00:00+08:00'],
      ['2026-12-12T20:00:00+08:00', 'frozen', 'released', '2026-12-27T20:00:00+08:00'],
      ['2026-12-27T20:00:00+08:00', 'released', null, null],
    ]));

  it('gives a V3 account 30 grace days and 30 retention days', () =>
    walk(
      'astro-canvas',
      { expiresAt },
      [
        ['2026-12-20T12:00:00+08:00', 'expired', 'frozen', '2027-01-04T20:00:00+08:00'],
        ['2027-01-04T20:00:00+08:00', 'frozen', 'released', '2027-02-03T20:00:00+08:00'],
      ],
      { customerLevel: 'V3' },
    ));

  it('calls a stop upstream reported by the policy’s own word: frozen', () =>
    walk('astro-canvas', { expiresAt, status: 'stopped' }, [
      ['2026-12-06T12:00:00+08:00', 'frozen', 'released', '2026-12-27T20:00:00+08:00'],
    ]));

  it('freezes a V1 KooPhone instance after 15 grace days, deletes it after 15 more', () =>
    walk(
      'koophone',
      { expiresAt: new Date('2026-12-10T12:00:00+08:00') },
      [
        ['2026-12-03T10:00:00+08:00', 'expiring', 'expired', '2026-12-10T12:00:00+08:00'],
        ['2026-12-12T12:00:00+08:00', 'expired', 'frozen', '2026-12-25T12:00:00+08:00'],
        ['2026-12-25T12:00:00+08:00', 'frozen', 'released', '2027-01-09T12:00:00+08:00'],
      ],
      { customerLevel: 'V1' },
    ));

  it('leaves a pay-per-use-after-expiration KooPhone instance expired, with no freeze or deletion ahead', () =>
    walk('koophone', { expiresAt: new Date('2026-12-10T12:00:00+08:00'), attributes: { expiryAction: 'pay_per_use' } }, [
      ['2026-12-20T12:00:00+08:00', 'expired', null, null],
    ]));
});

describe('phase of a traffic pack (seed 000: renewal and postpaid billing "when it expires or resources are exhausted")', () => {
  const expiresAt = new Date('2026-12-20T00:00:00+08:00');

  it('is expiring from the T-7 reminder and expired at expiry, with no stop or release ahead', () =>
    walk('traffic-pack', { expiresAt, quota: 1000, usage: 200 }, [
      ['2026-12-13T10:00:00+08:00', 'expiring', 'expired', '2026-12-20T00:00:00+08:00'],
      ['2026-12-20T00:00:00+08:00', 'expired', null, null],
    ]));

  it('counts a pack used up as expired, before its expiry date', () =>
    walk('traffic-pack', { expiresAt, quota: 1000, usage: 1000 }, [['2026-12-01T12:00:00+08:00', 'expired', null, null]]));

  it('does not count a pack nearly used up (the usage thresholds only warn)', () =>
    walk('traffic-pack', { expiresAt, quota: 1000, usage: 950 }, [
      ['2026-12-01T12:00:00+08:00', 'running', 'expiring', '2026-12-13T10:00:00+08:00'],
    ]));
});

describe('phase instants', () => {
  it('mark phases upstream reported as reached since always, and keep each instant no later than the next', () => {
    const r = aResourceState({ product: 'tpns', expiresAt: new Date('2026-12-01T10:30:00+08:00'), status: 'destroyed' });
    expect(phaseInstants(r, anAccountState(), policies.get('tpns'))).toEqual({
      expiringAt: SINCE_ALWAYS,
      expiredAt: SINCE_ALWAYS,
      stopAt: SINCE_ALWAYS,
      releaseAt: SINCE_ALWAYS,
      stopPhase: 'stopped',
    });
  });

  it('without a policy, count only expiresAt and upstream’s status', () => {
    const r = aResourceState({ product: null, expiresAt: new Date('2026-12-01T00:00:00Z') });
    const instants = phaseInstants(r, anAccountState(), undefined);
    expect(instants).toEqual({
      expiringAt: new Date('2026-12-01T00:00:00Z'),
      expiredAt: new Date('2026-12-01T00:00:00Z'),
      stopAt: null,
      releaseAt: null,
      stopPhase: 'stopped',
    });
    expect(phaseOf(instants, new Date('2026-11-30T00:00:00Z'))).toEqual({
      phase: 'running',
      nextPhase: 'expired',
      nextPhaseAt: new Date('2026-12-01T00:00:00Z'),
    });
  });
});
