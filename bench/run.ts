import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchConfig } from './config';
import { startBenchDb } from './db';
import { DeliveryRun, deliveryRun } from './phases/delivery';
import { IngestionRun, ingestionRun } from './phases/ingestion';
import { PassRun, passRun } from './phases/pass';
import type { PlannerResult } from './phases/planner';
import { ScalingPoint, scalingSeries } from './phases/scaling';
import { Figure, figures, renderTable } from './report';
import { Child } from './spawn';

/**
 * `npm run bench`: where Herald stands against the machine and the database. Each phase runs in a process
 * of its own (child.ts) against a database of its own on the benchmark's server; the figures go to the
 * terminal as a table and to bench/results.json.
 */
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const started = performance.now();
  const db = await startBenchDb();
  const cfg = benchConfig(process.env, db.kind);
  log(`database: ${db.label}; scale ${cfg.scale}, ${cfg.runs} runs per figure; phases: ${[...cfg.phases].join(', ')}`);
  const results: {
    planner?: PlannerResult;
    pass?: PassRun[];
    ingestion?: IngestionRun[];
    delivery?: { inbox: DeliveryRun[]; email: DeliveryRun[] };
    scaling?: ScalingPoint[];
  } = {};
  try {
    if (cfg.phases.has('planner')) {
      log(`planner: ${cfg.planner.resources.toLocaleString()} synthetic resources × ${cfg.runs}, one thread`);
      // One thread for everything, JIT compilation and garbage collection included: the planner's figure is for one core.
      const child = Child.start(['--expose-gc', '--single-threaded']);
      try {
        results.planner = await child.call<PlannerResult>('planner', { resources: cfg.planner.resources, runs: cfg.runs });
      } finally {
        await child.close();
      }
    }
    if (cfg.phases.has('pass')) {
      results.pass = [];
      for (let run = 1; run <= cfg.pass.runs; run++) {
        log(`scheduler pass ${run}/${cfg.pass.runs}: ${cfg.pass.due.toLocaleString()} resources due, 3 recipients × 2 channels`);
        results.pass.push(await passRun(db, run, cfg.pass.due, cfg.heraldEnv));
      }
    }
    if (cfg.phases.has('ingestion')) {
      results.ingestion = [];
      for (let run = 1; run <= cfg.runs; run++) {
        log(`ingestion ${run}/${cfg.runs}: ${cfg.ingestion.events.toLocaleString()} events in batches of ${cfg.ingestion.batch}`);
        results.ingestion.push(await ingestionRun(db, run, cfg.ingestion, cfg.heraldEnv));
      }
    }
    if (cfg.phases.has('delivery')) {
      results.delivery = { inbox: [], email: [] };
      for (let run = 1; run <= cfg.runs; run++) {
        log(`delivery ${run}/${cfg.runs}: ${cfg.delivery.inbox.toLocaleString()} in-site, ${cfg.delivery.email.toLocaleString()} emails`);
        results.delivery.inbox.push(await deliveryRun(db, run, 'inbox', cfg.delivery.inbox, cfg.delivery.warmUp.inbox, cfg.heraldEnv));
        results.delivery.email.push(await deliveryRun(db, run, 'email', cfg.delivery.email, cfg.delivery.warmUp.email, cfg.heraldEnv));
      }
    }
    if (cfg.phases.has('scaling')) {
      log(
        `scaling: ${cfg.scaling.due.toLocaleString()} due among ${cfg.scaling.sizes.map((n) => n.toLocaleString()).join(' / ')} resources`,
      );
      results.scaling = await scalingSeries(db, cfg.scaling.sizes, cfg.scaling.due, cfg.scaling.runs, cfg.heraldEnv);
    }
  } finally {
    await db.stop();
  }
  const durationSec = Math.round((performance.now() - started) / 1000);
  const table: Figure[] = figures(results, db.label);
  const out = {
    measuredAt: new Date().toISOString(),
    durationSec,
    database: db.label,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
      node: process.version,
      platform: `${os.type()} ${os.release()}`,
    },
    config: { ...cfg, phases: [...cfg.phases] },
    figures: table,
    raw: results,
  };
  const file = path.join('bench', 'results.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`\n${renderTable(table, db.label, out.machine, durationSec)}\nfull results: ${file}\n`);
}

main().catch((err) => {
  process.stderr.write(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
