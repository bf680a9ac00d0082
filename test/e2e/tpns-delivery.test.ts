import { DateTime } from 'luxon';
import { startPeers, Peers } from '../support/peers';
import { startTestApp, TestApp } from '../support/app';

const ZONE = 'Asia/Shanghai';
const ACC = 'acc-e2e';

/** Steps the test clock from `from` to `to`, running a scheduler pass and a delivery round at each step. */
async function walk(t: TestApp, from: string, to: string, stepHours = 6) {
  let now = DateTime.fromISO(from, { zone: ZONE });
  const end = DateTime.fromISO(to, { zone: ZONE });
  await t.http().put('/v1/test-clock').set(t.serviceKey).send({ now: now.toISO() }).expect(200);
  while (now < end) {
    now = now.plus({ hours: stepHours });
    await t.http().put('/v1/test-clock').set(t.serviceKey).send({ now: now.toISO() }).expect(200);
    await t.http().post('/v1/scheduler/run').set(t.serviceKey).expect(200);
    await t.http().post('/v1/deliveries/run').set(t.serviceKey).expect(200);
  }
}

const purchase = (resourceId: string, occurredAt: string, expiresAt: string) => ({
  id: `${resourceId}-purchased`,
  type: 'resource.purchased',
  occurredAt,
  accountId: ACC,
  resourceId,
  data: { product: 'tpns', name: `Push ${resourceId}`, expiresAt },
});

