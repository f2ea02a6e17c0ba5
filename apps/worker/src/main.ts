// npm run start:worker: consumes the queues and serves health on WORKER_HEALTH_PORT until SIGTERM.
// First: tracing must be set up before the modules it instruments are loaded.
import './tracing';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppConfig, ConfigError } from '@app/config';
import { stopTracing } from '@app/core/observability/tracing';
import { CrossPracticeDb } from '@app/database';
import { REDIS } from '@app/core/redis/redis.module';
import { describeRedis, RedisClient } from '@app/core/redis/redis-client';
import { startHealthServer } from './health.server';
import { QueueRunner, WorkerModule } from './worker.module';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromProcess();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }

  // abortOnError: false, so a failed boot reaches the catch below and exits 1 instead of dumping core.
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true, abortOnError: false });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.flushLogs();

  const dataSource = app.get(DataSource);
  const redis = app.get<RedisClient>(REDIS);
  // Fail fast at boot rather than report ready and then fail every job.
  await dataSource.query('SELECT 1').catch((err: unknown) => {
    throw new Error(`PostgreSQL is not reachable: ${err instanceof Error ? err.message : String(err)}`);
  });
  await redis.ping().catch((err: unknown) => {
    throw new Error(`Redis is not reachable at ${describeRedis(config)}: ${err instanceof Error ? err.message : String(err)}`);
  });

  const runner = app.get(QueueRunner);
  await runner.start();
  const health = await startHealthServer({ port: config.workerHealthPort, dataSource, crossPractice: app.get(CrossPracticeDb), redis });
  logger.log({ healthPort: health.port }, 'worker started', 'Worker');

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal means "now": held jobs are not lost, BullMQ's stalled check returns them to the queue.
      logger.warn({ signal }, 'second signal, exiting without waiting for active jobs', 'Worker');
      process.exit(1);
    }
    stopping = true;
    logger.log({ signal }, 'stopping: finishing active jobs', 'Worker');
    try {
      await runner.stop();
      await health.close();
      await app.close();
      logger.log('worker stopped', 'Worker');
      await stopTracing();
      process.exit(0);
    } catch (err) {
      console.error('Worker shutdown failed:', err);
      process.exit(1);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(signal));
}

main().catch((err: unknown) => {
  console.error('Worker failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
