import { startTestApp, TestApp } from '../support/app';

describe('accounts and members API', () => {
  let t: TestApp;
  const creatorA = () => t.memberAuth('acc-a', 'alice', ['creator']);
  beforeAll(async () => {
    t = await startTestApp('accounts');
    await t
      .http()
      .put('/v1/accounts/acc-a')
      .set(t.serviceKey)
      .send({
        name: 'Acme',
        customerLevel: 'V3',
        creator: { id: 'alice', name: 'Alice', contacts: { email: { value: 'alice@acme.test', verified: true } } },
      })
      .expect(200);
    await t
      .http()
      .put('/v1/accounts/acc-b')
      .set(t.serviceKey)
      .send({ name: 'Beta', creator: { id: 'bob', name: 'Bob' } })
      .expect(200);
  });
  afterAll(() => t.close());

  it('creates an account with its creator and the default time zone', async () => {
    const res = await t.http().get('/v1/accounts/acc-a').set(creatorA()).expect(200);
    expect(res.body).toMatchObject({
      id: 'acc-a',
      name: 'Acme',
      customerLevel: 'V3',
      timeZone: 'Asia/Shanghai',
      creatorId: 'alice',
      balanceState: 'ok',
    });
  });

  it('lets the creator add members with roles, scopes and contacts, unverified unless a service says so', async () => {
    const res = await t
      .http()
      .post('/v1/accounts/acc-a/members')
      .set(creatorA())
      .send({
        id: 'carol',
        name: 'Carol',
        roles: ['resource_collaborator'],
        scope: { products: ['tpns'] },
        contacts: { phone: { value: '+8613800138000', verified: true } },
        locale: 'en-US',
        quietHours: { start: '22:00', end: '08:00' },
      })
      .expect(201);
    expect(res.body).toMatchObject({
      id: 'carol',
      accountId: 'acc-a',
      roles: ['resource_collaborator'],
      scope: { products: ['tpns'], resourceIds: [] },
      contacts: { phone: { value: '+8613800138000', verified: false }, email: null },
      locale: 'en-US',
      timeZone: 'Asia/Shanghai',
      quietHours: { start: '22:00', end: '08:00' },
    });
  });

  it('refuses a second creator', async () => {
    const res = await t
      .http()
      .post('/v1/accounts/acc-a/members')
      .set(t.serviceKey)
      .send({ name: 'Mallory', roles: ['creator'] })
      .expect(409);
    expect(res.body.message).toContain('creator');
  });

  it('names the bad field of a member', async () => {
    const res = await t
      .http()
      .post('/v1/accounts/acc-a/members')
      .set(creatorA())
      .send({ name: 'Dan', roles: ['receiver', 'finance_collaborator'], contacts: { phone: { value: '12345' } } })
      .expect(400);
    const fields = res.body.fields.map((f: { field: string }) => f.field).sort();
    expect(fields).toEqual(['contacts.phone.value', 'roles']);
  });

  it('lets the creator change and remove members, but never remove the creator', async () => {
    await t
      .http()
      .post('/v1/accounts/acc-a/members')
      .set(creatorA())
      .send({ id: 'erin', name: 'Erin', roles: ['receiver'] })
      .expect(201);
    const patched = await t
      .http()
      .patch('/v1/accounts/acc-a/members/erin')
      .set(creatorA())
      .send({ roles: ['finance_collaborator'], locale: 'en-US' })
      .expect(200);
    expect(patched.body).toMatchObject({ roles: ['finance_collaborator'], locale: 'en-US' });
    await t.http().delete('/v1/accounts/acc-a/members/alice').set(creatorA()).expect(409);
    await t.http().delete('/v1/accounts/acc-a/members/erin').set(creatorA()).expect(204);
    await t.http().get('/v1/accounts/acc-a/members/erin').set(creatorA()).expect(404);
  });

  it('manages receiver groups of existing members', async () => {
    const created = await t
      .http()
      .post('/v1/accounts/acc-a/groups')
      .set(creatorA())
      .send({ id: 'ops', name: 'On-call', memberIds: ['carol'] })
      .expect(201);
    expect(created.body).toMatchObject({ id: 'ops', memberIds: ['carol'] });
    await t.http().post('/v1/accounts/acc-a/groups').set(creatorA()).send({ name: 'On-call' }).expect(409);
    const bad = await t
      .http()
      .patch('/v1/accounts/acc-a/groups/ops')
      .set(creatorA())
      .send({ memberIds: ['ghost'] })
      .expect(400);
    expect(bad.body.message).toContain('ghost');
    await t.http().get('/v1/accounts/acc-a/groups').set(creatorA()).expect(200);
  });

  it("keeps a group's members when the group is only renamed", async () => {
    await t
      .http()
      .post('/v1/accounts/acc-a/groups')
      .set(creatorA())
      .send({ id: 'night', name: 'Night', memberIds: ['carol'] })
      .expect(201);
    const renamed = await t.http().patch('/v1/accounts/acc-a/groups/night').set(creatorA()).send({ name: 'Night shift' }).expect(200);
    expect(renamed.body).toMatchObject({ id: 'night', name: 'Night shift', memberIds: ['carol'] });
    const list = await t.http().get('/v1/accounts/acc-a/groups').set(creatorA()).expect(200);
    expect(list.body.items.find((g: { id: string }) => g.id === 'night')).toMatchObject({ memberIds: ['carol'] });
  });

  it('answers 409 to renaming a group to the name of another group of the account, and renames neither', async () => {
    const create = (id: string, name: string) =>
      t.http().post('/v1/accounts/acc-a/groups').set(creatorA()).send({ id, name, memberIds: [] }).expect(201);
    await create('early', 'Early');
    await create('late', 'Late');
    const res = await t.http().patch('/v1/accounts/acc-a/groups/late').set(creatorA()).send({ name: 'Early' }).expect(409);
    expect(res.body.message).toBe('a group named "Early" already exists');
    const list = await t.http().get('/v1/accounts/acc-a/groups').set(creatorA()).expect(200);
    const names = Object.fromEntries(list.body.items.map((g: { id: string; name: string }) => [g.id, g.name]));
    expect(names).toMatchObject({ early: 'Early', late: 'Late' });
  });

  it("hides another account's data from a member token", async () => {
    await t.http().get('/v1/accounts/acc-b').set(creatorA()).expect(404);
    await t.http().get('/v1/accounts/acc-b/members').set(creatorA()).expect(404);
    await t
      .http()
      .post('/v1/accounts/acc-b/members')
      .set(creatorA())
      .send({ name: 'Intruder', roles: ['receiver'] })
      .expect(404);
    await t.http().patch('/v1/accounts/acc-b/members/bob').set(creatorA()).send({ name: 'Pwned' }).expect(404);
    const bob = await t.http().get('/v1/accounts/acc-b/members/bob').set(t.serviceKey).expect(200);
    expect(bob.body.name).toBe('Bob');
  });

  it('lets only the creator manage members', async () => {
    const carol = t.memberAuth('acc-a', 'carol', ['resource_collaborator']);
    await t.http().get('/v1/accounts/acc-a/members').set(carol).expect(403);
    await t
      .http()
      .post('/v1/accounts/acc-a/members')
      .set(carol)
      .send({ name: 'X', roles: ['receiver'] })
      .expect(403);
    const self = await t.http().get('/v1/accounts/acc-a/members/carol').set(carol).expect(200);
    expect(self.body.id).toBe('carol');
  });

  it('uses the roles stored for the member, not the ones a token claims', async () => {
    const forged = t.memberAuth('acc-a', 'carol', ['creator']);
    await t.http().get('/v1/accounts/acc-a/members').set(forged).expect(403);
  });

  it('keeps account upserts to services', async () => {
    await t.http().put('/v1/accounts/acc-a').set(creatorA()).send({ name: 'Renamed' }).expect(403);
    await t.http().put('/v1/accounts/acc-a').send({ name: 'Renamed' }).expect(401);
  });
});

