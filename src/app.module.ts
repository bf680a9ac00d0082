import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { LoggerModule } from 'nestjs-pino';
import { AccountsModule } from './accounts/accounts.module';
import { AuthModule } from './auth/auth.module';
import { Clock, WallClock } from './common/clock';
import { CoreModule } from './common/core.module';
import { GlobalExceptionFilter } from './common/exception.filter';
import { loggerParams } from './common/logging';
import { throttlerModule } from './common/throttle';
import { Config } from './config/config';
import { ConsoleModule } from './console/console.module';
import { DevModule } from './dev/dev.module';
import { IndexBuilder } from './database/indexes';
import { EventsModule } from './events/events.module';
import { HealthController } from './health/health.controller';
import { MetricsModule } from './metrics/metrics.module';
import { ResourcesModule } from './resources/resources.module';
import { PoliciesModule } from './policies/policies.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { TestClockModule } from './test-clock/test-clock.module';
import { TimelineModule } from './timeline/timeline.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { InboxModule } from './inbox/inbox.module';
import { DeliveryModule } from './delivery/delivery.module';
import { PreferencesModule } from './preferences/preferences.module';
import { RetentionModule } from './retention/retention.module';
import { ScheduleModule } from '@nestjs/schedule';

@Module({})
export class AppModule {
  static forRoot(config: Config, clock: Clock, wall: WallClock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, clock, wall),
        LoggerModule.forRoot(loggerParams(config)),
        throttlerModule(config),
        MongooseModule.forRoot(config.mongodbUri, {
          dbName: new URL(config.mongodbUri).pathname.slice(1) || 'herald',
          serverSelectionTimeoutMS: 5000,
          // Fail fast while the database is away instead of queueing requests in memory.
          bufferCommands: false,
          // Indexes are created, and awaited, by IndexBuilder at start-up.
          autoIndex: false,
        }),
        MetricsModule,
        AuthModule,
        AccountsModule,
        ResourcesModule,
        EventsModule,
        PoliciesModule,
        SchedulerModule,
        TimelineModule,
        SubscriptionsModule,
        InboxModule,
        DeliveryModule,
        PreferencesModule,
        RetentionModule,
        ConsoleModule,
        ScheduleModule.forRoot(),
        ...(config.testClockEnabled ? [TestClockModule] : []),
        ...(config.env === 'development' ? [DevModule] : []),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: GlobalExceptionFilter }, IndexBuilder],
    };
  }
}
