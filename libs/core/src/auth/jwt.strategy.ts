import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '@app/config';
import { AuthContext, ROLES } from '@app/common';
import { AccessClaims, JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER } from './tokens.service';

/** Access JWTs: HS256 only (no "none", no key confusion), issuer and audience checked. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwtSecret,
      algorithms: [JWT_ALGORITHM],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  validate(claims: AccessClaims): AuthContext | false {
    if (typeof claims.sub !== 'string' || typeof claims.pid !== 'string' || !ROLES.includes(claims.role)) return false;
    return { practiceId: claims.pid, userId: claims.sub, role: claims.role, clientId: claims.cid ?? null, apiKeyId: null };
  }
}
