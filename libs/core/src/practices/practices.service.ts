import { Injectable } from '@nestjs/common';
import { AuthContext } from '@app/common';
import { TenantDb, TenantTx } from '@app/database';
import { AuditService, diff } from '../audit/audit.service';
import { NotificationsService } from '../notifications/notifications.service';
import { PracticeDto, UpdatePracticeDto } from './dto/practice.dto';
import { Practice } from './practice.entity';
import { toPracticeDto } from './practice.mapper';

@Injectable()
export class PracticesService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  /** The practice of the transaction (row-level security allows no other). */
  current(tx: TenantTx): Promise<Practice> {
    return tx.em.findOneByOrFail(Practice, { id: tx.practiceId });
  }

  get(ctx: AuthContext): Promise<PracticeDto> {
    return this.db.run(ctx.practiceId, async (tx) => toPracticeDto(await this.current(tx)));
  }

  update(ctx: AuthContext, dto: UpdatePracticeDto): Promise<PracticeDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const p = await this.current(tx);
      const changes = diff(p, dto);
      if (Object.keys(changes).length) {
        await tx.em.update(Practice, { id: p.id }, { ...dto });
        await this.audit.record(tx, ctx, 'update', 'practice', p.id, changes);
        if (changes.reminderOffsetsMinutes) await this.notifications.replanSessionReminders(tx);
      }
      return toPracticeDto(await this.current(tx));
    });
  }
}
