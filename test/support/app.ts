import type { NestExpressApplication } from '@nestjs/platform-express';
import { MongoClient } from 'mongodb';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../src/app';
import { TokensService } from '../../src/auth/tokens.service';
import { Clock } from '../../src/common/clock';
import { Config, DEV_API_KEY, loadConfig } from '../../src/config/config';
import type { Role } from '../../src/lifecycle/message-types';

/** A database of this test file's own on the run's shared server (started by global-setup.cjs). */
export function testDatabaseUri(label: string): string {
  const base = process.env.HERALD_TEST_MONGODB_URI;
  if (!base) throw new Error('HERALD_TEST_MONGODB_URI is not set: run the tests through jest (global setup starts the database)');
  const name = `t_${label.replace(/[^A-Za-z0-9]/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  return new URL(name, base).toString();
}

export async function dropDatabase(uri: string): Promise<void> {
  const client = new MongoClient(uri);
  try {
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}

export interface TestApp {
  app: NestExpressApplication;
  config: Config;
  http: () => ReturnType<typeof request>;
  /** Headers for the development service key. */
  serviceKey: Record<string, string>;
  memberAuth: (accountId: string, memberId: string, roles: Role[]) => Record<string, string>;
  close: () => Promise<void>;
}

export async function startTestApp(
  label: string,
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    /** Share a database with another app (several instances). */ databaseUri?: string;
    keepDatabase?: boolean;
  } = {},
): Promise<TestApp> {
  const uri = options.databaseUri ?? testDatabaseUri(label);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', MONGODB_URI: uri, ...options.env });
  const app = await createApp(config, { clock: options.clock });
  await app.init();
  const tokens = app.get(TokensService);
  return {
    app,
    config,
    http: () => request(app.getHttpServer()),
    serviceKey: { 'X-Api-Key': DEV_API_KEY },
    memberAuth: (accountId, memberId, roles) => ({ Authorization: `Bearer ${tokens.mint({ acc: accountId, sub: memberId, roles })}` }),
    close: async () => {
      await app.close();
      if (!options.keepDatabase) await dropDatabase(uri);
    },
  };
}
