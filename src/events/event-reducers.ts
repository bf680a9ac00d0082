import type { AccountState, ResourceState } from '../lifecycle/lifecycle.types';
import type { ResourceGroup, VersionedResource } from '../resources/versioned-resource';
import { AccountEvent, ResourceEvent, versionOf } from './event.types';

/**
 * Pure reducers from events to state. Each event touches named groups of fields, and each group
 * remembers the version of the event that last wrote it: an event writes a group only when it is
 * newer than that. So duplicates and late arrivals never roll anything back, and applying a set of
 * events in any order gives the state that applying them in version order gives.
 */
export interface VersionedAccountBalance {
  balanceState: AccountState['balanceState'];
  overdueSince: Date | null;
  billDate: Date | null;
  version: number;
  fieldVersions: { balance?: number };
}

export function emptyResource(id: string, accountId: string): VersionedResource {
  return {
    id,
    accountId,
    product: null,
    name: null,
    region: null,
    billingMode: 'prepaid',
    expiresAt: null,
    autoRenew: false,
    status: 'running',
    quota: null,
    usage: null,
    attributes: {},
    stoppedAt: null,
    destroyedAt: null,
    version: 0,
    fieldVersions: {},
  };
}

type Patch = Partial<Record<ResourceGroup, Partial<ResourceState>>>;

function patchFor(event: ResourceEvent): Patch {
  const at = new Date(event.occurredAt);
  switch (event.type) {
    case 'resource.purchased': {
      const d = event.data;
      return {
        profile: {
          product: d.product,
          name: d.name ?? null,
          region: d.region ?? null,
          billingMode: d.billingMode,
          attributes: d.attributes ?? {},
        },
        term: { expiresAt: d.expiresAt ? new Date(d.expiresAt) : null },
        autoRenew: { autoRenew: d.autoRenew },
        status: { status: 'running', stoppedAt: null, destroyedAt: null },
        quota: { quota: d.quota ?? null },
        usage: { usage: d.usage ?? (d.quota !== undefined ? 0 : null) },
      };
    }
    case 'resource.renewed':
      return {
        term: { expiresAt: new Date(event.data.expiresAt) },
        status: { status: 'running', stoppedAt: null, destroyedAt: null },
        // A renewed traffic pack is a fresh pack: its usage starts again.
        ...(event.data.quota !== undefined ? { quota: { quota: event.data.quota }, usage: { usage: 0 } } : {}),
      };
    case 'resource.expiry_changed':
      return { term: { expiresAt: new Date(event.data.expiresAt) } };
    case 'resource.autorenew_changed':
      return { autoRenew: { autoRenew: event.data.autoRenew } };
    case 'resource.usage_reported':
      return { usage: { usage: event.data.usage }, ...(event.data.quota !== undefined ? { quota: { quota: event.data.quota } } : {}) };
    case 'resource.stopped':
      return { status: { status: 'stopped', stoppedAt: at } };
    case 'resource.destroyed':
      return { status: { status: 'destroyed', destroyedAt: at } };
    case 'resource.autorenew_failed':
      return {};
    default:
      return unknownEvent(event);
  }
}

/** Groups the event type writes; an event that writes none (a failure report) is never stale. */
export function groupsOf(event: ResourceEvent): ResourceGroup[] {
  return Object.keys(patchFor(event)) as ResourceGroup[];
}

export function applyResourceEvent(
  current: VersionedResource,
  event: ResourceEvent,
): { next: VersionedResource; changed: ResourceGroup[] } {
  const version = versionOf(event);
  const patch = patchFor(event);
  const changed: ResourceGroup[] = [];
  let next = current;
  for (const group of Object.keys(patch) as ResourceGroup[]) {
    if (version <= (current.fieldVersions[group] ?? -1)) continue;
    if (next === current) next = { ...current, fieldVersions: { ...current.fieldVersions } };
    Object.assign(next, patch[group]);
    next.fieldVersions[group] = version;
    changed.push(group);
  }
  if (next !== current) next.version = Math.max(current.version, version);
  return { next, changed };
}

export function applyAccountEvent(
  current: VersionedAccountBalance,
  event: AccountEvent,
): { next: VersionedAccountBalance; changed: boolean } {
  const version = versionOf(event);
  if (version <= (current.fieldVersions.balance ?? -1)) return { next: current, changed: false };
  const at = new Date(event.occurredAt);
  const base = { version: Math.max(current.version, version), fieldVersions: { ...current.fieldVersions, balance: version } };
  switch (event.type) {
    case 'account.overdue':
      return {
        next: {
          ...current,
          ...base,
          balanceState: 'overdue',
          overdueSince: at,
          billDate: event.data.billDate ? new Date(event.data.billDate) : at,
        },
        changed: true,
      };
    case 'account.balance_low':
      return { next: { ...current, ...base, balanceState: 'low', overdueSince: null, billDate: null }, changed: true };
    case 'account.paid':
      return { next: { ...current, ...base, balanceState: 'ok', overdueSince: null, billDate: null }, changed: true };
    default:
      return unknownEvent(event);
  }
}

function unknownEvent(event: never): never {
  throw new Error(`no reducer for event type ${(event as { type: string }).type}`);
}
