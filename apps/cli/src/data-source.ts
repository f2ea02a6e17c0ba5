// The owner-side data source used by the migration CLI (generate, run); the app never uses it.
import 'reflect-metadata';
import { join } from 'node:path';
import { AppConfig } from '@app/config';
import { createDataSource } from '@app/database/data-source.factory';
import { ENTITIES } from '@app/core/entities';

export const MIGRATIONS_GLOB = join(__dirname, '..', '..', '..', 'migrations', '*.js');

export const ownerDataSource = (url = AppConfig.fromProcess().databaseUrl) =>
  createDataSource({ url, entities: ENTITIES, migrations: [MIGRATIONS_GLOB], asOwner: true, poolSize: 2, applicationName: 'coaching-migrate' });

export default ownerDataSource();
