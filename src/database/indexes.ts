import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';

/**
 * Creates every schema's indexes before Herald serves anything (mongoose's background auto-index would
 * race the first requests). Creating an index that exists is a no-op, so every instance may do it.
 *
 * On the local FerretDB build (SQLite backend, see scripts/local-db.cjs) only unique indexes and indexes on
 * one top-level field are created: its patch serves string, `$in` and date-range conditions on a single
 * field from such an index (the scheduler's `nextDueAt` range, the retention sweeps' age ranges), but no
 * query from a compound one, and SQLite maintains every index on every insert and update (the compound
 * ones halved the insert rate of deliveries).
 */
@Injectable()
export class IndexBuilder implements OnModuleInit {
  private readonly logger = new Logger('Database');

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    const models = Object.values(this.connection.models);
    if (await this.isLocalFerretDb()) {
      for (const model of models)
        for (const [fields, options] of model.schema.indexes())
          if (options?.unique || servesLocalQueries(fields))
            await model.collection.createIndex(fields as Record<string, 1 | -1>, options as Record<string, unknown>);
      this.logger.log(
        `local FerretDB: unique and single-field indexes ready on ${models.length} collections (others would serve no query there)`,
      );
      return;
    }
    for (const model of models) await model.createIndexes();
    this.logger.log(`indexes ready on ${models.length} collections`);
  }

  /** The FerretDB that scripts/local-db.cjs builds reports a version ending in `-herald.<patch hash>`. */
  private async isLocalFerretDb(): Promise<boolean> {
    const info = await this.connection.db!.admin().command({ buildInfo: 1 });
    return typeof info.ferretdbVersion === 'string' && info.ferretdbVersion.includes('-herald.');
  }
}

/** An index on one top-level field, which the local FerretDB can use (see IndexBuilder). */
function servesLocalQueries(fields: Record<string, unknown>): boolean {
  const keys = Object.keys(fields);
  return keys.length === 1 && keys[0] !== '_id' && !keys[0].includes('.');
}
