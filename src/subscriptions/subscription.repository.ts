import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Model } from 'mongoose';
import { collectionOf } from '../database/collection';
import { MESSAGE_TYPE_SPECS, MESSAGE_TYPES, MessageType } from '../lifecycle/message-types';
import type { TypeSubscription } from '../recipients/resolve-recipients';
import { SUBSCRIPTION, SubscriptionDoc } from './subscription.schema';

export type Subscriptions = Record<MessageType, TypeSubscription>;

/** The catalogue's defaults: the type's default roles on its default channels. */
export function defaultSubscription(type: MessageType): TypeSubscription {
  const spec = MESSAGE_TYPE_SPECS[type];
  return {
    channels: [...spec.defaultChannels],
    receivers: { roles: [...spec.defaultRoles], memberIds: [], groupIds: [] },
    digest: spec.defaultDigest,
  };
}

@Injectable()
export class SubscriptionRepository {
  private readonly subscriptions: Collection<SubscriptionDoc>;

  constructor(@InjectModel(SUBSCRIPTION) private readonly model: Model<SubscriptionDoc>) {
    this.subscriptions = collectionOf(model);
  }

  /** The account's effective subscription: what it set, defaults for the rest. */
  async get(accountId: string): Promise<Subscriptions> {
    const doc = await this.model.findOne({ _id: accountId, accountId }).lean<SubscriptionDoc>();
    return Object.fromEntries(MESSAGE_TYPES.map((t) => [t, doc?.types?.[t] ?? defaultSubscription(t)])) as Subscriptions;
  }

  async getMany(accountIds: string[]): Promise<Map<string, Subscriptions>> {
    const docs = await this.model.find({ _id: { $in: accountIds }, accountId: { $in: accountIds } }).lean<SubscriptionDoc[]>();
    const byId = new Map(docs.map((d) => [d._id, d]));
    return new Map(
      accountIds.map((id) => [
        id,
        Object.fromEntries(MESSAGE_TYPES.map((t) => [t, byId.get(id)?.types?.[t] ?? defaultSubscription(t)])) as Subscriptions,
      ]),
    );
  }

  async put(accountId: string, types: Partial<Record<MessageType, TypeSubscription>>, now: Date): Promise<void> {
    const set = Object.fromEntries(Object.entries(types).map(([t, s]) => [`types.${t}`, s]));
    await this.subscriptions.updateOne(
      { _id: accountId, accountId },
      // A new document has its `types` even when this sets none.
      { $set: { ...set, updatedAt: now }, $setOnInsert: { accountId, ...(Object.keys(set).length ? {} : { types: {} }) } },
      { upsert: true },
    );
  }
}
