import 'reflect-metadata';
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
  logger.log(`listening on http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port} (API docs at /docs)`, 'Herald');
}

main().catch((err) => {
  process.stderr.write(`Herald failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
