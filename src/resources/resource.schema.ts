import { Schema } from 'mongoose';
import { BILLING_MODES, RESOURCE_STATUSES } from '../lifecycle/lifecycle.types';
import type { PhaseInstants } from '../lifecycle/phase';
import type { VersionedResource } from './versioned-resource';

export const RESOURCE = 'Resource';

export interface ResourceDoc extends Omit<VersionedResource, 'id'> {
  _id: string;
  /** Compare-and-set counter: every write of the lifecycle state bumps it, and writers check it. */
  rev: number;
  /** Instant of the next planned notice; null when nothing more is planned. Set by the planner. */
  nextDueAt: Date | null;
  /**
   * When the current term enters each phase (expiring, expired, stop, release), stored each time the resource is
   * planned: the phase depends on now, and these let the list filter by phase in the query. Absent on documents an
   * earlier Herald stored, until the start-up backfill reaches them.
   */
  phases?: PhaseInstants;
  /** Version of the product policy the resource was last planned with. */
  policyVersion: number | null;
  /** The scheduler's claim on the resource (wall-clock time), so several instances never plan it at once. */
  leaseUntil: Date | null;
  leaseToken: string | null;
  /** Identifies the bulk write that last stored the state (to tell winners from losers of a race). */
  writeToken?: string;
  createdAt: Date;
  updatedAt: Date;
}

export const ResourceSchema = new Schema<ResourceDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    product: { type: String, default: null },
    name: { type: String, default: null },
    region: { type: String, default: null },
    billingMode: { type: String, enum: BILLING_MODES, default: 'prepaid' },
    expiresAt: { type: Date, default: null },
    autoRenew: { type: Boolean, default: false },
    status: { type: String, enum: RESOURCE_STATUSES, default: 'running' },
    quota: { type: Number, default: null },
    usage: { type: Number, default: null },
    attributes: { type: Schema.Types.Mixed, default: {} },
    stoppedAt: { type: Date, default: null },
    destroyedAt: { type: Date, default: null },
    version: { type: Number, default: 0 },
    fieldVersions: { type: Schema.Types.Mixed, default: {} },
    rev: { type: Number, default: 0 },
    nextDueAt: { type: Date, default: null },
    phases: {
      type: new Schema({ expiringAt: Date, expiredAt: Date, stopAt: Date, releaseAt: Date, stopPhase: String }, { _id: false }),
      default: undefined,
    },
    writeToken: String,
    policyVersion: { type: Number, default: null },
    leaseUntil: { type: Date, default: null },
    leaseToken: { type: String, default: null },
    createdAt: Date,
    updatedAt: Date,
  },
  { versionKey: false, minimize: false, collection: 'resources' },
);
// Console resource list: an account's resources filtered by product and status, ordered by expiry.
ResourceSchema.index({ accountId: 1, product: 1, status: 1, expiresAt: 1 });
// Console resource list without a product filter, ordered by expiry; also the phase filter, whose range conditions
// on `phases.*` are checked on the account's resources this index finds.
ResourceSchema.index({ accountId: 1, expiresAt: 1 });
// Scheduler: resources whose next notice is due at or before now, earliest first.
ResourceSchema.index({ nextDueAt: 1 });
// Re-planning after an account event: all resources of one account, in id order (paged).
ResourceSchema.index({ accountId: 1, _id: 1 });
// Retention sweep: a product's destroyed resources whose destroyedAt is before the product's cut-off.
ResourceSchema.index({ status: 1, product: 1, destroyedAt: 1 });
