import { Schema } from 'mongoose';
import { CATEGORIES, MESSAGE_TYPES } from '../lifecycle/message-types';

export const NOTICE = 'Notice';

/**
 * One message type due for one resource (or account) at one instant. Its `_id` is the dedupe key
 * (resource, type, term, occurrence), so producing a notice twice is an insert that fails harmlessly.
 */
export interface NoticeDoc {
  _id: string;
  accountId: string;
  /** Null for account-level notices (overdue, low balance, restored). */
  resourceId: string | null;
  type: (typeof MESSAGE_TYPES)[number];
  category: (typeof CATEGORIES)[number];
  term: string;
  occurrence: string;
  dueAt: Date;
  producedAt: Date;
  source: 'schedule' | 'event';
  product: string | null;
  policyVersion: number | null;
  data: Record<string, unknown>;
  /** Fan-out into deliveries: pending until recipients are resolved and deliveries written. */
  fanout: { status: 'pending' | 'done'; leaseUntil: Date | null; leaseToken: string | null };
}

export const NoticeSchema = new Schema<NoticeDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    resourceId: { type: String, default: null },
    type: { type: String, enum: MESSAGE_TYPES, required: true },
    category: { type: String, enum: CATEGORIES, required: true },
    term: { type: String, required: true },
    occurrence: { type: String, required: true },
    dueAt: { type: Date, required: true },
    producedAt: { type: Date, required: true },
    source: { type: String, enum: ['schedule', 'event'], required: true },
    product: { type: String, default: null },
    policyVersion: { type: Number, default: null },
    data: { type: Schema.Types.Mixed, default: {} },
    fanout: {
      status: { type: String, enum: ['pending', 'done'], default: 'pending' },
      leaseUntil: { type: Date, default: null },
      leaseToken: { type: String, default: null },
    },
  },
  { versionKey: false, minimize: false, collection: 'notices' },
);
// Timeline of one resource: its notices in due order.
NoticeSchema.index({ accountId: 1, resourceId: 1, dueAt: 1 });
// Fan-out worker: pending notices, oldest first.
NoticeSchema.index({ 'fanout.status': 1, dueAt: 1 });
