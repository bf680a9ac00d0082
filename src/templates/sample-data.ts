import type { MessageType } from '../lifecycle/message-types';
import { buildMessageContext, Locale, MessageContext } from './message-context';

/**
 * The data contract between the lifecycle code (planner.ts, event-notices.ts) and the templates. For each type:
 * realistic notices, every one carrying every key a template may use, and the keys real notices may leave out or set
 * to null — templates must guard those with {{#if}}; render() fills the ones left out with null.
 * The first notice is the preview; all of them together are the digest sample.
 */
export interface DataContract {
  optional: readonly string[];
  notices: SampleNotice[];
}

export interface SampleNotice {
  productName: string;
  dueAt: string;
  data: Record<string, unknown>;
  /** The product policy's renewUrl; the samples give every product one, so a renewal link is told from a console link. */
  renewUrl?: string | null;
}

const TPNS = 'Tencent Push Notification Service';
const IOT = 'IoT Platform Enterprise Edition';
const ASTRO = 'Huawei Cloud Astro Canvas';
const KOOPHONE = 'Huawei Cloud KooPhone';
const TRAFFIC = 'Multi-network Aggregation Acceleration Traffic Pack';

// TPNS's is its policy's (the seed names Tencent Cloud's renewal page); the others stand for a policy that has one.
const SAMPLE_RENEW_URLS: Record<string, string> = {
  [TPNS]: 'https://console.cloud.tencent.com/account/renewal',
  [IOT]: 'https://console.example-cloud.com/iot/renew?instanceId={resourceId}&region={region}',
  [ASTRO]: 'https://console.example-cloud.com/renewals?resourceId={resourceId}',
  [KOOPHONE]: 'https://console.example-cloud.com/renewals?resourceId={resourceId}',
  [TRAFFIC]: 'https://console.example-cloud.com/traffic-packs/renew?packId={resourceId}',
};

const FACTS = ['resourceName', 'product', 'region'];
// Planner data of expiry-anchored rules: day numbers only for day rules, milestones only when the policy has them.
const EXPIRY = ['day', 'daysLeft', 'daysSince', 'stopAt', 'destroyAt', 'customerLevel', 'graceDays', 'retentionDays', 'graceEndsAt'];

const tpnsApp = { resourceId: 'push-8f3a2c', resourceName: 'shop-app-push', product: 'tpns', region: 'ap-guangzhou' };
const astroApp = { resourceId: 'ac-51e0b7', resourceName: 'lowcode-studio', product: 'astro-canvas', region: 'cn-north-4' };
const iotInstance = { resourceId: 'iot-cn-6ja1f9', resourceName: 'factory-line-01', product: 'iot-enterprise', region: 'cn-shanghai' };
const kooPhone = { resourceId: 'kp-30c9d4', resourceName: 'sales-cloud-phone', product: 'koophone', region: 'cn-east-3' };
const trafficPack = { resourceId: 'tp-500g-77e2', resourceName: 'edge-traffic-500g', product: 'traffic-pack', region: null };
const noLevel = { customerLevel: null, graceDays: null, retentionDays: null, graceEndsAt: null };

