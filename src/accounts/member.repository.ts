import { retryBusy } from '../database/retry';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { collectionOf, isDuplicateKey } from '../database/plain';
import { MEMBER, MemberDoc } from './member.schema';
import { scopedId } from './scoped-id';

/** A member as callers see it: `id` is the member id within its account. */
export type Member = Omit<MemberDoc, '_id' | 'memberId'> & { id: string };
export type MemberFields = Omit<
  MemberDoc,
  '_id' | 'accountId' | 'memberId' | 'createdAt' | 'updatedAt' | 'mutedChannels' | 'verification'
> &
  Partial<Pick<MemberDoc, 'mutedChannels' | 'verification'>>;

/** The filter naming one member: every query of a single member goes through it (ids are unique per account). */
export const memberKey = (accountId: string, memberId: string) => ({ _id: scopedId(accountId, memberId), accountId });

export const toMember = ({ _id: _key, memberId, ...rest }: MemberDoc): Member => (void _key, { id: memberId, ...rest });
const orNull = (doc: MemberDoc | null) => (doc ? toMember(doc) : null);

@Injectable()
export class MemberRepository {
  constructor(@InjectModel(MEMBER) private readonly members: Model<MemberDoc>) {}

  async get(accountId: string, memberId: string): Promise<Member | null> {
    return orNull(await this.members.findOne(memberKey(accountId, memberId)).lean<MemberDoc>());
  }

  /** The members page: an account's members by name, `limit` at a time, with how many there are. */
  async page(accountId: string, q: { limit: number; offset: number }): Promise<{ items: Member[]; total: number }> {
    const [docs, total] = await Promise.all([
      this.members.find({ accountId }).sort({ name: 1, _id: 1 }).skip(q.offset).limit(q.limit).lean<MemberDoc[]>(),
      this.members.countDocuments({ accountId }),
    ]);
    return { items: docs.map(toMember), total };
  }

  /** Which of these member ids exist in the account. */
  async countExisting(accountId: string, memberIds: string[]): Promise<string[]> {
    if (!memberIds.length) return [];
    const keys = memberIds.map((id) => scopedId(accountId, id));
    const docs = await this.members.find({ _id: { $in: keys }, accountId }, { memberId: 1 }).lean<{ memberId: string }[]>();
    return docs.map((d) => d.memberId);
  }

  /** Inserts a member; null when the account already has a member of this id. */
  async insert(accountId: string, memberId: string, fields: MemberFields, now: Date): Promise<Member | null> {
    const doc: MemberDoc = {
      ...memberKey(accountId, memberId),
      memberId,
      mutedChannels: {},
      verification: {},
      ...fields,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await retryBusy(() => collectionOf(this.members).insertOne(doc));
      return toMember(doc);
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
  }

  async update(accountId: string, memberId: string, fields: Partial<MemberFields>, now: Date): Promise<Member | null> {
    const doc = await this.members
      .findOneAndUpdate(memberKey(accountId, memberId), { $set: { ...fields, updatedAt: now } }, { returnDocument: 'after' })
      .lean<MemberDoc>();
    return orNull(doc);
  }

  async delete(accountId: string, memberId: string): Promise<boolean> {
    const res = await retryBusy(() => this.members.deleteOne(memberKey(accountId, memberId)));
    return res.deletedCount === 1;
  }

  async listMany(accountIds: string[]): Promise<Map<string, Member[]>> {
    const docs = await this.members.find({ accountId: { $in: accountIds } }).lean<MemberDoc[]>();
    const out = new Map<string, Member[]>(accountIds.map((id) => [id, []]));
    for (const d of docs) out.get(d.accountId)?.push(toMember(d));
    return out;
  }

  /** Counts one try at a verification code unless the limit is reached; false when it is. */
  async countVerificationAttempt(accountId: string, memberId: string, kind: 'email' | 'phone', limit: number): Promise<boolean> {
    const res = await retryBusy(() =>
      this.members.updateOne(
        { ...memberKey(accountId, memberId), [`verification.${kind}.attempts`]: { $lt: limit } },
        { $inc: { [`verification.${kind}.attempts`]: 1 } },
      ),
    );
    return res.matchedCount === 1;
  }
}
