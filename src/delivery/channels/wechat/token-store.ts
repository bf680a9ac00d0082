import { retryBusy } from '../../../database/retry';
import type { Collection } from 'mongodb';
import { WallClock } from '../../../common/clock';

/** One provider access token shared by every Herald process (collection `provider_tokens`). */
export interface ProviderTokenDoc {
  _id: string;
  token: string;
  expiresAt: Date;
}

export interface StoredToken {
  token: string;
  expiresAt: Date;
}

export class ProviderTokenStore {
  constructor(
    private readonly collection: Collection<ProviderTokenDoc>,
    private readonly clock: WallClock,
  ) {}

  /** The stored token while it is still valid; provider expiry is wall-clock time, whatever the test clock says. */
  async get(key: string): Promise<StoredToken | null> {
    const doc = await this.collection.findOne({ _id: key });
    if (!doc || doc.expiresAt.getTime() <= this.clock.now().getTime()) return null;
    return { token: doc.token, expiresAt: doc.expiresAt };
  }

  async put(key: string, token: StoredToken): Promise<void> {
    await retryBusy(() =>
      this.collection.updateOne({ _id: key }, { $set: { token: token.token, expiresAt: token.expiresAt } }, { upsert: true }),
    );
  }

  /** Drops the token only if it is still the rejected one, so a fresher token another process stored survives. */
  async invalidate(key: string, token: string): Promise<void> {
    await retryBusy(() => this.collection.deleteOne({ _id: key, token }));
  }
}
