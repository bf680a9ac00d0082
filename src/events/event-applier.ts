import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG, Config } from '../config/config';
import { Account, AccountRepository } from '../accounts/account.repository';
import { ALL_ACCOUNTS } from '../database/plain';
import type { LifecycleEvent } from '../lifecycle';
import type { NoticeDoc } from '../notices/notice.schema';
import { NoticeRepository } from '../notices/notice.repository';
import { Resource, ResourceRepository, resourceStateOf, ResourceWrite } from '../resources/resource.repository';
import { FROM_THE_START, PlanningService } from '../planning/planning.service';
import { applyAccountEvent, applyResourceEvent, emptyResource, groupsOf, VersionedAccountBalance } from './event-reducers';
import { AccountEvent, IncomingEvent, Outcome, ResourceEvent, versionOf } from './event.types';

const MAX_WRITE_ATTEMPTS = 5;
const REPLAN_PAGE = 500;

export interface Accepted {
  index: number;
  event: IncomingEvent;
  duplicate: boolean;
  /** A duplicate whose first application completed: it says nothing again. */
  settled: boolean;
}

/**
 * Whether an event produces its own notices. A stale event (older than the state it would change) says
 * nothing: the state already tells something newer, and a notice built from it would pair the old fact
 * with the current term. A settled duplicate said it the first time. A duplicate that never settled
 * speaks, so that a crash between storing the state and storing the notices loses nothing (the dedupe
 * keys absorb what did get stored).
 */
function speaks(a: Accepted, changed: boolean): boolean {
  return a.duplicate ? !a.settled : changed;
}

/**
 * Folds accepted events into resource and account state, re-plans what changed, and stores states and
 * plans with compare-and-set bulk writes (retrying the few that lose a race). Notices, from the plan
 * and from the events themselves, are inserted only for states that won their write.
 */
@Injectable()
export class EventApplier {
  private readonly logger = new Logger(EventApplier.name);

  constructor(
    private readonly resources: ResourceRepository,
    private readonly accounts: AccountRepository,
    private readonly notices: NoticeRepository,
    private readonly planning: PlanningService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async applyToResources(batch: Accepted[], stored: Map<string, Resource>, outcomes: Map<number, Outcome>, now: Date): Promise<void> {
    const byResource = groupBy(batch, (a) => (a.event as ResourceEvent).resourceId);
    const accountIds = [...new Set(batch.map((a) => a.event.accountId))];
    const accounts = new Map((await this.accounts.getMany(accountIds)).map((a) => [a.id, a]));
    let pending = [...byResource.keys()];
    let current = stored;
    for (let attempt = 1; pending.length; attempt++) {
      if (attempt > MAX_WRITE_ATTEMPTS)
        throw new Error(`resources ${pending.slice(0, 5).join(', ')} kept changing under concurrent writers`);
      const writes: ResourceWrite[] = [];
      const noticesOf = new Map<string, NoticeDoc[]>();
      for (const resourceId of pending) {
        const events = byResource.get(resourceId)!;
        const doc = current.get(resourceId);
        const original = doc ? resourceStateOf(doc) : emptyResource(resourceId, events[0].event.accountId);
        const account = this.planning.accountState(original.accountId, accounts.get(original.accountId));
        const notices: NoticeDoc[] = [];
        let state = original;
        let anyApplied = false;
        for (const a of events) {
          const event = a.event as ResourceEvent;
          const { next, changed } = applyResourceEvent(state, event);
          const applied = changed.length > 0 || groupsOf(event).length === 0;
          anyApplied ||= applied;
          outcomes.set(a.index, applied ? 'applied' : 'stale');
          if (speaks(a, applied))
            notices.push(
              ...this.planning.forEvent(lifecycleEvent(event), state === original && !doc ? null : state, next, account, null, now),
            );
          state = next;
        }
        // The reducers return the same object when nothing changed: duplicates and stale events cost no write,
        // and stale events alone never create a resource (one reported stale must leave nothing behind).
        if (state !== original || (!doc && anyApplied)) {
          const plan = this.planning.plan(state, account, FROM_THE_START, now);
          notices.push(...plan.notices);
          writes.push({
            state,
            expectedRev: doc ? doc.rev : null,
            nextDueAt: plan.nextDueAt,
            policyVersion: plan.policyVersion,
            phases: plan.phases,
          });
        }
        noticesOf.set(resourceId, notices);
      }
      const lost = new Set(await this.resources.writeStates(writes, now));
      await this.notices.insertNew(uniqueNotices([...noticesOf].filter(([id]) => !lost.has(id)).flatMap(([, n]) => n)));
      pending = [...lost];
      if (pending.length) current = await this.resources.loadMany(ALL_ACCOUNTS, pending);
    }
  }

  async applyToAccounts(batch: Accepted[], outcomes: Map<number, Outcome>, now: Date): Promise<void> {
    const byAccount = groupBy(batch, (a) => a.event.accountId);
    let pending = [...byAccount.keys()];
    for (let attempt = 1; pending.length; attempt++) {
      if (attempt > MAX_WRITE_ATTEMPTS)
        throw new Error(`accounts ${pending.slice(0, 5).join(', ')} kept changing under concurrent writers`);
      const stored = new Map((await this.accounts.getMany(pending)).map((a) => [a.id, a]));
      const writes = [];
      const effects: { accountId: string; before: Account | undefined; after: VersionedAccountBalance; events: AccountEvent[] }[] = [];
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
        const events: AccountEvent[] = [];
        for (const a of byAccount.get(accountId)!) {
          const { next, changed } = applyAccountEvent(balance, a.event as AccountEvent);
          balance = next;
          outcomes.set(a.index, changed ? 'applied' : 'stale');
          if (speaks(a, changed)) events.push(a.event as AccountEvent);
        }
        if (balance !== original || !doc) writes.push({ accountId, expectedVersion: doc ? doc.version : null, balance });
        effects.push({ accountId, before: doc, after: balance, events });
      }
      const lost = await this.accounts.writeBalances(writes, { timeZone: this.config.defaultTimeZone }, now);
      for (const e of effects.filter((e) => !lost.includes(e.accountId))) await this.replanAccount(e.accountId, e.before, e.events, now);
      pending = lost;
    }
  }

