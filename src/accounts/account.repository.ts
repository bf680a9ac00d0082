import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { bulkMisses } from '../database/bulk';
import { collectionOf } from '../database/collection';
import { ALL_ACCOUNTS, plain, Plain } from '../database/plain';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { ACCOUNT, AccountDoc } from './account.schema';

export type Account = Plain<AccountDoc>;
export type AccountProfile = Pick<AccountDoc, 'name' | 'customerLevel' | 'timeZone'>;
export type AccountBalance = Pick<AccountDoc, 'balanceState' | 'overdueSince' | 'billDate' | 'version' | 'fieldVersions'>;

@Injectable()
export class AccountRepository {
  private readonly accounts: Collection<AccountDoc>;

  constructor(@InjectModel(ACCOUNT) private readonly model: Model<AccountDoc>) {
    this.accounts = collectionOf(model);
  }

  async get(accountId: string): Promise<Account | null> {
    return plain(await this.model.findById(accountId).lean<AccountDoc>());
  }

  /** Development member picker only: a deliberate cross-account read, unindexed (a handful of local accounts). */
  async listRecent(_scope: typeof ALL_ACCOUNTS, limit: number): Promise<Account[]> {
    const docs = await this.model.find({}).sort({ createdAt: -1, _id: 1 }).limit(limit).lean<AccountDoc[]>();
    return docs.map((d) => plain(d));
  }

  async getMany(accountIds: string[]): Promise<Account[]> {
    const docs = await this.model.find({ _id: { $in: accountIds } }).lean<AccountDoc[]>();
    return docs.map((d) => plain(d));
  }

  async upsertProfile(accountId: string, profile: AccountProfile, now: Date): Promise<{ account: Account; created: boolean }> {
    const before = await this.accounts.findOneAndUpdate(
      { _id: accountId },
      {
        $set: { ...profile, updatedAt: now },
        $setOnInsert: {
          createdAt: now,
          balanceState: 'ok',
          overdueSince: null,
          billDate: null,
          creatorId: null,
          version: 0,
          fieldVersions: {},
        },
      },
      { upsert: true, returnDocument: 'before' },
    );
    const account = await this.get(accountId);
    return { account: account!, created: before === null };
  }

  /** Claims the creator slot; false when the account already has another creator. */
  async claimCreator(accountId: string, memberId: string, now: Date): Promise<boolean> {
    const res = await this.accounts.updateOne(
      { _id: accountId, $or: [{ creatorId: null }, { creatorId: memberId }] },
      { $set: { creatorId: memberId, updatedAt: now } },
    );
    return res.matchedCount === 1;
  }

  /**
   * Removes an account a request created when its creator could not be added: only while it is as that
   * request left it (its creation instant, no creator, no balance from an event), so nobody else's write is lost.
   */
  async deleteUnclaimed(accountId: string, createdAt: Date): Promise<boolean> {
    const res = await this.accounts.deleteOne({ _id: accountId, createdAt, creatorId: null, 'fieldVersions.balance': { $exists: false } });
    return res.deletedCount === 1;
  }

  async releaseCreator(accountId: string, memberId: string, now: Date): Promise<void> {
    await this.accounts.updateOne({ _id: accountId, creatorId: memberId }, { $set: { creatorId: null, updatedAt: now } });
  }

  /**
   * Writes balances computed from events, each guarded by the version it was computed from,
   * creating accounts first seen in an event. Returns the ids whose guard failed (a concurrent writer).
   */
  async writeBalances(
    writes: { accountId: string; expectedVersion: number | null; balance: AccountBalance }[],
    defaults: { timeZone: string },
    now: Date,
  ): Promise<string[]> {
    if (writes.length === 0) return [];
    const ops = writes.map(({ accountId, expectedVersion, balance }) =>
      expectedVersion === null
        ? {
            insertOne: {
              document: {
                _id: accountId,
                name: accountId,
                customerLevel: 'V0',
                timeZone: defaults.timeZone,
                creatorId: null,
                ...balance,
                createdAt: now,
                updatedAt: now,
              },
            },
          }
        : { updateOne: { filter: { _id: accountId, version: expectedVersion }, update: { $set: { ...balance, updatedAt: now } } } },
    );
    const conflicts = await bulkMisses(this.accounts, ops as AnyBulkWriteOperation<AccountDoc>[]);
    if (conflicts === 0) return [];
    const current = await this.model.find({ _id: { $in: writes.map((w) => w.accountId) } }, { version: 1 }).lean<AccountDoc[]>();
    const versions = new Map(current.map((d) => [d._id, d.version]));
    return writes.filter((w) => versions.get(w.accountId) !== w.balance.version).map((w) => w.accountId);
  }
}
