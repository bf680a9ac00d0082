import type { DeliveryRun } from './phases/delivery';
import type { IngestionRun } from './phases/ingestion';
import type { PassRun } from './phases/pass';
import type { PlannerResult } from './phases/planner';
import type { ScalingPoint } from './phases/scaling';
import { fmt, fmtSpread, MiB, round, Spread, spread } from './stats';

/** One line of the table and of results.json: what was measured, on which database, against which target. */
export interface Figure {
  item: string;
  figure: string;
  value: string;
  median: number;
  spread: Spread | null;
  target: string;
  /** null where the issue sets no target (a figure reported for context). */
  met: boolean | null;
  database: string;
}

/** How much more a pass over the largest total may take than over the smallest and still count as flat. */
export const FLAT_FACTOR = 1.5;
/** Heap growth between a quarter of the planner's count and all of it that still counts as flat memory. */
const FLAT_HEAP_MIB = 8;

interface Results {
  planner?: PlannerResult;
  pass?: PassRun[];
  ingestion?: IngestionRun[];
  delivery?: { inbox: DeliveryRun[]; email: DeliveryRun[] };
  scaling?: ScalingPoint[];
}

export function figures(r: Results, database: string): Figure[] {
  const out: Figure[] = [];
  const add = (item: string, figure: string, s: Spread, unit: string, target: string, met: boolean | null, planner = false) =>
    out.push({
      item,
      figure,
      value: fmtSpread(s, unit),
      median: round(s.median),
      spread: s,
      target,
      met,
      database: planner ? 'none (pure)' : database,
    });

  if (r.planner) {
    const p = r.planner;
    const rate = spread(p.runs.map((x) => x.perSec));
    add('1', `planner, ${fmt(p.runs[0].resources)} resources, 1 thread (resources/s)`, rate, '', '≥ 250,000', rate.median >= 250_000, true);
    const full = p.runs[p.runs.length - 1];
    const growth = full.heapPeakMiB - p.quarter.heapPeakMiB;
    const retained = full.heapAfterMiB - full.heapBeforeMiB;
    out.push({
      item: '1',
      figure: `planner heap: peak at ${fmt(p.quarter.resources)} → at ${fmt(full.resources)}; kept after GC`,
      value: `${fmt(p.quarter.heapPeakMiB)} → ${fmt(full.heapPeakMiB)} MiB; ${retained >= 0 ? '+' : ''}${fmt(retained)} MiB`,
      median: round(growth),
      spread: null,
      target: `flat (± ${FLAT_HEAP_MIB} MiB)`,
      met: Math.abs(growth) <= FLAT_HEAP_MIB && retained <= 1,
      database: 'none (pure)',
    });
  }
  if (r.pass?.length) {
    const runs = r.pass;
    const due = runs[0].due;
    add('2', `scheduler pass + fan-out, ${fmt(due)} due (notices + deliveries/s)`, spread(runs.map((x) => x.docsPerSec)), '', '', null);
    add('2', 'same, in resources/s', spread(runs.map((x) => x.resourcesPerSec)), '', '', null);
    add('2', 'raw insertMany, same documents (docs/s)', spread(runs.map((x) => x.baseline.docsPerSec)), '', '', null);
    const ratio = spread(runs.map((x) => x.ratio));
    add('2', 'pass ÷ insertMany', ratio, '', '≥ 0.5', ratio.median >= 0.5);
    const rss = spread(runs.map((x) => x.peakRssBytes / MiB));
    add('2', 'peak RSS of the Herald process during pass + fan-out (MiB)', rss, '', '≤ 512', rss.max <= 512);
  }
  if (r.ingestion?.length) {
    const runs = r.ingestion;
    add(
      '3',
      `POST /v1/events, batches of 500, ${fmt(runs[0].events)} events (events/s)`,
      spread(runs.map((x) => x.eventsPerSec)),
      '',
      '',
      null,
    );
    add('3', 'latency per request, p50 (ms)', spread(runs.map((x) => x.latencyMs.p50)), '', '', null);
    add('3', 'latency per request, p99 (ms)', spread(runs.map((x) => x.latencyMs.p99)), '', '', null);
    add('3', 'raw bulkWrite upserts, same documents (docs/s)', spread(runs.map((x) => x.baseline.perSec)), '', '', null);
    const ratio = spread(runs.map((x) => x.ratio));
    add('3', 'ingestion ÷ bulkWrite upserts', ratio, '', '≥ 0.5', ratio.median >= 0.5);
  }
  if (r.delivery?.inbox.length) {
    // Reported for context under each delivery rate: Herald's CPU per message, and the warm-up round's rate.
    const context = (runs: DeliveryRun[], one: string, many: string) => {
      add('4', `Herald CPU per ${one} (ms)`, spread(runs.map((x) => x.cpuMsPer)), '', '', null);
      add(
        '4',
        `same, warm-up round of a new process, ${fmt(runs[0].warmUp.sent)} (${many}/s)`,
        spread(runs.map((x) => x.warmUp.perSec)),
        '',
        '',
        null,
      );
    };
    const inbox = spread(r.delivery.inbox.map((x) => x.perSec));
    add('4', `in-site deliveries, ${fmt(r.delivery.inbox[0].sent)} (deliveries/s)`, inbox, '', '≥ 2,000', inbox.median >= 2_000);
    context(r.delivery.inbox, 'in-site delivery', 'deliveries');
    const email = spread(r.delivery.email.map((x) => x.perSec));
    const delivered = r.delivery.email.every((x) => x.received !== null && x.received >= x.sent);
    add(
      '4',
      `emails to the local SMTP sink, ${fmt(r.delivery.email[0].sent)} (emails/s)`,
      email,
      '',
      '≥ 500',
      email.median >= 500 && delivered,
    );
    context(r.delivery.email, 'email', 'emails');
  }
  if (r.scaling?.length) {
    const pts = r.scaling;
    for (const p of pts)
      add(
        '5',
        `scheduler pass, ${fmt(p.due)} due among ${fmt(p.total)} (ms)`,
        spread(p.passMs),
        '',
        '',
        p.claimed === p.due ? null : false,
      );
    const first = spread(pts[0].passMs).median;
    const last = spread(pts[pts.length - 1].passMs).median;
    out.push({
      item: '5',
      figure: `pass time at ${fmt(pts[pts.length - 1].total)} ÷ at ${fmt(pts[0].total)}`,
      value: fmt(last / first),
      median: round(last / first),
      spread: null,
      target: `≤ ${FLAT_FACTOR} (nearly flat)`,
      met: last / first <= FLAT_FACTOR,
      database,
    });
  }
  return out;
}

export function renderTable(rows: Figure[], database: string, machine: { cpus: number; node: string }, durationSec: number): string {
  const head = ['#', 'figure', 'median (min–max)', 'target', 'met'];
  const body = rows.map((f) => [f.item, f.figure, f.value, f.target || '—', f.met === null ? '' : f.met ? 'yes' : 'NO']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    `Herald benchmark on ${database}; ${machine.cpus} CPUs, Node ${machine.node}; ${Math.floor(durationSec / 60)} min ${durationSec % 60} s`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ].join('\n');
}
