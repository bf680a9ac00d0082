import { retryBusy } from '../database/retry';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { collectionOf, isDuplicateKey, plain, Plain } from '../database/plain';
import { GROUP, GroupDoc } from './group.schema';

export type Group = Plain<GroupDoc>;

@Injectable()
export class GroupRepository {
  constructor(@InjectModel(GROUP) private readonly groups: Model<GroupDoc>) {}

  async list(accountId: string): Promise<Group[]> {
    const docs = await this.groups.find({ accountId }).sort({ name: 1 }).lean<GroupDoc[]>();
    return docs.map((d) => plain(d));
  }

  async get(accountId: string, groupId: string): Promise<Group | null> {
    return plain(await this.groups.findOne({ _id: groupId, accountId }).lean<GroupDoc>());
  }

  /** Creates a group; 'duplicate' when the id or the name is taken in the account. */
  async insert(accountId: string, groupId: string, name: string, memberIds: string[], now: Date): Promise<Group | 'duplicate'> {
    const doc: GroupDoc = { _id: groupId, accountId, name, memberIds, createdAt: now, updatedAt: now };
    try {
      await retryBusy(() => collectionOf(this.groups).insertOne(doc));
      return plain(doc);
    } catch (err) {
      if (isDuplicateKey(err)) return 'duplicate';
      throw err;
    }
  }

  async update(
    accountId: string,
    groupId: string,
    fields: { name?: string; memberIds?: string[] },
    now: Date,
  ): Promise<Group | null | 'duplicate'> {
    try {
      const doc = await this.groups
        .findOneAndUpdate({ _id: groupId, accountId }, { $set: { ...fields, updatedAt: now } }, { returnDocument: 'after' })
        .lean<GroupDoc>();
      return plain(doc);
    } catch (err) {
      if (isDuplicateKey(err)) return 'duplicate';
      throw err;
    }
  }

  async delete(accountId: string, groupId: string): Promise<boolean> {
    return (await retryBusy(() => this.groups.deleteOne({ _id: groupId, accountId }))).deletedCount === 1;
  }

  async removeMember(accountId: string, memberId: string, now: Date): Promise<void> {
    await retryBusy(() =>
      this.groups.updateMany({ accountId, memberIds: memberId }, { $pull: { memberIds: memberId }, $set: { updatedAt: now } }),
    );
  }

  async listMany(accountIds: string[]): Promise<Map<string, Group[]>> {
    const docs = await this.groups.find({ accountId: { $in: accountIds } }).lean<GroupDoc[]>();
    const out = new Map<string, Group[]>(accountIds.map((id) => [id, []]));
    for (const d of docs) out.get(d.accountId)?.push(plain(d));
    return out;
  }
}
