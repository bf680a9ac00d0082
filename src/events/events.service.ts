import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccountRepository } from '../accounts/account.repository';
import { Clock } from '../common/clock';
import { problemsOf } from '../common/validation';
import { ALL_ACCOUNTS } from '../database/plain';
import { MetricsService } from '../metrics/metrics.service';
import { Resource, ResourceRepository, ResourceWrite } from '../resources/resource.repository';
import { CONFIG, Config } from '../config/config';
import { applyAccountEvent, applyResourceEvent, emptyResource, groupsOf, VersionedAccountBalance, VersionedResource } from './apply-event';
import { EventDoc } from './event.schema';
import { EventRepository } from './event.repository';
import { AccountEvent, EventResult, eventSchema, IncomingEvent, isResourceEvent, Outcome, ResourceEvent, versionOf } from './event.types';

const MAX_WRITE_ATTEMPTS = 5;

interface Accepted {
  index: number;
  event: IncomingEvent;
  duplicate: boolean;
}

/**
 * Ingestion: validate each event on its own, record the new ids (the idempotency record), fold the
 * batch into each resource's and account's state with the version-guarded reducers, and store the
 * states with compare-and-set bulk writes, retrying the few that lose a race with another writer.
 * Duplicates are folded too: the reducers make that a no-op, and it completes a write that a crash
 * interrupted after the id was recorded.
 */
@Injectable()
export class EventsService {
  private readonly logger = new Logger(EventsService.name);

