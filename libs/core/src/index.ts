export * from './audit/audit.module';
export * from './audit/audit.service';
export * from './database.module';
export * from './entities';
export * from './identity.module';
export * from './redis/redis.module';
export * from './coaching.module';
export * from './notifications/notifications.module';
