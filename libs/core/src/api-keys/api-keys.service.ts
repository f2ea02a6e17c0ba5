import { Injectable } from '@nestjs/common';
import { AuthContext, InvalidInput, NotFound } from '@app/common';
import { newId, TenantDb } from '@app/database';
import { AuditService, created } from '../audit/audit.service';
import { apiKeyPrefix, issueSecret } from '../auth/secrets';
import { User } from '../users/user.entity';
import { ApiKey } from './api-key.entity';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';

const toDto = (k: ApiKey): ApiKeyDto => ({
  id: k.id,
  name: k.name,
  role: k.role,
  userId: k.userId,
  keyPrefix: k.keyPrefix,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
});

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
  ) {}

  create(ctx: AuthContext, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      if (dto.role === 'coach' && !dto.userId) throw new InvalidInput('A coach key acts as a coach: userId is required.', [{ path: 'userId', message: 'userId is required for role coach' }]);
      if (dto.userId) {
        const u = await tx.em.findOneBy(User, { id: dto.userId, practiceId: tx.practiceId });
        const fits = u && (dto.role === 'owner' ? u.role === 'owner' : u.role === 'coach' || u.role === 'owner');
        if (!fits) throw new InvalidInput('userId must name a member of this practice with that role.', [{ path: 'userId', message: 'userId must name a member of this practice with that role' }]);
      }
      const { token, hash } = issueSecret('cpk', tx.practiceId);
      const key = tx.em.create(ApiKey, {
        id: newId(),
        practiceId: tx.practiceId,
        name: dto.name,
        role: dto.role,
        userId: dto.userId ?? null,
        keyHash: hash,
        keyPrefix: apiKeyPrefix(token),
        createdById: ctx.userId,
        lastUsedAt: null,
      });
      await tx.em.insert(ApiKey, key);
      await this.audit.record(tx, ctx, 'create', 'api_key', key.id, created({ name: key.name, role: key.role, userId: key.userId }));
      const saved = await tx.em.findOneByOrFail(ApiKey, { id: key.id, practiceId: tx.practiceId });
      return { ...toDto(saved), key: token };
    });
  }

  list(ctx: AuthContext): Promise<ApiKeyDto[]> {
    return this.db.run(ctx.practiceId, async (tx) => (await tx.em.find(ApiKey, { where: { practiceId: tx.practiceId }, order: { id: 'ASC' } })).map(toDto));
  }

  /** A deleted key stops working at once: authentication reads the table on every request. */
  remove(ctx: AuthContext, id: string): Promise<void> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const res = await tx.em.delete(ApiKey, { id, practiceId: tx.practiceId });
      if (!res.affected) throw new NotFound('API key');
      await this.audit.record(tx, ctx, 'delete', 'api_key', id, null);
    });
  }
}
