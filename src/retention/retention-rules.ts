import { DateTime } from 'luxon';

/** The instant `days` days before `now`, counted in `zone` (a DST switch in between does not move it by an hour). */
export function cutoff(now: Date, days: number, zone = 'UTC'): Date {
  return DateTime.fromJSDate(now, { zone }).minus({ days }).toJSDate();
}

export interface KeepRule {
  product: string;
  timeZone: string;
  keepAfterDestroyDays: number;
}

/** One query of the destroyed-resource purge: resources of these products (or of any other) destroyed before `cutoff`. */
export interface DestroyedScope {
  products: { in: string[] } | { notIn: string[] };
  cutoff: Date;
}

/**
 * The purge's queries at `now`: products whose keep days give the same cut-off share one, and resources
 * of a product without a policy (or with none yet) keep `defaultDays`.
 */
export function destroyedScopes(policies: KeepRule[], now: Date, defaultDays: number): DestroyedScope[] {
  const byCutoff = new Map<number, string[]>();
  for (const p of policies) {
    const at = cutoff(now, p.keepAfterDestroyDays, p.timeZone).getTime();
    byCutoff.set(at, [...(byCutoff.get(at) ?? []), p.product]);
  }
  const scopes: DestroyedScope[] = [...byCutoff].map(([at, products]) => ({ products: { in: products.sort() }, cutoff: new Date(at) }));
  scopes.push({ products: { notIn: policies.map((p) => p.product).sort() }, cutoff: cutoff(now, defaultDays) });
  return scopes;
}

/** An in-site delivery as the purge sees it: the inbox message it made is `sentWith` (a digest's lead) or its own id. */
export interface InSiteDelivery {
  id: string;
  sentWith: string | null;
  resourceIds: string[];
}

const messageOf = (d: InSiteDelivery) => d.sentWith ?? d.id;

/**
 * The inbox messages to remove with the purged resources' deliveries. A digest message also carries other
 * resources' deliveries (`carriers`, the digest's deliveries); while one of those resources is kept, the
 * message stays, and the inbox age limit removes it later.
 */
export function removableMessages(deliveries: InSiteDelivery[], carriers: InSiteDelivery[], purged: ReadonlySet<string>): string[] {
  const kept = new Set([...deliveries, ...carriers].filter((d) => d.resourceIds.some((id) => !purged.has(id))).map(messageOf));
  return [...new Set(deliveries.map(messageOf))].filter((id) => !kept.has(id));
}

export interface BatchCount {
  removed: number;
  batches: number;
}

/**
 * Deletes in batches: `find` returns up to `limit` ids, `remove` deletes them (guarded by the same
 * conditions) and says how many went. Stops when a find returns less than a full batch, or when a batch
 * removed nothing because another instance got there first (it carries on with the rest).
 */
export async function deleteInBatches(
  limit: number,
  find: () => Promise<string[]>,
  remove: (ids: string[]) => Promise<number>,
): Promise<BatchCount> {
  const out: BatchCount = { removed: 0, batches: 0 };
  for (;;) {
    const ids = await find();
    if (ids.length === 0) break;
    const removed = await remove(ids);
    out.batches++;
    out.removed += removed;
    if (ids.length < limit || removed === 0) break;
  }
  return out;
}
