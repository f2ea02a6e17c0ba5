// Runs once before all test files: migrates a template database the files copy from.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createDataSource, migrate } from '@app/database';
import { ENTITIES } from '@app/core/entities';
import { admin, baseUrl, templateName, withDatabase } from './db';

export default async function globalSetup(): Promise<void> {
  if (!process.env.DATABASE_URL) return; // unit-only runs need no database
  // Workers inherit this environment, so every file of this run finds the run's template.
  process.env.TEST_RUN_ID = randomBytes(4).toString('hex');
  const tpl = templateName();
  await admin((c) => c.query(`CREATE DATABASE ${tpl}`));
  const ds = createDataSource({
    url: withDatabase(baseUrl(), tpl),
    entities: ENTITIES,
    // Compiled migrations: the test command builds first, exactly what migration:run applies.
    migrations: [join(__dirname, '..', '..', 'dist', 'migrations', '*.js')],
    asOwner: true,
    poolSize: 2, // one holds the advisory lock, one runs the migrations
  });
  await ds.initialize();
  try {
    await migrate(ds);
  } finally {
    await ds.destroy();
  }
}
