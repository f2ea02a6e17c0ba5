// npm run migration:run — applies pending migrations to DATABASE_URL under an advisory lock.
import { migrate } from '@app/database/migrator';
import { ownerDataSource } from './data-source';

async function main() {
  const ds = await ownerDataSource().initialize();
  try {
    const applied = await migrate(ds);
    console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'Database is up to date.');
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
