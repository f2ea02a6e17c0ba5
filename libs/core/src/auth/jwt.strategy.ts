import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuthContext, ROLES } from '@app/common';
import { UUID_RE } from '@app/database';
import { AccessClaims } from './tokens.service';

/** Access JWTs: HS256 only (no "none", no key confusion), issuer, audience and expiry checked (the JwtModule's verifyOptions). */
@Injectable()
export class JwtStrategy {
  constructor(private readonly jwt: JwtService) {}

  /** The caller a valid access token names, else null. */
  authenticate(token: string): AuthContext | null {
    let claims: AccessClaims;
    try {
      claims = this.jwt.verify<AccessClaims>(token);
    } catch {
      return null;
    }
    if (typeof claims.sub !== 'string' || typeof claims.pid !== 'string' || !UUID_RE.test(claims.pid) || !ROLES.includes(claims.role)) return null;
    return { practiceId: claims.pid, userId: claims.sub, role: claims.role, clientId: claims.cid ?? null, apiKeyId: null };
  }
}
