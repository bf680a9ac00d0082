import type { AccountState, LifecycleEvent, LifecycleEventType, ResourceState } from '../lifecycle.types';

/** Test builders: plain lifecycle state with sensible defaults, for specs and tests only (lint keeps production code out). */
export function aResourceState(over: Partial<ResourceState> = {}): ResourceState {
  return {
    id: 'res-1',
    accountId: 'acc-1',
    product: 'tpns',
    name: 'push-app',
    region: 'ap-guangzhou',
    billingMode: 'prepaid',
    expiresAt: null,
    autoRenew: false,
    status: 'running',
    quota: null,
    usage: null,
    attributes: {},
    stoppedAt: null,
    destroyedAt: null,
    ...over,
  };
}

export function anAccountState(over: Partial<AccountState> = {}): AccountState {
  return {
    id: 'acc-1',
    customerLevel: 'V0',
    timeZone: 'Asia/Shanghai',
    balanceState: 'ok',
    overdueSince: null,
    billDate: null,
    ...over,
  };
}

export function aLifecycleEvent(type: LifecycleEventType, occurredAt: string | Date, data: Record<string, unknown> = {}): LifecycleEvent {
  const at = new Date(occurredAt);
  return { id: `evt-${type}-${at.getTime()}`, type, occurredAt: at, data };
}
