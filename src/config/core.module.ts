import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CONFIG, Config } from './config';

/** The validated configuration and the clock, available to every module. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: Config, clock: Clock): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
      ],
      exports: [CONFIG, Clock],
    };
  }
}
