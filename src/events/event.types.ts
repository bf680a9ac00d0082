import { z } from 'zod';
import { idString, instant, LATEST_INSTANT, text } from '../common/validation';
import { BILLING_MODES } from '../lifecycle/lifecycle.types';

/**
 * The largest explicit version: the epoch milliseconds of the latest instant Herald takes, the largest version
 * an `occurredAt` can default to, so explicit and default versions share one range (and stay exact integers).
 * A sender that mixes the two on one resource still owns their order; the bound keeps out 2^53 - 1 and the like.
 */
export const MAX_VERSION = LATEST_INSTANT;

/** The wire shape of upstream lifecycle events; the OpenAPI document is generated from these schemas. */
const amount = z.number().finite();

const common = {
  id: idString.describe('Unique event id; a repeated id is a no-op'),
  occurredAt: instant.describe("When it happened upstream; at most EVENTS_MAX_FUTURE_SKEW ahead of Herald's clock"),
  accountId: idString,
  version: z
    .int()
    .min(0)
    .max(MAX_VERSION, `must be at most ${MAX_VERSION} (the epoch milliseconds of 2200-01-01)`)
    .optional()
    .describe(`Monotonic per resource or account, at most ${MAX_VERSION}; defaults to occurredAt in epoch milliseconds`),
};
const onResource = { ...common, resourceId: idString };

const event = <T extends string, S extends z.ZodRawShape, D extends z.ZodType>(type: T, shape: S, data: D) =>
  z.object({ ...shape, type: z.literal(type), data });

const attributes = z.record(text.max(64), text.max(256)).refine((r) => Object.keys(r).length <= 32, 'at most 32 attributes');

export const eventSchema = z.discriminatedUnion('type', [
  event(
    'resource.purchased',
    onResource,
    z
      .object({
        product: idString.describe('A product with a loaded policy (GET /v1/policies lists them)'),
        name: text.max(200).optional(),
        region: text.max(64).optional(),
        billingMode: z.enum(BILLING_MODES).default('prepaid'),
        expiresAt: instant.nullable().optional(),
        autoRenew: z.boolean().default(false),
        quota: z.number().positive().optional(),
        usage: z.number().min(0).optional(),
        attributes: attributes.optional(),
      })
      .refine((d) => d.billingMode === 'postpaid' || d.expiresAt, { path: ['expiresAt'], message: 'is required for prepaid resources' }),
  ),
  event(
    'resource.renewed',
    onResource,
    z.object({ expiresAt: instant, auto: z.boolean().default(false), quota: z.number().positive().optional() }),
  ),
  event('resource.expiry_changed', onResource, z.object({ expiresAt: instant })),
  event('resource.autorenew_changed', onResource, z.object({ autoRenew: z.boolean() })),
  event('resource.autorenew_failed', onResource, z.object({ reason: text.max(500).optional(), attemptAt: instant.optional() }).default({})),
  event('resource.usage_reported', onResource, z.object({ usage: z.number().min(0), quota: z.number().positive().optional() })),
  event('resource.stopped', onResource, z.object({ reason: z.enum(['expired', 'overdue', 'manual']).optional() }).default({})),
  event('resource.destroyed', onResource, z.object({ reason: text.max(500).optional() }).default({})),
  event('account.overdue', common, z.object({ billDate: instant.optional(), amount: amount.optional() }).default({})),
  event('account.balance_low', common, z.object({ balance: amount, threshold: amount.optional() })),
  event('account.paid', common, z.object({ amount: amount.optional() }).default({})),
]);

export type IncomingEvent = z.output<typeof eventSchema>;
export type EventType = IncomingEvent['type'];
export type ResourceEvent = Extract<IncomingEvent, { resourceId: string }>;
export type AccountEvent = Exclude<IncomingEvent, ResourceEvent>;
export const EVENT_TYPES = eventSchema.options.map((o) => o.shape.type.value) as EventType[];

export const MAX_BATCH = 1000;

/** Either one event or `{ events: [...] }`; each event of a batch is validated on its own. */
export const batchSchema = z.object({
  events: z.array(z.unknown()).min(1, 'must hold at least one event').max(MAX_BATCH, `must hold at most ${MAX_BATCH} events`),
});

export const isResourceEvent = (e: IncomingEvent): e is ResourceEvent => e.type.startsWith('resource.');

/** The ordering key an event is compared with: its explicit version, else its occurrence time. */
export const versionOf = (e: IncomingEvent): number => e.version ?? new Date(e.occurredAt).getTime();

export type Outcome = 'applied' | 'duplicate' | 'stale' | 'rejected';
export interface EventResult {
  index: number;
  id: string | null;
  outcome: Outcome;
  reason?: string;
  fields?: { field: string; message: string }[];
}
