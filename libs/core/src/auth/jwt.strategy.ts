import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuthContext, ROLES } from '@app/common';
import { UUID_RE } from '@app/database';
import { AccessClaims } from './tokens.service';

/** Verified tokens remembered at most; beyond it the oldest is forgotten (and verified again if it comes back). */
export const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * Access JWTs: HS256 only (no "none", no key confusion), issuer, audience and expiry checked (the
 * JwtModule's verifyOptions). An access token is self-contained (nothing revokes it before it expires),
 * so a token verified once is remembered with its expiry: a caller's next requests cost a map lookup
 * and a clock check instead of a signature and a JSON parse.
 */
@Injectable()
export class JwtStrategy {
  private readonly verified = new Map<string, { auth: AuthContext; expiresAtMs: number }>();

  constructor(private readonly jwt: JwtService) {}

  /** The caller a valid access token names, else null. */
  authenticate(token: string): AuthContext | null {
    const known = this.verified.get(token);
    if (known) {
      if (Date.now() < known.expiresAtMs) return known.auth;
      this.verified.delete(token);
    }
    let claims: AccessClaims & { exp?: number };
    try {
      claims = this.jwt.verify<AccessClaims & { exp?: number }>(token);
    } catch {
      return null;
    }
    if (typeof claims.sub !== 'string' || typeof claims.pid !== 'string' || !UUID_RE.test(claims.pid) || !ROLES.includes(claims.role)) return null;
    const auth: AuthContext = Object.freeze({ practiceId: claims.pid, userId: claims.sub, role: claims.role, clientId: claims.cid ?? null, apiKeyId: null });
    if (typeof claims.exp === 'number') {
      if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { auth, expiresAtMs: claims.exp * 1000 });
    }
    return auth;
  }
}
