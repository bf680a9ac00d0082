import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CONFIG, Config } from '../config/config';
import { DeliveryWorker, WorkStats } from './delivery.worker';
import { FanoutService } from './fanout.service';

/**
 * The delivery loop: fan out produced notices, then send what is ready; every DELIVERY_INTERVAL_MS,
 * never two rounds at once in one process (several processes share the work through leases).
 */
@Injectable()
export class DeliveryRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('Delivery');
  private inFlight: Promise<{ fannedOut: number } & WorkStats> | null = null;

  constructor(
    private readonly fanout: FanoutService,
    private readonly worker: DeliveryWorker,
    private readonly registry: SchedulerRegistry,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.delivery.enabled) return;
    const tick = () => this.runOnce().catch((err) => this.logger.error({ err }, 'delivery round failed; retrying on the next tick'));
    this.registry.addInterval('delivery-round', setInterval(tick, this.config.delivery.intervalMs));
  }

  /** One round: fan-out, then sending. A call while a round runs joins it. */
  runOnce(): Promise<{ fannedOut: number } & WorkStats> {
    this.inFlight ??= (async () => {
      const fannedOut = await this.fanout.run();
      const stats = await this.worker.run();
      if (stats.claimed)
        this.logger.log(
          `delivery round: ${stats.claimed} claimed, ${stats.sent} sent, ${stats.retried} to retry, ${stats.failed} failed, ${stats.cancelled} cancelled`,
        );
      return { fannedOut, ...stats };
    })().finally(() => (this.inFlight = null));
    return this.inFlight;
  }
}
