import path from 'node:path';
import type { AccountDoc } from '../src/accounts/account.schema';
import type { MemberDoc } from '../src/accounts/member.schema';
import { scopedId } from '../src/accounts/scoped-id';
import type { ResourceDoc } from '../src/resources/resource.schema';
import type { SubscriptionDoc } from '../src/subscriptions/subscription.schema';
import {
  AccountState,
  Channel,
  CompiledPolicy,
  DAY_MS,
  loadPolicies,
  MESSAGE_TYPES,
  MINUTE_MS,
  phaseInstants,
  planDue,
  PolicySet,
  ResourceState,
} from '../src/lifecycle';

/**
 * Synthetic resources over every seed policy (policies/*.yaml): each product in turn, with the states its
 * rules test (auto-renew on and off, stopped and expired resources, the attributes koophone and IoT rules
 * read, every Huawei customer level, accounts in arrears), expiring anywhere from 20 days ago to 40 days on.
 * Deterministic: resource i is the same in every run.
 */
export const policies: PolicySet = loadPolicies(path.resolve('policies'));
const PRODUCTS = policies.list().map((p) => p.product);
const LEVELS = ['V0', 'V1', 'V2', 'V3', 'V4', 'V5'];

/** A small fast PRNG (mulberry32), so a resource's draw depends on its index alone. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Synthetic {
  resource: ResourceState;
  account: AccountState;
  policy: CompiledPolicy;
}

/** The planner's input for resource `i`, expiring around `nowMs`. */
export function synthetic(i: number, nowMs: number, accounts = 1_000, arrears = true): Synthetic {
  const r = rng(i * 7919 + 17);
  const product = PRODUCTS[i % PRODUCTS.length];
  const policy = policies.get(product)!;
  const roll = r();
  const status = roll < 0.85 ? 'running' : roll < 0.92 ? 'expired' : roll < 0.97 ? 'stopped' : 'frozen';
  const expiresAt = new Date(Math.floor(nowMs / MINUTE_MS + (r() * 60 - 20) * (DAY_MS / MINUTE_MS)) * MINUTE_MS);
  const attributes: Record<string, string> = {};
  if (product === 'iot-enterprise' && r() < 0.5) attributes.edition = 'legacy_public';
  if (product === 'koophone' && r() < 0.3) attributes.expiryAction = 'pay_per_use';
  if (r() < 0.3) attributes.renewDeductionDays = String(1 + Math.floor(r() * 7));
  const overdue = r() < 0.05 && arrears;
  const billDate = overdue ? new Date(nowMs - Math.round(r() * 10 * DAY_MS)) : null;
  const accountId = `bench-acc-${i % accounts}`;
  return {
    policy,
    resource: {
      id: `bench-res-${i}`,
      accountId,
      product,
      name: `${product} #${i}`,
      region: i % 2 ? 'ap-guangzhou' : 'cn-north-4',
      billingMode: 'prepaid',
      expiresAt,
      autoRenew: r() < 0.3,
      status,
      quota: product === 'traffic-pack' ? 1000 : null,
      usage: product === 'traffic-pack' ? Math.floor(r() * 1000) : null,
      attributes,
      stoppedAt: status === 'stopped' ? new Date(expiresAt.getTime() + 8 * DAY_MS) : null,
      destroyedAt: null,
    },
    account: {
      id: accountId,
      customerLevel: LEVELS[(i % accounts) % LEVELS.length],
      timeZone: 'Asia/Shanghai',
      balanceState: overdue ? 'overdue' : 'ok',
      overdueSince: billDate,
      billDate,
    },
  };
}

/**
 * Resource `i` as stored, due at `nowMs`: its stored next instant is the one the planner gave a week earlier,
 * and only resources for which that instant has come and brings at least one notice are due ones. Returns
 * null for an index whose draw is not due (the caller takes the next index).
 */
