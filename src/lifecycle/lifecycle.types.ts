/** The state the planner reads. Plain data, no mongoose: repositories map documents onto these shapes. */
export const RESOURCE_STATUSES = ['running', 'expired', 'stopped', 'frozen', 'destroyed'] as const;
export type ResourceStatus = (typeof RESOURCE_STATUSES)[number];

export const BILLING_MODES = ['prepaid', 'postpaid'] as const;
export type BillingMode = (typeof BILLING_MODES)[number];

export interface ResourceState {
  id: string;
  accountId: string;
  /** Null until a `resource.purchased` event has told Herald what the resource is. */
  product: string | null;
  name: string | null;
  region: string | null;
  billingMode: BillingMode;
  /** The current term's end; null for resources without a term (pure postpaid). */
  expiresAt: Date | null;
  autoRenew: boolean;
  status: ResourceStatus;
  /** Traffic packs: the pack size and the amount used in this term, in the product's unit. */
  quota: number | null;
  usage: number | null;
  /** Free-form upstream attributes policies may test, e.g. `edition: legacy_public`. */
  attributes: Record<string, string>;
  /** When upstream reported the stop / destruction, if it has. */
  stoppedAt: Date | null;
  destroyedAt: Date | null;
}

export const BALANCE_STATES = ['ok', 'low', 'overdue'] as const;
export type BalanceState = (typeof BALANCE_STATES)[number];

export interface AccountState {
  id: string;
  customerLevel: string;
  timeZone: string;
  balanceState: BalanceState;
  /** Start of the current arrears and the bill date that caused it, when overdue. */
  overdueSince: Date | null;
  billDate: Date | null;
}

export const LIFECYCLE_EVENT_TYPES = [
  'resource.purchased',
  'resource.renewed',
  'resource.expiry_changed',
  'resource.autorenew_changed',
  'resource.autorenew_failed',
  'resource.usage_reported',
  'resource.stopped',
  'resource.destroyed',
  'account.overdue',
  'account.balance_low',
  'account.paid',
] as const;
export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

/**
 * The slice of an upstream event the planner reads. Known `data` keys: `auto` (renewed), `attemptAt`
 * (autorenew_failed), `billDate` (overdue), `reason` (stopped: `overdue` | `expiry`), `balance`/`threshold` (balance_low).
 */
export interface LifecycleEvent {
  id: string;
  type: LifecycleEventType;
  occurredAt: Date;
  data: Record<string, unknown>;
}
