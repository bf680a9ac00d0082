import { DateTime } from 'luxon';
import type { CreateMemberInput, PutAccountInput } from '../accounts/accounts.dto';

export const DEMO_ACCOUNT_ID = 'demo';
const ZONE = 'Asia/Shanghai';

/** The demo account: a creator, a finance collaborator, a scoped resource collaborator and a receive-only receiver. */
export const DEMO_ACCOUNT: PutAccountInput = {
  name: 'Demo Cloud Co.',
  customerLevel: 'V1',
  timeZone: ZONE,
  creator: {
    id: 'demo-creator',
    name: 'Chen Wei',
    roles: ['creator'],
    locale: 'en-US',
    contacts: {
      email: { value: 'chen.wei@demo.example', verified: true },
      phone: { value: '+8613800138001', verified: true },
      wechat: { value: 'oDemoChenWei001', verified: true },
    },
  },
};

export const DEMO_MEMBERS: CreateMemberInput[] = [
  {
    id: 'demo-finance',
    name: 'Li Na',
    roles: ['finance_collaborator'],
    locale: 'zh-CN',
    contacts: { email: { value: 'li.na@demo.example', verified: true }, phone: { value: '+8613800138002', verified: false } },
  },
  {
    id: 'demo-ops',
    name: 'Wang Fang',
    roles: ['resource_collaborator'],
    scope: { products: ['tpns', 'traffic-pack'], resourceIds: [] },
    locale: 'zh-CN',
    quietHours: { start: '22:00', end: '08:00' },
    contacts: { email: { value: 'wang.fang@demo.example', verified: true } },
  },
  {
    id: 'demo-receiver',
    name: 'Zhao Lei',
    roles: ['receiver'],
    locale: 'zh-CN',
    contacts: { phone: { value: '+8613800138004', verified: false } },
  },
];

export const DEMO_GROUP = { id: 'demo-oncall', name: 'On-call', memberIds: ['demo-ops', 'demo-receiver'] };

interface DemoResource {
  id: string;
  product: string;
  name: string;
  region: string;
  /** Days from now to expiry (negative: already expired), at `hour` local time. */
  expiresInDays: number;
  hour: number;
  autoRenew?: boolean;
  quota?: number;
  usage?: number;
  /** Upstream already stopped it. */
  stopped?: boolean;
  autoRenewFailed?: boolean;
}

/** One or more resources per seed policy, with expiries around now so every timeline has notices both sent and planned. */
const RESOURCES: DemoResource[] = [
  { id: 'push-prod', product: 'tpns', name: 'Push · production', region: 'ap-guangzhou', expiresInDays: 3, hour: 18 },
  { id: 'push-staging', product: 'tpns', name: 'Push · staging', region: 'ap-guangzhou', expiresInDays: -3, hour: 11 },
  {
    id: 'iot-fleet',
    product: 'iot-enterprise',
    name: 'IoT fleet (enterprise)',
    region: 'cn-shanghai',
    expiresInDays: 2,
    hour: 9,
    autoRenew: true,
    autoRenewFailed: true,
  },
  { id: 'iot-lab', product: 'iot-enterprise', name: 'IoT lab', region: 'cn-shanghai', expiresInDays: -8, hour: 15, stopped: true },
  { id: 'canvas-studio', product: 'astro-canvas', name: 'Astro Canvas studio', region: 'cn-north-4', expiresInDays: 5, hour: 20 },
  { id: 'koophone-desk', product: 'koophone', name: 'KooPhone help desk', region: 'cn-south-1', expiresInDays: -2, hour: 12 },
  {
    id: 'traffic-cn',
    product: 'traffic-pack',
    name: 'Traffic pack 1 TB',
    region: 'global',
    expiresInDays: 12,
    hour: 0,
    autoRenew: true,
    quota: 1000,
    usage: 850,
  },
  { id: 'traffic-edge', product: 'traffic-pack', name: 'Traffic pack 200 GB', region: 'global', expiresInDays: 1, hour: 23 },
];

/** The upstream events that bring the demo resources to their state, as billing would post them. */
export function demoEvents(now: Date): object[] {
  const local = DateTime.fromJSDate(now, { zone: ZONE });
  const iso = (d: DateTime) => d.toISO({ suppressMilliseconds: true })!;
  const events: object[] = [];
  for (const r of RESOURCES) {
    const expiresAt = local.startOf('day').plus({ days: r.expiresInDays, hours: r.hour });
    const purchasedAt = expiresAt.minus({ days: 30 });
    const base = { accountId: DEMO_ACCOUNT_ID, resourceId: r.id };
    events.push({
      ...base,
      id: `demo-${r.id}-purchased`,
      type: 'resource.purchased',
      occurredAt: iso(purchasedAt < local ? purchasedAt : local.minus({ hours: 1 })),
      data: {
        product: r.product,
        name: r.name,
        region: r.region,
        expiresAt: iso(expiresAt),
        autoRenew: r.autoRenew ?? false,
        ...(r.quota ? { quota: r.quota, usage: 0 } : {}),
      },
    });
    if (r.usage !== undefined)
      events.push({ ...base, id: `demo-${r.id}-usage`, type: 'resource.usage_reported', occurredAt: iso(local), data: { usage: r.usage } });
    if (r.stopped)
      events.push({
        ...base,
        id: `demo-${r.id}-stopped`,
        type: 'resource.stopped',
        occurredAt: iso(expiresAt),
        data: { reason: 'expired' },
      });
    if (r.autoRenewFailed)
      events.push({
        ...base,
        id: `demo-${r.id}-renew-failed`,
        type: 'resource.autorenew_failed',
        occurredAt: iso(local.minus({ minutes: 30 })),
        data: { reason: 'insufficient balance' },
      });
  }
  events.push({
    id: 'demo-balance-low',
    type: 'account.balance_low',
    occurredAt: iso(local.minus({ minutes: 10 })),
    accountId: DEMO_ACCOUNT_ID,
    data: { balance: 120.5, threshold: 200 },
  });
  return events;
}
