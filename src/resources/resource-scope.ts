/** What a scoped resource collaborator may see: the resources of some products, and some resources by id. */
export interface ResourceScope {
  products: string[];
  resourceIds: string[];
}

/** Whether a scope covers a resource; no scope (null) covers every resource. `scopeQuery` is the same rule. */
export function scopeCovers(scope: ResourceScope | null, resource: { id: string; product: string | null }): boolean {
  if (!scope) return true;
  return scope.resourceIds.includes(resource.id) || (resource.product !== null && scope.products.includes(resource.product));
}

/** `scopeCovers` as a query filter, so a page holds only what the caller may see and its total counts only that. */
export function scopeQuery(scope: ResourceScope | null): Record<string, unknown> {
  if (!scope) return {};
  return { $or: [{ _id: { $in: scope.resourceIds } }, { product: { $in: scope.products } }] };
}
