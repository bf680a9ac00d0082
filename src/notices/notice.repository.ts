import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { insertManyNew } from '../database/bulk';
import { collectionOf, plain, Plain } from '../database/plain';
import type { MessageType } from '../lifecycle/message-types';
import { NOTICE, NoticeDoc } from './notice.schema';

export type Notice = Plain<NoticeDoc>;

@Injectable()
export class NoticeRepository {
  constructor(@InjectModel(NOTICE) private readonly notices: Model<NoticeDoc>) {}

  /** Inserts unordered; a notice whose dedupe key exists is skipped. Returns how many were new. */
  async insertNew(docs: NoticeDoc[]): Promise<number> {
    if (docs.length === 0) return 0;
    const existing = await insertManyNew(collectionOf(this.notices), docs);
    return docs.length - existing.size;
  }

  async forResource(accountId: string, resourceId: string): Promise<Notice[]> {
    const docs = await this.notices.find({ accountId, resourceId }).sort({ dueAt: 1, _id: 1 }).lean<NoticeDoc[]>();
    return docs.map((d) => plain(d));
  }

  async list(accountId: string, filter: { resourceId?: string; type?: MessageType }, limit: number): Promise<Notice[]> {
    const docs = await this.notices
      .find({ accountId, ...filter })
      .sort({ dueAt: 1, _id: 1 })
      .limit(limit)
      .lean<NoticeDoc[]>();
    return docs.map((d) => plain(d));
  }
}
