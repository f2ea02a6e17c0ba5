import { applyDecorators, BeforeApplicationShutdown, CanActivate, ExecutionContext, Inject, Injectable, UseGuards } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '@app/config';
import { TooManyRequests } from '@app/common';
import { REDIS } from '../redis/redis.module';
import type { RedisClient } from '../redis/redis-client';
import { CredentialLimiter } from './credential-limiter';
import { policyField, RateLimitPolicy, setRateLimitHeaders } from './rate-limit-headers';

const LOGIN_FAILURES_ALLOWED = 10;
const LOGIN_FAILURE_WINDOW_S = 15 * 60;

const retryAfter = (r: RateLimiterRes) => Math.max(1, Math.ceil(r.msBeforeNext / 1000));

/** Rate limits kept in Redis, so every API copy counts the same (each in memory while Redis is unreachable). */
@Injectable()
export class RateLimitsService implements BeforeApplicationShutdown {
  private readonly perAddress: RateLimiterRedis;
  private readonly loginFailures: RateLimiterRedis;
  private readonly perCredential: CredentialLimiter;
  /** Authenticated requests per credential and minute. */
  readonly credentialPolicy: RateLimitPolicy;
  /** Its RateLimit-Policy field, sent on every authenticated answer: worked out once. */
  private readonly credentialPolicyField: string;
  /** Unauthenticated auth requests per client address and minute. */
  readonly addressPolicy: RateLimitPolicy;
  /** Failed logins per account in 15 minutes. */
  readonly accountPolicy: RateLimitPolicy = { name: 'account', quota: LOGIN_FAILURES_ALLOWED, windowSeconds: LOGIN_FAILURE_WINDOW_S };

  constructor(@Inject(REDIS) redis: RedisClient, config: AppConfig) {
    this.credentialPolicy = { name: 'credential', quota: config.apiRateLimitPerMinute, windowSeconds: 60 };
    this.credentialPolicyField = policyField([this.credentialPolicy]);
    this.addressPolicy = { name: 'address', quota: config.authRateLimitPerMinute, windowSeconds: 60 };
    // With Redis unreachable each copy counts in memory instead (at once, not after a timeout): the limits
    // hold per copy, and signing in never fails for it.
    const insured = (keyPrefix: string, points: number, duration: number) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }) });
    this.perAddress = insured(`${config.redisPrefix}:rl:auth-addr`, config.authRateLimitPerMinute, 60);
    this.loginFailures = insured(`${config.redisPrefix}:rl:login-fail`, LOGIN_FAILURES_ALLOWED, LOGIN_FAILURE_WINDOW_S);
    this.perCredential = new CredentialLimiter(redis, `${config.redisPrefix}:rl:credential`, config.apiRateLimitPerMinute);
  }

  /** One authenticated request by a credential (a user id, or an API key id): many users may share an address. */
  hitCredential(credential: string, reply?: FastifyReply): void {
    const wait = this.perCredential.hit(credential);
    const { remaining, resetSeconds } = this.perCredential.standing(credential);
    setRateLimitHeaders(reply, this.credentialPolicyField, this.credentialPolicy, wait === null ? remaining : 0, wait ?? resetSeconds);
    if (wait !== null) throw new TooManyRequests(wait);
  }

  /** A stopping copy hands its last counts over to the others (before the Redis connection closes). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.perCredential.flush().catch(() => undefined);
  }

  /** One unauthenticated auth request from an address. */
  async hitAddress(address: string, reply?: FastifyReply, policies: readonly RateLimitPolicy[] = [this.addressPolicy]): Promise<void> {
    try {
      const r = await this.perAddress.consume(address);
      setRateLimitHeaders(reply, policies, this.addressPolicy, r.remainingPoints, r.msBeforeNext / 1000);
    } catch (e) {
      if (e instanceof RateLimiterRes) {
        setRateLimitHeaders(reply, policies, this.addressPolicy, 0, retryAfter(e));
        throw new TooManyRequests(retryAfter(e));
      }
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
      if (e instanceof RateLimiterRes) throw new TooManyRequests(retryAfter(e), 'Too many failed logins for this account; try again later.', `"${this.accountPolicy.name}";r=0;t=${retryAfter(e)}`);
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
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    // Login also counts failures per account: both policies are announced there.
    const login = req.routeOptions?.url === '/v1/auth/login';
    await this.limits.hitAddress(req.ip || 'unknown', reply, login ? [this.limits.addressPolicy, this.limits.accountPolicy] : [this.limits.addressPolicy]);
    return true;
  }
}

/** The route is limited per client address (and, for login, per account): the guard, and the OpenAPI document says so. */
export const LimitedPerAddress = (...policies: ('address' | 'account')[]) =>
  applyDecorators(UseGuards(AuthRateLimitGuard), ApiExtension('x-rate-limit-policies', policies.length ? policies : ['address']));
