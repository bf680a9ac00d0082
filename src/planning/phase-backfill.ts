import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AccountRepository } from '../accounts/account.repository';
import { ResourceRepository, resourceStateOf } from '../resources/resource.repository';
import { PlanningService } from './planning.service';

const BATCH = 500;

/**
 * Gives resources an earlier Herald stored their phase instants, so the list's phase filter finds them: every
 * start pages through those still without, in the background (Herald serves meanwhile; such a resource shows
 * the phase upstream's status gives). Events and scheduler passes write the instants of the resources they touch.
 */
@Injectable()
export class PhaseBackfill implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Scheduler');
  private running: Promise<unknown> | null = null;
  private stopping = false;

  constructor(
    private readonly resources: ResourceRepository,
    private readonly accounts: AccountRepository,
    private readonly planning: PlanningService,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.run().catch((err) => this.logger.error({ err }, 'phase backfill failed; the next start tries again'));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  async run(): Promise<number> {
    let done = 0;
    for (let afterId: string | null = null; !this.stopping;) {
      const page = await this.resources.withoutPhases(afterId, BATCH);
      if (page.length === 0) break;
      afterId = page[page.length - 1].id;
      const accounts = new Map((await this.accounts.getMany([...new Set(page.map((r) => r.accountId))])).map((a) => [a.id, a]));
      await this.resources.writeMissingPhases(
        page.map((doc) => ({
          id: doc.id,
          rev: doc.rev,
          phases: this.planning.phases(resourceStateOf(doc), this.planning.accountState(doc.accountId, accounts.get(doc.accountId))),
        })),
      );
      done += page.length;
    }
    if (done) this.logger.log(`stored the phase instants of ${done} resources stored without them`);
    return done;
  }
}
