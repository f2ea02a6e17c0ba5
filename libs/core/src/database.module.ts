import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { CrossPracticeDb, TenantDb } from '@app/database';
import { SnakeNamingStrategy } from '@app/database/naming.strategy';
import { APP_ROLE } from '@app/database/roles';
import { ENTITIES } from './entities';

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
        extra: { options: `-c role=${APP_ROLE}` },
      }),
    }),
  ],
  providers: [TenantDb, CrossPracticeDb],
  exports: [TenantDb, CrossPracticeDb],
})
export class DatabaseModule {}