export const NOTICE_SAMPLES: Record<MessageType, DataContract> = {
  expiry_reminder: {
    optional: [...FACTS, ...EXPIRY],
    notices: [
      {
        productName: TPNS,
        dueAt: '2026-05-05T02:00:00.000Z',
        data: {
          ...tpnsApp,
          expiresAt: '2026-05-08T06:30:00.000Z',
          ...{ day: -3, daysLeft: 3, daysSince: 0 },
          ...{ stopAt: '2026-05-15T16:00:00.000Z', destroyAt: '2026-05-22T16:00:00.000Z' },
          ...noLevel,
        },
      },
      {
        productName: ASTRO,
        dueAt: '2026-05-05T02:00:00.000Z',
        data: {
          ...astroApp,
          expiresAt: '2026-05-08T04:00:00.000Z',
          ...{ day: -3, daysLeft: 3, daysSince: 0 },
          ...{ stopAt: '2026-05-15T04:00:00.000Z', destroyAt: '2026-05-30T04:00:00.000Z' },
          ...{ customerLevel: 'V0', graceDays: 7, retentionDays: 15, graceEndsAt: '2026-05-15T04:00:00.000Z' },
        },
      },
      {
        productName: IOT,
        dueAt: '2026-05-05T02:00:00.000Z',
        data: {
          ...iotInstance,
          expiresAt: '2026-05-06T09:00:00.000Z',
          ...{ day: -1, daysLeft: 1, daysSince: 0 },
          ...{ stopAt: '2026-05-06T09:00:00.000Z', destroyAt: '2026-05-21T09:00:00.000Z' },
          ...noLevel,
        },
      },
    ],
  },

  expiry_notice: {
    // payPerUse (KooPhone) and postpaid (traffic packs) come from the policy rule's `data`.
    optional: [...FACTS, ...EXPIRY, 'payPerUse', 'postpaid'],
    notices: [
      {
        productName: ASTRO,
        dueAt: '2026-05-11T02:00:00.000Z',
        data: {
          ...astroApp,
          expiresAt: '2026-05-08T04:00:00.000Z',
          ...{ day: 3, daysLeft: 0, daysSince: 3 },
          ...{ stopAt: '2026-05-15T04:00:00.000Z', destroyAt: '2026-05-30T04:00:00.000Z' },
          ...{ customerLevel: 'V0', graceDays: 7, retentionDays: 15, graceEndsAt: '2026-05-15T04:00:00.000Z' },
          ...{ payPerUse: null, postpaid: null },
        },
      },
      {
        productName: TPNS,
        dueAt: '2026-05-11T02:00:00.000Z',
        data: {
          ...tpnsApp,
          expiresAt: '2026-05-08T06:30:00.000Z',
          ...{ day: 3, daysLeft: 0, daysSince: 3 },
          ...{ stopAt: '2026-05-15T16:00:00.000Z', destroyAt: '2026-05-22T16:00:00.000Z' },
          ...noLevel,
          ...{ payPerUse: null, postpaid: null },
        },
      },
      {
        productName: KOOPHONE,
        dueAt: '2026-05-11T01:00:00.000Z',
        data: {
          ...kooPhone,
          expiresAt: '2026-05-11T01:00:00.000Z',
          ...{ day: 0, daysLeft: 0, daysSince: 0, stopAt: null, destroyAt: null },
          ...{ customerLevel: 'V1', graceDays: 15, retentionDays: 15, graceEndsAt: null },
          ...{ payPerUse: true, postpaid: null },
        },
      },
      {
        productName: TRAFFIC,
        dueAt: '2026-05-11T08:00:00.000Z',
        data: {
          ...trafficPack,
          expiresAt: '2026-05-11T08:00:00.000Z',
          ...{ day: 0, daysLeft: 0, daysSince: 0, stopAt: null, destroyAt: null },
          ...noLevel,
          ...{ payPerUse: null, postpaid: true },
        },
      },
    ],
  },

  service_stopped: {
    // Planned expiry stops carry the expiry data and no reason; arrears stops and upstream stops carry a reason.
    optional: [...FACTS, ...EXPIRY, 'reason', 'expiresAt', 'billDate', 'overdueSince', 'stage', 'deviceRegistrationWorks', 'pushDisabled'],
    notices: [
      {
        productName: TPNS,
        dueAt: '2026-05-15T16:00:00.000Z',
        data: {
          ...tpnsApp,
          reason: null,
          expiresAt: '2026-05-08T06:30:00.000Z',
          ...{ day: 8, daysLeft: 0, daysSince: 8 },
          ...{ stopAt: '2026-05-15T16:00:00.000Z', destroyAt: '2026-05-22T16:00:00.000Z' },
          ...noLevel,
          ...{ billDate: null, overdueSince: null, stage: null, deviceRegistrationWorks: true, pushDisabled: true },
        },
      },
      {
        productName: ASTRO,
        dueAt: '2026-05-15T04:00:00.000Z',
        data: {
          ...astroApp,
          reason: null,
          expiresAt: '2026-05-08T04:00:00.000Z',
          ...{ day: 7, daysLeft: 0, daysSince: 7 },
          ...{ stopAt: '2026-05-15T04:00:00.000Z', destroyAt: '2026-05-30T04:00:00.000Z' },
          ...{ customerLevel: 'V0', graceDays: 7, retentionDays: 15, graceEndsAt: '2026-05-15T04:00:00.000Z' },
          ...{ billDate: null, overdueSince: null, stage: 'frozen', deviceRegistrationWorks: null, pushDisabled: null },
        },
      },
      {
        productName: IOT,
        dueAt: '2026-05-15T03:00:00.000Z',
        data: {
          ...iotInstance,
          reason: 'overdue',
          expiresAt: null,
          ...{ day: null, daysLeft: null, daysSince: null },
          ...{ stopAt: '2026-05-15T03:00:00.000Z', destroyAt: null },
          ...noLevel,
          ...{ billDate: '2026-05-14T03:00:00.000Z', overdueSince: '2026-05-14T03:00:00.000Z' },
          ...{ stage: null, deviceRegistrationWorks: null, pushDisabled: null },
        },
      },
    ],
  },

  destroy_warning: {
    optional: [...FACTS, ...EXPIRY],
    notices: [
      {
        productName: IOT,
        dueAt: '2026-05-22T02:00:00.000Z',
        data: {
          ...iotInstance,
          expiresAt: '2026-05-08T09:00:00.000Z',
          ...{ day: 14, daysLeft: 0, daysSince: 14 },
          ...{ stopAt: '2026-05-08T09:00:00.000Z', destroyAt: '2026-05-23T09:00:00.000Z' },
          ...noLevel,
        },
      },
      {
        productName: ASTRO,
        dueAt: '2026-05-22T02:00:00.000Z',
        data: {
          ...astroApp,
          expiresAt: '2026-05-01T04:00:00.000Z',
          ...{ day: 21, daysLeft: 0, daysSince: 21 },
          ...{ stopAt: '2026-05-08T04:00:00.000Z', destroyAt: '2026-05-23T04:00:00.000Z' },
          ...{ customerLevel: 'V0', graceDays: 7, retentionDays: 15, graceEndsAt: '2026-05-08T04:00:00.000Z' },
        },
      },
    ],
  },

  resource_destroyed: {
    // Planned: the expiry data; reported by upstream: only destroyAt (the event's time).
    optional: [...FACTS, ...EXPIRY.filter((k) => k !== 'destroyAt'), 'expiresAt'],
    notices: [
      {
        productName: TPNS,
        dueAt: '2026-05-22T16:00:00.000Z',
        data: {
          ...tpnsApp,
          destroyAt: '2026-05-22T16:00:00.000Z',
          expiresAt: '2026-05-08T06:30:00.000Z',
          ...{ day: 15, daysLeft: 0, daysSince: 15, stopAt: '2026-05-15T16:00:00.000Z' },
          ...noLevel,
        },
      },
      {
        productName: IOT,
        dueAt: '2026-05-22T16:20:00.000Z',
        data: {
          ...iotInstance,
          destroyAt: '2026-05-22T16:19:41.000Z',
          expiresAt: null,
          ...{ day: null, daysLeft: null, daysSince: null, stopAt: null },
          ...noLevel,
        },
      },
    ],
  },

  autorenew_scheduled: {
    optional: [...FACTS, ...EXPIRY],
    notices: [
      {
        productName: TPNS,
        dueAt: '2026-05-07T02:00:00.000Z',
        data: {
          ...tpnsApp,
          expiresAt: '2026-05-08T06:30:00.000Z',
          ...{ day: -1, daysLeft: 1, daysSince: 0 },
          ...{ stopAt: '2026-05-15T16:00:00.000Z', destroyAt: '2026-05-22T16:00:00.000Z' },
          ...noLevel,
        },
      },
      {
        productName: IOT,
        dueAt: '2026-05-07T02:00:00.000Z',
        data: {
          ...iotInstance,
          expiresAt: '2026-05-08T09:00:00.000Z',
          ...{ day: -1, daysLeft: 1, daysSince: 0 },
          ...{ stopAt: '2026-05-08T09:00:00.000Z', destroyAt: '2026-05-23T09:00:00.000Z' },
          ...noLevel,
        },
      },
    ],
  },

  autorenew_failed: {
    optional: [...FACTS, 'expiresAt', 'nextAttemptAt'],
    notices: [
      {
        productName: IOT,
        dueAt: '2026-05-04T17:02:11.000Z',
        data: {
          ...iotInstance,
          expiresAt: '2026-05-08T09:00:00.000Z',
          attemptAt: '2026-05-04T17:00:00.000Z',
          nextAttemptAt: '2026-05-06T17:00:00.000Z',
          postpaid: false,
        },
      },
      {
        productName: TRAFFIC,
        dueAt: '2026-05-04T17:02:11.000Z',
        data: {
          ...trafficPack,
          expiresAt: '2026-05-04T17:00:00.000Z',
          attemptAt: '2026-05-04T17:00:00.000Z',
          nextAttemptAt: null,
          postpaid: true,
        },
      },
      {
        productName: ASTRO,
        dueAt: '2026-05-04T19:00:40.000Z',
        data: {
          ...astroApp,
          expiresAt: '2026-05-11T04:00:00.000Z',
          attemptAt: '2026-05-04T19:00:00.000Z',
          nextAttemptAt: '2026-05-05T19:00:00.000Z',
          postpaid: false,
        },
      },
    ],
  },

  autorenew_succeeded: {
    optional: [...FACTS, 'expiresAt', 'previousExpiresAt'],
    notices: [
      {
        productName: IOT,
        dueAt: '2026-05-04T17:02:11.000Z',
        data: { ...iotInstance, expiresAt: '2027-05-08T09:00:00.000Z', previousExpiresAt: '2026-05-08T09:00:00.000Z' },
      },
      {
        productName: TRAFFIC,
        dueAt: '2026-05-04T17:02:11.000Z',
        data: { ...trafficPack, expiresAt: '2026-06-04T17:00:00.000Z', previousExpiresAt: '2026-05-04T17:00:00.000Z' },
      },
    ],
  },

  autorenew_changed: {
    // takesEffectOn is a local calendar date (YYYY-MM-DD), set only when a policy knows the next-day rule.
    optional: [...FACTS, 'expiresAt', 'daysLeft', 'takesEffectOn'],
    notices: [
      {
        productName: IOT,
        dueAt: '2026-05-07T06:12:00.000Z',
        data: {
          ...iotInstance,
          autoRenew: true,
          expiresAt: '2026-05-08T09:00:00.000Z',
          daysLeft: 1,
          takesEffectOn: '2026-05-08',
          warning: true,
        },
      },
      {
        productName: TRAFFIC,
        dueAt: '2026-05-07T06:12:00.000Z',
        data: {
          ...trafficPack,
          autoRenew: false,
          expiresAt: '2026-05-27T08:00:00.000Z',
          daysLeft: 20,
          takesEffectOn: null,
          warning: false,
        },
      },
      {
        productName: ASTRO,
        dueAt: '2026-05-07T06:15:00.000Z',
        data: { ...astroApp, autoRenew: true, expiresAt: '2026-06-08T04:00:00.000Z', daysLeft: 32, takesEffectOn: null, warning: false },
      },
    ],
  },

  usage_threshold: {
    optional: [...FACTS, 'expiresAt'],
    notices: [
      {
        productName: TRAFFIC,
        dueAt: '2026-05-06T07:40:00.000Z',
        data: {
          ...trafficPack,
          threshold: 90,
          usedPercent: 92.4,
          usage: 462,
          quota: 500,
          expiresAt: '2026-05-27T08:00:00.000Z',
          ...{ exhausted: false, autoRenewTriggered: false, postpaid: false },
        },
      },
      {
        productName: TRAFFIC,
        dueAt: '2026-05-06T07:40:00.000Z',
        data: {
          ...trafficPack,
          resourceId: 'tp-1t-0b93',
          resourceName: 'video-cdn-1t',
          threshold: 100,
          usedPercent: 100,
          usage: 1000,
          quota: 1000,
          expiresAt: '2026-06-01T08:00:00.000Z',
          ...{ exhausted: true, autoRenewTriggered: true, postpaid: false },
        },
      },
      {
        productName: TRAFFIC,
        dueAt: '2026-05-06T07:40:00.000Z',
        data: {
          ...trafficPack,
          resourceId: 'tp-100g-4c51',
          resourceName: 'lab-traffic-100g',
          threshold: 100,
          usedPercent: 103.2,
          usage: 103.2,
          quota: 100,
          expiresAt: '2026-05-20T08:00:00.000Z',
          ...{ exhausted: true, autoRenewTriggered: false, postpaid: true },
        },
      },
    ],
  },

  account_overdue: {
    optional: ['overdueSince', 'stopAt'],
    notices: [
      {
        productName: TPNS,
        dueAt: '2026-05-01T02:05:00.000Z',
        data: {
          accountId: 'acc-7d21',
          billDate: '2026-05-01T02:00:00.000Z',
          overdueSince: '2026-05-01T02:00:00.000Z',
          stopAt: '2026-05-07T16:00:00.000Z',
        },
      },
    ],
  },

  low_balance: {
    // Whatever upstream put in the event's data; both may be missing.
    optional: ['balance', 'threshold'],
    notices: [
      { productName: IOT, dueAt: '2026-05-03T01:30:00.000Z', data: { accountId: 'acc-7d21', balance: '86.40', threshold: '100.00' } },
    ],
  },

  service_restored: {
    // A resource stopped for arrears gets its own notice; otherwise the account does (accountId, no resource facts).
    optional: ['resourceId', ...FACTS, 'accountId', 'restoreWithinMinutes'],
    notices: [
      {
        productName: TPNS,
        dueAt: '2026-05-09T03:20:00.000Z',
        data: {
          ...tpnsApp,
          accountId: null,
          billDate: '2026-05-01T02:00:00.000Z',
          paidAt: '2026-05-09T03:19:30.000Z',
          restoreWithinMinutes: null,
        },
      },
      {
        productName: IOT,
        dueAt: '2026-05-09T03:20:00.000Z',
        data: {
          ...{ resourceId: null, resourceName: null, product: null, region: null },
          accountId: 'acc-7d21',
          billDate: '2026-05-01T02:00:00.000Z',
          paidAt: '2026-05-09T03:19:30.000Z',
          restoreWithinMinutes: 30,
        },
      },
    ],
  },
};

