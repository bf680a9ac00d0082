/**
 * Sizes of every phase, from the environment. The defaults are the figures on MongoDB; on the local
 * FerretDB, where every updated document is a SQLite transaction of its own and every filter on a field other
 * than `_id` scans the whole collection (docs/operations.md, "Local database limits"), they are smaller so the whole
 * benchmark stays within 15 minutes: rates and ratios do not depend on the count, and every figure names its
 * size. BENCH_SCALE multiplies them all (0.01 for a quick check while developing); each can also be set alone.
 */
export interface BenchConfig {
  scale: number;
  runs: number;
  planner: { resources: number };
  pass: { due: number; runs: number };
  ingestion: { events: number; batch: number; connections: number };
  /** Messages per timed round, and those sent before it in an untimed warm-up round (see phases/delivery.ts). */
  delivery: { inbox: number; email: number; warmUp: { inbox: number; email: number } };
  scaling: { sizes: number[]; due: number; runs: number };
  /** Herald settings that differ from the defaults in every phase (see docs/performance.md). */
  heraldEnv: Record<string, string>;
  phases: Set<string>;
}

export const PHASES = ['planner', 'pass', 'ingestion', 'delivery', 'scaling'];

const DEFAULTS = {
  mongodb: { passDue: 100_000, events: 100_000, inbox: 20_000, email: 5_000, sizes: [10_000, 100_000, 1_000_000], scalingDue: 10_000 },
  ferretdb: { passDue: 6_000, events: 10_000, inbox: 5_000, email: 2_000, sizes: [10_000, 50_000, 100_000], scalingDue: 1_000 },
};

function num(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (got "${raw}")`);
  return value;
}

export function benchConfig(env: NodeJS.ProcessEnv, database: 'ferretdb' | 'mongodb'): BenchConfig {
  const d = DEFAULTS[database];
  const scale = num(env, 'BENCH_SCALE', 1);
  // Sizes scale down, never below a floor that keeps a figure meaningful.
  const size = (name: string, fallback: number, floor: number) => Math.max(floor, Math.round(num(env, name, fallback) * scale));
  const runs = Math.round(num(env, 'BENCH_RUNS', 3));
  const sizes = env.BENCH_SCALING_SIZES
    ? env.BENCH_SCALING_SIZES.split(',').map((s) => Math.round(Number(s.trim())))
    : d.sizes.map((n) => Math.max(200, Math.round(n * scale)));
  if (sizes.some((n) => !Number.isFinite(n) || n <= 0)) throw new Error('BENCH_SCALING_SIZES must be a comma-separated list of counts');
  const phases = new Set((env.BENCH_PHASES ?? PHASES.join(',')).split(',').map((p) => p.trim()));
  for (const p of phases) if (!PHASES.includes(p)) throw new Error(`BENCH_PHASES: unknown phase '${p}' (phases: ${PHASES.join(', ')})`);
  return {
    scale,
    runs,
    planner: { resources: size('BENCH_PLANNER_RESOURCES', 1_000_000, 20_000) },
    pass: { due: size('BENCH_PASS_DUE', d.passDue, 200), runs: Math.round(num(env, 'BENCH_PASS_RUNS', runs)) },
    ingestion: { events: size('BENCH_INGEST_EVENTS', d.events, 2_000), batch: 500, connections: 4 },
    delivery: {
      inbox: size('BENCH_DELIVERY_INBOX', d.inbox, 300),
      email: size('BENCH_DELIVERY_EMAIL', d.email, 150),
      warmUp: { inbox: size('BENCH_WARMUP_INBOX', 1_000, 100), email: size('BENCH_WARMUP_EMAIL', 500, 50) },
    },
    scaling: {
      sizes: [...new Set(sizes)].sort((a, b) => a - b),
      due: Math.min(size('BENCH_SCALING_DUE', d.scalingDue, 100), ...sizes),
      runs: Math.round(num(env, 'BENCH_SCALING_RUNS', runs)),
    },
    // Fan-out and delivery rounds work DELIVERY_BATCH_SIZE notices or deliveries per batch; each batch costs a few
    // reads (on FerretDB the delivery worker's claim scans the collection), so large backlogs go faster in larger batches.
    heraldEnv: {
      DELIVERY_BATCH_SIZE: env.BENCH_DELIVERY_BATCH_SIZE ?? '1000',
      // BENCH_HERALD_ENV=NAME=value,NAME=value: other Herald settings, to see what one changes.
      ...Object.fromEntries(
        (env.BENCH_HERALD_ENV ?? '')
          .split(',')
          .filter(Boolean)
          .map((kv) => {
            const at = kv.indexOf('=');
            if (at <= 0) throw new Error(`BENCH_HERALD_ENV: expected NAME=value, got "${kv}"`);
            return [kv.slice(0, at).trim(), kv.slice(at + 1)];
          }),
      ),
    },
    phases,
  };
}
