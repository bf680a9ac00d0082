import { Inject, Injectable } from '@nestjs/common';
import type { Account } from '../accounts/account.repository';
import { CONFIG, Config } from '../config/config';
import {
  AccountState,
  CompiledPolicy,
  eventNotices,
  LifecycleEvent,
  MESSAGE_TYPE_SPECS,
  PhaseInstants,
  phaseInstants,
  planDue,
  PlannedNotice,
  planTimeline,
  ResourceState,
} from '../lifecycle';
import type { NoticeDoc } from '../notices/notice.schema';
import { PoliciesService } from '../policies/policies.service';

/** The start of time for planning: "nothing of this state has been produced yet", the dedupe keys do the rest. */
export const FROM_THE_START = new Date(0);

export interface PlanOutcome {
  notices: NoticeDoc[];
  nextDueAt: Date | null;
  policyVersion: number | null;
  /** The current term's phase instants, stored beside nextDueAt. */
  phases: PhaseInstants;
}

/**
 * Glue between stored documents and the pure planner: picks the product's policy, maps documents to
 * planner state and planned notices to notice documents. Used by ingestion (re-plan at once) and by
 * the scheduler (due work), so both produce identical notices with identical keys.
 */
@Injectable()
export class PlanningService {
  constructor(
    private readonly policies: PoliciesService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  policyFor(resource: ResourceState): CompiledPolicy | undefined {
    return this.policies.get(resource.product);
  }

  accountState(accountId: string, account: Account | undefined | null): AccountState {
    return {
      id: accountId,
      customerLevel: account?.customerLevel ?? 'V0',
      timeZone: account?.timeZone ?? this.config.defaultTimeZone,
      balanceState: account?.balanceState ?? 'ok',
      overdueSince: account?.overdueSince ?? null,
      billDate: account?.billDate ?? null,
    };
  }

  /**
   * Notices due in [since, now], the next due instant and the term's phase instants; no notices for a resource
   * without a known product.
   */
  plan(resource: ResourceState, account: AccountState, since: Date, now: Date): PlanOutcome {
    const policy = this.policyFor(resource);
    const phases = phaseInstants(resource, account, policy);
    if (!policy) return { notices: [], nextDueAt: null, policyVersion: null, phases };
    const { due, nextDueAt } = planDue({ resource, account, policy, since, now });
    return {
      notices: due.map((n) => this.toDoc(n, resource, account.id, policy, 'schedule', now)),
      nextDueAt,
      policyVersion: policy.version,
      phases,
    };
  }

  /** The term's phase instants alone (the start-up backfill of resources stored before they were kept). */
  phases(resource: ResourceState, account: AccountState): PhaseInstants {
    return phaseInstants(resource, account, this.policyFor(resource));
  }

  /** Notices an event causes at once; account-level ones carry no resource id and share one key per account. */
  forEvent(
    event: LifecycleEvent,
    before: ResourceState | null,
    after: ResourceState,
    account: AccountState,
    accountBefore: AccountState | null,
    now: Date,
  ): NoticeDoc[] {
    const policy = this.policyFor(after);
    if (!policy) return [];
    return eventNotices({ event, before, after, account, accountBefore, policy, now }).map((n) =>
      this.toDoc(n, after, account.id, policy, 'event', now),
    );
  }

  /** Every notice of the current term from `from` on, by the same planner the scheduler runs. */
  timeline(resource: ResourceState, account: AccountState, from?: Date): PlannedNotice[] {
    const policy = this.policyFor(resource);
    return policy ? planTimeline({ resource, account, policy, from }) : [];
  }

  private toDoc(
    n: PlannedNotice,
    resource: ResourceState,
    accountId: string,
    policy: CompiledPolicy,
    source: NoticeDoc['source'],
    now: Date,
  ): NoticeDoc {
    const accountLevel = n.dedupeKey.startsWith('account:');
    return {
      _id: n.dedupeKey,
      accountId,
      resourceId: accountLevel ? null : resource.id,
      type: n.type,
      category: MESSAGE_TYPE_SPECS[n.type].category,
      term: n.term,
      occurrence: n.occurrence,
      dueAt: n.dueAt,
      producedAt: now,
      source,
      product: resource.product,
      policyVersion: policy.version,
      data: n.data,
      fanout: { status: 'pending', leaseUntil: null, leaseToken: null },
    };
  }
}
