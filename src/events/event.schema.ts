import { Schema } from 'mongoose';

export const EVENT = 'Event';

/** The record of an accepted event; its `_id` is the upstream event id, which makes ingestion idempotent. */
export interface EventDoc {
  _id: string;
  accountId: string;
  resourceId: string | null;
  type: string;
  version: number;
  occurredAt: Date;
  receivedAt: Date;
  data: Record<string, unknown>;
  /** Set once the event's state change and notices are stored; a replay of a settled event says nothing again. */
  settledAt?: Date | null;
}

export const EventSchema = new Schema<EventDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    resourceId: { type: String, default: null },
    type: { type: String, required: true },
    version: { type: Number, required: true },
    occurredAt: { type: Date, required: true },
    receivedAt: { type: Date, required: true },
    data: { type: Schema.Types.Mixed, default: {} },
    settledAt: { type: Date, default: null },
  },
  { versionKey: false, minimize: false, collection: 'events' },
);
// Audit reads: an account's events in arrival order.
EventSchema.index({ accountId: 1, receivedAt: 1 });
// Retention sweep: records older than EVENT_RETENTION_DAYS.
EventSchema.index({ receivedAt: 1 });
