// The schema comes from migrations only: the entities and the migrated database must not drift.
import { DataSource } from 'typeorm';
import { createDataSource } from '@app/database';
import { ENTITIES } from '@app/core/entities';
import { createTestDatabase, dropTestDatabase } from './support/db';

describe('migrations', () => {
  let ds: DataSource;
  let name: string;
  beforeAll(async () => {
    const db = await createTestDatabase();
    name = db.name;
    ds = await createDataSource({ url: db.url, entities: ENTITIES, asOwner: true, poolSize: 1 }).initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await dropTestDatabase(name);
  });

  it('match the entities exactly (run `npm run migration:generate` after changing an entity)', async () => {
    const sql = await ds.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query.trim())).toEqual([]);
  });
});
