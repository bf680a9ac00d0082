import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection, Document } from 'mongodb';
import type { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { collectionOf, isDuplicateKey } from '../database/collection';
import { GROUP, GroupDoc } from './group.schema';
import { MEMBER, MemberDoc } from './member.schema';
import { scopedId } from './scoped-id';

const BATCH = 200;

/** A document as an earlier Herald stored it: `_id` was the member (group) id, global across accounts. */
type OldShape = Document & { _id: string; accountId: string };

/**
 * Rewrites members and groups stored with global ids into the per-account shape (`_id` = `<account>/<id>`),
 * before Herald serves anything. Without multi-document transactions, each document moves in steps that
 * are safe to repeat: the new document is inserted (an existing one wins), then the old one removed. Every
 * start runs it, so a start that stopped half-way, or documents an earlier instance wrote since, are finished.
 */
@Injectable()
export class IdMigration implements OnModuleInit {
  private readonly logger = new Logger('Accounts');

  constructor(
    @InjectModel(MEMBER) private readonly members: Model<MemberDoc>,
    @InjectModel(GROUP) private readonly groups: Model<GroupDoc>,
  ) {}

  async onModuleInit(): Promise<void> {
    const members = await this.migrate(collectionOf(this.members) as unknown as Collection<OldShape>, 'memberId', (c, doc) =>
      this.moveMember(c, doc),
    );
    const groups = await this.migrate(collectionOf(this.groups) as unknown as Collection<OldShape>, 'groupId', (c, doc) =>
      this.moveGroup(c, doc),
    );
    if (members + groups) this.logger.log(`moved ${members} members and ${groups} receiver groups to ids scoped per account`);
  }

  private async migrate(
    collection: Collection<OldShape>,
    idField: 'memberId' | 'groupId',
    move: (c: Collection<OldShape>, doc: OldShape) => Promise<void>,
  ): Promise<number> {
    let moved = 0;
    for (;;) {
      const batch = await collection
        .find({ [idField]: { $exists: false } })
        .limit(BATCH)
        .toArray();
      for (const doc of batch) await move(collection, doc);
      moved += batch.length;
      if (batch.length < BATCH) return moved;
    }
  }

  private async moveMember(collection: Collection<OldShape>, { _id, ...rest }: OldShape): Promise<void> {
    await insertUnlessPresent(collection, { ...rest, _id: scopedId(rest.accountId, _id), memberId: _id });
    await collection.deleteOne({ _id, memberId: { $exists: false } });
  }

  /**
   * The group's name is unique in its account, so the old document first gives its name up (kept in
   * `movingName`, so a repeated run still knows it) before the new document takes it.
   */
  private async moveGroup(collection: Collection<OldShape>, doc: OldShape): Promise<void> {
    const { _id, movingName, ...rest } = doc;
    const name = (movingName as string | undefined) ?? (rest.name as string);
    if (movingName === undefined)
      await collection.updateOne({ _id, groupId: { $exists: false } }, { $set: { name: `(moving ${randomUUID()})`, movingName: name } });
    const key = scopedId(rest.accountId, _id);
    await insertUnlessPresent(collection, { ...rest, _id: key, groupId: _id, name });
    // Another group of the account took the name meanwhile (an earlier Herald still running): keep both, told apart.
    if (!(await collection.findOne({ _id: key }, { projection: { _id: 1 } })))
      await collection.insertOne({ ...rest, _id: key, groupId: _id, name: `${name} (${_id})` });
    await collection.deleteOne({ _id, groupId: { $exists: false } });
  }
}

async function insertUnlessPresent(collection: Collection<OldShape>, doc: OldShape): Promise<void> {
  try {
    await collection.insertOne(doc);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}