describe("another account's resources", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('isolation');
    for (const [acc, creator] of [
      ['acc-a', 'alice'],
      ['acc-b', 'bob'],
    ]) {
      await t
        .http()
        .put(`/v1/accounts/${acc}`)
        .set(t.serviceKey)
        .send({ name: acc, creator: { id: creator, name: creator } })
        .expect(200);
    }
    await t
      .http()
      .post('/v1/events')
      .set(t.serviceKey)
      .send({
        id: 'e1',
        type: 'resource.purchased',
        occurredAt: '2026-11-01T00:00:00Z',
        accountId: 'acc-b',
        resourceId: 'res-b',
        data: { product: 'tpns', expiresAt: '2026-12-01T10:30:00+08:00' },
      })
      .expect(200);
  });
  afterAll(() => t.close());

  it('answers 404 to a member of another account and 200 to the owner', async () => {
    await t
      .http()
      .get('/v1/resources/res-b')
      .set(t.memberAuth('acc-a', 'alice', ['creator']))
      .expect(404);
    await t
      .http()
      .get('/v1/resources?accountId=acc-b')
      .set(t.memberAuth('acc-a', 'alice', ['creator']))
      .expect(404);
    await t
      .http()
      .get('/v1/resources/res-b')
      .set(t.memberAuth('acc-b', 'bob', ['creator']))
      .expect(200);
    const list = await t
      .http()
      .get('/v1/resources?accountId=acc-b&product=tpns')
      .set(t.memberAuth('acc-b', 'bob', ['creator']))
      .expect(200);
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual(['res-b']);
  });

  it('requires credentials', async () => {
    await t.http().get('/v1/resources/res-b').expect(401);
  });
});
