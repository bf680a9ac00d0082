import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Model } from 'mongoose';
import { collectionOf, isDuplicateKey } from '../database/collection';
import { GROUP, GroupDoc } from './group.schema';
import { scopedId } from './scoped-id';

/** A receiver group as callers see it: `id` is the group id within its account. */
export type Group = Omit<GroupDoc, '_id' | 'groupId'> & { id: string };

/** The filter naming one group (ids are unique per account). */
export const groupKey = (accountId: string, groupId: string) => ({ _id: scopedId(accountId, groupId), accountId });

const toGroup = ({ _id: _key, groupId, ...rest }: GroupDoc): Group => (void _key, { id: groupId, ...rest });
const orNull = (doc: GroupDoc | null) => (doc ? toGroup(doc) : null);

@Injectable()
export class GroupRepository {
  private readonly groups: Collection<GroupDoc>;

  constructor(@InjectModel(GROUP) private readonly model: Model<GroupDoc>) {
    this.groups = collectionOf(model);
  }

  /** An account's groups by name (names are unique in an account), `limit` at a time, with how many there are. */
  async page(accountId: string, q: { limit: number; offset: number }): Promise<{ items: Group[]; total: number }> {
    const [docs, total] = await Promise.all([
      this.model.find({ accountId }).sort({ name: 1 }).skip(q.offset).limit(q.limit).lean<GroupDoc[]>(),
      this.model.countDocuments({ accountId }),
    ]);
    return { items: docs.map(toGroup), total };
  }

  /** Which of these group ids exist in the account. */
  async existing(accountId: string, groupIds: string[]): Promise<string[]> {
    if (!groupIds.length) return [];
    const keys = groupIds.map((id) => scopedId(accountId, id));
    const docs = await this.model.find({ _id: { $in: keys }, accountId }, { groupId: 1 }).lean<{ groupId: string }[]>();
    return docs.map((d) => d.groupId);
  }

  async get(accountId: string, groupId: string): Promise<Group | null> {
    return orNull(await this.model.findOne(groupKey(accountId, groupId)).lean<GroupDoc>());
  }

  /** Creates a group; 'duplicate' when the id or the name is taken in the account. */
  async insert(accountId: string, groupId: string, name: string, memberIds: string[], now: Date): Promise<Group | 'duplicate'> {
    const doc: GroupDoc = { ...groupKey(accountId, groupId), groupId, name, memberIds, createdAt: now, updatedAt: now };
    try {
      await this.groups.insertOne(doc);
      return toGroup(doc);
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
      const doc = await this.groups.findOneAndUpdate(
        groupKey(accountId, groupId),
        { $set: { ...fields, updatedAt: now } },
        { returnDocument: 'after' },
      );
      return orNull(doc);
    } catch (err) {
      if (isDuplicateKey(err)) return 'duplicate';
      throw err;
    }
  }

  async delete(accountId: string, groupId: string): Promise<boolean> {
    return (await this.groups.deleteOne(groupKey(accountId, groupId))).deletedCount === 1;
  }

  async removeMember(accountId: string, memberId: string, now: Date): Promise<void> {
    await this.groups.updateMany({ accountId, memberIds: memberId }, { $pull: { memberIds: memberId }, $set: { updatedAt: now } });
  }

  async listMany(accountIds: string[]): Promise<Map<string, Group[]>> {
    const docs = await this.model.find({ accountId: { $in: accountIds } }).lean<GroupDoc[]>();
    const out = new Map<string, Group[]>(accountIds.map((id) => [id, []]));
    for (const d of docs) out.get(d.accountId)?.push(toGroup(d));
    return out;
  }
}
