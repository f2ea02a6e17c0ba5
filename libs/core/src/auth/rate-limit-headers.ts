// The RateLimit-Policy and RateLimit response fields of draft-ietf-httpapi-ratelimit-headers (structured
// field lists: a policy name with q quota, w window seconds; r remaining, t seconds until the quota resets).
import type { FastifyReply } from 'fastify';

export interface RateLimitPolicy {
  readonly name: string;
  readonly quota: number;
  readonly windowSeconds: number;
}

export const policyField = (policies: readonly RateLimitPolicy[]): string => policies.map((p) => `"${p.name}";q=${p.quota};w=${p.windowSeconds}`).join(', ');

export const limitField = (policy: RateLimitPolicy, remaining: number, resetSeconds: number): string =>
  `"${policy.name}";r=${Math.max(0, remaining)};t=${Math.max(0, Math.ceil(resetSeconds))}`;

/** Announces the route's policies (or their field, worked out once) and where the caller stands in the one that was counted. */
export function setRateLimitHeaders(reply: FastifyReply | undefined, policies: readonly RateLimitPolicy[] | string, counted: RateLimitPolicy, remaining: number, resetSeconds: number): void {
  if (!reply || typeof reply.header !== 'function') return;
  reply.header('RateLimit-Policy', typeof policies === 'string' ? policies : policyField(policies));
  reply.header('RateLimit', limitField(counted, remaining, resetSeconds));
}
