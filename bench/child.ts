import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DeliveryWorker } from '../src/delivery/delivery.worker';
import { FanoutService } from '../src/delivery/fanout.service';
import { SchedulerService } from '../src/scheduler/scheduler.service';
import { startHerald } from './herald';
import { plannerPhase } from './phases/planner';
import { peakRss } from './stats';
import { CommandStats } from './command-stats';

/**
 * The process that does the measured work: the planner, or Herald itself. The orchestrator (run.ts) sends
 * it one command at a time over IPC, so each figure's memory and CPU are this process's alone, and the
 * load generator and the data seeding stay outside it.
 */
let app: NestExpressApplication | null = null;
/** BENCH_COMMAND_STATS=1: each timed command prints the database commands it sent, with their count and time. */
const commandStats = process.env.BENCH_COMMAND_STATS ? new CommandStats() : null;

const herald = (): NestExpressApplication => {
  if (!app) throw new Error('Herald is not started');
  return app;
};

/** Runs `work` and reports its wall time, this process's CPU time (all its threads), the time its event loop was busy, and the peak resident set size of this process while it ran. */
async function timed<T>(work: () => Promise<T>, label: string) {
  commandStats?.reset();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const { result, peakRssBytes } = await peakRss(work);
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  commandStats?.print(label, performance.now() - t0);
  return {
    result,
    ms: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    busyMs: elu.active,
    peakRssBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

const commands: Record<string, (args: any) => Promise<unknown>> = {
  planner: async (args) => plannerPhase(args),
  start: async (args: { uri: string; nowMs: number; env?: Record<string, string>; listen?: boolean }) => {
    app = await startHerald(commandStats ? commandStats.monitored(args.uri) : args.uri, args.nowMs, args.env);
    commandStats?.attach(app);
    if (!args.listen) return {};
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    return { port: typeof address === 'object' && address ? address.port : 0 };
  },
  pass: () => timed(() => herald().get(SchedulerService).runPass(), 'pass'),
  fanout: () => timed(() => herald().get(FanoutService).run(), 'fanout'),
  deliver: () => timed(() => herald().get(DeliveryWorker).run(), 'deliver'),
  memory: async () => ({ rssBytes: process.memoryUsage.rss(), maxRssBytes: process.resourceUsage().maxRSS * 1024 }),
  stop: async () => {
    await app?.close();
    app = null;
    return {};
  },
};

process.on('message', (msg: { id: number; cmd: string; args: unknown }) => {
  const run = commands[msg.cmd];
  Promise.resolve()
    .then(() => (run ? run(msg.args) : Promise.reject(new Error(`unknown command ${msg.cmd}`))))
    .then(
      (result) => process.send!({ id: msg.id, ok: true, result }),
      (err: Error) => process.send!({ id: msg.id, ok: false, error: err.stack ?? String(err) }),
    );
});
process.on('disconnect', () => process.exit(0));
