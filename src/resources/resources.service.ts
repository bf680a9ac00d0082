import { Injectable } from '@nestjs/common';
import { MemberRepository } from '../accounts/member.repository';
import { assertConsoleMember } from '../common/auth/access';
import type { Principal } from '../common/auth/principal';
import { Clock } from '../common/clock';
import { notFound } from '../common/errors';
import { ALL_ACCOUNTS } from '../database/plain';
import type { ResourceStatus } from '../lifecycle/lifecycle.types';
import { Phase, phaseInstants, phaseOf } from '../lifecycle/phase';
import { ResourceScope, scopeCovers } from './resource-scope';
import { Resource, ResourceRepository, resourceStateOf } from './resource.repository';

/**
 * What clients see of a resource: its lifecycle state, not the bookkeeping behind it. `status` is what upstream
 * reported; `phase` is where the term stands at `now`, from the instants stored when it was planned (the same
 * ones the list filters by), with the next phase and when it begins.
 */
export function resourceView(r: Resource, now: Date) {
  // A document an earlier Herald stored has no instants until the start-up backfill reaches it: upstream's word alone.
  const { phase, nextPhase, nextPhaseAt } = phaseOf(r.phases ?? phaseInstants(resourceStateOf(r), null, undefined), now);
  return {
    id: r.id,
    accountId: r.accountId,
    product: r.product,
    name: r.name,
    region: r.region,
    billingMode: r.billingMode,
    expiresAt: r.expiresAt,
    autoRenew: r.autoRenew,
    status: r.status,
    phase,
    nextPhase,
    nextPhaseAt,
    quota: r.quota,
    usage: r.usage,
    attributes: r.attributes,
    stoppedAt: r.stoppedAt,
    destroyedAt: r.destroyedAt,
    version: r.version,
    nextDueAt: r.nextDueAt,
    updatedAt: r.updatedAt,
  };
}

@Injectable()
export class ResourcesService {
  constructor(
    private readonly resources: ResourceRepository,
    private readonly members: MemberRepository,
    private readonly clock: Clock,
  ) {}

  async get(resourceId: string, principal: Principal) {
    const scope = principal.kind === 'service' ? ALL_ACCOUNTS : principal.accountId;
    const resource = await this.resources.get(scope, resourceId);
    if (!resource) throw notFound('resource', resourceId);
    await this.assertCanSee(principal, resource);
    return resource;
  }

  async list(
    accountId: string,
    q: { product?: string; status?: ResourceStatus; phase?: Phase; limit: number; offset: number },
    principal: Principal,
  ) {
    assertConsoleMember(principal, accountId);
    const now = this.clock.now();
    const page = await this.resources.list(accountId, { ...q, now, scope: await this.scopeOf(principal) });
    return { items: page.items.map((r) => resourceView(r, now)), total: page.total, limit: q.limit, offset: q.offset };
  }

  /** A resource as clients see it, at the domain clock's now. */
  view(resource: Resource) {
    return resourceView(resource, this.clock.now());
  }

  async assertCanSee(principal: Principal, resource: Resource): Promise<void> {
    assertConsoleMember(principal, resource.accountId);
    if (!scopeCovers(await this.scopeOf(principal), resource)) throw notFound('resource', resource.id);
  }

  /** Creators, finance collaborators and services see every resource (no scope); scoped collaborators only theirs. */
  private async scopeOf(principal: Principal): Promise<ResourceScope | null> {
    if (principal.kind === 'service' || principal.roles.includes('creator') || principal.roles.includes('finance_collaborator'))
      return null;
    const member = await this.members.get(principal.accountId, principal.memberId);
    return member?.scope ?? null;
  }
}
