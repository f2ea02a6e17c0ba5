// HS256 access tokens as the API issues them (issuer, audience, expiry), minted and checked with node:crypto.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const JWT_ISSUER = 'coaching-platform';
export const JWT_AUDIENCE = 'coaching-api';

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const HEADER = b64({ alg: 'HS256', typ: 'JWT' });

/** An access token for a user: claims sub, pid, role, cid, valid for ttlSeconds. */
export function mintAccessToken(secret, { userId, practiceId, role, clientId = null }, ttlSeconds = 3 * 3600) {
  const now = Math.floor(Date.now() / 1000);
  const body = b64({ sub: userId, pid: practiceId, role, cid: clientId, iat: now, exp: now + ttlSeconds, iss: JWT_ISSUER, aud: JWT_AUDIENCE });
  const sig = createHmac('sha256', secret).update(`${HEADER}.${body}`).digest('base64url');
  return `${HEADER}.${body}.${sig}`;
}

/** The claims of a valid HS256 token (signature, issuer, audience, expiry checked), else null. */
export function verifyAccessToken(secret, token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  let header;
  let claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (header.alg !== 'HS256') return null;
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (claims.iss !== JWT_ISSUER || claims.aud !== JWT_AUDIENCE) return null;
  if (typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000) return null;
  if (typeof claims.sub !== 'string' || typeof claims.pid !== 'string' || !['owner', 'coach', 'client'].includes(claims.role)) return null;
  return claims;
}
