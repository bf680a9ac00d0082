import { ConflictException, Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { WallClock } from '../common/clock';
import { notFound } from '../common/errors';
import { ApiKeyInfo, ApiKeyRepository } from './api-key.repository';
import { Authenticator } from './authenticator';

/** Managing service keys over the API: the same operations `npm run keys` runs against the database. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly authenticator: Authenticator,
    private readonly wall: WallClock,
  ) {}

  async page(limit: number, offset: number): Promise<{ items: ApiKeyInfo[]; total: number }> {
    const all = await this.keys.list();
    return { items: all.slice(offset, offset + limit), total: all.length };
  }

  create(name: string): Promise<{ key: string; info: ApiKeyInfo }> {
    return this.keys.create(name, this.wall.now());
  }

  /** Revokes a key at once in this process (other instances within the key cache's 10 s); a key cannot revoke itself. */
  async revoke(keyId: string, caller: Principal): Promise<void> {
    if (caller.kind === 'service' && caller.keyId === keyId)
      throw new ConflictException('a key cannot revoke itself: revoke it with another key, or with `npm run keys -- revoke`');
    const result = await this.keys.revoke(keyId, this.wall.now());
    if (result === 'missing') throw notFound('API key', keyId);
    this.authenticator.forgetKeys();
  }
}
