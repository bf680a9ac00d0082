import { Injectable } from '@nestjs/common';
import { AccountRepository } from '../accounts/account.repository';
import type { Principal } from '../common/auth/principal';
import { Clock } from '../common/clock';
import { localIso } from '../common/time';
import { DeliveryRepository } from '../delivery/delivery.repository';
import { NoticeRepository } from '../notices/notice.repository';
import { PlanningService } from '../planning/planning.service';
import { resourceStateOf } from '../resources/resource.repository';
import { ResourcesService, resourceView } from '../resources/resources.service';

/**
 * A resource's timeline: the notices already produced, and the ones still planned for its current term,
 * computed by the same planner the scheduler runs. Instants come in UTC and in the policy's zone.
 */
@Injectable()
export class TimelineService {
  constructor(
    private readonly resources: ResourcesService,
    private readonly accounts: AccountRepository,
    private readonly notices: NoticeRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly planning: PlanningService,
    private readonly clock: Clock,
  ) {}

  /** `page` picks the produced notices, counted from the newest; they are listed in due order. */
  async timeline(resourceId: string, principal: Principal, page: { limit: number; offset: number }) {
    const doc = await this.resources.get(resourceId, principal);
    const now = this.clock.now();
    const state = resourceStateOf(doc);
    const policy = this.planning.policyFor(state);
    const zone = policy?.timeZone ?? (await this.accounts.get(doc.accountId))?.timeZone ?? 'UTC';
    const account = this.planning.accountState(doc.accountId, await this.accounts.get(doc.accountId));
    const producedPage = await this.notices.pageForResource(doc.accountId, doc.id, page.limit, page.offset);
    const produced = producedPage.items.reverse();
    const summaries = await this.deliveries.summarise(
      doc.accountId,
      produced.map((n) => n.id),
    );
    const upcoming = this.planning.timeline(state, account, now).filter((n) => n.dueAt.getTime() > now.getTime());
    const producedKeys = await this.notices.existingIds(
      doc.accountId,
      upcoming.map((n) => n.dedupeKey),
    );
    const planned = upcoming.filter((n) => !producedKeys.has(n.dedupeKey));
    return {
      resource: resourceView(doc, now),
      policy: policy ? { product: policy.product, version: policy.version, timeZone: policy.timeZone } : null,
      now,
      produced: produced.map((n) => ({
        id: n.id,
        type: n.type,
        category: n.category,
        dueAt: n.dueAt,
        local: localIso(n.dueAt, zone),
        producedAt: n.producedAt,
        source: n.source,
        term: n.term,
        occurrence: n.occurrence,
        data: n.data,
        deliveries: summaries.get(n.id) ?? {},
      })),
      producedTotal: producedPage.total,
      limit: page.limit,
      offset: page.offset,
      planned: planned.map((n) => ({
        id: n.dedupeKey,
        type: n.type,
        dueAt: n.dueAt,
        local: localIso(n.dueAt, zone),
        term: n.term,
        occurrence: n.occurrence,
        data: n.data,
      })),
    };
  }
}
