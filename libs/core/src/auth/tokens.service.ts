import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { IsNull } from 'typeorm';
import { Unauthenticated } from '@app/common';
import { newId, TenantTx } from '@app/database';
import { User } from '../users/user.entity';
import { RefreshToken } from './refresh-token.entity';
import { hashSecret, issueSecret } from './secrets';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;
export const JWT_ALGORITHM = 'HS256' as const;
export const JWT_ISSUER = 'coaching-platform';
export const JWT_AUDIENCE = 'coaching-api';

export interface AccessClaims {
  sub: string;
  pid: string;
  role: User['role'];
  cid: string | null;
}

/** Access JWTs and rotating refresh tokens (one family per login). */
@Injectable()
export class TokensService {
  constructor(private readonly jwt: JwtService) {}

  accessToken(u: User): string {
    const claims: AccessClaims = { sub: u.id, pid: u.practiceId, role: u.role, cid: u.clientId };
    return this.jwt.sign(claims);
  }

  /** Issues a refresh token; a new login starts a new family. */
  async issueRefresh(tx: TenantTx, userId: string, familyId = newId()): Promise<string> {
    const { token, hash } = issueSecret('crt', tx.practiceId);
    await tx.em.insert(RefreshToken, {
      id: newId(),
      practiceId: tx.practiceId,
      userId,
      familyId,
      tokenHash: hash,
      expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_MS),
      spentAt: null,
      revokedAt: null,
    });
    return token;
  }

  /**
   * Spends a refresh token and returns its user and family. A spent token presented again means it
   * leaked: the whole family is revoked (committed) and the caller gets 401.
   */
  async spend(tx: TenantTx, token: string): Promise<{ userId: string; familyId: string } | 'reused' | null> {
    const row = await tx.em
      .createQueryBuilder(RefreshToken, 't')
      .setLock('pessimistic_write')
      .where('t.practiceId = :p AND t.tokenHash = :h', { p: tx.practiceId, h: hashSecret(token) })
      .getOne();
    if (!row || row.revokedAt) return null;
    if (row.spentAt) {
      await this.revokeFamily(tx, row.familyId);
      return 'reused';
    }
    if (row.expiresAt.getTime() <= Date.now()) return null;
    await tx.em.update(RefreshToken, { id: row.id, practiceId: tx.practiceId }, { spentAt: new Date() });
    return { userId: row.userId, familyId: row.familyId };
  }

  async revokeFamily(tx: TenantTx, familyId: string): Promise<void> {
    await tx.em.update(RefreshToken, { practiceId: tx.practiceId, familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async familyOf(tx: TenantTx, token: string): Promise<{ familyId: string; userId: string } | null> {
    return tx.em.findOne(RefreshToken, { select: { familyId: true, userId: true }, where: { practiceId: tx.practiceId, tokenHash: hashSecret(token) } });
  }
}

export const invalidCredentials = () => new Unauthenticated('The practice, email or password is not correct.');
