import { admin } from './db';

export default async function globalTeardown(): Promise<void> {
  if (!process.env.DATABASE_URL) return;
  await admin(async (c) => {
    const rows = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 't\\_%'`);
    for (const r of rows.rows) await c.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
  });
}
