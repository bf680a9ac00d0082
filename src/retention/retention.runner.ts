import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CONFIG, Config } from '../config/config';
import { RetentionService } from './retention.service';

/** Runs a retention sweep every RETENTION_INTERVAL_MS; a failed sweep is logged and the next one tries again. */
@Injectable()
export class RetentionRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly retention: RetentionService,
    private readonly registry: SchedulerRegistry,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.retention.enabled) return;
    // No sweep at start-up: nothing is urgent about old records, and a restart should not compete with catching up.
    const tick = () =>
      this.retention.runSweep().catch((err) => this.logger.error({ err }, 'retention sweep failed; retrying on the next tick'));
    this.registry.addInterval('retention-sweep', setInterval(tick, this.config.retention.intervalMs));
  }
}
