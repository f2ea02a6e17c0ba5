import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, ConfigModule } from '@app/config';
import { ProblemFilter } from '@app/common';
import { IdempotencyInterceptor } from '@app/common/idempotency/idempotency.interceptor';
import { AuditModule, CoachingHttpModule, DatabaseModule, IdentityHttpModule, RedisModule } from '@app/core';
import { AvailabilityModule } from '@app/core/availability/availability.module';
import { ActingUserInterceptor } from '@app/core/auth/acting-user.interceptor';
import { AuthGuard, RolesGuard } from '@app/core/auth/auth.guard';
import { loggerParams } from '@app/core/observability/logging';
import { FormsHttpModule } from '@app/core/forms/forms.module';
import { JournalHttpModule } from '@app/core/journal/journal.module';
import { NotificationsHttpModule } from '@app/core/notifications/notifications.module';
import { PrivacyModule } from '@app/core/privacy/privacy.module';
import { ReviewsHttpModule } from '@app/core/reviews/reviews.module';
import { SessionsModule } from '@app/core/sessions/sessions.module';
import { WebhooksHttpModule } from '@app/core/webhooks/webhooks.module';
import { HealthController } from './health/health.controller';
import { MetricsPort } from './health/metrics-port';

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => loggerParams(config, 'api') }),
    DatabaseModule,
    RedisModule,
    AuditModule,
    // Each *HttpModule adds the controllers to a domain module the worker shares without them.
    IdentityHttpModule,
    CoachingHttpModule,
    SessionsModule,
    AvailabilityModule,
    ReviewsHttpModule,
    PrivacyModule,
    NotificationsHttpModule,
    WebhooksHttpModule,
    FormsHttpModule,
    JournalHttpModule,
  ],
  controllers: [HealthController],
  providers: [
    { provide: APP_FILTER, useClass: ProblemFilter },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
    { provide: APP_INTERCEPTOR, useClass: ActingUserInterceptor },
    MetricsPort,
  ],
})
export class AppModule {}
