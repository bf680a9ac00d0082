import { retryBusy } from '../database/retry';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { createHash, randomBytes } from 'node:crypto';
import type { Model } from 'mongoose';
import { API_KEY, ApiKeyDoc } from './api-key.schema';

export const digestOf = (key: string): string => createHash('sha256').update(key).digest('hex');
export const generateApiKey = (): string => `hk_${randomBytes(24).toString('base64url')}`;

/** Service keys are platform-wide, not tenant data, so this is the one repository without an account id. */
@Injectable()
export class ApiKeyRepository {
  constructor(@InjectModel(API_KEY) private readonly keys: Model<ApiKeyDoc>) {}

  async findByKey(key: string): Promise<{ id: string; name: string } | null> {
    const doc = await this.keys.findById(digestOf(key)).lean<ApiKeyDoc>();
    return doc ? { id: doc._id.slice(0, 12), name: doc.name } : null;
  }

  async register(key: string, name: string, now: Date): Promise<void> {
    await retryBusy(() => this.keys.updateOne({ _id: digestOf(key) }, { $setOnInsert: { name, createdAt: now } }, { upsert: true }));
  }
}
