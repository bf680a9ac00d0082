import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../src/app';
import { ControllableClock } from '../src/common/clock';
import { loadConfig } from '../src/config/config';

/**
 * Herald in this process, as the tests start it: the whole application, with the timers off (the benchmark
 * runs passes and rounds itself) and domain time fixed at the instant the data was made for.
 */
export async function startHerald(uri: string, nowMs: number, env: Record<string, string> = {}): Promise<NestExpressApplication> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    MONGODB_URI: uri,
    SCHEDULER_ENABLED: 'false',
    DELIVERY_ENABLED: 'false',
    RETENTION_ENABLED: 'false',
    ...env,
  });
  const app = await createApp(config, { clock: new ControllableClock(new Date(nowMs)) });
  await app.init();
  return app;
}
