import { join } from 'node:path';
import { loadPolicies, planTimeline } from '../lifecycle';
import { anAccountState, aResourceState } from '../lifecycle/testing/builders';
import { previewCalendar } from './policies.service';

const policies = loadPolicies(join(__dirname, '../../policies'));
const EXPIRIES = ['2026-12-01T10:30:00+08:00', '2027-02-28T23:59:00Z', '2026-03-29T01:30:00+01:00'];
const CASES = policies
  .list()
  .flatMap((p) =>
    EXPIRIES.flatMap((e) => [true, false].flatMap((autoRenew) => ['V0', 'V3'].map((lv) => [p.product, e, autoRenew, lv] as const))),
  );

describe('policy preview calendar', () => {
  it.each(CASES)(
    "is the planner's calendar for a running prepaid resource (%s, expiring %s, autoRenew %s, level %s)",
    (product, expiresAt, autoRenew, customerLevel) => {
      const policy = policies.get(product)!;
      const planned = planTimeline({
        resource: aResourceState({ id: 'preview', product: policy.product, expiresAt: new Date(expiresAt), autoRenew }),
        account: anAccountState({ customerLevel }),
        policy,
      });
      expect(previewCalendar(policy, { expiresAt: new Date(expiresAt), autoRenew, customerLevel }).map((n) => [n.type, n.dueAt])).toEqual(
        planned.map((n) => [n.type, n.dueAt]),
      );
    },
  );

  it('gives each notice its local time in the policy zone', () => {
    const tpns = policies.get('tpns')!;
    const [first] = previewCalendar(tpns, { expiresAt: new Date('2026-12-01T10:30:00+08:00'), autoRenew: false, customerLevel: 'V0' });
    expect(first).toEqual({ type: 'expiry_reminder', dueAt: new Date('2026-11-24T02:00:00Z'), local: '2026-11-24T10:00:00.000+08:00' });
  });
});
