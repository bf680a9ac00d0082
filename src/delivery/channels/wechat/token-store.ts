import type { Collection } from 'mongodb';
import { WallClock } from '../../../common/clock';
import { wrapCollection } from '../../../database/collection';

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
  private readonly tokens: Collection<ProviderTokenDoc>;

  constructor(
    collection: Collection<ProviderTokenDoc>,
    private readonly clock: WallClock,
  ) {
    this.tokens = wrapCollection(collection);
  }

  /** The stored token while it is still valid; provider expiry is wall-clock time, whatever the test clock says. */
  async get(key: string): Promise<StoredToken | null> {
    const doc = await this.tokens.findOne({ _id: key });
    if (!doc || doc.expiresAt.getTime() <= this.clock.now().getTime()) return null;
    return { token: doc.token, expiresAt: doc.expiresAt };
  }

  async put(key: string, token: StoredToken): Promise<void> {
    await this.tokens.updateOne({ _id: key }, { $set: { token: token.token, expiresAt: token.expiresAt } }, { upsert: true });
  }

  /** Drops the token only if it is still the rejected one, so a fresher token another process stored survives. */
  async invalidate(key: string, token: string): Promise<void> {
    await this.tokens.deleteOne({ _id: key, token });
  }
}
