import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { authenticateBeforeBody } from './auth/authenticate-first';
import { Authenticator } from './auth/authenticator';
import { Clock, ControllableClock, SystemClock, SystemWallClock, WallClock } from './common/clock';
import { useRequestBodies } from './common/request-body';
import { securityHeaders } from './common/security-headers';
import { MemberThrottlerGuard } from './common/throttle';
import type { Config } from './config/config';

export interface AppOptions {
  /** Domain time; by default the system clock, or a controllable one when TEST_CLOCK_ENABLED=true. */
  clock?: Clock;
  wall?: WallClock;
}

/** Builds the HTTP application: used by main.ts, the tests and the benchmark alike. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(
      config,
      options.clock ?? (config.testClockEnabled ? new ControllableClock() : new SystemClock()),
      options.wall ?? new SystemWallClock(),
    ),
    {
      bufferLogs: true,
      bodyParser: false,
    },
  );
  app.useLogger(app.get(Logger));
  app.use(securityHeaders);
  app.use(authenticateBeforeBody(app.get(Authenticator)));
  useRequestBodies(app, config.bodyLimit);
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  // After the AuthGuard (an APP_GUARD, installed first), which names the member it counts.
  app.useGlobalGuards(app.get(MemberThrottlerGuard));

  if (config.docsPublic) serveDocs(app);
  return app;
}

/** The OpenAPI document at /docs/openapi.json and its viewer at /docs (DOCS_PUBLIC). */
function serveDocs(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Herald')
      .setDescription('Notification and messaging subscription service for cloud resource lifecycles')
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'apiKey')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'memberToken')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}