  /** An account's balance moved: re-plan each of its resources and produce the account-level notices. */
  private async replanAccount(accountId: string, before: Account | undefined, events: AccountEvent[], now: Date): Promise<void> {
    const account = await this.accounts.get(accountId);
    const accountAfter = this.planning.accountState(accountId, account);
    const accountBefore = before ? this.planning.accountState(accountId, before) : null;
    for (let afterId: string | null = null; ;) {
      const page = await this.resources.pageOfAccount(accountId, afterId, REPLAN_PAGE);
      if (page.length === 0) break;
      afterId = page[page.length - 1].id;
      for (let attempt = 1, todo = page; todo.length; attempt++) {
        if (attempt > MAX_WRITE_ATTEMPTS) throw new Error(`resources of account ${accountId} kept changing under concurrent writers`);
        const noticesOf = new Map<string, NoticeDoc[]>();
        const plans = todo.map((doc) => {
          const state = resourceStateOf(doc);
          const plan = this.planning.plan(state, accountAfter, FROM_THE_START, now);
          const fromEvents = events.flatMap((e) =>
            this.planning.forEvent(lifecycleEvent(e), state, state, accountAfter, accountBefore, now),
          );
          noticesOf.set(doc.id, [...fromEvents, ...plan.notices]);
          return { id: doc.id, accountId, rev: doc.rev, nextDueAt: plan.nextDueAt, policyVersion: plan.policyVersion, phases: plan.phases };
        });
        const lost = new Set(await this.resources.writePlans(plans, now));
        await this.notices.insertNew(uniqueNotices([...noticesOf].filter(([id]) => !lost.has(id)).flatMap(([, n]) => n)));
        todo = lost.size ? [...(await this.resources.loadMany(accountId, [...lost])).values()] : [];
      }
    }
    if (events.length) this.logger.debug(`re-planned the resources of account ${accountId} after ${events.map((e) => e.type).join(', ')}`);
  }
}

export function lifecycleEvent(event: IncomingEvent): LifecycleEvent {
  return { id: event.id, type: event.type, occurredAt: new Date(event.occurredAt), data: event.data as Record<string, unknown> };
}

/** Several resources of an account yield the same account-level notice; insert each key once. */
function uniqueNotices(notices: NoticeDoc[]): NoticeDoc[] {
  const seen = new Map<string, NoticeDoc>();
  for (const n of notices) if (!seen.has(n._id)) seen.set(n._id, n);
  return [...seen.values()];
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
