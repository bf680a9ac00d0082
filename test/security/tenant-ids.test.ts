import { MongoClient } from 'mongodb';
import { MemberRepository } from '../../src/accounts/member.repository';
import { dropDatabase, startTestApp, TestApp, testDatabaseUri } from '../support/app';

describe('member and group ids scoped per account', () => {
  let t: TestApp;
  const svc = () => t.serviceKey;
  const creator = (acc: string) => t.memberAuth(acc, 'alice', ['creator']);
  const putAccount = (acc: string, body: object) => t.http().put(`/v1/accounts/${acc}`).set(svc()).send(body);
  const addMember = (acc: string, body: object) => t.http().post(`/v1/accounts/${acc}/members`).set(creator(acc)).send(body);
  const inbox = async (acc: string, member: string) =>
    (
      await t
        .http()
        .get('/v1/inbox')
        .set(t.memberAuth(acc, member, ['receiver']))
        .expect(200)
    ).body;
  let seq = 0;
  const post = (body: object) =>
    t
      .http()
      .post('/v1/events')
      .set(svc())
      .send({ id: `evt-${++seq}`, occurredAt: new Date().toISOString(), ...body })
      .expect(200);
  // Account-level notices go out once an account has a resource.
  const overdue = async (acc: string) => {
    const expiresAt = new Date(Date.now() + 300 * 86_400_000).toISOString();
    await post({ type: 'resource.purchased', accountId: acc, resourceId: `res-${acc}`, data: { product: 'tpns', expiresAt } });
    await post({ type: 'account.overdue', accountId: acc, data: {} });
  };
  const runAll = async () => {
    await t.http().post('/v1/scheduler/run').set(svc()).expect(200);
    await t.http().post('/v1/deliveries/run').set(svc()).expect(200);
  };

  beforeAll(async () => {
    t = await startTestApp('tenant-ids', { env: { SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false' } });
  });
  afterAll(() => t.close());

  it('lets two accounts each have a member alice', async () => {
    for (const acc of ['acc-x', 'acc-y']) {
      const res = await putAccount(acc, { name: `Account ${acc}`, creator: { id: 'alice', name: `Alice of ${acc}` } }).expect(200);
      expect(res.body).toMatchObject({ created: true, creator: { id: 'alice', accountId: acc }, account: { creatorId: 'alice' } });
      await addMember(acc, { id: 'rita', name: `Rita of ${acc}`, roles: ['receiver'] }).expect(201);
      const group = await t
        .http()
        .post(`/v1/accounts/${acc}/groups`)
        .set(creator(acc))
        .send({ id: 'oncall', name: 'On-call', memberIds: ['rita'] });
      expect(group.status).toBe(201);
      expect(group.body).toMatchObject({ id: 'oncall', accountId: acc, memberIds: ['rita'] });
    }
    // Reads and updates reach the account's own member only.
    await t.http().patch('/v1/accounts/acc-x/members/rita').set(creator('acc-x')).send({ name: 'Rita renamed' }).expect(200);
    const ritaY = await t.http().get('/v1/accounts/acc-y/members/rita').set(creator('acc-y')).expect(200);
    expect(ritaY.body).toMatchObject({ id: 'rita', accountId: 'acc-y', name: 'Rita of acc-y' });
    const aliceY = await t.http().get('/v1/accounts/acc-y/members/alice').set(creator('acc-y')).expect(200);
    expect(aliceY.body.name).toBe('Alice of acc-y');
    await t.http().patch('/v1/accounts/acc-y/groups/oncall').set(creator('acc-y')).send({ name: 'Night shift' }).expect(200);
    const groupX = await t.http().get('/v1/accounts/acc-x/groups').set(creator('acc-x')).expect(200);
    expect(groupX.body.items).toEqual([expect.objectContaining({ id: 'oncall', name: 'On-call', memberIds: ['rita'] })]);

    // Subscriptions name the account's own member and group; recipient resolution, deliveries and inbox follow.
    const onlyInbox = (receivers: object) => ({
      types: { account_overdue: { channels: ['inbox'], receivers: { roles: [], ...receivers }, digest: false } },
    });
    await t
      .http()
      .put('/v1/accounts/acc-x/subscriptions')
      .set(creator('acc-x'))
      .send(onlyInbox({ groupIds: ['oncall'] }))
      .expect(200);
    await t
      .http()
      .put('/v1/accounts/acc-y/subscriptions')
      .set(creator('acc-y'))
      .send(onlyInbox({ memberIds: ['rita'] }))
      .expect(200);
    await overdue('acc-x');
    await runAll();
    expect((await inbox('acc-x', 'rita')).items).toHaveLength(1);
    expect((await inbox('acc-y', 'rita')).items).toHaveLength(0);
    await overdue('acc-y');
    await runAll();
    expect((await inbox('acc-x', 'rita')).items).toHaveLength(1);
    expect((await inbox('acc-y', 'rita')).items).toHaveLength(1);
    const deliveriesX = await t.http().get('/v1/deliveries?accountId=acc-x&memberId=rita').set(svc()).expect(200);
    expect(deliveriesX.body.items.map((d: { accountId: string; status: string }) => [d.accountId, d.status])).toEqual([['acc-x', 'sent']]);

    // Deleting one account's member leaves the other's, and its groups.
    await t.http().delete('/v1/accounts/acc-x/members/rita').set(creator('acc-x')).expect(204);
    await t.http().get('/v1/accounts/acc-y/members/rita').set(creator('acc-y')).expect(200);
    const groupsX = await t.http().get('/v1/accounts/acc-x/groups').set(creator('acc-x')).expect(200);
    const groupsY = await t.http().get('/v1/accounts/acc-y/groups').set(creator('acc-y')).expect(200);
    expect(groupsX.body.items[0].memberIds).toEqual([]);
    expect(groupsY.body.items[0].memberIds).toEqual(['rita']);
    await t.http().delete('/v1/accounts/acc-x/groups/oncall').set(creator('acc-x')).expect(204);
    await t
      .http()
      .get('/v1/accounts/acc-y/groups')
      .set(creator('acc-y'))
      .expect(200, /oncall/);
    // A member token is (account, member): acc-y's alice is not acc-x's.
    await t.http().get('/v1/accounts/acc-x').set(creator('acc-y')).expect(404);
    await t
      .http()
      .get('/v1/members/rita/preferences')
      .set(t.memberAuth('acc-x', 'rita', ['receiver']))
      .expect(401);
    await t
      .http()
      .get('/v1/members/rita/preferences')
      .set(t.memberAuth('acc-y', 'rita', ['receiver']))
      .expect(200);
  });

  it("gives another account's creator no sign that an id exists elsewhere", async () => {
    await putAccount('acc-owner', { name: 'Owner', creator: { id: 'alice', name: 'Alice' } }).expect(200);
    await putAccount('acc-other', { name: 'Other', creator: { id: 'alice', name: 'Alice' } }).expect(200);
    await addMember('acc-owner', { id: 'a-finance', name: 'Finance', roles: ['finance_collaborator'] }).expect(201);
    await t.http().post('/v1/accounts/acc-owner/groups').set(creator('acc-owner')).send({ id: 'g-ops', name: 'Ops' }).expect(201);

    const taken = await t.http().get('/v1/accounts/acc-other/members/a-finance').set(creator('acc-other')).expect(404);
    const never = await t.http().get('/v1/accounts/acc-other/members/never-used').set(creator('acc-other')).expect(404);
    expect(taken.body.message.replace('a-finance', 'X')).toBe(never.body.message.replace('never-used', 'X'));

    const mine = await addMember('acc-other', { id: 'a-finance', name: 'My finance', roles: ['finance_collaborator'] }).expect(201);
    expect(mine.body).toMatchObject({ id: 'a-finance', accountId: 'acc-other', name: 'My finance' });
    await t.http().post('/v1/accounts/acc-other/groups').set(creator('acc-other')).send({ id: 'g-ops', name: 'Ops' }).expect(201);
    // Within one account a duplicate is still refused, naming the id.
    const again = await addMember('acc-other', { id: 'a-finance', name: 'Again', roles: ['receiver'] }).expect(409);
    expect(again.body.message).toBe('member a-finance already exists');
    await t.http().post('/v1/accounts/acc-other/groups').set(creator('acc-other')).send({ id: 'g-ops', name: 'Other name' }).expect(409);

    const fresh = await putAccount('acc-fresh', { name: 'Fresh', creator: { id: 'a-finance', name: 'Founder' } }).expect(200);
    expect(fresh.body).toMatchObject({ created: true, account: { creatorId: 'a-finance' }, creator: { id: 'a-finance' } });
    const owner = await t.http().get('/v1/accounts/acc-owner/members/a-finance').set(creator('acc-owner')).expect(200);
    expect(owner.body).toMatchObject({ name: 'Finance', roles: ['finance_collaborator'] });
  });

  it('leaves no account behind when its creator cannot be added', async () => {
    // A member left in an account id that has no account (say, from an earlier failed import): the creator's insert fails late.
    const members = t.app.get(MemberRepository);
    const leftover = { name: 'Ghost', roles: ['receiver' as const], scope: null, contacts: { email: null, phone: null, wechat: null } };
    expect(
      await members.insert('acc-gone', 'ghost', { ...leftover, locale: 'en-US', timeZone: 'UTC', quietHours: null }, new Date()),
    ).toBeTruthy();
    const res = await putAccount('acc-gone', { name: 'Gone', creator: { id: 'ghost', name: 'Ghost' } }).expect(409);
    expect(res.body.message).toBe('member ghost already exists');
    await t.http().get('/v1/accounts/acc-gone').set(svc()).expect(404);
    // Refused before anything is written.
    await putAccount('acc-gone-2', { name: 'Gone', creator: { name: 'Receiver', roles: ['receiver'] } }).expect(400);
    await t.http().get('/v1/accounts/acc-gone-2').set(svc()).expect(404);
    // The next request starts from nothing.
    const later = await putAccount('acc-gone', { name: 'Back' }).expect(200);
    expect(later.body).toMatchObject({ created: true, account: { name: 'Back' } });
    expect(later.body.account.creatorId ?? null).toBeNull();

    // An existing account is left as it was: neither renamed nor given a second creator.
    await putAccount('acc-kept', { name: 'Kept', creator: { id: 'alice', name: 'Alice' } }).expect(200);
    await putAccount('acc-kept', { name: 'Renamed', timeZone: 'UTC', creator: { id: 'mallory', name: 'M' } }).expect(409);
    const kept = await t.http().get('/v1/accounts/acc-kept').set(svc()).expect(200);
    expect(kept.body).toMatchObject({ name: 'Kept', timeZone: 'Asia/Shanghai', creatorId: 'alice' });
    await t.http().get('/v1/accounts/acc-kept/members/mallory').set(svc()).expect(404);

    // Two requests racing to create one account with different creators: one wins, the loser leaves nothing.
    for (let i = 0; i < 4; i++) {
      const acc = `acc-race-${i}`;
      const answers = await Promise.all(['c1', 'c2'].map((id) => putAccount(acc, { name: `Race ${id}`, creator: { id, name: id } })));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 409]);
      const winner = answers.find((a) => a.status === 200)!.body.creator.id;
      const loser = winner === 'c1' ? 'c2' : 'c1';
      const account = await t.http().get(`/v1/accounts/${acc}`).set(svc()).expect(200);
      expect(account.body.creatorId).toBe(winner);
      await t.http().get(`/v1/accounts/${acc}/members/${winner}`).set(svc()).expect(200);
      await t.http().get(`/v1/accounts/${acc}/members/${loser}`).set(svc()).expect(404);
    }
  });

  it('pages the member list with a maximum page size', async () => {
    await putAccount('acc-page', { name: 'Paged', creator: { id: 'alice', name: 'Alice' } }).expect(200);
    for (const name of ['Dora', 'Bert', 'Erin', 'Carl'])
      await addMember('acc-page', { id: name.toLowerCase(), name, roles: ['receiver'] }).expect(201);
    const page = (q: string) => t.http().get(`/v1/accounts/acc-page/members${q}`).set(creator('acc-page'));

    const first = await page('?limit=2').expect(200);
    expect(first.body).toMatchObject({ total: 5, limit: 2, offset: 0 });
    expect(first.body.items.map((m: { name: string }) => m.name)).toEqual(['Alice', 'Bert']);
    const second = await page('?limit=2&offset=2').expect(200);
    expect(second.body.items.map((m: { name: string }) => m.name)).toEqual(['Carl', 'Dora']);
    const last = await page('?limit=2&offset=4').expect(200);
    expect(last.body.items.map((m: { name: string }) => m.name)).toEqual(['Erin']);
    expect(last.body.items[0].verification).toBeUndefined();

    const whole = await page('').expect(200);
    expect(whole.body).toMatchObject({ total: 5, limit: 50, offset: 0 });
    expect(whole.body.items).toHaveLength(5);
    await page('?limit=200').expect(200);
    const tooMany = await page('?limit=201').expect(400);
    expect(tooMany.body.message).toContain('limit');
    await page('?offset=-1').expect(400, /offset/);

    for (const id of ['g1', 'g2', 'g3'])
      await t.http().post('/v1/accounts/acc-page/groups').set(creator('acc-page')).send({ id, name: id }).expect(201);
    const groups = await t.http().get('/v1/accounts/acc-page/groups?limit=2&offset=1').set(creator('acc-page')).expect(200);
    expect(groups.body).toMatchObject({ total: 3, limit: 2, offset: 1, items: [{ id: 'g2' }, { id: 'g3' }] });
    await t.http().get('/v1/accounts/acc-page/groups?limit=201').set(creator('acc-page')).expect(400, /limit/);
  });
});

describe('start-up migration of member and group ids', () => {
  const uri = testDatabaseUri('tenant-ids-migration');
  const now = new Date('2026-01-01T00:00:00Z');
  const oldMember = (id: string, accountId: string, roles: string[]) => ({
    _id: id,
    accountId,
    name: `Old ${id}`,
    roles,
    scope: null,
    contacts: { email: { value: `${id}@old.test`, verified: true }, phone: null, wechat: null },
    locale: 'en-US',
    timeZone: 'UTC',
    quietHours: null,
    mutedChannels: {},
    verification: {},
    createdAt: now,
    updatedAt: now,
  });
  const account = (id: string, creatorId: string) => ({
    _id: id,
    name: id,
    customerLevel: 'V0',
    timeZone: 'UTC',
    balanceState: 'ok',
    overdueSince: null,
    billDate: null,
    creatorId,
    version: 0,
    fieldVersions: {},
    createdAt: now,
    updatedAt: now,
  });
  const withDb = async <T>(fn: (db: ReturnType<MongoClient['db']>) => Promise<T>): Promise<T> => {
    const client = new MongoClient(uri);
    try {
      return await fn(client.db());
    } finally {
      await client.close();
    }
  };
  afterAll(() => dropDatabase(uri));

  it('migrates members stored with global ids', async () => {
    // A database as an earlier Herald left it: `_id` is the member (group) id, and the group name index exists.
    await withDb(async (db) => {
      await db.collection('accounts').insertMany([account('acc-old', 'olga'), account('acc-old-2', 'otto')] as never[]);
      await db
        .collection('members')
        .insertMany([
          oldMember('olga', 'acc-old', ['creator']),
          oldMember('oscar', 'acc-old', ['receiver']),
          oldMember('otto', 'acc-old-2', ['creator']),
        ] as never[]);
      await db.collection('receiver_groups').createIndex({ accountId: 1, name: 1 }, { unique: true });
      await db
        .collection('receiver_groups')
        .insertOne({ _id: 'night', accountId: 'acc-old', name: 'Night', memberIds: ['oscar'], createdAt: now, updatedAt: now } as never);
    });

    const check = async (t: TestApp, ids = ['olga', 'oscar']) => {
      const olga = t.memberAuth('acc-old', 'olga', ['creator']);
      const list = await t.http().get('/v1/accounts/acc-old/members').set(olga).expect(200);
      expect(list.body.items.map((m: { id: string; accountId: string }) => [m.id, m.accountId])).toEqual(ids.map((id) => [id, 'acc-old']));
      const oscar = await t.http().get('/v1/accounts/acc-old/members/oscar').set(olga).expect(200);
      expect(oscar.body).toMatchObject({
        id: 'oscar',
        name: 'Old oscar',
        contacts: { email: { value: 'oscar@old.test', verified: true } },
      });
      const groups = await t.http().get('/v1/accounts/acc-old/groups').set(olga).expect(200);
      expect(groups.body.items).toEqual([
        expect.objectContaining({ id: 'night', name: 'Night', memberIds: ['oscar'], accountId: 'acc-old' }),
      ]);
      await t
        .http()
        .get('/v1/accounts/acc-old-2/members/otto')
        .set(t.memberAuth('acc-old-2', 'otto', ['creator']))
        .expect(200);
    };

    const first = await startTestApp('tenant-ids-migration', { databaseUri: uri, keepDatabase: true });
    try {
      await check(first);
      // Ids migrated are per account: another account takes "oscar" and "night" too; names stay unique per account.
      const otto = first.memberAuth('acc-old-2', 'otto', ['creator']);
      await first
        .http()
        .post('/v1/accounts/acc-old-2/members')
        .set(otto)
        .send({ id: 'oscar', name: 'Other', roles: ['receiver'] })
        .expect(201);
      await first.http().post('/v1/accounts/acc-old-2/groups').set(otto).send({ id: 'night', name: 'Night' }).expect(201);
      const olga = first.memberAuth('acc-old', 'olga', ['creator']);
      await first.http().post('/v1/accounts/acc-old/groups').set(olga).send({ name: 'Night' }).expect(409);
      await first.http().delete('/v1/accounts/acc-old-2/members/oscar').set(otto).expect(204);
      await first.http().delete('/v1/accounts/acc-old-2/groups/night').set(otto).expect(204);
    } finally {
      await first.close();
    }
    // No document keeps its old, global id.
    expect(
      await withDb((db) => db.collection<{ _id: string }>('members').countDocuments({ _id: { $in: ['olga', 'oscar', 'otto'] } })),
    ).toBe(0);
    expect(await withDb((db) => db.collection<{ _id: string }>('receiver_groups').countDocuments({ _id: 'night' }))).toBe(0);

    // An old-shape document written meanwhile (an instance of the earlier Herald) is taken at the next start; the rest stays as it is.
    await withDb((db) => db.collection('members').insertOne(oldMember('olive', 'acc-old', ['receiver']) as never));
    const second = await startTestApp('tenant-ids-migration', { databaseUri: uri, keepDatabase: true });
    try {
      await check(second, ['olga', 'olive', 'oscar']);
      await withDb(async (db) => expect(await db.collection('members').countDocuments({})).toBe(4));
    } finally {
      await second.close();
    }
    const third = await startTestApp('tenant-ids-migration', { databaseUri: uri, keepDatabase: true });
    try {
      await check(third, ['olga', 'olive', 'oscar']);
      await withDb(async (db) => {
        expect(await db.collection('members').countDocuments({})).toBe(4);
        expect(await db.collection('receiver_groups').countDocuments({})).toBe(1);
      });
    } finally {
      await third.close();
    }
  });
});
