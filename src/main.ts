import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config/config';
import { describeChannels } from './config/describe';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const app = await createApp(config);
  const logger = app.get(await import('nestjs-pino').then((m) => m.Logger));
  for (const line of describeChannels(config)) logger.log(line, 'Herald');
  await app.listen(config.port, config.host);
  const bound = app.getHttpServer().address() as AddressInfo;
  const address = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  const reach = bound.address === '0.0.0.0' || bound.address === '::' ? ' (every interface)' : '';
  logger.log(`listening on http://${address}:${bound.port}${reach} (API docs at /docs)`, 'Herald');
}

main().catch((err) => {
  process.stderr.write(`Herald failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
