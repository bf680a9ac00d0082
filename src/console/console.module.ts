import { Module } from '@nestjs/common';
import path from 'node:path';
import { ConsoleController } from './console.controller';
import { StaticAssets } from './static-assets';

/** Resolved from the working directory: tsc copies only .js into dist, so the files are read where they live in src. */
export const CONSOLE_STATIC_DIR = path.resolve(process.cwd(), 'src/console/static');

@Module({
  controllers: [ConsoleController],
  providers: [{ provide: StaticAssets, useFactory: () => new StaticAssets(CONSOLE_STATIC_DIR) }],
})
export class ConsoleModule {}
