import { DataSource } from 'typeorm';

// Any fixed number: every process that migrates takes the same lock, so only one applies migrations.
const MIGRATION_LOCK = 727_001;

/** Applies pending migrations under an advisory lock; returns the names applied. */
export async function migrate(ds: DataSource): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
