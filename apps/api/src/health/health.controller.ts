import { Controller, Get, Header, HttpException, Inject } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from '@app/common';
import { REDIS } from '@app/core/redis/redis.module';
import type { RedisClient } from '@app/core/redis/redis-client';
import { metricsRegistry } from '@app/core/observability/metrics';

export class HealthDto {
  status!: 'ok' | 'unavailable';
  checks?: Record<string, 'up' | 'down'>;
}

@ApiTags('operations')
@Controller()
@Public()
export class HealthController {
  constructor(
    private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {}

  /** The process is up. */
  @Get('health/live')
  live(): HealthDto {
    return { status: 'ok' };
  }

  /** PostgreSQL and Redis answer; 503 otherwise. */
  @Get('health/ready')
  async ready(): Promise<HealthDto> {
    const [postgres, redis] = await Promise.all([
      this.ds.query('SELECT 1').then(() => 'up' as const, () => 'down' as const),
      withTimeout(this.redis.ping(), 1000).then(() => 'up' as const, () => 'down' as const),
    ]);
    const body: HealthDto = { status: postgres === 'up' && redis === 'up' ? 'ok' : 'unavailable', checks: { postgres, redis } };
    if (body.status !== 'ok') throw new HttpException(body, 503);
    return body;
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