describe('TPNS notices reach the right people on the right channels, end to end', () => {
  let t: TestApp;
  let peers: Peers;
  const inbox = async (memberId: string, roles: string[]) =>
    (
      await t
        .http()
        .get('/v1/inbox?limit=100')
        .set(t.memberAuth(ACC, memberId, roles as never))
        .expect(200)
    ).body;

  beforeAll(async () => {
    peers = await startPeers();
    t = await startTestApp('tpns-delivery', {
      env: { ...peers.env, TEST_CLOCK_ENABLED: 'true', SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false', DIGEST_WINDOW_MS: '0' },
    });
    const svc = t.serviceKey;
    await t
      .http()
      .put(`/v1/accounts/${ACC}`)
      .set(svc)
      .send({
        name: 'E2E Co',
        creator: {
          id: 'alice',
          name: 'Alice',
          locale: 'en-US',
          contacts: {
            email: { value: 'alice@e2e.test', verified: true },
            phone: { value: '+8613800000001', verified: true },
            wechat: { value: 'openid-alice', verified: true },
          },
        },
      })
      .expect(200);
    const add = (body: object) => t.http().post(`/v1/accounts/${ACC}/members`).set(svc).send(body).expect(201);
    await add({
      id: 'fiona',
      name: 'Fiona',
      roles: ['finance_collaborator'],
      contacts: { email: { value: 'fiona@e2e.test', verified: true } },
    });
    await add({
      id: 'carl',
      name: 'Carl',
      roles: ['resource_collaborator'],
      scope: { products: ['iot-enterprise'] },
      contacts: { email: { value: 'carl@e2e.test', verified: true } },
    });
    await add({ id: 'rita', name: 'Rita', roles: ['receiver'], contacts: { phone: { value: '+8613800000004', verified: false } } });
    // Rita is a receive-only receiver of the expiry notices: the creator adds her to their receivers.
    const current = (
      await t
        .http()
        .get(`/v1/accounts/${ACC}/subscriptions`)
        .set(t.memberAuth(ACC, 'alice', ['creator']))
        .expect(200)
    ).body;
    const types = Object.fromEntries(
      current.types
        .filter((s: { category: string }) => s.category === 'expiry')
        .map((s: { type: string; channels: string[]; receivers: { roles: string[] }; digest: boolean }) => [
          s.type,
          { channels: s.channels, receivers: { roles: s.receivers.roles, memberIds: ['rita'], groupIds: [] }, digest: s.digest },
        ]),
    );
    await t
      .http()
      .put(`/v1/accounts/${ACC}/subscriptions`)
      .set(t.memberAuth(ACC, 'alice', ['creator']))
      .send({ types })
      .expect(200);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await peers?.stop();
  });

  it('walks purchase to destruction and delivers exactly the expected messages', async () => {
    await t.http().put('/v1/test-clock').set(t.serviceKey).send({ now: '2026-11-20T04:00:00+08:00' }).expect(200);
    await t
      .http()
      .post('/v1/events')
      .set(t.serviceKey)
      .send(purchase('push-1', '2026-11-20T04:00:00+08:00', '2026-12-01T10:30:00+08:00'))
      .expect(200);
    await walk(t, '2026-11-20T04:00:00+08:00', '2026-12-17T04:00:00+08:00');

    const emails = peers.smtp.messages.map((m) => m.envelope.to[0]).sort();
    expect(emails.filter((to) => to === 'alice@e2e.test')).toHaveLength(17);
    expect(emails.filter((to) => to === 'fiona@e2e.test')).toHaveLength(17);
    expect(emails).toHaveLength(34);
    expect(peers.smtp.messages.find((m) => m.envelope.to[0] === 'alice@e2e.test')!.headers['content-language']).toBe('en-US');
    expect(peers.twilio.messages.map((m) => m.to)).toEqual(Array(17).fill('+8613800000001'));
    expect(peers.wechat.delivered.map((m) => m.touser)).toEqual(Array(17).fill('openid-alice'));
    expect(peers.wechat.duplicates).toEqual([]);

    const types = (box: { items: { type: string }[] }) => box.items.map((i) => i.type).sort();
    const expected = [
      ...Array(7).fill('expiry_reminder'),
      ...Array(8).fill('expiry_notice'),
      'service_stopped',
      'resource_destroyed',
    ].sort();
    expect(types(await inbox('alice', ['creator']))).toEqual(expected);
    expect(types(await inbox('fiona', ['finance_collaborator']))).toEqual(expected);
    expect(types(await inbox('rita', ['receiver']))).toEqual(expected);
    expect((await inbox('carl', ['resource_collaborator'])).items).toEqual([]);

    const skipped = (
      await t.http().get(`/v1/deliveries?accountId=${ACC}&memberId=rita&status=skipped&limit=200`).set(t.serviceKey).expect(200)
    ).body;
    expect(new Set(skipped.items.map((d: { channel: string; reason: string }) => `${d.channel}:${d.reason}`))).toEqual(
      new Set(['email:no_email', 'sms:phone_unverified', 'wechat:wechat_unbound']),
    );
  }, 300_000);

  it('after the creator switches SMS off for reminders, the next reminder skips SMS and the destroy notice still reaches the inbox', async () => {
    const alice = t.memberAuth(ACC, 'alice', ['creator']);
    const refused = await t
      .http()
      .put('/v1/members/alice/preferences')
      .set(alice)
      .send({ channels: { resource_destroyed: { inbox: false } } })
      .expect(400);
    expect(refused.body.fields[0].field).toBe('channels.resource_destroyed.inbox');
    await t
      .http()
      .put('/v1/members/alice/preferences')
      .set(alice)
      .send({ channels: { expiry_reminder: { sms: false }, resource_destroyed: { sms: false } } })
      .expect(200);

    const smsBefore = peers.twilio.messages.length;
    const inboxBefore = (await inbox('alice', ['creator'])).total;
    await t
      .http()
      .post('/v1/events')
      .set(t.serviceKey)
      .send(purchase('push-2', '2026-12-17T00:00:00+08:00', '2026-12-26T10:30:00+08:00'))
      .expect(200);
    await walk(t, '2026-12-17T00:00:00+08:00', '2026-12-19T12:00:00+08:00');
    const afterFirstReminder = await inbox('alice', ['creator']);
    expect(afterFirstReminder.items[0]).toMatchObject({ type: 'expiry_reminder' });
    expect(peers.twilio.messages.length).toBe(smsBefore);
    expect(peers.smtp.messages.filter((m) => m.envelope.to[0] === 'alice@e2e.test')).toHaveLength(18);

    await walk(t, '2026-12-19T12:00:00+08:00', '2027-01-10T12:00:00+08:00');
    const box = await inbox('alice', ['creator']);
    expect(box.total).toBe(inboxBefore + 17);
    expect(box.items[0]).toMatchObject({ type: 'resource_destroyed' });
    // SMS still goes out for the types the creator did not switch off.
    expect(peers.twilio.messages.length).toBe(smsBefore + 9);
  }, 300_000);
});
