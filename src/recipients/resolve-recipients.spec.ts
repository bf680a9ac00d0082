import { groupMembers } from './receives';
import { resolveRecipients, RecipientMember, quietUntil, TypeSubscription } from './resolve-recipients';

const member = (id: string, over: Partial<RecipientMember> = {}): RecipientMember => ({
  id,
  name: id,
  roles: ['creator'],
  scope: null,
  contacts: {
    email: { value: `${id}@example.test`, verified: true },
    phone: { value: '+8613800138000', verified: true },
    wechat: { value: `openid-${id}`, verified: true },
  },
  locale: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  quietHours: null,
  mutedChannels: {},
  ...over,
});

const everyone: TypeSubscription = {
  channels: ['inbox', 'email', 'sms', 'wechat'],
  receivers: { roles: ['creator', 'resource_collaborator', 'finance_collaborator'], memberIds: [], groupIds: [] },
  digest: false,
};
const NOW = new Date('2026-11-24T02:00:00Z'); // 10:00 in Shanghai
const tpnsResource = { id: 'push-1', product: 'tpns' };
const pairs = (r: { recipients: { memberId: string; channel: string }[] }) => r.recipients.map((x) => `${x.memberId}:${x.channel}`);

describe('resolveRecipients', () => {
  it('includes a scoped collaborator only for resources in the scope', () => {
    const scoped = member('carol', { roles: ['resource_collaborator'], scope: { products: ['iot-enterprise'], resourceIds: ['push-9'] } });
    const global = member('gus', { roles: ['resource_collaborator'], scope: null });
    const input = { type: 'expiry_reminder' as const, subscription: everyone, members: [scoped, global], groups: new Map(), now: NOW };
    expect(pairs(resolveRecipients({ ...input, resource: tpnsResource }))).toEqual(['gus:inbox', 'gus:email', 'gus:sms', 'gus:wechat']);
    expect(pairs(resolveRecipients({ ...input, resource: { id: 'iot-1', product: 'iot-enterprise' } }))).toContain('carol:email');
    expect(pairs(resolveRecipients({ ...input, resource: { id: 'push-9', product: 'tpns' } }))).toContain('carol:inbox');
    expect(pairs(resolveRecipients({ ...input, resource: null }))).not.toContain('carol:inbox');
  });

  it('keeps mandatory channels a member muted, and drops the others they muted', () => {
    const muted = member('alice', { mutedChannels: { resource_destroyed: ['inbox', 'sms'], expiry_reminder: ['sms'] } });
    const destroyed = resolveRecipients({
      type: 'resource_destroyed',
      subscription: everyone,
      members: [muted],
      groups: new Map(),
      resource: tpnsResource,
      now: NOW,
    });
    expect(pairs(destroyed)).toEqual(['alice:inbox', 'alice:email', 'alice:wechat']);
    const reminder = resolveRecipients({
      type: 'expiry_reminder',
      subscription: everyone,
      members: [muted],
      groups: new Map(),
      resource: tpnsResource,
      now: NOW,
    });
    expect(pairs(reminder)).toEqual(['alice:inbox', 'alice:email', 'alice:wechat']);
  });

  it('keeps mandatory channels the subscription left off', () => {
    const inboxOff: TypeSubscription = { ...everyone, channels: ['email'] };
    const r = resolveRecipients({
      type: 'resource_destroyed',
      subscription: inboxOff,
      members: [member('alice')],
      groups: new Map(),
      resource: tpnsResource,
      now: NOW,
    });
    expect(pairs(r)).toEqual(['alice:inbox', 'alice:email']);
  });

  it('skips missing and unverified contacts with the reason', () => {
    const r = resolveRecipients({
      type: 'expiry_reminder',
      subscription: { ...everyone, receivers: { roles: [], memberIds: ['rita'], groupIds: [] } },
      members: [
        member('rita', { roles: ['receiver'], contacts: { email: null, phone: { value: '+15005550006', verified: false }, wechat: null } }),
      ],
      groups: new Map(),
      resource: tpnsResource,
      now: NOW,
    });
    expect(pairs(r)).toEqual(['rita:inbox']);
    expect(r.skipped).toEqual([
      { memberId: 'rita', channel: 'email', reason: 'no_email' },
      { memberId: 'rita', channel: 'sms', reason: 'phone_unverified' },
      { memberId: 'rita', channel: 'wechat', reason: 'wechat_unbound' },
    ]);
  });

  it('reaches members through groups and explicit ids, not roles the subscription left out', () => {
    const subscription: TypeSubscription = {
      channels: ['inbox'],
      receivers: { roles: ['finance_collaborator'], memberIds: ['m2'], groupIds: ['ops'] },
      digest: false,
    };
    const members = [
      member('m1', { roles: ['creator'] }),
      member('m2', { roles: ['receiver'] }),
      member('m3', { roles: ['receiver'] }),
      member('m4', { roles: ['finance_collaborator'] }),
    ];
    const r = resolveRecipients({
      type: 'low_balance',
      subscription,
      members,
      groups: groupMembers([{ id: 'ops', memberIds: ['m3'] }]),
      resource: null,
      now: NOW,
    });
    expect(pairs(r)).toEqual(['m2:inbox', 'm3:inbox', 'm4:inbox']);
  });

  it('defers SMS and WeChat, not in-site or email, to the end of quiet hours', () => {
    const night = member('nina', { quietHours: { start: '22:00', end: '08:00' } });
    const at2300 = new Date('2026-11-24T15:00:00Z'); // 23:00 Shanghai
    const r = resolveRecipients({
      type: 'expiry_reminder',
      subscription: everyone,
      members: [night],
      groups: new Map(),
      resource: tpnsResource,
      now: at2300,
    });
    const by = Object.fromEntries(r.recipients.map((x) => [x.channel, x.notBefore?.toISOString() ?? null]));
    expect(by).toEqual({ inbox: null, email: null, sms: '2026-11-25T00:00:00.000Z', wechat: '2026-11-25T00:00:00.000Z' });
  });
});

describe('quietUntil', () => {
  const window = { quietHours: { start: '22:00', end: '08:00' }, timeZone: 'America/New_York' };

  it('crosses midnight in the member zone', () => {
    // 23:30 and 03:00 New York (EST, UTC-5) both end at 08:00 New York on the following morning.
    expect(quietUntil(window, new Date('2026-12-02T04:30:00Z'))?.toISOString()).toBe('2026-12-02T13:00:00.000Z');
    expect(quietUntil(window, new Date('2026-12-02T08:00:00Z'))?.toISOString()).toBe('2026-12-02T13:00:00.000Z');
  });

  it('is null outside the window and at its end', () => {
    expect(quietUntil(window, new Date('2026-12-02T15:00:00Z'))).toBeNull(); // 10:00 New York
    expect(quietUntil(window, new Date('2026-12-02T13:00:00Z'))).toBeNull(); // 08:00 sharp
  });

  it('handles a window within one day', () => {
    const lunch = { quietHours: { start: '12:00', end: '13:30' }, timeZone: 'Asia/Shanghai' };
    expect(quietUntil(lunch, new Date('2026-12-02T04:15:00Z'))?.toISOString()).toBe('2026-12-02T05:30:00.000Z');
  });
});
