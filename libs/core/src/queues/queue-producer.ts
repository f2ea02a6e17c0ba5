import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { AppConfig } from '@app/config';
import { createRedisClient, RedisClient } from '../redis/redis-client';
import { QueueName } from './queue-names';

/** Adds jobs to the queues; one Redis connection, one Queue object per queue, opened on first use. */
@Injectable()
export class QueueProducer implements OnApplicationShutdown {
  private connection: RedisClient | undefined;
  private readonly queues = new Map<QueueName, Queue>();

  constructor(private readonly config: AppConfig) {}

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      this.connection ??= createRedisClient(this.config, { maxRetriesPerRequest: null });
      q = new Queue(name, { connection: this.connection, prefix: this.config.redisPrefix });
      this.queues.set(name, q);
    }
    return q;
  }

  async addBulk(name: QueueName, jobs: { name: string; data: object; opts: JobsOptions }[]): Promise<void> {
    if (jobs.length) await this.queue(name).addBulk(jobs);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.connection?.quit().catch(() => undefined);
  }
}
