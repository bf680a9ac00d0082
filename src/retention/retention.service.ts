import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CONFIG, Config } from '../config/config';
import { DeliveryRepository } from '../delivery/delivery.repository';
import { EventRepository } from '../events/event.repository';
import { InboxRepository } from '../inbox/inbox.repository';
import { DEFAULT_KEEP_AFTER_DESTROY_DAYS } from '../lifecycle/policy.schema';
import { MetricsService } from '../metrics/metrics.service';
import { NoticeRepository } from '../notices/notice.repository';
import { PoliciesService } from '../policies/policies.service';
import { ResourceRepository } from '../resources/resource.repository';
import { TombstoneRepository } from '../resources/tombstone.repository';
import { BatchCount, cutoff, deleteInBatches, DestroyedScope, destroyedScopes, removableMessages } from './retention-rules';

export interface DestroyedCount {
  resources: number;
  notices: number;
  deliveries: number;
  inbox: number;
  /** Batches of resources removed. */
  batches: number;
  /** Past their keep days but with a notice or delivery still under way: left for a later sweep. */
  postponed: number;
}

export interface SweepStats {
  /** Inbox messages older than INBOX_RETENTION_DAYS. */
  inbox: BatchCount;
  /** Finished deliveries older than DELIVERY_RETENTION_DAYS. */
  deliveries: BatchCount;
  /** Event records (the idempotency record of POST /v1/events) older than EVENT_RETENTION_DAYS. */
  events: BatchCount;
  /** Resources destroyed longer ago than their policy's keepAfterDestroyDays, with everything that refers to them. */
  destroyed: DestroyedCount;
  durationMs: number;
}

