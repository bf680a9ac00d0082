import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectModel } from '@nestjs/mongoose';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import type { Model } from 'mongoose';
import type { ResourceStatus } from '../lifecycle/lifecycle.types';
import type { Phase, PhaseInstants } from '../lifecycle/phase';
import { bulkMisses, docBatches, leaseAsRead } from '../database/bulk';
import { collectionOf } from '../database/collection';
import { AccountScope, plain, Plain, scopeFilter } from '../database/plain';
import { phaseQuery } from './resource-phase';
import { ResourceScope, scopeQuery } from './resource-scope';
import { RESOURCE, ResourceDoc } from './resource.schema';
import type { VersionedResource } from './versioned-resource';

export type Resource = Plain<ResourceDoc>;

export interface ResourceWrite {
  state: VersionedResource;
  /** The `rev` the state was computed from; null for a resource not stored yet. */
  expectedRev: number | null;
  nextDueAt: Date | null;
  policyVersion: number | null;
  phases: PhaseInstants;
}

export interface PlanWrite {
  id: string;
  accountId: string;
  /** The `rev` the plan was computed from: a plan of an outdated state is dropped. */
  rev: number;
  nextDueAt: Date | null;
  policyVersion: number | null;
  phases: PhaseInstants;
}

/** A scheduler pass's plan; `phases` only where they changed (a policy version or level moved), else the pass leaves them. */
export interface ClaimedPlan {
  id: string;
  nextDueAt: Date | null;
  policyVersion: number | null;
  phases?: PhaseInstants;
}

/** Not leased by a scheduler pass, or leased by one whose lease has lapsed. */
const free = (wallNow: Date) => ({ $or: [{ leaseUntil: null }, { leaseUntil: { $lt: wallNow } }] });

/** The planner's view of a stored resource. */
export function resourceStateOf(doc: Resource): VersionedResource {
  return {
    id: doc.id,
    accountId: doc.accountId,
    product: doc.product,
    name: doc.name,
    region: doc.region,
    billingMode: doc.billingMode,
    expiresAt: doc.expiresAt,
    autoRenew: doc.autoRenew,
    status: doc.status,
    quota: doc.quota,
    usage: doc.usage,
    attributes: doc.attributes ?? {},
    stoppedAt: doc.stoppedAt,
    destroyedAt: doc.destroyedAt,
    version: doc.version,
    fieldVersions: doc.fieldVersions ?? {},
  };
}

export interface ResourceListQuery {
  product?: string;
  status?: ResourceStatus;
  /** The phase at `now` (from the stored phase instants). */
  phase?: Phase;
  now: Date;
  /** Only the resources this scope covers (null: every resource of the account). */
  scope: ResourceScope | null;
  limit: number;
  offset: number;
}

@Injectable()
export class ResourceRepository {
  private readonly resources: Collection<ResourceDoc>;

  constructor(@InjectModel(RESOURCE) private readonly model: Model<ResourceDoc>) {
    this.resources = collectionOf(model);
  }

  async get(scope: AccountScope, resourceId: string): Promise<Resource | null> {
    return plain(await this.model.findOne({ _id: resourceId, ...scopeFilter(scope) }).lean<ResourceDoc>());
  }