export function dueResourceDoc(i: number, nowMs: number, accounts: number): ResourceDoc | null {
  // Due work is running resources on accounts in good standing (as seeded by accountDocs): each yields notices.
  const s = synthetic(i, nowMs, accounts, false);
  s.resource.status = 'running';
  s.resource.stoppedAt = null;
  const earlier = planDue({ ...s, since: new Date(0), now: new Date(nowMs - 7 * DAY_MS) }).nextDueAt;
  if (earlier === null || earlier.getTime() > nowMs) return null;
  if (planDue({ ...s, since: earlier, now: new Date(nowMs) }).due.length === 0) return null;
  return resourceDoc(s, earlier, nowMs);
}

/** Resource `i` as stored, next due some hours to weeks after `nowMs`. */
export function laterResourceDoc(i: number, nowMs: number, accounts: number): ResourceDoc {
  const s = synthetic(i, nowMs, accounts, false);
  return resourceDoc(s, new Date(nowMs + (1 + (i % 500)) * 3_600_000), nowMs);
}

function resourceDoc(s: Synthetic, nextDueAt: Date, nowMs: number): ResourceDoc {
  const { id, ...fields } = s.resource;
  const at = new Date(nowMs - 30 * DAY_MS);
  return {
    _id: id,
    ...fields,
    version: 1,
    fieldVersions: { profile: 1, term: 1, autoRenew: 1, status: 1 },
    rev: 1,
    nextDueAt,
    policyVersion: s.policy.version,
    // As Herald stores a resource it planned: with its phase instants (else every pass and the start-up backfill rewrite them).
    phases: phaseInstants(s.resource, s.account, s.policy),
    leaseUntil: null,
    leaseToken: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** Account `a` with its three members (creator, resource and finance collaborators), each on inbox and email. */
export function accountDocs(a: number, nowMs: number, recipients = 3): { account: AccountDoc; members: MemberDoc[] } {
  const id = `bench-acc-${a}`;
  const at = new Date(nowMs - 60 * DAY_MS);
  const roles = [['creator'], ['resource_collaborator'], ['finance_collaborator']] as const;
  return {
    account: {
      _id: id,
      name: `Account ${a}`,
      customerLevel: LEVELS[a % LEVELS.length],
      timeZone: 'Asia/Shanghai',
      balanceState: 'ok',
      overdueSince: null,
      billDate: null,
      creatorId: `${id}-m0`,
      version: 0,
      fieldVersions: {},
      createdAt: at,
      updatedAt: at,
    },
    members: Array.from({ length: recipients }, (_, m) => ({
      _id: scopedId(id, `${id}-m${m}`),
      accountId: id,
      memberId: `${id}-m${m}`,
      name: `Member ${m} of ${a}`,
      roles: [...roles[m % roles.length]],
      scope: null,
      contacts: { email: { value: `m${m}.a${a}@bench.example`, verified: true }, phone: null, wechat: null },
      locale: m % 2 ? 'en-US' : 'zh-CN',
      timeZone: 'Asia/Shanghai',
      quietHours: null,
      mutedChannels: {},
      verification: {},
      createdAt: at,
      updatedAt: at,
    })),
  };
}

/** Every message type to the three lifecycle roles on `channels` (inbox and email: two deliveries per recipient), no digests. */
export function subscriptionDoc(a: number, nowMs: number, channels: Channel[] = ['inbox', 'email']): SubscriptionDoc {
  const id = `bench-acc-${a}`;
  const everyone = { roles: ['creator', 'resource_collaborator', 'finance_collaborator'] as const, memberIds: [], groupIds: [] };
  return {
    _id: id,
    accountId: id,
    types: Object.fromEntries(
      MESSAGE_TYPES.map((t) => [t, { channels: [...channels], receivers: { ...everyone, roles: [...everyone.roles] }, digest: false }]),
    ),
    updatedAt: new Date(nowMs),
  };
}
