import type { Role } from '../lifecycle/message-types';
import { channelStandings, groupMembers, NoticeSubject, ReceiverMember, Receivers, receivesType } from './receives';

const member = (id: string, roles: Role[], scope: ReceiverMember['scope'] = null): ReceiverMember => ({ id, roles, scope });
const receivers = (over: Partial<Receivers>): Receivers => ({ roles: [], memberIds: [], groupIds: [], ...over });
const groups = groupMembers([
  { id: 'on-call', memberIds: ['rita', 'carol'] },
  { id: 'empty', memberIds: [] },
]);
const push1 = { id: 'push-1', product: 'tpns' };
const iot1 = { id: 'iot-1', product: 'iot-enterprise' };
const carol = member('carol', ['resource_collaborator'], { products: ['tpns'], resourceIds: ['iot-9'] });

describe('receivesType', () => {
  const cases: [string, ReceiverMember, Receivers, NoticeSubject, boolean][] = [
    ['a creator, by role', member('alice', ['creator']), receivers({ roles: ['creator'] }), push1, true],
    ['a finance collaborator, role left out', member('fiona', ['finance_collaborator']), receivers({ roles: ['creator'] }), push1, false],
    [
      'one of several roles held',
      member('fiona', ['finance_collaborator']),
      receivers({ roles: ['creator', 'finance_collaborator'] }),
      'account',
      true,
    ],
    ['a receiver named by member id', member('rita', ['receiver']), receivers({ memberIds: ['rita'] }), push1, true],
    ['a receiver, another member named', member('rita', ['receiver']), receivers({ memberIds: ['alice'] }), push1, false],
    [
      'a receiver only through a group',
      member('rita', ['receiver']),
      receivers({ roles: ['creator'], groupIds: ['on-call'] }),
      push1,
      true,
    ],
    ['a receiver only through a group, account-level', member('rita', ['receiver']), receivers({ groupIds: ['on-call'] }), 'account', true],
    ['a receiver only through a group, in general', member('rita', ['receiver']), receivers({ groupIds: ['on-call'] }), 'any', true],
    ['a receiver in no subscribed group', member('rita', ['receiver']), receivers({ groupIds: ['empty'] }), push1, false],
    ['a group the account no longer has', member('rita', ['receiver']), receivers({ groupIds: ['gone'] }), push1, false],
    ['a scoped collaborator, product in scope', carol, receivers({ roles: ['resource_collaborator'] }), push1, true],
    [
      'a scoped collaborator, resource id in scope',
      carol,
      receivers({ roles: ['resource_collaborator'] }),
      { id: 'iot-9', product: 'iot-enterprise' },
      true,
    ],
    ['a scoped collaborator, out of scope', carol, receivers({ roles: ['resource_collaborator'] }), iot1, false],
    [
      'a scoped collaborator, a resource without product',
      carol,
      receivers({ roles: ['resource_collaborator'] }),
      { id: 'x', product: null },
      false,
    ],
    ['a scoped collaborator, account-level notice', carol, receivers({ roles: ['resource_collaborator'] }), 'account', false],
    ['a scoped collaborator, the type in general', carol, receivers({ roles: ['resource_collaborator'] }), 'any', true],
    ['a scoped collaborator through a group, out of scope', carol, receivers({ groupIds: ['on-call'] }), iot1, false],
    ['a scoped collaborator through a group, in scope', carol, receivers({ groupIds: ['on-call'] }), push1, true],
    ['a scoped collaborator, role left out', carol, receivers({ roles: ['creator'] }), push1, false],
    [
      'a global collaborator, any resource',
      member('gus', ['resource_collaborator']),
      receivers({ roles: ['resource_collaborator'] }),
      iot1,
      true,
    ],
    [
      'a global collaborator, account-level',
      member('gus', ['resource_collaborator']),
      receivers({ roles: ['resource_collaborator'] }),
      'account',
      true,
    ],
    [
      'a scoped collaborator who is also a receiver, out of scope',
      member('sam', ['resource_collaborator', 'receiver'], { products: ['tpns'], resourceIds: [] }),
      receivers({ memberIds: ['sam'] }),
      iot1,
      true,
    ],
  ];

  it.each(cases)('%s → %s', (_name, who, subscribed, about, expected) => {
    expect(receivesType(who, subscribed, groups, about)).toBe(expected);
  });
});

describe('channelStandings', () => {
  it('keeps a mandatory channel subscribed and enabled although the account left it off and the member muted it', () => {
    expect(channelStandings('resource_destroyed', ['email'], ['inbox', 'email'])).toEqual({
      inbox: { mandatory: true, subscribed: true, enabled: true },
      email: { mandatory: false, subscribed: true, enabled: false },
      sms: { mandatory: false, subscribed: false, enabled: true },
      wechat: { mandatory: false, subscribed: false, enabled: true },
    });
  });
});
