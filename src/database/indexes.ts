import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';

/**
 * Creates every schema's indexes before Herald serves anything (mongoose's background auto-index would
 * race the first requests). Creating an index that exists is a no-op, so every instance may do it.
 */
@Injectable()
export class IndexBuilder implements OnModuleInit {
  private readonly logger = new Logger('Database');

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    const models = Object.values(this.connection.models);
    for (const model of models) await model.createIndexes();
    this.logger.log(`indexes ready on ${models.length} collections`);
  }
}
