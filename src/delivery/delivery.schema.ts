import { Schema } from 'mongoose';
import { CATEGORIES, CHANNELS, MESSAGE_TYPES } from '../lifecycle/message-types';

export const DELIVERY = 'Delivery';
export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'cancelled', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Attempt {
  /** Wall-clock time the attempt started. */
  at: Date;
  outcome: 'sent' | 'transient' | 'deferred' | 'permanent';
  error?: string;
  code?: string | number;
  /** What the provider answered (status, ids, SMTP reply), never credentials. */
  response?: unknown;
  durationMs: number;
}

/**
 * One notice to one member over one channel: the outbox. `_id` is `<notice>|<member>|<channel>`, unique,
 * so fan-out can be repeated without doubling anything, and it is the dedupe key the providers see
 * (inbox id, Message-ID, WeChat client_msg_id).
 */
export interface DeliveryDoc {
  _id: string;
  accountId: string;
  memberId: string;
  channel: (typeof CHANNELS)[number];
  type: (typeof MESSAGE_TYPES)[number];
  category: (typeof CATEGORIES)[number];
  /** The notice this delivery carries (one per delivery; a digest is several deliveries sent as one message). */
  noticeIds: string[];
  resourceIds: string[];
  /**
   * Deliveries sharing a digest key (account, type, local day, member, channel) are sent as one message
   * listing their notices; each stays its own document, so joining a digest is a plain insert.
   */
  digestKey: string | null;
  /** The delivery whose id the provider saw for the digest message this one went out in. */
  sentWith: string | null;
  to: string;
  locale: 'zh-CN' | 'en-US';
  timeZone: string;
  recipientName: string;
  status: DeliveryStatus;
  /** Why it was skipped, cancelled or failed. */
  reason: string | null;
  /** Domain time before which it is not sent (quiet hours, digest window). */
  notBefore: Date;
  /** Wall-clock time of the next retry after a transient error or a deferral. */
  retryAt: Date | null;
  attempts: Attempt[];
  attemptCount: number;
  deferrals: number;
  /** Set while a send is under way: a delivery found with it after a crash is in doubt. */
  inFlightSince: Date | null;
  leaseUntil: Date | null;
  leaseToken: string | null;
  providerMessageId: string | null;
  providerStatus: string | null;
  providerErrorCode: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
}

const AttemptSchema = new Schema<Attempt>(
  { at: Date, outcome: String, error: String, code: Schema.Types.Mixed, response: Schema.Types.Mixed, durationMs: Number },
  { _id: false },
);

export const DeliverySchema = new Schema<DeliveryDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    memberId: { type: String, required: true },
    channel: { type: String, enum: CHANNELS, required: true },
    type: { type: String, enum: MESSAGE_TYPES, required: true },
    category: { type: String, enum: CATEGORIES, required: true },
    noticeIds: { type: [String], required: true },
    resourceIds: { type: [String], default: [] },
    digestKey: { type: String, default: null },
    sentWith: { type: String, default: null },
    to: { type: String, required: true },
    locale: { type: String, required: true },
    timeZone: { type: String, required: true },
    recipientName: { type: String, default: '' },
    status: { type: String, enum: DELIVERY_STATUSES, required: true },
    reason: { type: String, default: null },
    notBefore: { type: Date, required: true },
    retryAt: { type: Date, default: null },
    attempts: { type: [AttemptSchema], default: [] },
    attemptCount: { type: Number, default: 0 },
    deferrals: { type: Number, default: 0 },
    inFlightSince: { type: Date, default: null },
    leaseUntil: { type: Date, default: null },
    leaseToken: { type: String, default: null },
    providerMessageId: { type: String, default: null },
    providerStatus: { type: String, default: null },
    providerErrorCode: { type: String, default: null },
    createdAt: Date,
    updatedAt: Date,
    sentAt: { type: Date, default: null },
  },
  { versionKey: false, minimize: false, collection: 'deliveries' },
);
// Delivery workers: pending deliveries whose time has come, earliest first.
DeliverySchema.index({ status: 1, notBefore: 1 });
// Delivery log: an account's deliveries, newest first (member, channel and status filters narrow it further).
DeliverySchema.index({ accountId: 1, createdAt: -1 });
// Timeline delivery summaries and the log's notice filter: deliveries of given notices.
DeliverySchema.index({ accountId: 1, noticeIds: 1 });
// The log's resource filter.
DeliverySchema.index({ accountId: 1, resourceIds: 1 });
// Gathering a digest: the pending deliveries of one digest key.
DeliverySchema.index({ digestKey: 1, status: 1 });
// Twilio status callbacks: the delivery of a message SID.
DeliverySchema.index({ providerMessageId: 1 });
// Retention sweep: deliveries in a final status created before the cut-off.
DeliverySchema.index({ status: 1, createdAt: 1 });
