import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CONFIG, Config, DEV_API_KEY } from '../config/config';
import { ApiKeyRepository } from './api-key.repository';

/** Registers BOOTSTRAP_API_KEY (or, outside production, the development key) so a fresh install can post events. */
@Injectable()
export class ApiKeyBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const key = this.config.bootstrapApiKey;
    if (!key) return;
    await this.keys.register(key, key === DEV_API_KEY ? 'development' : 'bootstrap', this.clock.now());
    if (key === DEV_API_KEY)
      this.logger.warn(`development service key "${DEV_API_KEY}" is active (set BOOTSTRAP_API_KEY, or NODE_ENV=production to disable)`);
    if (this.config.jwt.isDevelopmentSecret) this.logger.warn('JWT_SECRET not set: member tokens are signed with the development secret');
  }
}
