import { join } from 'node:path';
import { DateTime } from 'luxon';
import { planTimeline } from './planner';
import { loadPolicies, loadPolicy } from './policy-loader';
import { anAccountState, aResourceState } from './testing/builders';

const tpns = loadPolicies(join(__dirname, '../../policies')).get('tpns')!;
const iso = (s: string) => new Date(s).toISOString();
const account = anAccountState();

function calendar(expiresAt: string, policy = tpns) {
  return planTimeline({ resource: aResourceState({ expiresAt: new Date(expiresAt) }), account, policy });
}

function tpnsIn(timeZone: string) {
  return loadPolicy({ ...tpns.doc, product: `tpns-${timeZone.toLowerCase().replace(/[^a-z0-9]/g, '-')}`, timeZone });
}

describe('time-zone edges', () => {
  it('expiry at 23:59 local: T is that date, the T notice waits until 23:59', () => {
    const c = calendar('2026-12-01T23:59:00+08:00');
    expect(c.find((n) => n.type === 'expiry_reminder')!.dueAt.toISOString()).toBe(iso('2026-11-24T10:00:00+08:00'));
    expect(c.find((n) => n.type === 'expiry_notice')!.dueAt.toISOString()).toBe(iso('2026-12-01T23:59:00+08:00'));
    expect(c.find((n) => n.type === 'service_stopped')!.dueAt.toISOString()).toBe(iso('2026-12-09T00:00:00+08:00'));
  });

  it('expiry at 00:00 local: T is that date, the last reminder is the day before, the T notice at 10:00', () => {
    const c = calendar('2026-12-01T00:00:00+08:00');
    expect(c.filter((n) => n.type === 'expiry_reminder').pop()!.occurrence).toBe('2026-11-30');
    expect(c.find((n) => n.type === 'expiry_notice')!.dueAt.toISOString()).toBe(iso('2026-12-01T10:00:00+08:00'));
    expect(c.find((n) => n.type === 'resource_destroyed')!.dueAt.toISOString()).toBe(iso('2026-12-16T00:00:00+08:00'));
  });

  it('an expiry stored as 2026-11-30T18:00Z is 2026-12-01 in Shanghai, so T is 12-01', () => {
    const c = calendar('2026-11-30T18:00:00Z');
    expect(c[0].occurrence).toBe('2026-11-24');
    expect(c[0].term).toBe('2026-11-30T18:00:00.000Z');
    expect(c.find((n) => n.type === 'service_stopped')!.dueAt.toISOString()).toBe('2026-12-08T16:00:00.000Z');
  });

  it('the same instant under a UTC policy falls on 11-30, one day earlier', () => {
    const c = calendar('2026-11-30T18:00:00Z', tpnsIn('UTC'));
    expect(c[0].occurrence).toBe('2026-11-23');
    expect(c.find((n) => n.type === 'service_stopped')!.dueAt.toISOString()).toBe('2026-12-08T00:00:00.000Z');
  });

  it('America/New_York keeps reminders at 10:00 local across the DST switch on 2026-11-01', () => {
    const ny = tpnsIn('America/New_York');
    const reminders = calendar('2026-11-03T12:00:00-05:00', ny).filter((n) => n.type === 'expiry_reminder');
    const local = reminders.map((n) => DateTime.fromJSDate(n.dueAt, { zone: 'America/New_York' }).toFormat('yyyy-MM-dd HH:mm'));
    expect(local).toEqual([
      '2026-10-27 10:00',
      '2026-10-28 10:00',
      '2026-10-29 10:00',
      '2026-10-30 10:00',
      '2026-10-31 10:00',
      '2026-11-01 10:00',
      '2026-11-02 10:00',
    ]);
    const oct31 = reminders.find((n) => n.occurrence === '2026-10-31')!.dueAt.toISOString();
    const nov01 = reminders.find((n) => n.occurrence === '2026-11-01')!.dueAt.toISOString();
    expect(oct31).toBe('2026-10-31T14:00:00.000Z');
    expect(nov01).toBe('2026-11-01T15:00:00.000Z');
  });

  it('America/New_York stops at local midnight of T+8 after the switch (05:00Z, not 04:00Z)', () => {
    const c = calendar('2026-10-25T12:00:00-04:00', tpnsIn('America/New_York'));
    expect(c.find((n) => n.type === 'service_stopped')!.dueAt.toISOString()).toBe('2026-11-02T05:00:00.000Z');
  });

  it('`at: anchor` keeps the anchor wall-clock time across DST (15 days after 12:00 EDT is 12:00 EST)', () => {
    const ny = loadPolicy({
      product: 'ny-anchor',
      name: 'NY',
      version: 1,
      source: 'test',
      timeZone: 'America/New_York',
      rules: [{ type: 'resource_destroyed', day: 15, at: 'anchor' }],
    });
    const [n] = calendar('2026-10-25T12:00:00-04:00', ny);
    expect(n.dueAt.toISOString()).toBe('2026-11-09T17:00:00.000Z');
  });
});
