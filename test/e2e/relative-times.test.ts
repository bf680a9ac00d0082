import { startPeers, Peers } from '../support/peers';
import { startTestApp, TestApp } from '../support/app';

const ACC = 'acc-relative';
// An IoT Platform instance without auto-renewal: reminders at 10:00 on T-7, T-3 and T-1 (policies/iot-enterprise.yaml).
const EXPIRES_AT = '2026-12-10T15:00:00+08:00';

describe('relative times are worked out when a message is sent, not when its notice was due', () => {
  let t: TestApp;
  let peers: Peers;

  const at = async (now: string) => {
    await t.http().put('/v1/test-clock').set(t.serviceKey).send({ now }).expect(200);
    await t.http().post('/v1/scheduler/run').set(t.serviceKey).expect(200);
    await t.http().post('/v1/deliveries/run').set(t.serviceKey).expect(200);
  };
  const inbox = async (memberId: string) =>
    (
      await t
        .http()
        .get('/v1/inbox?limit=100')
        .set(t.memberAuth(ACC, memberId, memberId === 'lilei' ? ['creator'] : ['finance_collaborator']))
        .expect(200)
    ).body.items as { type: string; body: string; createdAt: string }[];
  const mailTo = (to: string) => peers.smtp.messages.filter((m) => m.envelope.to[0] === to);

  beforeAll(async () => {
    peers = await startPeers();
    t = await startTestApp('relative-times', {
      env: { ...peers.env, TEST_CLOCK_ENABLED: 'true', SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false', DIGEST_WINDOW_MS: '0' },
    });
    await t.http().put('/v1/test-clock').set(t.serviceKey).send({ now: '2026-11-20T09:00:00+08:00' }).expect(200);
    await t
      .http()
      .put(`/v1/accounts/${ACC}`)
      .set(t.serviceKey)
      .send({
        name: '星河科技',
        creator: {
          id: 'lilei',
          name: '李雷',
          locale: 'zh-CN',
          timeZone: 'Asia/Shanghai',
          // Quiet from 09:00 until 08:00 the next morning: a 10:00 SMS waits for 08:00 the next day.
          quietHours: { start: '09:00', end: '08:00' },
          contacts: { email: { value: 'lilei@relative.test', verified: true }, phone: { value: '+8613800000011', verified: true } },
        },
      })
      .expect(200);
    await t
      .http()
      .post(`/v1/accounts/${ACC}/members`)
      .set(t.serviceKey)
      .send({
        id: 'alice',
        name: 'Alice',
        roles: ['finance_collaborator'],
        locale: 'en-US',
        timeZone: 'Asia/Shanghai',
        contacts: { email: { value: 'alice@relative.test', verified: true } },
      })
      .expect(201);
    await t
      .http()
      .post('/v1/events')
      .set(t.serviceKey)
      .send({
        id: 'iot-rel-purchased',
        type: 'resource.purchased',
        occurredAt: '2026-11-20T09:00:00+08:00',
        accountId: ACC,
        resourceId: 'iot-rel-1',
        data: { product: 'iot-enterprise', name: 'factory-line-07', expiresAt: EXPIRES_AT, autoRenew: false },
      })
      .expect(200);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await peers?.stop();
  });

  it('the T-7 reminder sent late, at T-5, after the scheduler slept from T-8, says "in 5 days", not 7', async () => {
    await at('2026-12-02T12:00:00+08:00'); // T-8: nothing due yet
    expect(await inbox('lilei')).toEqual([]);

    await at('2026-12-05T11:00:00+08:00'); // T-5: the scheduler wakes and catches up the T-7 reminder
    const [zh] = await inbox('lilei');
    expect(zh.type).toBe('expiry_reminder');
    expect(zh.body).toContain('（5 天后）');
    expect(zh.body).not.toMatch(/7 天/);
    // No renewal page in the IoT policy: the message links to the instance's console page.
    expect(zh.body).toContain('[在控制台查看](/console/resources/iot-rel-1)');
    const [en] = await inbox('alice');
    expect(en.body).toContain('in 5 days');
    expect(en.body).not.toMatch(/7 days/);
    expect(mailTo('lilei@relative.test')[0].text).toContain('5 天后');
    expect(mailTo('alice@relative.test')[0].text).toContain('in 5 days');
    expect(mailTo('alice@relative.test')[0].text).not.toMatch(/7 days/);

    // The notice itself keeps its planned offset: the timeline shows the T-7 occurrence.
    const timeline = (await t.http().get('/v1/resources/iot-rel-1/timeline').set(t.serviceKey).expect(200)).body;
    expect(timeline.produced).toEqual([
      expect.objectContaining({ type: 'expiry_reminder', data: expect.objectContaining({ daysLeft: 7 }) }),
    ]);
  });

  it('an SMS held back by quiet hours until 08:00 the next day says one day fewer than it would have at its due time', async () => {
    expect(peers.twilio.messages).toEqual([]); // the T-5 SMS waits for the end of the quiet hours
    await at('2026-12-06T08:05:00+08:00');
    expect(peers.twilio.messages.map((m) => m.body)).toEqual([expect.stringContaining('（4 天后）')]);

    await at('2026-12-07T10:05:00+08:00'); // T-3, on time: the in-site message says 3 days, the SMS waits
    expect((await inbox('lilei'))[0].body).toContain('（3 天后）');
    expect(peers.twilio.messages).toHaveLength(1);

    await at('2026-12-08T08:05:00+08:00'); // 08:00 on T-2: the deferred SMS is rendered now
    expect(peers.twilio.messages).toHaveLength(2);
    expect(peers.twilio.messages[1].body).toContain('（2 天后）');
    expect(peers.twilio.messages[1].body).not.toContain('3 天');
  });

  it('on the day before expiry a reminder says "tomorrow", and its SMS held until the morning of the expiry day "today"', async () => {
    await at('2026-12-09T10:05:00+08:00'); // T-1
    expect((await inbox('lilei'))[0].body).toContain('（明天）');
    expect((await inbox('alice'))[0].body).toMatch(/, tomorrow\./);
    await at('2026-12-10T08:05:00+08:00'); // T, before the 15:00 expiry
    expect(peers.twilio.messages).toHaveLength(3);
    expect(peers.twilio.messages[2].body).toContain('（今天）');
  });
});
