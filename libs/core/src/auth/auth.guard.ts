import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportGuard } from '@nestjs/passport';
import { AuthContext, AuthedRequest, Forbidden, IS_PUBLIC, Role, ROLES_KEY, Unauthenticated } from '@app/common';

/** Global: every route needs a JWT or an API key unless marked @Public(). */
@Injectable()
export class AuthGuard extends PassportGuard(['api-key', 'jwt']) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(ctx: ExecutionContext) {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    return super.canActivate(ctx);
  }

  override handleRequest<T>(err: unknown, user: AuthContext | false, _info: unknown, ctx: ExecutionContext): T {
    if (err && !(err instanceof Unauthenticated)) throw err;
    if (!user) throw new Unauthenticated();
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    req.auth = { ...user, requestId: typeof req.id === 'string' ? req.id : undefined };
    return req.auth as T;
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
