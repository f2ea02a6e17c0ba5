import { Injectable } from '@nestjs/common';
import { TenantTx } from '@app/database';
import type { DomainEventConsumer } from '../outbox/domain-event-consumer';
import type { DomainEvent } from '../outbox/domain-event.entity';
import { NotificationsService } from './notifications.service';

interface Parties {
  engagement_id: string;
  title: string;
  coach_id: string;
  client_id: string;
}

/** The prompts domain events call for (a client with or without an account): a proposed goal prompts the client, a request for changes and a submitted review notify the coach, an opened review prompts the client, an assessment alert tells the coach at once. */
@Injectable()
export class PromptsConsumer implements DomainEventConsumer {
  constructor(private readonly notifications: NotificationsService) {}

  async onEvent(tx: TenantTx, e: DomainEvent): Promise<void> {
    const d = e.data;
    switch (e.type) {
      case 'goal.proposed':
      case 'goal.changes_requested': {
        const p = await this.parties(tx, String(d.engagementId));
        const toClient = e.type === 'goal.proposed';
        if (!p) return;
        const comment = toClient ? undefined : await this.changesComment(tx, e.entityId);
        await this.notifications.prompt(tx, {
          kind: toClient ? 'goal_proposed' : 'goal_changes_requested',
          ...(toClient ? { recipientClientId: p.client_id } : { recipientUserId: p.coach_id }),
          subjectType: 'goal',
          subjectId: e.entityId,
          occurrence: `v${String(d.version)}`,
          data: { goalId: e.entityId, engagementId: p.engagement_id, title: d.title, version: d.version, comment },
        });
        return;
      }
      case 'review.opened':
      case 'review.submitted': {
        const review = await this.review(tx, e.entityId);
        // A review opened late (the scheduler catching up after an outage) and already missed asks nothing of the client.
        if (!review || (e.type === 'review.opened' && review.status === 'missed')) return;
        const p = await this.parties(tx, review.engagement_id);
        const toClient = e.type === 'review.opened';
        if (!p) return;
        await this.notifications.prompt(tx, {
          kind: toClient ? 'review_opened' : 'review_submitted',
          ...(toClient ? { recipientClientId: p.client_id } : { recipientUserId: p.coach_id }),
          subjectType: 'review',
          subjectId: e.entityId,
          occurrence: 'once',
          data: { reviewId: e.entityId, engagementId: p.engagement_id, title: p.title, dueAt: review.due_at.toISOString() },
        });
        return;
      }
      case 'assessment.alert': {
        // The coach at once, by email and in-app, whatever their quiet hours: a safety matter.
        const p = await this.parties(tx, String(d.engagementId));
        if (!p) return;
        const [c]: { name: string }[] = await tx.em.query(`SELECT name FROM clients WHERE practice_id = $1 AND id = $2`, [tx.practiceId, String(d.clientId)]);
        await this.notifications.prompt(tx, {
          kind: 'assessment_alert',
          recipientUserId: p.coach_id,
          subjectType: 'form_response',
          subjectId: e.entityId,
          occurrence: 'once',
          data: { responseId: e.entityId, assignmentId: d.assignmentId, engagementId: p.engagement_id, formId: d.formId, title: d.formTitle, clientName: c?.name ?? null },
        });
        return;
      }
    }
  }

  private async parties(tx: TenantTx, engagementId: string): Promise<Parties | undefined> {
    const rows: Parties[] = await tx.em.query(
      `SELECT e.id AS engagement_id, e.title, e.coach_id, e.client_id FROM engagements e WHERE e.practice_id = $1 AND e.id = $2`,
      [tx.practiceId, engagementId],
    );
    return rows[0];
  }

  private async review(tx: TenantTx, id: string): Promise<{ engagement_id: string; due_at: Date; status: string } | undefined> {
    const rows = await tx.em.query(`SELECT engagement_id, due_at, status FROM reviews WHERE practice_id = $1 AND id = $2`, [tx.practiceId, id]);
    return rows[0];
  }

  private async changesComment(tx: TenantTx, goalId: string): Promise<string | undefined> {
    const rows = await tx.em.query(`SELECT changes_requested_comment AS c FROM goals WHERE practice_id = $1 AND id = $2`, [tx.practiceId, goalId]);
    return rows[0]?.c ?? undefined;
  }
}
