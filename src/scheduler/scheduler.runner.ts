import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CONFIG, Config } from '../config/config';
import { SchedulerService } from './scheduler.service';

/** Runs a scheduler pass every SCHEDULER_INTERVAL_MS; a failed pass is logged and the next one tries again. */
@Injectable()
export class SchedulerRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('Scheduler');

  constructor(
    private readonly scheduler: SchedulerService,
    private readonly registry: SchedulerRegistry,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.scheduler.enabled) return;
    const tick = () =>
      this.scheduler.runPass().catch((err) => this.logger.error({ err }, 'scheduler pass failed; retrying on the next tick'));
    this.registry.addInterval('scheduler-pass', setInterval(tick, this.config.scheduler.intervalMs));
    // Catch up at once after a restart rather than one interval later.
    setImmediate(tick);
  }
}