  async list(accountId: string, q: ResourceListQuery): Promise<{ items: Resource[]; total: number }> {
    // Scope and phase each bring an $or: joined with $and, so the page and the total count the same resources.
    const and = [...(q.phase ? phaseQuery(q.phase, q.now) : []), ...(q.scope ? [scopeQuery(q.scope)] : [])];
    const filter = {
      accountId,
      ...(q.product ? { product: q.product } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(and.length ? { $and: and } : {}),
    };
    const [docs, total] = await Promise.all([
      this.model.find(filter).sort({ expiresAt: 1, _id: 1 }).skip(q.offset).limit(q.limit).lean<ResourceDoc[]>(),
      this.model.countDocuments(filter),
    ]);
    return { items: docs.map((d) => plain(d)), total };
  }

  /** Loads the resources a batch of events names, whichever account holds them (the caller checks ownership). */
  async loadMany(scope: AccountScope, resourceIds: string[]): Promise<Map<string, Resource>> {
    const docs = await this.model.find({ _id: { $in: resourceIds }, ...scopeFilter(scope) }).lean<ResourceDoc[]>();
    return new Map(docs.map((d) => [d._id, plain(d)]));
  }

  /**
   * Stores lifecycle states in one unordered bulk write. Each update is guarded by the `rev` it was
   * computed from, each new resource is an insert; returns the ids that lost a race and must be retried.
   */
  async writeStates(writes: ResourceWrite[], now: Date): Promise<string[]> {
    // Tags this batch's writes so that, after a partial failure, the winners can be told apart.
    const writeToken = randomUUID();
    const ops: AnyBulkWriteOperation<ResourceDoc>[] = writes.map(({ state, expectedRev, nextDueAt, policyVersion, phases }) => {
      const { id, ...fields } = state;
      if (expectedRev === null) {
        const document = {
          _id: id,
          ...fields,
          rev: 1,
          nextDueAt,
          policyVersion,
          phases,
          leaseUntil: null,
          leaseToken: null,
          writeToken,
          createdAt: now,
          updatedAt: now,
        };
        return { insertOne: { document } };
      }
      return {
        updateOne: {
          filter: { _id: id, accountId: state.accountId, rev: expectedRev },
          // A new state brings its own plan: any scheduler lease on the old state is void.
          update: {
            $set: {
              ...fields,
              rev: expectedRev + 1,
              nextDueAt,
              policyVersion,
              phases,
              writeToken,
              leaseUntil: null,
              leaseToken: null,
              updatedAt: now,
            },
          },
        },
      };
    });
    const misses = await bulkMisses(this.resources, ops);
    if (misses === 0) return [];
    const ids = writes.map((w) => w.state.id);
    const docs = await this.model.find({ _id: { $in: ids } }, { writeToken: 1 }).lean<{ _id: string; writeToken?: string }[]>();
    const won = new Set(docs.filter((d) => d.writeToken === writeToken).map((d) => d._id));
    return ids.filter((id) => !won.has(id));
  }

  /**
   * The resources due by `dueBy` and not leased, `batchSize` at a time, from one cursor per pass (on MongoDB
   * the nextDueAt index serves it). Not sorted (see docBatches): a pass claims every due resource whatever the
   * order. They are candidates: `claim` leases them.
   */
  async *dueBatches(dueBy: Date, wallNow: Date, batchSize: number): AsyncGenerator<Resource[]> {
    const cursor = this.resources.find<ResourceDoc>({ nextDueAt: { $lte: dueBy }, ...free(wallNow) }, { batchSize });
    for await (const docs of docBatches(cursor, batchSize)) yield docs.map((d) => plain(d));
  }

  /**
   * Leases candidates from dueBatches still due by `dueBy` and free, under a fresh token, in one bulk write:
   * each only at the `rev` it was read at (every change of a resource moves its rev on), so the documents as
   * read are the ones leased and need no second read. When fewer were leased than offered (another instance
   * took some, or an event changed them), the ones that carry the token are read back.
   */
  async claim(candidates: Resource[], dueBy: Date, wallNow: Date, leaseMs: number): Promise<{ token: string; resources: Resource[] }> {
    const token = randomUUID();
    const leaseUntil = new Date(wallNow.getTime() + leaseMs);
    const resources = await leaseAsRead(this.resources, candidates, {
      filter: { nextDueAt: { $lte: dueBy }, ...free(wallNow) },
      guard: (r) => ({ rev: r.rev }),
      set: { leaseUntil, leaseToken: token },
      tokenField: 'leaseToken',
      token,
      leased: (r) => ({ ...r, leaseUntil, leaseToken: token }),
    });
    return { token, resources };
  }

  /** Stores plans guarded by the rev they were computed from; returns the ids whose rev moved on. */
  async writePlans(plans: PlanWrite[], now: Date): Promise<string[]> {
    if (plans.length === 0) return [];
    const ops: AnyBulkWriteOperation<ResourceDoc>[] = plans.map((p) => ({
      updateOne: {
        filter: { _id: p.id, accountId: p.accountId, rev: p.rev },
        update: { $set: { nextDueAt: p.nextDueAt, policyVersion: p.policyVersion, phases: p.phases, updatedAt: now } },
      },
    }));
    if ((await bulkMisses(this.resources, ops)) === 0) return [];
    const docs = await this.model.find({ _id: { $in: plans.map((p) => p.id) } }, { rev: 1 }).lean<{ _id: string; rev: number }[]>();
    const revs = new Map(docs.map((d) => [d._id, d.rev]));
    return plans.filter((p) => revs.get(p.id) !== p.rev).map((p) => p.id);
  }

  /**
   * Stores a pass's plans and releases its lease. Only resources still under this lease are written:
   * an event that changed one meanwhile voided the lease and stored its own plan. Resources that share
   * a next instant (most do: the same local hour) are written together, so a batch costs one bulk write; the
   * few whose phase instants changed are written one by one.
   */
  async releaseClaimed(token: string, plans: ClaimedPlan[], now: Date): Promise<void> {
    const groups = new Map<string, { nextDueAt: Date | null; policyVersion: number | null; phases?: PhaseInstants; ids: string[] }>();
    for (const p of plans) {
      const key = p.phases ? `id|${p.id}` : `${p.nextDueAt?.getTime() ?? 'none'}|${p.policyVersion}`;
      const group = groups.get(key) ?? { nextDueAt: p.nextDueAt, policyVersion: p.policyVersion, phases: p.phases, ids: [] };
      group.ids.push(p.id);
      groups.set(key, group);
    }
    // One round trip for all groups.
    const ops: AnyBulkWriteOperation<ResourceDoc>[] = [...groups.values()].map((g) => ({
      updateMany: {
        filter: { _id: { $in: g.ids }, leaseToken: token },
        update: {
          $set: {
            nextDueAt: g.nextDueAt,
            policyVersion: g.policyVersion,
            ...(g.phases ? { phases: g.phases } : {}),
            leaseUntil: null,
            leaseToken: null,
            updatedAt: now,
          },
        },
      },
    }));
    if (ops.length) await this.resources.bulkWrite(ops, { ordered: false });
  }

  /** One page of an account's resources in id order, for re-planning them all. */
  async pageOfAccount(accountId: string, afterId: string | null, limit: number): Promise<Resource[]> {
    const docs = await this.model
      .find({ accountId, ...(afterId ? { _id: { $gt: afterId } } : {}) })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<ResourceDoc[]>();
    return docs.map((d) => plain(d));
  }

  /** Up to `limit` resources stored without phase instants (by an earlier Herald), in id order after `afterId`. */
  async withoutPhases(afterId: string | null, limit: number): Promise<Resource[]> {
    const docs = await this.model
      .find({ phases: { $exists: false }, ...(afterId ? { _id: { $gt: afterId } } : {}) })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<ResourceDoc[]>();
    return docs.map((d) => plain(d));
  }

  /** Stores phase instants on resources still at the `rev` they were computed from and still without them. */
  async writeMissingPhases(items: { id: string; rev: number; phases: PhaseInstants }[]): Promise<void> {
    if (items.length === 0) return;
    const ops: AnyBulkWriteOperation<ResourceDoc>[] = items.map((p) => ({
      updateOne: { filter: { _id: p.id, rev: p.rev, phases: { $exists: false } }, update: { $set: { phases: p.phases } } },
    }));
    await this.resources.bulkWrite(ops, { ordered: false });
  }

  /**
   * Retention sweep: up to `limit` resources destroyed before `cutoff` whose product is (`in`) or is not
   * (`notIn`, which includes none) one of `products`, leaving out `skip`.
   */
  async destroyedBefore(
    products: { in: string[] } | { notIn: string[] },
    cutoff: Date,
    skip: string[],
    limit: number,
  ): Promise<{ id: string; accountId: string }[]> {
    const docs = await this.model
      .find(
        {
          status: 'destroyed',
          product: 'in' in products ? { $in: products.in } : { $nin: products.notIn },
          destroyedAt: { $lt: cutoff },
          ...(skip.length ? { _id: { $nin: skip } } : {}),
        },
        { _id: 1, accountId: 1 },
      )
      .limit(limit)
      .lean<{ _id: string; accountId: string }[]>();
    return docs.map((d) => ({ id: d._id, accountId: d.accountId }));
  }

  /**
   * Deletes those of `ids` that are still destroyed before `cutoff` (a resource revived meanwhile stays);
   * returns how many went and which of `ids` are still there.
   */
  async deleteDestroyed(ids: string[], cutoff: Date): Promise<{ removed: number; remaining: string[] }> {
    if (ids.length === 0) return { removed: 0, remaining: [] };
    const res = await this.resources.deleteMany({ _id: { $in: ids }, status: 'destroyed', destroyedAt: { $lt: cutoff } });
    const left = await this.model.find({ _id: { $in: ids } }, { _id: 1 }).lean<{ _id: string }[]>();
    return { removed: res.deletedCount, remaining: left.map((d) => d._id) };
  }
}
