// Every Redis connection of the platform is made here: one server (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES).
import { Cluster, Redis } from 'ioredis';
import type { AppConfig } from '@app/config';

/** A connection to the platform's Redis, whichever kind it is (the commands used here work on both). */
export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  /** null for BullMQ, whose blocking commands must wait as long as it takes. */
  maxRetriesPerRequest: number | null;
  enableAutoPipelining?: boolean;
  enableOfflineQueue?: boolean;
  lazyConnect?: boolean;
}

/**
 * Opens a connection to the configured Redis. With a cluster, keys are routed by slot: callers keep the keys
 * one command, pipeline or script touches under the configured prefix, whose hash tag puts them in one slot.
 */
export function createRedisClient(config: Pick<AppConfig, 'redisUrl' | 'redisCluster'>, options: RedisClientOptions): RedisClient {
  const cluster = config.redisCluster;
  // The single-server path stays exactly what it was: one ioredis client on the URL.
  if (!cluster) return new Redis(config.redisUrl, options);
  const { maxRetriesPerRequest, ...clusterOptions } = options;
  return new Cluster(cluster.nodes, {
    ...clusterOptions,
    redisOptions: {
      maxRetriesPerRequest,
      username: cluster.username,
      password: cluster.password,
      ...(cluster.tls ? { tls: {} } : {}),
    },
  });
}

/** Where the connection goes, for messages: never a password. */
export function describeRedis(config: Pick<AppConfig, 'redisUrl' | 'redisCluster'>): string {
  if (config.redisCluster) return `the Redis Cluster of ${config.redisCluster.nodes.map((n) => `${n.host}:${n.port}`).join(', ')}`;
  return config.redisUrl.replace(/\/\/[^@/]*@/, '//***@');
}
