// Test databases: migrations run once into a template; each test file gets its own copy.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const baseUrl = (): string => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the suite with `npm test`');
  return url;
};

export const withDatabase = (url: string, db: string): string => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
};

/** Set by global setup: test runs sharing a server (two terminals, a helper) never touch each other's databases. */
export const runId = (): string => process.env.TEST_RUN_ID ?? 'local';

export const templateName = (): string => `tpl_${runId()}`;

export async function admin<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: withDatabase(baseUrl(), 'postgres') });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(): Promise<{ url: string; name: string }> {
  const name = `t_${runId()}_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${templateName()}`));
  return { url: withDatabase(baseUrl(), name), name };
}

export async function dropTestDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
