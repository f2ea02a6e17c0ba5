import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, Headers, HttpException, Inject } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { NotFound, Public, Unauthenticated } from '@app/common';
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
    private readonly config: AppConfig,
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

  /**
   * Never anonymous on the public port: only with `Authorization: Bearer $METRICS_TOKEN`; without a
   * token configured it is not served here at all (404), only on METRICS_PORT when that is set.
   */
  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  @Header('Cache-Control', 'no-store')
  metrics(@Headers('authorization') authorization: string | undefined): Promise<string> {
    const token = this.config.metricsToken;
    if (token === null) throw new NotFound();
    if (!bearerMatches(authorization, token)) throw new Unauthenticated();
    return metricsRegistry.metrics();
  }
}

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

// Compared as digests: constant time whatever the length given.
const digest = (s: string) => createHash('sha256').update(s).digest();
const bearerMatches = (header: string | undefined, token: string): boolean => {
  const m = typeof header === 'string' ? /^\s*bearer\s+(\S+)\s*$/i.exec(header) : null;
  return !!m && timingSafeEqual(digest(m[1]), digest(token));
};
