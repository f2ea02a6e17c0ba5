// Boots the real API (real PostgreSQL, real Redis) against a database of its own for one test file.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { Client as PgClient } from 'pg';
import request from 'supertest';
import { AppConfig } from '@app/config';
import { AppModule } from '../../apps/api/src/app.module';
import { configureApi, createHttpAdapter } from '../../apps/api/src/bootstrap';
import { createTestDatabase, dropTestDatabase } from './db';

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  config: AppConfig;
  /** A superuser connection to this file's database, for asserting what was (not) written. */
  sql: PgClient;
  dbUrl: string;
  close(): Promise<void>;
}

// One secret per test process: passport's JWT strategy is process-wide.
const jwtSecret = process.env.JWT_SECRET ?? randomBytes(32).toString('hex');

/** `override` replaces providers before the app compiles (e.g. a resolver a test controls). */
export async function startApp(env: Record<string, string> = {}, override: (b: TestingModuleBuilder) => TestingModuleBuilder = (b) => b): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = AppConfig.from({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '5',
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    API_RATE_LIMIT_PER_MINUTE: '100000',
    REDIS_PREFIX: `t${randomBytes(4).toString('hex')}`,
    JWT_SECRET: jwtSecret,
    ...env,
  });
  const moduleRef = await override(Test.createTestingModule({ imports: [AppModule] }).overrideProvider(AppConfig).useValue(config)).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), { bodyParser: false, bufferLogs: true });
  await configureApi(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const sql = new PgClient({ connectionString: db.url });
  await sql.connect();
  return {
    app,
    http: request(app.getHttpServer()),
    config,
    sql,
    dbUrl: db.url,
    async close() {
      await sql.end();
      await app.close();
      await dropTestDatabase(db.name);
    },
  };
}
