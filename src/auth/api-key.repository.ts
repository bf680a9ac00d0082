import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { createHash, randomBytes } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { Model } from 'mongoose';
import { collectionOf } from '../database/collection';
import { API_KEY, ApiKeyDoc, ApiKeyKind } from './api-key.schema';

export const digestOf = (key: string): string => createHash('sha256').update(key).digest('hex');
export const generateApiKey = (): string => `hk_${randomBytes(24).toString('base64url')}`;
export const keyIdOf = (digest: string): string => `key_${digest.slice(0, 12)}`;

/** What an operator sees of a key: never the key, nor its digest. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  kind: ApiKeyKind;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const info = (doc: ApiKeyDoc): ApiKeyInfo => ({
  id: doc.keyId,
  name: doc.name,
  kind: doc.kind,
  createdAt: doc.createdAt,
  lastUsedAt: doc.lastUsedAt ?? null,
  revokedAt: doc.revokedAt ?? null,
});

/** Service keys are platform-wide, not tenant data, so this is the one repository without an account id. */
@Injectable()
export class ApiKeyRepository {
  private readonly keys: Collection<ApiKeyDoc>;

  constructor(@InjectModel(API_KEY) model: Model<ApiKeyDoc>) {
    this.keys = collectionOf(model);
  }

  /** The key's record, revoked or not; null for a key Herald never issued. */
  async findByKey(key: string): Promise<ApiKeyInfo | null> {
    const doc = await this.keys.findOne({ _id: digestOf(key) });
    return doc ? info(doc) : null;
  }

  /** A new random key; the key itself is returned once and never stored. */
  async create(name: string, now: Date): Promise<{ key: string; info: ApiKeyInfo }> {
    const key = generateApiKey();
    const doc = this.docFor(key, name, 'managed', now);
    await this.keys.insertOne(doc);
    return { key, info: info(doc) };
  }

  /** Stores a key given from outside (BOOTSTRAP_API_KEY, the development key); an existing one keeps its record, revoked or not. */
  async register(key: string, name: string, kind: ApiKeyKind, now: Date): Promise<ApiKeyInfo> {
    const doc = this.docFor(key, name, kind, now);
    const { _id, ...fields } = doc;
    await this.keys.updateOne({ _id }, { $setOnInsert: fields }, { upsert: true });
    return (await this.findByKey(key))!;
  }

  async list(): Promise<ApiKeyInfo[]> {
    const docs = await this.keys.find({}).sort({ createdAt: 1 }).toArray();
    return docs.map(info);
  }

  /** Revokes an active key; 'missing' when no key has that id, 'already' when it was revoked before. */
  async revoke(keyId: string, now: Date): Promise<'revoked' | 'already' | 'missing'> {
    const res = await this.keys.updateOne({ keyId, revokedAt: null }, { $set: { revokedAt: now } });
    if (res.modifiedCount === 1) return 'revoked';
    return (await this.keys.countDocuments({ keyId })) ? 'already' : 'missing';
  }

  /** Revokes every active bootstrap key but this one (a rotated BOOTSTRAP_API_KEY replaces the previous one); returns their ids. */
  async revokeOtherBootstrapKeys(key: string, now: Date): Promise<string[]> {
    const others = await this.keys.find({ kind: 'bootstrap', revokedAt: null, _id: { $ne: digestOf(key) } }).toArray();
    for (const doc of others) await this.revoke(doc.keyId, now);
    return others.map((d) => d.keyId);
  }

  /** Deletes the published development key however it got here; true when there was one. */
  async removeKey(key: string): Promise<boolean> {
    const res = await this.keys.deleteOne({ _id: digestOf(key) });
    return res.deletedCount === 1;
  }

  async touch(key: string, now: Date): Promise<void> {
    await this.keys.updateOne({ _id: digestOf(key) }, { $set: { lastUsedAt: now } });
  }

  /** Records stored before keys had ids and kinds (`{ _id, name, createdAt }`) get them; a no-op once done. */
  async upgradeLegacy(): Promise<number> {
    const legacy = await this.keys.find({ keyId: { $exists: false } }).toArray();
    for (const doc of legacy) {
      const kind: ApiKeyKind = doc.name === 'development' || doc.name === 'bootstrap' ? doc.name : 'managed';
      await this.keys.updateOne({ _id: doc._id }, { $set: { keyId: keyIdOf(doc._id), kind, lastUsedAt: null, revokedAt: null } });
    }
    return legacy.length;
  }

  private docFor(key: string, name: string, kind: ApiKeyKind, now: Date): ApiKeyDoc {
    const digest = digestOf(key);
    return { _id: digest, keyId: keyIdOf(digest), name, kind, createdAt: now, lastUsedAt: null, revokedAt: null };
  }
}
