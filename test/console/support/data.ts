import type { TestApp } from '../../support/app';

/** Upstream's side of the browser tests: accounts, members and events through the service API, and the test clock. */
export async function createAccount(t: TestApp, accountId: string, creator: object, members: object[] = []): Promise<void> {
  await t
    .http()
    .put(`/v1/accounts/${accountId}`)
    .set(t.serviceKey)
    .send({ name: `${accountId} Co.`, creator })
    .expect(200);
  for (const member of members) await t.http().post(`/v1/accounts/${accountId}/members`).set(t.serviceKey).send(member).expect(201);
}

export function purchase(accountId: string, resourceId: string, product: string, occurredAt: string, expiresAt: string, data: object = {}) {
  return {
    id: `${resourceId}-purchased`,
    type: 'resource.purchased',
    occurredAt,
    accountId,
    resourceId,
    data: { product, name: `Resource ${resourceId}`, expiresAt, ...data },
  };
}

export async function postEvents(t: TestApp, events: object[]): Promise<void> {
  const res = await t.http().post('/v1/events').set(t.serviceKey).send({ events }).expect(200);
  const rejected = (res.body.results ?? []).filter((r: { outcome: string }) => r.outcome === 'rejected');
  expect(rejected).toEqual([]);
}

export async function setClock(t: TestApp, now: string): Promise<void> {
  await t.http().put('/v1/test-clock').set(t.serviceKey).send({ now }).expect(200);
}

/** One scheduler pass and one delivery round, as the timers would run them. */
export async function runPasses(t: TestApp): Promise<void> {
  await t.http().post('/v1/scheduler/run').set(t.serviceKey).expect(200);
  await t.http().post('/v1/deliveries/run').set(t.serviceKey).expect(200);
}
