import { DataSource, DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './naming.strategy';
import { appPoolOptions } from './pool';

export interface DataSourceParams {
  url: string;
  entities: DataSourceOptions['entities'];
  migrations?: DataSourceOptions['migrations'];
  poolSize?: number;
  /** Connect as the table owner (migrations, tests that inspect the database) instead of the app role. */
  asOwner?: boolean;
  applicationName?: string;
}

/**
 * Application connections switch to APP_ROLE at connect time, so row-level security applies to every
 * query even when DATABASE_URL names a superuser; the role is the same for every borrower of the pool
 * (appPoolOptions).
 */
export function createDataSource(p: DataSourceParams): DataSource {
  return new DataSource({
    type: 'postgres',
    url: p.url,
    entities: p.entities,
    migrations: p.migrations ?? [],
    migrationsTableName: 'schema_migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize: p.poolSize ?? 10,
    applicationName: p.applicationName ?? 'coaching',
    extra: p.asOwner ? {} : appPoolOptions(),
  });
}
