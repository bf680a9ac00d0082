import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { FieldProblem, problemsOf } from '../common/validation';
import { CONFIG, Config } from '../config/config';
import { ALL_ACCOUNTS } from '../database/plain';
import { MetricsService } from '../metrics/metrics.service';
import { PoliciesService } from '../policies/policies.service';
import { ResourceRepository } from '../resources/resource.repository';
import { TombstoneRepository } from '../resources/tombstone.repository';
import { Accepted, EventApplier } from './event-applier';
import { EventDoc } from './event.schema';
import { EventRepository } from './event.repository';
import { EventResult, eventSchema, IncomingEvent, isResourceEvent, Outcome, versionOf } from './event.types';

/**
 * Ingestion: validate each event on its own, record the new ids (the idempotency record) while loading
 * the resources they name, then let the applier fold, re-plan and store, and mark the events settled.
 * Duplicates are folded too: the reducers make that a no-op, and a duplicate of an event that never
 * settled (a crash cut its first application short) produces the notices it may have missed.
 */
@Injectable()
export class EventsService {
  constructor(
    private readonly events: EventRepository,
    private readonly resources: ResourceRepository,
    private readonly tombstones: TombstoneRepository,
    private readonly applier: EventApplier,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    private readonly policies: PoliciesService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async ingest(raw: unknown[]): Promise<EventResult[]> {
    const now = this.clock.now();
    const results: EventResult[] = new Array(raw.length);
    const accepted: Accepted[] = [];
    const seen = new Set<string>();
    raw.forEach((item, index) => {
      const parsed = eventSchema.safeParse(item);
      const fields = parsed.success ? this.meaningProblems(parsed.data, now) : problemsOf(parsed.error);
      if (!parsed.success || fields.length) {
        const id = typeof (item as { id?: unknown })?.id === 'string' ? (item as { id: string }).id : null;
        results[index] = { index, id, outcome: 'rejected', reason: fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields };
      } else if (seen.has(parsed.data.id)) {
        results[index] = { index, id: parsed.data.id, outcome: 'duplicate' };
      } else {
        seen.add(parsed.data.id);
        accepted.push({ index, event: parsed.data, duplicate: false, settled: false });
      }
    });

    if (accepted.length) {
      const resourceIds = [
        ...new Set(
          accepted
            .map((a) => a.event)
            .filter(isResourceEvent)
            .map((e) => e.resourceId),
        ),
      ];
      const [known, stored, buried] = await Promise.all([
        this.events.recordNew(accepted.map((a) => toRecord(a.event, now))),
        this.resources.loadMany(ALL_ACCOUNTS, resourceIds),
        this.tombstones.versionsOf(resourceIds),
      ]);
      for (const i of known) accepted[i].duplicate = true;
      const settled = await this.events.settled([...known].map((i) => accepted[i].event.id));
      for (const i of known) accepted[i].settled = settled.has(accepted[i].event.id);

      const owner = (a: Accepted) => (isResourceEvent(a.event) ? stored.get(a.event.resourceId)?.accountId : undefined);
      const misplaced = accepted.filter((a) => owner(a) !== undefined && owner(a) !== a.event.accountId);
      for (const a of misplaced) {
        const field = { field: 'resourceId', message: 'belongs to another account' };
        results[a.index] = {
          index: a.index,
          id: a.event.id,
          outcome: 'rejected',
          reason: `${field.field}: ${field.message}`,
          fields: [field],
        };
      }
      // Forget the ids of rejected events so that a corrected resend is not taken for a duplicate.
      await Promise.all(misplaced.filter((m) => !m.duplicate).map((m) => this.events.forget(m.event.accountId, [m.event.id])));

      // Events from the old life of a resource whose records retention removed: stale, they bring nothing back.
      const setAside = new Set(misplaced);
      const ofRemoved = accepted.filter(
        (a) => !setAside.has(a) && isResourceEvent(a.event) && versionOf(a.event) <= (buried.get(a.event.resourceId) ?? -Infinity),
      );
      for (const a of ofRemoved) {
        results[a.index] = { index: a.index, id: a.event.id, outcome: a.duplicate ? 'duplicate' : 'stale' };
        setAside.add(a);
      }

      const valid = accepted.filter((a) => !setAside.has(a));
      const outcomes = new Map<number, Outcome>();
      // Resources first: an account event in the same batch then re-plans them with their new state.
      await this.applier.applyToResources(
        valid.filter((a) => isResourceEvent(a.event)),
        stored,
        outcomes,
        now,
      );
      await this.applier.applyToAccounts(
        valid.filter((a) => !isResourceEvent(a.event)),
        outcomes,
        now,
      );
      await this.events.markSettled(
        valid.filter((a) => !a.settled).map((a) => a.event.id),
        now,
      );
      for (const a of valid)
        results[a.index] = { index: a.index, id: a.event.id, outcome: a.duplicate ? 'duplicate' : outcomes.get(a.index)! };
    }

    for (const outcome of ['applied', 'duplicate', 'stale', 'rejected'] as const) {
      this.metrics.countEvents(outcome, results.filter((r) => r.outcome === outcome).length);
    }
    return results;
  }

  /**
   * What the schema cannot know: an event from further ahead than EVENTS_MAX_FUTURE_SKEW (its version would
   * outrank the real events after it) and a product without a policy (its resource would never get a notice).
   */
  private meaningProblems(event: IncomingEvent, now: Date): FieldProblem[] {
    const problems: FieldProblem[] = [];
    const skewMs = this.config.eventsMaxFutureSkewMs;
    if (Date.parse(event.occurredAt) > now.getTime() + skewMs)
      problems.push({
        field: 'occurredAt',
        message: `is more than ${describeDuration(skewMs)} ahead of Herald's clock (${now.toISOString()}; EVENTS_MAX_FUTURE_SKEW)`,
      });
    if (event.type === 'resource.purchased' && !this.policies.get(event.data.product)) {
      const known = this.policies
        .list()
        .map((p) => p.product)
        .sort();
      problems.push({ field: 'data.product', message: `is not a known product; known products: ${known.join(', ')}` });
    }
    return problems;
  }
}

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
] as const;

/** 3600000 → "1h", 90000 → "90s": the way EVENTS_MAX_FUTURE_SKEW is written. */
function describeDuration(ms: number): string {
  const unit = UNITS.find(([, size]) => ms >= size && ms % size === 0);
  return unit ? `${ms / unit[1]}${unit[0]}` : `${ms}ms`;
}

function toRecord(event: IncomingEvent, now: Date): EventDoc {
  return {
    _id: event.id,
    accountId: event.accountId,
    resourceId: isResourceEvent(event) ? event.resourceId : null,
    type: event.type,
    version: versionOf(event),
    occurredAt: new Date(event.occurredAt),
    receivedAt: now,
    data: event.data as Record<string, unknown>,
  };
}
