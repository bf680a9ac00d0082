import type { ResourceState } from '../lifecycle/lifecycle.types';

// Quota and usage are separate groups: a usage report without a quota must not outrank the quota a purchase set.
export const RESOURCE_GROUPS = ['profile', 'term', 'autoRenew', 'status', 'usage', 'quota'] as const;
export type ResourceGroup = (typeof RESOURCE_GROUPS)[number];

/** A resource as stored: the planner's state, and per group of fields the version of the event that last wrote it. */
export interface VersionedResource extends ResourceState {
  /** The highest event version applied to any group. */
  version: number;
  fieldVersions: Partial<Record<ResourceGroup, number>>;
}
