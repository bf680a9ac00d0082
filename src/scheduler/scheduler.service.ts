import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccountRepository } from '../accounts/account.repository';
import { Clock, WallClock } from '../common/clock';
import { BATCHES_UNDER_WAY, forEachUnderWay } from '../common/pool';
import { CONFIG, Config } from '../config/config';
import { samePhaseInstants } from '../lifecycle/phase';
import type { NoticeDoc } from '../notices/notice.schema';
import { NoticeRepository } from '../notices/notice.repository';
import { ResourceRepository, resourceStateOf } from '../resources/resource.repository';
import { FROM_THE_START, PlanningService } from '../planning/planning.service';

export interface PassStats {
  claimed: number;
  produced: number;
  batches: number;
  durationMs: number;
}

/**
 * A scheduler pass: read the resources whose next notice is due with one cursor, claim them in batches
 * (with a lease, so several instances share the work), plan each from its stored next-due instant to now, insert the notices
 * (unordered; a dedupe key seen before is a no-op) and store each resource's next instant. The cost
 * follows the number of due resources: nothing else is read.
 */
@Injectable()
export class SchedulerService {
  private readonly logger = new Logger('Scheduler');
  private inFlight: Promise<PassStats> | null = null;

  constructor(
    private readonly resources: ResourceRepository,
    private readonly accounts: AccountRepository,
    private readonly notices: NoticeRepository,
    private readonly planning: PlanningService,
    private readonly clock: Clock,
    private readonly wall: WallClock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Runs a pass now; a call while one is running joins it instead of starting a second. */
  runPass(): Promise<PassStats> {
    this.inFlight ??= this.pass().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async pass(): Promise<PassStats> {
    const started = performance.now();
    const now = this.clock.now();
    const stats: PassStats = { claimed: 0, produced: 0, batches: 0, durationMs: 0 };
    await forEachUnderWay(
      this.resources.dueBatches(now, this.wall.now(), this.config.scheduler.batchSize),
      BATCHES_UNDER_WAY,
      async (candidates) => {
        const { token, resources } = await this.resources.claim(candidates, now, this.wall.now(), this.config.leaseMs);
        // Another instance leased this batch between our read and our claim: go on with the next one.
        if (resources.length === 0) return;
        stats.batches++;
        stats.claimed += resources.length;
        const accounts = new Map((await this.accounts.getMany([...new Set(resources.map((r) => r.accountId))])).map((a) => [a.id, a]));
        const notices: NoticeDoc[] = [];
        const plans = resources.map((doc) => {
          const account = this.planning.accountState(doc.accountId, accounts.get(doc.accountId));
          const plan = this.planning.plan(resourceStateOf(doc), account, doc.nextDueAt ?? FROM_THE_START, now);
          for (const n of plan.notices) notices.push(n);
          return {
            id: doc.id,
            accountId: doc.accountId,
            rev: doc.rev,
            nextDueAt: plan.nextDueAt,
            policyVersion: plan.policyVersion,
            // Unchanged unless the policy or the account's level moved since the resource was last planned.
            ...(samePhaseInstants(doc.phases, plan.phases) ? {} : { phases: plan.phases }),
            leaseToken: token,
          };
        });
        // Notices first: if the process dies before the plans are stored, the lease lapses and the next pass redoes this batch, harmlessly.
        // Read into a constant first: `stats.produced += await …` would add to the count as it was before the
        // wait, losing what the other batch under way added meanwhile.
        const produced = await this.notices.insertNew(notices);
        stats.produced += produced;
        await this.resources.releaseClaimed(token, plans, now);
      },
    );
    stats.durationMs = Math.round(performance.now() - started);
    if (stats.claimed)
      this.logger.log(`pass: ${stats.claimed} resources due, ${stats.produced} notices produced in ${stats.durationMs} ms`);
    return stats;
  }
}
