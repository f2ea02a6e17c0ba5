import { Global, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { setDatabaseTimeZones } from '@app/common';
import { AppConfig } from '@app/config';
import { CrossPracticeDb, TenantDb } from '@app/database';
import { SnakeNamingStrategy } from '@app/database/naming.strategy';
import { appPoolOptions } from '@app/database/pool';
import { ENTITIES } from './entities';

/** Loads the zone names PostgreSQL knows before any request is validated (see IsTimeZoneName). */
@Injectable()
export class DatabaseTimeZones implements OnModuleInit {
  constructor(private readonly ds: DataSource) {}

  async onModuleInit(): Promise<void> {
    const rows: { name: string }[] = await this.ds.query(`SELECT name FROM pg_timezone_names`);
    setDatabaseTimeZones(rows.map((r) => r.name));
  }
}

/** The application's PostgreSQL pool: every connection runs as the app role (row-level security applies). */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        type: 'postgres' as const,
        url: config.databaseUrl,
        entities: ENTITIES,
        namingStrategy: new SnakeNamingStrategy(),
        synchronize: false,
        migrationsRun: false,
        logging: false,
        poolSize: config.databasePoolSize,
        applicationName: 'coaching',
        extra: appPoolOptions(),
      }),
    }),
  ],
  providers: [TenantDb, CrossPracticeDb, DatabaseTimeZones],
  exports: [TenantDb, CrossPracticeDb],
})
export class DatabaseModule {}