  constructor(
    private readonly events: EventRepository,
    private readonly resources: ResourceRepository,
    private readonly accounts: AccountRepository,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async ingest(raw: unknown[]): Promise<EventResult[]> {
    const now = this.clock.now();
    const results: EventResult[] = new Array(raw.length);
    const accepted: Accepted[] = [];
    const seen = new Set<string>();
    raw.forEach((item, index) => {
      const parsed = eventSchema.safeParse(item);
      if (!parsed.success) {
        const fields = problemsOf(parsed.error);
        const id = typeof (item as { id?: unknown })?.id === 'string' ? (item as { id: string }).id : null;
        results[index] = { index, id, outcome: 'rejected', reason: fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields };
      } else if (seen.has(parsed.data.id)) {
        results[index] = { index, id: parsed.data.id, outcome: 'duplicate' };
      } else {
        seen.add(parsed.data.id);
        accepted.push({ index, event: parsed.data, duplicate: false });
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
      const [known, stored] = await Promise.all([
        this.events.recordNew(accepted.map((a) => toRecord(a.event, now))),
        this.resources.loadMany(ALL_ACCOUNTS, resourceIds),
      ]);
      for (const i of known) accepted[i].duplicate = true;

      const misplaced = accepted.filter(
        (a) =>
          isResourceEvent(a.event) && stored.get(a.event.resourceId) && stored.get(a.event.resourceId)!.accountId !== a.event.accountId,
      );
      for (const a of misplaced) {
        results[a.index] = {
          index: a.index,
          id: a.event.id,
          outcome: 'rejected',
          reason: 'resourceId: belongs to another account',
          fields: [{ field: 'resourceId', message: 'belongs to another account' }],
        };
      }
      if (misplaced.length) {
        const byAccount = new Map<string, string[]>();
        for (const a of misplaced.filter((m) => !m.duplicate))
          byAccount.set(a.event.accountId, [...(byAccount.get(a.event.accountId) ?? []), a.event.id]);
        await Promise.all([...byAccount].map(([accountId, ids]) => this.events.forget(accountId, ids)));
      }
      const valid = accepted.filter((a) => !misplaced.includes(a));
      const outcomes = new Map<number, Outcome>();
      await Promise.all([
        this.applyToResources(
          valid.filter((a) => isResourceEvent(a.event)),
          stored,
          outcomes,
          now,
        ),
        this.applyToAccounts(
          valid.filter((a) => !isResourceEvent(a.event)),
          outcomes,
          now,
        ),
      ]);
      for (const a of valid)
        results[a.index] = { index: a.index, id: a.event.id, outcome: a.duplicate ? 'duplicate' : outcomes.get(a.index)! };
    }

    for (const outcome of ['applied', 'duplicate', 'stale', 'rejected'] as const) {
      this.metrics.countEvents(outcome, results.filter((r) => r.outcome === outcome).length);
    }
    return results;
  }

  private async applyToResources(
    batch: Accepted[],
    stored: Map<string, Resource>,
    outcomes: Map<number, Outcome>,
    now: Date,
  ): Promise<void> {
    const byResource = groupBy(batch, (a) => (a.event as ResourceEvent).resourceId);
    let pending = [...byResource.keys()];
    let current = stored;
    for (let attempt = 1; pending.length; attempt++) {
      if (attempt > MAX_WRITE_ATTEMPTS)
        throw new Error(`resources ${pending.slice(0, 5).join(', ')} kept changing under concurrent writers`);
      const writes: ResourceWrite[] = [];
      for (const resourceId of pending) {
        const events = byResource.get(resourceId)!;
        const doc = current.get(resourceId);
        const original: VersionedResource = doc ? toState(doc) : emptyResource(resourceId, (events[0].event as ResourceEvent).accountId);
        let state = original;
        for (const a of events) {
          const event = a.event as ResourceEvent;
          const { next, changed } = applyResourceEvent(state, event);
          state = next;
          outcomes.set(a.index, changed.length > 0 || groupsOf(event).length === 0 ? 'applied' : 'stale');
        }
        // The reducers return the same object when nothing changed: duplicates and stale events cost no write.
        if (state !== original || !doc) writes.push({ state, expectedRev: doc ? doc.rev : null, nextDueAt: doc?.nextDueAt ?? null });
      }
      pending = await this.resources.writeStates(writes, now);
      if (pending.length) current = await this.resources.loadMany(ALL_ACCOUNTS, pending);
    }
  }

  private async applyToAccounts(batch: Accepted[], outcomes: Map<number, Outcome>, now: Date): Promise<void> {
    const byAccount = groupBy(batch, (a) => a.event.accountId);
    let pending = [...byAccount.keys()];
    for (let attempt = 1; pending.length; attempt++) {
      if (attempt > MAX_WRITE_ATTEMPTS)
        throw new Error(`accounts ${pending.slice(0, 5).join(', ')} kept changing under concurrent writers`);
      const stored = new Map((await this.accounts.getMany(pending)).map((a) => [a.id, a]));
      const writes = [];
      for (const accountId of pending) {
        const doc = stored.get(accountId);
        const original: VersionedAccountBalance = doc
          ? {
              balanceState: doc.balanceState,
              overdueSince: doc.overdueSince,
              billDate: doc.billDate,
              version: doc.version,
              fieldVersions: doc.fieldVersions ?? {},
            }
          : { balanceState: 'ok', overdueSince: null, billDate: null, version: 0, fieldVersions: {} };
        let balance = original;
        for (const a of byAccount.get(accountId)!) {
          const { next, changed } = applyAccountEvent(balance, a.event as AccountEvent);
          balance = next;
          outcomes.set(a.index, changed ? 'applied' : 'stale');
        }
        if (balance !== original || !doc) writes.push({ accountId, expectedVersion: doc ? doc.version : null, balance });
      }
      pending = await this.accounts.writeBalances(writes, { timeZone: this.config.defaultTimeZone }, now);
      if (pending.length) this.logger.debug(`retrying ${pending.length} account writes after a concurrent update`);
    }
  }
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

function toState(doc: Resource): VersionedResource {
  return {
    id: doc.id,
    accountId: doc.accountId,
    product: doc.product,
    name: doc.name,
    region: doc.region,
    billingMode: doc.billingMode,
    expiresAt: doc.expiresAt,
    autoRenew: doc.autoRenew,
    status: doc.status,
    quota: doc.quota,
    usage: doc.usage,
    attributes: doc.attributes ?? {},
    stoppedAt: doc.stoppedAt,
    destroyedAt: doc.destroyedAt,
    version: doc.version,
    fieldVersions: doc.fieldVersions ?? {},
  };
}

/** Groups in first-seen order, each group sorted by event version (the order the reducers expect). */
function groupBy(items: Accepted[], key: (a: Accepted) => string): Map<string, Accepted[]> {
  const groups = new Map<string, Accepted[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  for (const list of groups.values()) list.sort((a, b) => versionOf(a.event) - versionOf(b.event));
  return groups;
}
