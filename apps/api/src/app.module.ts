import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, ConfigModule } from '@app/config';
import { ProblemFilter } from '@app/common';
import { IdempotencyInterceptor } from '@app/common/idempotency/idempotency.interceptor';
import { AuditModule, CoachingModule, DatabaseModule, IdentityModule, RedisModule } from '@app/core';
import { AuthGuard, RolesGuard } from '@app/core/auth/auth.guard';
import { loggerParams } from '@app/core/observability/logging';
import { HttpMetricsMiddleware } from '@app/core/observability/metrics';
import { HealthController } from './health/health.controller';

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => loggerParams(config, 'api') }),
    DatabaseModule,
    RedisModule,
    AuditModule,
    IdentityModule,
    CoachingModule,
  ],
  controllers: [HealthController],
  providers: [
    { provide: APP_FILTER, useClass: ProblemFilter },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
