import { BeforeApplicationShutdown, CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '@app/config';
import { TooManyRequests } from '@app/common';
import { REDIS } from '../redis/redis.module';
import type { RedisClient } from '../redis/redis-client';
import { CredentialLimiter } from './credential-limiter';

const LOGIN_FAILURES_ALLOWED = 10;
const LOGIN_FAILURE_WINDOW_S = 15 * 60;

const retryAfter = (r: RateLimiterRes) => Math.max(1, Math.ceil(r.msBeforeNext / 1000));

/** Rate limits kept in Redis, so every API copy counts the same. */
@Injectable()
export class RateLimitsService implements BeforeApplicationShutdown {
  private readonly perAddress: RateLimiterRedis;
  private readonly loginFailures: RateLimiterRedis;
  private readonly perCredential: CredentialLimiter;

  constructor(@Inject(REDIS) redis: RedisClient, config: AppConfig) {
    this.perAddress = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${config.redisPrefix}:rl:auth-addr`, points: config.authRateLimitPerMinute, duration: 60 });
    this.loginFailures = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${config.redisPrefix}:rl:login-fail`, points: LOGIN_FAILURES_ALLOWED, duration: LOGIN_FAILURE_WINDOW_S });
    this.perCredential = new CredentialLimiter(redis, `${config.redisPrefix}:rl:credential`, config.apiRateLimitPerMinute);
  }

  /** One authenticated request by a credential (a user id, or an API key id): many users may share an address. */
  hitCredential(credential: string): void {
    const wait = this.perCredential.hit(credential);
    if (wait !== null) throw new TooManyRequests(wait);
  }

  /** A stopping copy hands its last counts over to the others (before the Redis connection closes). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.perCredential.flush().catch(() => undefined);
  }

  /** One unauthenticated auth request from an address. */
  async hitAddress(address: string): Promise<void> {
    try {
      await this.perAddress.consume(address);
    } catch (e) {
      if (e instanceof RateLimiterRes) throw new TooManyRequests(retryAfter(e));
      throw e;
    }
  }

  /** Refuses a login to an account that failed too often in the window, whatever the password. */
  async assertLoginAllowed(account: string): Promise<void> {
    const r = await this.loginFailures.get(account);
    if (r && r.consumedPoints >= LOGIN_FAILURES_ALLOWED) throw new TooManyRequests(retryAfter(r), 'Too many failed logins for this account; try again later.');
  }

  async loginFailed(account: string): Promise<void> {
    await this.loginFailures.penalty(account, 1);
  }

  async loginSucceeded(account: string): Promise<void> {
    await this.loginFailures.delete(account);
  }
}

/** Applies the per-address limit to unauthenticated auth endpoints. */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  constructor(private readonly limits: RateLimitsService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    await this.limits.hitAddress(req.ip || 'unknown');
    return true;
  }
}