/**
 * The retention sweep. Every delete finds ids with a limit and removes them by `_id` under the same
 * conditions, so a backlog goes in batches and a second instance sweeping at the same time only finds
 * less to do. Ages are measured in domain time (the test clock, when enabled).
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger('Retention');
  private inFlight: Promise<SweepStats> | null = null;

  constructor(
    private readonly inbox: InboxRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly events: EventRepository,
    private readonly notices: NoticeRepository,
    private readonly resources: ResourceRepository,
    private readonly tombstones: TombstoneRepository,
    private readonly policies: PoliciesService,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Runs a sweep now; a call while one is running joins it. */
  runSweep(): Promise<SweepStats> {
    this.inFlight ??= this.sweep().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async sweep(): Promise<SweepStats> {
    const started = performance.now();
    const now = this.clock.now();
    const { batchSize, inboxDays, deliveryDays, eventDays } = this.config.retention;

    const inboxBefore = cutoff(now, inboxDays);
    const inbox = await deleteInBatches(
      batchSize,
      () => this.inbox.idsCreatedBefore(inboxBefore, batchSize),
      (ids) => this.inbox.deleteCreatedBefore(ids, inboxBefore),
    );
    const deliveriesBefore = cutoff(now, deliveryDays);
    const deliveries = await deleteInBatches(
      batchSize,
      () => this.deliveries.finalIdsCreatedBefore(deliveriesBefore, batchSize),
      (ids) => this.deliveries.deleteFinalCreatedBefore(ids, deliveriesBefore),
    );
    // An event replayed after its record is gone is no longer a duplicate, but it is older than the state it
    // meets, so it is stale and says nothing (and a removed resource's tombstone keeps it from coming back).
    const eventsBefore = cutoff(now, eventDays);
    const events = await deleteInBatches(
      batchSize,
      () => this.events.idsReceivedBefore(eventsBefore, batchSize),
      (ids) => this.events.deleteReceivedBefore(ids, eventsBefore),
    );
    const destroyed: DestroyedCount = { resources: 0, notices: 0, deliveries: 0, inbox: 0, batches: 0, postponed: 0 };
    const rules = this.policies
      .list()
      .map((p) => ({ product: p.product, timeZone: p.timeZone, keepAfterDestroyDays: p.doc.keepAfterDestroyDays }));
    for (const scope of destroyedScopes(rules, now, DEFAULT_KEEP_AFTER_DESTROY_DAYS)) await this.purgeDestroyed(scope, destroyed);

    const stats: SweepStats = { inbox, deliveries, events, destroyed, durationMs: Math.round(performance.now() - started) };
    this.record(stats);
    return stats;
  }

  /** Removes the records of the scope's resources destroyed before its cut-off, a batch of resources at a time. */
  private async purgeDestroyed(scope: DestroyedScope, out: DestroyedCount): Promise<void> {
    const limit = this.config.retention.batchSize;
    // Resources this sweep could not remove (work under way, revived meanwhile) are not read again.
    const skip = new Set<string>();
    for (;;) {
      const found = await this.resources.destroyedBefore(scope.products, scope.cutoff, [...skip], limit);
      if (found.length === 0) break;
      const ids = found.map((r) => r.id);
      const accountIds = [...new Set(found.map((r) => r.accountId))];
      const [fanningOut, sending] = await Promise.all([
        this.notices.resourcesAwaitingFanout(accountIds, ids),
        this.deliveries.resourcesWithPending(accountIds, ids),
      ]);
      const busy = new Set([...fanningOut, ...sending]);
      out.postponed += busy.size;
      const ready = ids.filter((id) => !busy.has(id));
      const gone = ready.length ? await this.purge(accountIds, ready, scope.cutoff, out) : [];
      if (ready.length) out.batches++;
      for (const id of ids) if (!gone.includes(id)) skip.add(id);
      if (found.length < limit) break;
    }
  }

  /**
   * Deliveries (and the inbox messages they made) first, then the resources, then their notices: while a
   * resource exists its notices must too, or re-planning it would produce them again. Returns the ids gone.
   */
  private async purge(accountIds: string[], ids: string[], before: Date, out: DestroyedCount): Promise<string[]> {
    const limit = this.config.retention.batchSize;
    const purged = new Set(ids);
    for (;;) {
      const batch = await this.deliveries.finalOfResources(accountIds, ids, limit);
      if (batch.length === 0) break;
      const inSite = batch.filter((d) => d.channel === 'inbox');
      const digests = [...new Set(inSite.flatMap((d) => (d.digestKey ? [d.digestKey] : [])))];
      const carriers = await this.deliveries.ofDigests(digests);
      out.inbox += await this.inbox.deleteByIds(removableMessages(inSite, carriers, purged));
      const removed = await this.deliveries.deleteFinal(batch.map((d) => d.id));
      out.deliveries += removed;
      if (batch.length < limit || removed === 0) break;
    }
    // Tombstones first, so that no moment passes in which a late event of the old life could recreate a resource.
    await this.tombstones.bury(ids, this.clock.now());
    const { removed, remaining } = await this.resources.deleteDestroyed(ids, before);
    await this.tombstones.unbury(remaining);
    out.resources += removed;
    const gone = ids.filter((id) => !remaining.includes(id));
    if (gone.length) {
      const notices = await deleteInBatches(
        limit,
        () => this.notices.idsOfResources(accountIds, gone, limit),
        (noticeIds) => this.notices.deleteByIds(noticeIds),
      );
      out.notices += notices.removed;
    }
    return gone;
  }

  private record(s: SweepStats): void {
    const d = s.destroyed;
    this.metrics.countRetention('inbox', 'age', s.inbox.removed);
    this.metrics.countRetention('deliveries', 'age', s.deliveries.removed);
    this.metrics.countRetention('events', 'age', s.events.removed);
    for (const c of ['resources', 'notices', 'deliveries', 'inbox'] as const) this.metrics.countRetention(c, 'destroyed', d[c]);
    const line =
      `sweep: ${s.inbox.removed} inbox messages (${s.inbox.batches} batches) and ${s.deliveries.removed} deliveries ` +
      `(${s.deliveries.batches} batches) and ${s.events.removed} event records past their age; ${d.resources} destroyed resources with ${d.notices} notices, ` +
      `${d.deliveries} deliveries and ${d.inbox} inbox messages (${d.batches} batches, ${d.postponed} postponed) in ${s.durationMs} ms`;
    if (s.inbox.removed || s.deliveries.removed || d.resources || d.notices || d.deliveries || d.inbox || d.postponed)
      this.logger.log(line);
    else this.logger.debug(line);
  }
}
