import { admin, runId, templateName } from './db';

export default async function globalTeardown(): Promise<void> {
  if (!process.env.DATABASE_URL) return;
  await admin(async (c) => {
    const rows = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`t\\_${runId()}\\_%`]);
    for (const r of rows.rows) await c.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
    await c.query(`DROP DATABASE IF EXISTS ${templateName()} WITH (FORCE)`);
  });
}
