import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectModel } from '@nestjs/mongoose';
import type { AnyBulkWriteOperation } from 'mongodb';
import type { Model } from 'mongoose';
import type { VersionedResource } from '../events/apply-event';
import type { ResourceStatus } from '../lifecycle/lifecycle.types';
import { bulkMisses } from '../database/bulk';
import { AccountScope, collectionOf, plain, Plain, scopeFilter } from '../database/plain';
import { RESOURCE, ResourceDoc } from './resource.schema';

export type Resource = Plain<ResourceDoc>;

export interface ResourceWrite {
  state: VersionedResource;
  /** The `rev` the state was computed from; null for a resource not stored yet. */
  expectedRev: number | null;
  nextDueAt: Date | null;
}

export interface ResourceListQuery {
  product?: string;
  status?: ResourceStatus;
  limit: number;
  offset: number;
}

@Injectable()
export class ResourceRepository {
  constructor(@InjectModel(RESOURCE) private readonly resources: Model<ResourceDoc>) {}

  async get(scope: AccountScope, resourceId: string): Promise<Resource | null> {
    return plain(await this.resources.findOne({ _id: resourceId, ...scopeFilter(scope) }).lean<ResourceDoc>());
  }

  async list(accountId: string, q: ResourceListQuery): Promise<{ items: Resource[]; total: number }> {
    const filter = { accountId, ...(q.product ? { product: q.product } : {}), ...(q.status ? { status: q.status } : {}) };
    const [docs, total] = await Promise.all([
      this.resources.find(filter).sort({ expiresAt: 1, _id: 1 }).skip(q.offset).limit(q.limit).lean<ResourceDoc[]>(),
      this.resources.countDocuments(filter),
    ]);
    return { items: docs.map((d) => plain(d)), total };
  }

  /** Loads the resources a batch of events names, whichever account holds them (the caller checks ownership). */
  async loadMany(scope: AccountScope, resourceIds: string[]): Promise<Map<string, Resource>> {
    const docs = await this.resources.find({ _id: { $in: resourceIds }, ...scopeFilter(scope) }).lean<ResourceDoc[]>();
    return new Map(docs.map((d) => [d._id, plain(d)]));
  }

  /**
   * Stores lifecycle states in one unordered bulk write. Each update is guarded by the `rev` it was
   * computed from, each new resource is an insert; returns the ids that lost a race and must be retried.
   */
  async writeStates(writes: ResourceWrite[], now: Date): Promise<string[]> {
    // Tags this batch's writes so that, after a partial failure, the winners can be told apart.
    const writeToken = randomUUID();
    const ops: AnyBulkWriteOperation<ResourceDoc>[] = writes.map(({ state, expectedRev, nextDueAt }) => {
      const { id, ...fields } = state;
      if (expectedRev === null) {
        return { insertOne: { document: { _id: id, ...fields, rev: 1, nextDueAt, writeToken, createdAt: now, updatedAt: now } } };
      }
      return {
        updateOne: {
          filter: { _id: id, accountId: state.accountId, rev: expectedRev },
          update: { $set: { ...fields, rev: expectedRev + 1, nextDueAt, writeToken, updatedAt: now } },
        },
      };
    });
    const misses = await bulkMisses(collectionOf(this.resources), ops);
    if (misses === 0) return [];
    const ids = writes.map((w) => w.state.id);
    const docs = await this.resources.find({ _id: { $in: ids } }, { writeToken: 1 }).lean<{ _id: string; writeToken?: string }[]>();
    const won = new Set(docs.filter((d) => d.writeToken === writeToken).map((d) => d._id));
    return ids.filter((id) => !won.has(id));
  }
}
