import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { AuthContext } from '@app/common';
import { TenantDb } from '@app/database';
import { ApiKey } from '../api-keys/api-key.entity';
import { hashSecret, practiceOfSecret } from './secrets';

/** `Authorization: Bearer cpk_...`: an integration acting for its practice with the key's role. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(private readonly db: TenantDb) {
    super();
  }

  async validate(req: Request): Promise<AuthContext | false> {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const practiceId = token.startsWith('cpk_') ? practiceOfSecret('cpk', token) : null;
    if (!practiceId) return false;
    const key = await this.db.run(practiceId, async (tx) => {
      const row = await tx.em.findOne(ApiKey, { select: { id: true, role: true, userId: true }, where: { practiceId, keyHash: hashSecret(token) } });
      // Last use is kept to the minute: at most one write a minute per key.
      if (row) await tx.em.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND practice_id = $2 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [row.id, practiceId]);
      return row;
    });
    if (!key) return false;
    return { practiceId, userId: key.userId, role: key.role, clientId: null, apiKeyId: key.id };
  }
}