export interface SampleOptions {
  /** All sample notices (a digest) instead of the first one. */
  digest?: boolean;
  /** Every optional key null: what the leanest real notice looks like. */
  sparse?: boolean;
  timeZone?: string;
  consoleUrl?: string;
  /** The send instant; by default the first sample's due instant (a message sent on time). */
  now?: Date | string;
}

const SAMPLE_PEOPLE: Record<Locale, { recipient: string; account: string }> = {
  'zh-CN': { recipient: '李雷', account: '星河科技' },
  'en-US': { recipient: 'Alice Chen', account: 'Acme Robotics' },
};

/** The context preview and the start-up check render with; tests use it too. */
export function sampleContext(type: MessageType, locale: Locale, options: SampleOptions = {}): MessageContext {
  const contract = NOTICE_SAMPLES[type];
  const notices = options.digest ? contract.notices : contract.notices.slice(0, 1);
  const people = SAMPLE_PEOPLE[locale];
  return buildMessageContext({
    locale,
    timeZone: options.timeZone ?? 'Asia/Shanghai',
    now: options.now ?? contract.notices[0].dueAt,
    recipient: { name: people.recipient },
    account: { id: 'acc-7d21', name: people.account },
    type,
    notices: notices.map((n) => ({
      ...n,
      renewUrl: n.renewUrl === undefined ? SAMPLE_RENEW_URLS[n.productName] : n.renewUrl,
      data: options.sparse ? { ...n.data, ...Object.fromEntries(contract.optional.map((k) => [k, null])) } : n.data,
    })),
    consoleUrl: options.consoleUrl ?? 'http://localhost:3000/console',
  });
}
