import { retryBusy } from '../database/retry';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { collectionOf, plain, Plain } from '../database/plain';
import { MEMBER, MemberDoc } from './member.schema';

export type Member = Plain<MemberDoc>;
export type MemberFields = Omit<MemberDoc, '_id' | 'accountId' | 'createdAt' | 'updatedAt' | 'mutedChannels' | 'verification'> &
  Partial<Pick<MemberDoc, 'mutedChannels' | 'verification'>>;

@Injectable()
export class MemberRepository {
  constructor(@InjectModel(MEMBER) private readonly members: Model<MemberDoc>) {}

  async get(accountId: string, memberId: string): Promise<Member | null> {
    return plain(await this.members.findOne({ _id: memberId, accountId }).lean<MemberDoc>());
  }

  async list(accountId: string): Promise<Member[]> {
    const docs = await this.members.find({ accountId }).sort({ name: 1 }).lean<MemberDoc[]>();
    return docs.map((d) => plain(d));
  }

  async countExisting(accountId: string, memberIds: string[]): Promise<string[]> {
    const docs = await this.members.find({ accountId, _id: { $in: memberIds } }, { _id: 1 }).lean<{ _id: string }[]>();
    return docs.map((d) => d._id);
  }

  /** Inserts a member; false when the id is already taken. */
  async insert(accountId: string, memberId: string, fields: MemberFields, now: Date): Promise<boolean> {
    try {
      await retryBusy(() =>
        collectionOf(this.members).insertOne({
          _id: memberId,
          accountId,
          mutedChannels: {},
          verification: {},
          ...fields,
          createdAt: now,
          updatedAt: now,
        }),
      );
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  async update(accountId: string, memberId: string, fields: Partial<MemberFields>, now: Date): Promise<Member | null> {
    const doc = await this.members
      .findOneAndUpdate({ _id: memberId, accountId }, { $set: { ...fields, updatedAt: now } }, { returnDocument: 'after' })
      .lean<MemberDoc>();
    return plain(doc);
  }

  async delete(accountId: string, memberId: string): Promise<boolean> {
    const res = await retryBusy(() => this.members.deleteOne({ _id: memberId, accountId }));
    return res.deletedCount === 1;
  }

  async listMany(accountIds: string[]): Promise<Map<string, Member[]>> {
    const docs = await this.members.find({ accountId: { $in: accountIds } }).lean<MemberDoc[]>();
    const out = new Map<string, Member[]>(accountIds.map((id) => [id, []]));
    for (const d of docs) out.get(d.accountId)?.push(plain(d));
    return out;
  }

  /** Counts one try at a verification code unless the limit is reached; false when it is. */
  async countVerificationAttempt(accountId: string, memberId: string, kind: 'email' | 'phone', limit: number): Promise<boolean> {
    const res = await retryBusy(() =>
      this.members.updateOne(
        { _id: memberId, accountId, [`verification.${kind}.attempts`]: { $lt: limit } },
        { $inc: { [`verification.${kind}.attempts`]: 1 } },
      ),
    );
    return res.matchedCount === 1;
  }
}
