import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CONFIG, Config, DEV_API_KEY } from '../config/config';
import { ApiKeyRepository } from './api-key.repository';

/**
 * At start-up: registers BOOTSTRAP_API_KEY (or, outside production, the development key) so a fresh
 * install can post events; a new BOOTSTRAP_API_KEY revokes the one before it. In production the
 * published development key is removed, whoever stored it (a development run on the same database).
 */
@Injectable()
export class ApiKeyBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const now = this.clock.now();
    await this.keys.upgradeLegacy();
    if (this.config.env === 'production' && (await this.keys.removeKey(DEV_API_KEY)))
      this.logger.warn(`removed the development service key "${DEV_API_KEY}" from the database: production never accepts it`);
    const key = this.config.bootstrapApiKey;
    if (key) {
      const development = key === DEV_API_KEY;
      const registered = await this.keys.register(
        key,
        development ? 'development' : 'bootstrap',
        development ? 'development' : 'bootstrap',
        now,
      );
      if (registered.revokedAt)
        this.logger.error(
          `BOOTSTRAP_API_KEY (${registered.id}) was revoked on ${registered.revokedAt.toISOString()} and stays refused: set a new one`,
        );
      if (!development)
        for (const id of await this.keys.revokeOtherBootstrapKeys(key, now))
          this.logger.warn(`revoked the previous bootstrap key ${id}: BOOTSTRAP_API_KEY has changed`);
      if (development)
        this.logger.warn(`development service key "${DEV_API_KEY}" is active (set BOOTSTRAP_API_KEY, or NODE_ENV=production to disable)`);
    }
    if (this.config.jwt.isDevelopmentSecret) this.logger.warn('JWT_SECRET not set: member tokens are signed with the development secret');
  }
}
