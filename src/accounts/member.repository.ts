import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Model } from 'mongoose';
import { collectionOf, isDuplicateKey } from '../database/collection';
import { Contact, MEMBER, MemberDoc } from './member.schema';
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
  private readonly members: Collection<MemberDoc>;

  constructor(@InjectModel(MEMBER) private readonly model: Model<MemberDoc>) {
    this.members = collectionOf(model);
  }

  async get(accountId: string, memberId: string): Promise<Member | null> {
    return orNull(await this.model.findOne(memberKey(accountId, memberId)).lean<MemberDoc>());
  }

  /** The members page: an account's members by name, `limit` at a time, with how many there are. */
  async page(accountId: string, q: { limit: number; offset: number }): Promise<{ items: Member[]; total: number }> {
    const [docs, total] = await Promise.all([
      this.model.find({ accountId }).sort({ name: 1, _id: 1 }).skip(q.offset).limit(q.limit).lean<MemberDoc[]>(),
      this.model.countDocuments({ accountId }),
    ]);
    return { items: docs.map(toMember), total };
  }

  /** Which of these member ids exist in the account. */
  async countExisting(accountId: string, memberIds: string[]): Promise<string[]> {
    if (!memberIds.length) return [];
    const keys = memberIds.map((id) => scopedId(accountId, id));
    const docs = await this.model.find({ _id: { $in: keys }, accountId }, { memberId: 1 }).lean<{ memberId: string }[]>();
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
      await this.members.insertOne(doc);
      return toMember(doc);
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
  }

  async update(accountId: string, memberId: string, fields: Partial<MemberFields>, now: Date): Promise<Member | null> {
    const doc = await this.members.findOneAndUpdate(
      memberKey(accountId, memberId),
      { $set: { ...fields, updatedAt: now } },
      { returnDocument: 'after' },
    );
    return orNull(doc);
  }

  async delete(accountId: string, memberId: string): Promise<boolean> {
    const res = await this.members.deleteOne(memberKey(accountId, memberId));
    return res.deletedCount === 1;
  }

  async listMany(accountIds: string[]): Promise<Map<string, Member[]>> {
    const docs = await this.model.find({ accountId: { $in: accountIds } }).lean<MemberDoc[]>();
    const out = new Map<string, Member[]>(accountIds.map((id) => [id, []]));
    for (const d of docs) out.get(d.accountId)?.push(toMember(d));
    return out;
  }

  /** Counts one try at a verification code unless the limit is reached; false when it is. */
  async countVerificationAttempt(accountId: string, memberId: string, kind: 'email' | 'phone', limit: number): Promise<boolean> {
    const res = await this.members.updateOne(
      { ...memberKey(accountId, memberId), [`verification.${kind}.attempts`]: { $lt: limit } },
      { $inc: { [`verification.${kind}.attempts`]: 1 } },
    );
    return res.matchedCount === 1;
  }

  /**
   * Claims the one code a member may be sent per `intervalMs`: stamps `sentAt` with `now` only if no code went out
   * within the interval, in one write, so of parallel requests exactly one wins. False when the interval holds.
   */
  async claimVerificationSend(accountId: string, memberId: string, kind: VerifiedKind, now: Date, intervalMs: number): Promise<boolean> {
    const sentAt = `verification.${kind}.sentAt`;
    const res = await this.members.updateOne(
      {
        ...memberKey(accountId, memberId),
        $or: [{ [sentAt]: { $exists: false } }, { [sentAt]: { $lte: new Date(now.getTime() - intervalMs) } }],
      },
      { $set: { [sentAt]: now } },
    );
    return res.matchedCount === 1;
  }

  /** Gives a claim back after a send that did not go out, if it is still ours: `sentAt` returns to what it was. */
  async releaseVerificationSend(
    accountId: string,
    memberId: string,
    kind: VerifiedKind,
    claimedAt: Date,
    previous: Date | null,
  ): Promise<void> {
    const sentAt = `verification.${kind}.sentAt`;
    await this.members.updateOne(
      { ...memberKey(accountId, memberId), [sentAt]: claimedAt },
      previous ? { $set: { [sentAt]: previous } } : { $unset: { [sentAt]: '' } },
    );
  }

  /** Records the code sent under a claim (replacing any earlier pending code); false when the claim is not ours any more. */
  async recordVerificationCode(
    accountId: string,
    memberId: string,
    kind: VerifiedKind,
    claimedAt: Date,
    pending: { codeHash: string; value: string; expiresAt: Date },
  ): Promise<boolean> {
    const res = await this.members.updateOne(
      { ...memberKey(accountId, memberId), [`verification.${kind}.sentAt`]: claimedAt },
      { $set: { [`verification.${kind}`]: { ...pending, attempts: 0, sentAt: claimedAt } } },
    );
    return res.matchedCount === 1;
  }

  /**
   * The pending code was right: `value` (the address it went to) becomes the verified contact, replacing the one
   * before, and the code is spent (`sentAt` stays for the resend interval). Null when that code is no longer pending.
   */
  async completeVerification(
    accountId: string,
    memberId: string,
    kind: VerifiedKind,
    pending: { codeHash: string; value: string },
    now: Date,
  ): Promise<Member | null> {
    const v = `verification.${kind}`;
    const doc = await this.members.findOneAndUpdate(
      { ...memberKey(accountId, memberId), [`${v}.codeHash`]: pending.codeHash },
      {
        $set: { [`contacts.${kind}`]: { value: pending.value, verified: true }, updatedAt: now },
        $unset: { [`${v}.codeHash`]: '', [`${v}.value`]: '', [`${v}.expiresAt`]: '', [`${v}.attempts`]: '' },
      },
      { returnDocument: 'after' },
    );
    return orNull(doc);
  }

  /** Sets or clears one contact without touching the others. */
  async setContact(
    accountId: string,
    memberId: string,
    kind: keyof MemberDoc['contacts'],
    contact: Contact | null,
    now: Date,
  ): Promise<Member | null> {
    const doc = await this.members.findOneAndUpdate(
      memberKey(accountId, memberId),
      { $set: { [`contacts.${kind}`]: contact, updatedAt: now } },
      { returnDocument: 'after' },
    );
    return orNull(doc);
  }
}

type VerifiedKind = 'email' | 'phone';
