import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const ROLES = ['owner', 'coach', 'client'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is calling, for which practice. Built by the auth guard and passed as the first argument of
 * every service call; jobs carry it as data.
 */
export interface AuthContext {
  readonly practiceId: string;
  /** The acting user; null for a practice-wide API key. */
  readonly userId: string | null;
  readonly role: Role;
  /** Set when the caller is a client user. */
  readonly clientId: string | null;
  readonly apiKeyId: string | null;
  readonly requestId?: string;
}

export interface AuthedRequest {
  auth?: AuthContext;
  id?: string;
}

export const IS_PUBLIC = 'isPublic';
/** The route needs no credentials (and the OpenAPI document says so: no security, no per-credential limit). */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension('x-public', true));

export const ROLES_KEY = 'roles';
/** Roles that may call the route; others get 403. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The caller's AuthContext (the guard guarantees it on non-public routes). */
export const Ctx = createParamDecorator((_: unknown, host: ExecutionContext): AuthContext => {
  const req = host.switchToHttp().getRequest<AuthedRequest>();
  if (!req.auth) throw new Error('AuthContext requested on a public route');
  return req.auth;
});

/** Actor id written to audit events. */
export const actorOf = (ctx: AuthContext): { actorType: 'user' | 'api_key'; actorId: string } =>
  ctx.apiKeyId && !ctx.userId ? { actorType: 'api_key', actorId: ctx.apiKeyId } : { actorType: 'user', actorId: ctx.userId ?? ctx.apiKeyId! };
