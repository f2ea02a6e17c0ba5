import { BeforeApplicationShutdown, CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '@app/config';
import { TooManyRequests } from '@app/common';
import { REDIS } from '../redis/redis.module';
import { CredentialLimiter } from './credential-limiter';

const LOGIN_FAILURES_ALLOWED = 10;
const LOGIN_FAILURE_WINDOW_S = 15 * 60;

const retryAfter = (r: RateLimiterRes) => Math.max(1, Math.ceil(r.msBeforeNext / 1000));

/** Rate limits kept in Redis, so every API copy counts the same (each in memory while Redis is unreachable). */
@Injectable()
export class RateLimitsService implements BeforeApplicationShutdown {
  private readonly perAddress: RateLimiterRedis;
  private readonly loginFailures: RateLimiterRedis;
  private readonly perCredential: CredentialLimiter;

  constructor(@Inject(REDIS) redis: Redis, config: AppConfig) {
    // With Redis unreachable each copy counts in memory instead (at once, not after a timeout): the limits
    // hold per copy, and signing in never fails for it.
    const insured = (keyPrefix: string, points: number, duration: number) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }) });
    this.perAddress = insured(`${config.redisPrefix}:rl:auth-addr`, config.authRateLimitPerMinute, 60);
    this.loginFailures = insured(`${config.redisPrefix}:rl:login-fail`, LOGIN_FAILURES_ALLOWED, LOGIN_FAILURE_WINDOW_S);
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

  /**
   * Takes one of the account's attempts before its password is checked (one atomic increment), so
   * concurrent guesses cannot all pass a check made before any of them was counted: past the limit
   * the attempt is refused, whatever the password, until the window passes. A failed attempt keeps its
   * count; a successful one clears the account's count (loginSucceeded).
   */
  async takeLoginAttempt(account: string): Promise<void> {
    try {
      await this.loginFailures.consume(account);
    } catch (e) {
      if (e instanceof RateLimiterRes) throw new TooManyRequests(retryAfter(e), 'Too many failed logins for this account; try again later.');
      throw e;
    }
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
