import { DynamicModule, Global, Module } from '@nestjs/common';
import { CONFIG, Config } from '../config/config';
import { Clock, WallClock } from './clock';

/** The validated configuration and the clocks (domain time, wall time), available to every module. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: Config, clock: Clock, wall: WallClock): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
        { provide: WallClock, useValue: wall },
      ],
      exports: [CONFIG, Clock, WallClock],
    };
  }
}
