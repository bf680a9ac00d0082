import { DAY_MS, planDue } from '../../src/lifecycle';
import { MiB } from '../stats';
import { synthetic, Synthetic } from '../population';

/** Distinct resources prepared before the clock starts; a run walks them again and again at later instants. */
const POOL = 10_000;
/** Each walk over the pool happens this much later, so 1,000,000 plans cover 100 different moments (about 12 hours). */
const STEP_MS = 7 * 60_000;
const SAMPLE_EVERY = 1 << 16;

export interface PlannerRun {
  resources: number;
  ms: number;
  perSec: number;
  notices: number;
  /** heapUsed after a full GC, before and after the run; and the highest heapUsed seen during it. */
  heapBeforeMiB: number;
  heapAfterMiB: number;
  heapPeakMiB: number;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const heapMiB = () => process.memoryUsage().heapUsed / MiB;

/**
 * The pure planner on one thread: planDue over `count` synthetic resources, each planned from a day before the
 * moment of its walk (as a scheduler pass plans from the stored next instant). The notices are built in full
 * (keys, data) and dropped, as the caller would after writing them.
 */
export function plannerRun(count: number, nowMs: number, pool: Synthetic[]): PlannerRun {
  const moments = Math.ceil(count / pool.length);
  const nows = Array.from({ length: moments }, (_, k) => new Date(nowMs + k * STEP_MS));
  const sinces = nows.map((d) => new Date(d.getTime() - DAY_MS));
  gc();
  const heapBefore = heapMiB();
  let peak = heapBefore;
  let notices = 0;
  const t0 = performance.now();
  for (let i = 0, k = 0, j = 0; i < count; i++, j++) {
    if (j === pool.length) {
      j = 0;
      k++;
    }
    const s = pool[j];
    notices += planDue({ resource: s.resource, account: s.account, policy: s.policy, since: sinces[k], now: nows[k] }).due.length;
    if ((i & (SAMPLE_EVERY - 1)) === 0) peak = Math.max(peak, heapMiB());
  }
  const ms = performance.now() - t0;
  peak = Math.max(peak, heapMiB());
  gc();
  return {
    resources: count,
    ms,
    perSec: (count / ms) * 1000,
    notices,
    heapBeforeMiB: heapBefore,
    heapAfterMiB: heapMiB(),
    heapPeakMiB: peak,
  };
}

export interface PlannerResult {
  runs: PlannerRun[];
  /** The same measurement at a quarter of the count: memory that grew with the count would show here. */
  quarter: PlannerRun;
  pool: number;
  policies: string[];
}

export function plannerPhase(args: { resources: number; runs: number }): PlannerResult {
  const nowMs = Date.parse('2026-11-20T02:00:00Z');
  const pool = Array.from({ length: POOL }, (_, i) => synthetic(i, nowMs));
  // Warm-up: the JIT's first tiers are not the steady state a long-running scheduler sees.
  plannerRun(Math.min(200_000, args.resources), nowMs, pool);
  const quarter = plannerRun(Math.round(args.resources / 4), nowMs, pool);
  const runs = Array.from({ length: args.runs }, () => plannerRun(args.resources, nowMs, pool));
  return { runs, quarter, pool: POOL, policies: [...new Set(pool.map((s) => s.policy.product))] };
}
