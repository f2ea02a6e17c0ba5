import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { AuthedRequest, Forbidden, IS_PUBLIC, Role, ROLES_KEY, Unauthenticated } from '@app/common';
import { ApiKeyStrategy } from './api-key.strategy';
import { JwtStrategy } from './jwt.strategy';
import { RateLimitsService } from './rate-limits.service';

// `Authorization: <scheme> <token>`, the scheme compared case-insensitively (as passport-jwt read it).
const AUTHORIZATION = /^\s*(\S+)\s+(\S+)\s*$/;

/** Global: every route needs a JWT or an API key (cpk_...) unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtStrategy,
    private readonly apiKeys: ApiKeyStrategy,
    private readonly limits: RateLimitsService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest & { headers: Record<string, string | string[] | undefined> }>();
    const header = req.headers.authorization;
    const m = typeof header === 'string' ? AUTHORIZATION.exec(header) : null;
    const token = m && m[1].toLowerCase() === 'bearer' ? m[2] : null;
    const user = !token ? null : token.startsWith('cpk_') ? await this.apiKeys.authenticate(token) : this.jwt.authenticate(token);
    if (!user) throw new Unauthenticated();
    // Per credential, never per address: a key and a person are limited apart, and an office behind one address is not.
    this.limits.hitCredential(user.apiKeyId ? `key:${user.apiKeyId}` : `user:${user.userId}`, ctx.switchToHttp().getResponse<FastifyReply>());
    req.auth = { ...user, requestId: typeof req.id === 'string' ? req.id : undefined };
    return true;
  }
}

/** Global, after AuthGuard: @Roles(...) names who may call; anyone else authenticated gets 403. */
@Injectable()
export class RolesGuard {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (!roles) return true;
    const auth = ctx.switchToHttp().getRequest<AuthedRequest>().auth;
    if (!auth) return true; // public route
    if (!roles.includes(auth.role)) throw new Forbidden();
    return true;
  }
}
